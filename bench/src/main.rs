//! The server load benchmark: `scripts/bench.sh` (docs/PERFORMANCE.md).
//!
//! Builds (once) and copies a national-scale database, starts the release
//! server on loopback, and runs the scenarios: wrk for single routes, and
//! this program's own tokio clients for user journeys (an exam sat by 3,000
//! trainees, an enrolment storm, a login storm). Every figure is reported
//! beside the baseline measured in the same run, the invariants are checked
//! after each scenario, and the table is printed and written as JSON.

use anyhow::{bail, Context, Result};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PASSWORD: &str = "academy-demo";

struct Options {
    scale: f64,
    quick: bool,
    out: PathBuf,
}

fn options() -> Result<Options> {
    let mut options = Options {
        scale: 1.0,
        quick: false,
        out: root().join("target/bench/results.json"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--scale" => options.scale = args.next().context("--scale N")?.parse()?,
            "--quick" => options.quick = true,
            "--out" => options.out = PathBuf::from(args.next().context("--out FILE")?),
            "-h" | "--help" => {
                println!("academy-bench [--scale N] [--quick] [--out FILE]");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?} (see --help)"),
        }
    }
    Ok(options)
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_owned()
}

// ------------------------------------------------------------ measurement

/// Latencies of one scenario, in microseconds.
#[derive(Default, Clone)]
struct Samples {
    micros: Vec<u64>,
    errors: u64,
    /// Open loop only: how late each request left against its schedule (µs).
    /// The generator shares the server's cores; when its own requests leave
    /// late, the machine, not only the server, was short of CPU.
    late_micros: Vec<u64>,
    /// Open loop only: (scheduled at, late by, took), µs, for the trace file.
    trace: Vec<(u64, u64, u64)>,
}

impl Samples {
    fn percentile(&self, p: f64) -> f64 {
        if self.micros.is_empty() {
            return 0.0;
        }
        let mut sorted = self.micros.clone();
        sorted.sort_unstable();
        let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
        sorted[rank] as f64 / 1000.0
    }
}

/// One row of the table.
#[derive(Clone, Debug)]
struct Row {
    scenario: String,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
    requests: u64,
    /// p99 at half the saturating rate (open loop), where measured.
    p99_half_ms: Option<f64>,
    /// p99 of how late the open loop's own requests left, where measured.
    half_rate_lag_ms: Option<f64>,
    note: String,
}

impl Row {
    fn json(&self, baseline: f64) -> Value {
        json!({
            "scenario": self.scenario,
            "requests_per_second": round(self.rps),
            "p50_ms": round(self.p50_ms),
            "p99_ms": round(self.p99_ms),
            "errors": self.errors,
            "requests": self.requests,
            "ratio_to_baseline": round(self.rps / baseline),
            "p99_at_half_rate_ms": self.p99_half_ms.map(round),
            "generator_lag_p99_at_half_rate_ms": self.half_rate_lag_ms.map(round),
            "note": self.note,
        })
    }
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// wrk's figures for one route: requests/s, p50, p99, errors.
fn wrk(
    url: &str,
    script: Option<&Path>,
    seconds: u32,
    connections: u32,
    env: &[(&str, String)],
) -> Result<Row> {
    let mut command = Command::new("wrk");
    command
        .arg("-t2")
        .arg(format!("-c{connections}"))
        .arg(format!("-d{seconds}s"))
        .arg("--latency")
        .arg("--timeout")
        .arg("10s");
    if let Some(script) = script {
        command.arg("-s").arg(script);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command
        .arg(url)
        .output()
        .context("running wrk (Debian: apt-get install wrk)")?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        bail!(
            "wrk failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let number_after = |label: &str| -> Option<f64> {
        text.lines()
            .find_map(|line| line.trim().strip_prefix(label))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
    };
    let latency = |percent: &str| -> f64 {
        text.lines()
            .find_map(|line| line.trim().strip_prefix(percent))
            .map(|v| parse_duration_ms(v.trim()))
            .unwrap_or(f64::NAN)
    };
    let requests = text
        .lines()
        .find_map(|line| {
            line.trim()
                .split_once(" requests in ")
                .and_then(|(n, _)| n.trim().parse::<u64>().ok())
        })
        .unwrap_or(0);
    let non_2xx = number_after("Non-2xx or 3xx responses:").unwrap_or(0.0) as u64;
    let socket_errors: u64 = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("Socket errors:"))
        .map(|rest| {
            rest.split(',')
                .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    Ok(Row {
        scenario: String::new(),
        rps: number_after("Requests/sec:").unwrap_or(0.0),
        p50_ms: latency("50%"),
        p99_ms: latency("99%"),
        errors: non_2xx + socket_errors,
        requests,
        p99_half_ms: None,
        half_rate_lag_ms: None,
        note: String::new(),
    })
}

fn parse_duration_ms(text: &str) -> f64 {
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => value / 1000.0,
        "ms" => value,
        "s" => value * 1000.0,
        "m" => value * 60_000.0,
        _ => f64::NAN,
    }
}

/// Open-loop load at `rate` requests/s for `seconds`: requests start on
/// schedule whether or not earlier ones have finished, so a slow server
/// shows as latency, not as a lower rate.
async fn open_loop(
    client: &reqwest::Client,
    requests: Arc<Vec<(String, Option<String>)>>,
    rate: f64,
    seconds: f64,
) -> Samples {
    let samples = Arc::new(Mutex::new(Samples::default()));
    let total = (rate * seconds) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate.max(1.0));
    let started = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..total {
        tokio::time::sleep_until(started + interval * n as u32).await;
        let (url, cookie) = requests[n % requests.len()].clone();
        let client = client.clone();
        let samples = samples.clone();
        let scheduled = interval * n as u32;
        tasks.spawn(async move {
            let late = started.elapsed().saturating_sub(scheduled);
            let start = Instant::now();
            let mut request = client.get(&url);
            if let Some(cookie) = cookie {
                request = request.header("cookie", cookie);
            }
            let ok = match request.send().await {
                Ok(response) => {
                    let ok = response.status().is_success();
                    let _ = response.bytes().await;
                    ok
                }
                Err(_) => false,
            };
            let took = start.elapsed().as_micros() as u64;
            let mut samples = samples.lock().unwrap();
            samples.micros.push(took);
            samples.late_micros.push(late.as_micros() as u64);
            samples
                .trace
                .push((scheduled.as_micros() as u64, late.as_micros() as u64, took));
            if !ok {
                samples.errors += 1;
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let samples = samples.lock().unwrap().clone();
    samples
}

// ------------------------------------------------------------ the world

struct World {
    db: SqlitePool,
    base: String,
    me_cookies: Vec<String>,
    numbers: Vec<String>,
    /// Every certificate's number, for lookups no cache can hold.
    all_numbers: Vec<String>,
    instructor_cookie: String,
    admin_cookie: String,
    gradebook_class: i64,
    exam: ExamSetup,
    storm_classes: Vec<i64>,
    storm_cookies: Vec<String>,
    login_emails: Vec<String>,
    course_code: String,
}

struct ExamSetup {
    exam_id: i64,
    class_id: i64,
    questions: Vec<i64>,
    trainees: Vec<(i64, String)>,
}

fn cookie(token: &str) -> String {
    format!("academy_session={token}")
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Sessions for `users`, made directly in the database (a benchmark of
/// pages, not of argon2); returns the cookies.
async fn sessions(db: &SqlitePool, users: &[i64], tag: &str) -> Result<Vec<String>> {
    let now = unix_now();
    let mut tx = db.begin().await?;
    let mut cookies = Vec::with_capacity(users.len());
    for (n, user) in users.iter().enumerate() {
        let token = format!("bench-{tag}-{n}-{user}");
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip, user_agent, last_seen_at)
             VALUES (?, ?, ?, ?, '127.0.0.1', 'academy-bench', ?)",
        )
        .bind(token_hash(&token))
        .bind(user)
        .bind(now)
        .bind(now + 86_400)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        cookies.push(cookie(&token));
    }
    tx.commit().await?;
    Ok(cookies)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

async fn prepare(db: &SqlitePool, base: &str, rng: &mut rand::rngs::StdRng) -> Result<World> {
    let trainees: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE role = 'trainee' AND email LIKE 'scale%' ORDER BY id",
    )
    .fetch_all(db)
    .await?;
    if trainees.len() < 10_000 {
        bail!(
            "the scale world has {} trainees; run with a larger --scale",
            trainees.len()
        );
    }
    let id_of = |email: &str| {
        sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE email = ?")
            .bind(email.to_owned())
            .fetch_one(db)
    };
    let instructor = id_of("instructor@academy.test").await?;
    let admin = id_of("admin@academy.test").await?;
    let now = unix_now();

    // /me of random trainees.
    let me_users: Vec<i64> = trainees.choose_multiple(rng, 1000).copied().collect();
    let me_cookies = sessions(db, &me_users, "me").await?;
    let instructor_cookie = sessions(db, &[instructor], "teach").await?.remove(0);
    let admin_cookie = sessions(db, &[admin], "admin").await?.remove(0);
    let mut numbers: Vec<String> =
        sqlx::query_scalar("SELECT number FROM certificates ORDER BY random() LIMIT 5000")
            .fetch_all(db)
            .await?;
    numbers.shuffle(rng);
    let all_numbers: Vec<String> = sqlx::query_scalar("SELECT number FROM certificates")
        .fetch_all(db)
        .await?;
    let (course_id, course_code): (i64, String) =
        sqlx::query_as("SELECT id, code FROM courses WHERE code = 'SC01-AUD'")
            .fetch_one(db)
            .await?;
    let questions: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM questions WHERE course_id = ? ORDER BY id LIMIT 20")
            .bind(course_id)
            .fetch_all(db)
            .await?;

    let new_class = |name: &str, capacity: i64, waitlist: bool| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO classes (course_id, name_zh, name_en, starts_on, ends_on, city_zh, city_en,
                                  venue, capacity, waitlist, approval, enrol_opens_at, enrol_closes_at, created_at)
             VALUES (?, ?, ?, date('now', '+30 days'), date('now', '+34 days'), '北京', 'Beijing', '',
                     ?, ?, 'automatic', ?, ?, ?) RETURNING id",
        )
        .bind(course_id)
        .bind(format!("基准测试：{name}"))
        .bind(format!("Benchmark: {name}"))
        .bind(capacity)
        .bind(waitlist)
        .bind(now - 3600)
        .bind(now + 30 * 86_400)
        .bind(now)
        .fetch_one(db)
    };

    // A class of 60 with a graded final examination: the gradebook.
    let gradebook_class = new_class("gradebook", 60, false).await?;
    sqlx::query("INSERT INTO class_instructors (class_id, instructor_id) VALUES (?, ?)")
        .bind(gradebook_class)
        .bind(instructor)
        .execute(db)
        .await?;
    let sixty: Vec<i64> = trainees[20_000..20_060].to_vec();
    for trainee in &sixty {
        sqlx::query(
            "INSERT INTO enrolments (class_id, trainee_id, state, attended, created_at, updated_at)
             VALUES (?, ?, 'completed', 1, ?, ?)",
        )
        .bind(gradebook_class)
        .bind(trainee)
        .bind(now)
        .bind(now)
        .execute(db)
        .await?;
    }
    let graded_exam = new_exam(
        db,
        gradebook_class,
        &questions[..10],
        instructor,
        now - 7200,
        now - 3600,
        Some(now - 1800),
    )
    .await?;
    sqlx::query(
        "INSERT INTO attempts (exam_id, trainee_id, number, state, layout, started_at, deadline_at,
                               submitted_at, closed_by, max_points, score)
         SELECT ?1, trainee_id, 1, 'graded',
                (SELECT json_group_array(json_object('question', question_id, 'options', json('[0,1,2,3]')))
                 FROM (SELECT question_id FROM exam_questions WHERE exam_id = ?1 ORDER BY position)),
                ?2, ?2 + 5400, ?2 + 3000, 'trainee', 100, (6 + trainee_id % 5) * 10
         FROM enrolments WHERE class_id = ?3",
    )
    .bind(graded_exam)
    .bind(now - 7000)
    .bind(gradebook_class)
    .execute(db)
    .await?;
    sqlx::query(
        "INSERT INTO answers (attempt_id, question_id, response, saved_at, needs_grading, points)
         SELECT a.id, eq.question_id, CASE WHEN eq.position <= a.score / 10 THEN '0' ELSE '1' END,
                a.started_at + 60 * eq.position, 0, CASE WHEN eq.position <= a.score / 10 THEN 10 ELSE 0 END
         FROM attempts a JOIN exam_questions eq ON eq.exam_id = a.exam_id WHERE a.exam_id = ?",
    )
    .bind(graded_exam)
    .execute(db)
    .await?;

    // The exam: 3,000 trainees approved in one class, a paper of twenty
    // questions open now.
    let exam_class = new_class("exam", 3000, false).await?;
    let exam_trainees: Vec<i64> = trainees[..3000].to_vec();
    sqlx::query(
        "INSERT INTO enrolments (class_id, trainee_id, state, created_at, updated_at)
         SELECT ?1, id, 'approved', ?2, ?2 FROM users WHERE id IN (SELECT value FROM json_each(?3))",
    )
    .bind(exam_class)
    .bind(now)
    .bind(serde_json::to_string(&exam_trainees)?)
    .execute(db)
    .await?;
    let exam_id = new_exam(
        db,
        exam_class,
        &questions,
        instructor,
        now - 60,
        now + 4 * 3600,
        None,
    )
    .await?;
    let exam_cookies = sessions(db, &exam_trainees, "exam").await?;

    // The enrolment storm: ten classes of thirty, no waiting list.
    // Twice: 1,000 trainees within a second, and 1,000 at one instant.
    let mut storm_classes = Vec::new();
    for n in 0..20 {
        storm_classes.push(new_class(&format!("storm {n}"), 30, false).await?);
    }
    let storm_users: Vec<i64> = trainees[5_000..7_000].to_vec();
    let storm_cookies = sessions(db, &storm_users, "storm").await?;

    let login_emails: Vec<String> = sqlx::query_scalar(
        "SELECT email FROM users WHERE email LIKE 'scale%' ORDER BY random() LIMIT 1000",
    )
    .fetch_all(db)
    .await?;

    Ok(World {
        db: db.clone(),
        base: base.to_owned(),
        me_cookies,
        numbers,
        all_numbers,
        instructor_cookie,
        admin_cookie,
        gradebook_class,
        exam: ExamSetup {
            exam_id,
            class_id: exam_class,
            questions,
            trainees: exam_trainees.into_iter().zip(exam_cookies).collect(),
        },
        storm_classes,
        storm_cookies,
        login_emails,
        course_code,
    })
}

#[allow(clippy::too_many_arguments)]
async fn new_exam(
    db: &SqlitePool,
    class: i64,
    questions: &[i64],
    by: i64,
    opens: i64,
    closes: i64,
    released: Option<i64>,
) -> Result<i64> {
    let exam: i64 = sqlx::query_scalar(
        "INSERT INTO exams (class_id, title_zh, title_en, selection, time_limit_minutes, opens_at, closes_at,
                            attempts_allowed, counting, pass_percent, shuffle, released_at, released_by,
                            created_by, created_at)
         VALUES (?, '基准测试考试', 'Benchmark examination', 'fixed', 240, ?, ?, 1, 'highest', 60, 0, ?, ?, ?, ?)
         RETURNING id",
    )
    .bind(class)
    .bind(opens)
    .bind(closes)
    .bind(released)
    .bind(released.map(|_| by))
    .bind(by)
    .bind(opens)
    .fetch_one(db)
    .await?;
    for (position, question) in questions.iter().enumerate() {
        sqlx::query("INSERT INTO exam_questions (exam_id, question_id, position) VALUES (?, ?, ?)")
            .bind(exam)
            .bind(question)
            .bind(position as i64 + 1)
            .execute(db)
            .await?;
    }
    Ok(exam)
}

// ------------------------------------------------------------ the server

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        // The server's own PID, never a group; it has its own grace period
        // (10 s), and past 20 s it is killed.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        for _ in 0..200 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        eprintln!("the server did not stop within 20 s of SIGTERM; killing it");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn academy() -> PathBuf {
    root().join("target/release/academy")
}

async fn start_server(database: &Path, log: &Path) -> Result<Server> {
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let child = Command::new(academy())
        .arg("serve")
        .env("ACADEMY_ADDR", format!("127.0.0.1:{port}"))
        .env("ACADEMY_PUBLIC_URL", &base)
        .env("ACADEMY_DATABASE_URL", database)
        .env("LEPTOS_SITE_ROOT", root().join("target/site"))
        .env("ACADEMY_LOG", "warn")
        // The benchmark is one address: the per-address limits would
        // measure themselves.
        .env("ACADEMY_LOOKUPS_PER_MINUTE", "1000000000")
        .env("ACADEMY_HASH_QUEUE", "1000")
        // Logins come from many addresses (X-Forwarded-For, as behind a
        // proxy): from one, the per-address login throttle answers 429
        // after twenty in flight and the storm would measure that instead.
        .env("ACADEMY_TRUST_PROXY", "true")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log)?)
        .spawn()
        .with_context(|| format!("starting {}", academy().display()))?;
    let server = Server { child, base };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(response) = client.get(format!("{}/healthz", server.base)).send().await {
            if response.status().is_success() {
                return Ok(server);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the server did not start; see {}", log.display())
}

/// The pristine scale database, made once per scale factor and copied for
/// each run (a run writes to it).
fn scale_database(scale: f64) -> Result<(PathBuf, Option<f64>)> {
    let dir = root().join("target/bench");
    std::fs::create_dir_all(&dir)?;
    let pristine = dir.join(format!("scale-{scale}.db"));
    let marker = dir.join(format!("scale-{scale}.done"));
    let mut made_in = None;
    if !marker.exists() {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", pristine.display()));
        }
        let run = |args: &[&str]| -> Result<()> {
            let status = Command::new(academy())
                .args(args)
                .env("ACADEMY_DATABASE_URL", &pristine)
                .env("ACADEMY_LOG", "warn")
                .status()?;
            if !status.success() {
                bail!("academy {} failed", args.join(" "));
            }
            Ok(())
        };
        run(&["demo"])?;
        let started = Instant::now();
        run(&["demo", "--scale", &scale.to_string()])?;
        made_in = Some(started.elapsed().as_secs_f64());
        std::fs::write(&marker, format!("{:.1}\n", made_in.unwrap_or_default()))?;
    }
    let run = dir.join("run.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", run.display()));
    }
    std::fs::copy(&pristine, &run)?;
    Ok((run, made_in))
}

// ------------------------------------------------------------ scenarios

fn write_lines(name: &str, lines: &[String]) -> Result<PathBuf> {
    let file: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = root().join("target/bench").join(file);
    std::fs::write(&path, lines.join("\n") + "\n")?;
    Ok(path)
}

/// A wrk run over random paths (and cookies) from files.
fn wrk_paths(
    world: &World,
    name: &str,
    paths: &[String],
    cookies: &[String],
    seconds: u32,
) -> Result<Row> {
    let script = root().join("bench/lua/random_paths.lua");
    let paths_file = write_lines(&format!("{name}.paths"), paths)?;
    let mut env = vec![("BENCH_PATHS", paths_file.display().to_string())];
    if !cookies.is_empty() {
        let cookies_file = write_lines(&format!("{name}.cookies"), cookies)?;
        env.push(("BENCH_COOKIES", cookies_file.display().to_string()));
    }
    let mut row = wrk(&world.base, Some(&script), seconds, 64, &env)?;
    row.scenario = name.to_owned();
    Ok(row)
}

async fn half_rate_p99(world: &World, row: &mut Row, paths: &[String], cookies: &[String]) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .expect("client");
    let requests: Vec<(String, Option<String>)> = paths
        .iter()
        .enumerate()
        .map(|(n, path)| {
            (
                format!("{}{path}", world.base),
                (!cookies.is_empty()).then(|| cookies[n % cookies.len()].clone()),
            )
        })
        .collect();
    let samples = open_loop(&client, Arc::new(requests), row.rps / 2.0, 5.0).await;
    row.p99_half_ms = Some(samples.percentile(99.0));
    let lag = Samples {
        micros: samples.late_micros.clone(),
        ..Samples::default()
    };
    row.half_rate_lag_ms = Some(lag.percentile(99.0));
    row.note = format!("generator lag p99 {:.2} ms", lag.percentile(99.0));
    // Every request of the open loop, for a look at when the slow ones came
    // (a stall of the machine shows as a burst of late starts and slow
    // answers together).
    let lines: Vec<String> = std::iter::once("scheduled_us\tlate_us\ttook_us".to_owned())
        .chain(
            samples
                .trace
                .iter()
                .map(|(at, late, took)| format!("{at}\t{late}\t{took}")),
        )
        .collect();
    if let Err(error) = write_lines(&format!("{}.half-rate.tsv", row.scenario), &lines) {
        eprintln!("   could not write the half-rate trace: {error}");
    }
}

/// 3,000 trainees sit the exam: each opens it within the first 30 seconds
/// (as a room of people does when the paper opens), saves an answer every
/// 5–30 s, and hands in during the last 20 seconds. After:
/// every acknowledged answer is in the database as last acknowledged, and
/// every attempt is handed in.
async fn exam_scenario(world: &World, seconds: f64) -> Result<(Row, Vec<String>)> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(4000)
        .timeout(Duration::from_secs(60))
        .build()?;
    let samples = Arc::new(Mutex::new(Samples::default()));
    let acknowledged: Arc<Mutex<HashMap<(i64, i64), String>>> = Default::default();
    let attempts: Arc<Mutex<Vec<i64>>> = Default::default();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (n, (_, cookie)) in world.exam.trainees.iter().enumerate() {
        let client = client.clone();
        let cookie = cookie.clone();
        let base = world.base.clone();
        let questions = world.exam.questions.clone();
        let exam = world.exam.exam_id;
        let samples = samples.clone();
        let acknowledged = acknowledged.clone();
        let attempts = attempts.clone();
        tasks.spawn(async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(n as u64);
            let total_ms = (seconds * 1000.0) as u64;
            let hand_in_at = total_ms - rng.gen_range(0..20_000.min(total_ms / 2));
            tokio::time::sleep(Duration::from_millis(
                rng.gen_range(0..30_000.min(total_ms / 3)),
            ))
            .await;
            let call = |endpoint: &'static str, form: Vec<(&'static str, String)>| {
                let client = client.clone();
                let cookie = cookie.clone();
                let url = format!("{base}/api/{endpoint}");
                let samples = samples.clone();
                async move {
                    let start = Instant::now();
                    let response = client
                        .post(url)
                        .header("cookie", cookie)
                        .header("sec-fetch-site", "same-origin")
                        .form(&form)
                        .send()
                        .await;
                    let outcome = match response {
                        Ok(response) if response.status().is_success() => {
                            response.json::<Value>().await.ok()
                        }
                        _ => None,
                    };
                    let mut samples = samples.lock().unwrap();
                    samples.micros.push(start.elapsed().as_micros() as u64);
                    if outcome.is_none() {
                        samples.errors += 1;
                    }
                    outcome
                }
            };
            let Some(attempt) = call("exams/start", vec![("exam_id", exam.to_string())])
                .await
                .and_then(|v| v.as_i64())
            else {
                return;
            };
            attempts.lock().unwrap().push(attempt);
            loop {
                let wait = rng.gen_range(5_000..30_000);
                if started.elapsed().as_millis() as u64 + wait > hand_in_at {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(wait)).await;
                let question = questions[rng.gen_range(0..questions.len())];
                let answer = rng.gen_range(0..4).to_string();
                if call(
                    "exams/answer",
                    vec![
                        ("attempt_id", attempt.to_string()),
                        ("question_id", question.to_string()),
                        ("answer", answer.clone()),
                    ],
                )
                .await
                .is_some()
                {
                    acknowledged
                        .lock()
                        .unwrap()
                        .insert((attempt, question), answer);
                }
            }
            let left = hand_in_at.saturating_sub(started.elapsed().as_millis() as u64);
            tokio::time::sleep(Duration::from_millis(left)).await;
            call("exams/submit", vec![("attempt_id", attempt.to_string())]).await;
        });
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = started.elapsed().as_secs_f64();
    let samples = samples.lock().unwrap().clone();

    let mut problems = Vec::new();
    let acknowledged = acknowledged.lock().unwrap().clone();
    let stored: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT a.attempt_id, a.question_id, a.response FROM answers a
         JOIN attempts t ON t.id = a.attempt_id WHERE t.exam_id = ?",
    )
    .bind(world.exam.exam_id)
    .fetch_all(&world.db)
    .await?;
    let stored: HashMap<(i64, i64), String> =
        stored.into_iter().map(|(a, q, r)| ((a, q), r)).collect();
    let lost = acknowledged
        .iter()
        .filter(|(key, answer)| stored.get(key) != Some(answer))
        .count();
    if lost > 0 {
        problems.push(format!("exam: {lost} acknowledged answers not as saved"));
    }
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM attempts WHERE exam_id = ? AND state = 'in_progress'",
    )
    .bind(world.exam.exam_id)
    .fetch_one(&world.db)
    .await?;
    let started_attempts = attempts.lock().unwrap().len();
    if open > 0 || started_attempts != world.exam.trainees.len() {
        problems.push(format!(
            "exam: {started_attempts} of {} started, {open} not handed in",
            world.exam.trainees.len()
        ));
    }
    let _ = world.exam.class_id;
    Ok((
        Row {
            scenario: "exam: 3,000 trainees".into(),
            rps: samples.micros.len() as f64 / elapsed,
            p50_ms: samples.percentile(50.0),
            p99_ms: samples.percentile(99.0),
            errors: samples.errors,
            requests: samples.micros.len() as u64,
            p99_half_ms: None,
            half_rate_lag_ms: None,
            note: format!("{} answers acknowledged, {lost} lost", acknowledged.len()),
        },
        problems,
    ))
}

/// 1,000 trainees enrol into ten classes of thirty: all at the same instant
/// (`spread` zero, a burst), or arriving evenly within `spread`. After:
/// every class holds exactly thirty.
async fn enrolment_storm(
    world: &World,
    classes: &[i64],
    cookies: &[String],
    spread: Duration,
) -> Result<(Row, Vec<String>)> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1000)
        .build()?;
    let samples = Arc::new(Mutex::new(Samples::default()));
    let barrier = Arc::new(tokio::sync::Barrier::new(cookies.len()));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    let step = spread / cookies.len() as u32;
    for (n, cookie) in cookies.iter().enumerate() {
        let class = classes[n % classes.len()];
        let (client, cookie, samples, barrier) = (
            client.clone(),
            cookie.clone(),
            samples.clone(),
            barrier.clone(),
        );
        let url = format!("{}/api/enrolment/enrol", world.base);
        tasks.spawn(async move {
            barrier.wait().await;
            tokio::time::sleep(step * n as u32).await;
            let start = Instant::now();
            let status = client
                .post(url)
                .header("cookie", cookie)
                .header("sec-fetch-site", "same-origin")
                .form(&[("class_id", class.to_string())])
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0);
            let mut samples = samples.lock().unwrap();
            samples.micros.push(start.elapsed().as_micros() as u64);
            // Full is an answer, not an error.
            if status != 200 && status != 409 {
                samples.errors += 1;
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = started.elapsed().as_secs_f64();
    let samples = samples.lock().unwrap().clone();
    let mut problems = Vec::new();
    for class in classes {
        let seats: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM enrolments WHERE class_id = ? AND state IN ('approved', 'pending')",
        )
        .bind(class)
        .fetch_one(&world.db)
        .await?;
        if seats != 30 {
            problems.push(format!(
                "enrolment storm: class {class} holds {seats}, not 30"
            ));
        }
    }
    Ok((
        Row {
            scenario: if spread.is_zero() {
                "enrolment burst: 1,000 at one instant into 10×30".into()
            } else {
                format!(
                    "enrolment storm: 1,000 within {} s into 10×30",
                    spread.as_secs_f64()
                )
            },
            rps: samples.micros.len() as f64 / elapsed,
            p50_ms: samples.percentile(50.0),
            p99_ms: samples.percentile(99.0),
            errors: samples.errors,
            requests: samples.micros.len() as u64,
            p99_half_ms: None,
            half_rate_lag_ms: None,
            note: "capacity exact".into(),
        },
        problems,
    ))
}

/// Logins at `rate` a second for `seconds` (a real argon2 check each);
/// the answers by status code (0: no answer).
async fn login_load(
    base: String,
    emails: Vec<String>,
    rate: f64,
    seconds: f64,
) -> std::collections::BTreeMap<u16, u64> {
    let client = reqwest::Client::new();
    let ok = Arc::new(Mutex::new(std::collections::BTreeMap::new()));
    let interval = Duration::from_secs_f64(1.0 / rate);
    let started = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..(rate * seconds) as usize {
        tokio::time::sleep_until(started + interval * n as u32).await;
        let email = emails[n % emails.len()].clone();
        let (client, ok) = (client.clone(), ok.clone());
        let url = format!("{base}/api/auth/login");
        tasks.spawn(async move {
            let address = format!("10.{}.{}.{}", n / 65_536 % 256, n / 256 % 256, n % 256);
            let status = client
                .post(url)
                .header("sec-fetch-site", "same-origin")
                .header("x-forwarded-for", address)
                .form(&[("email", email.as_str()), ("password", PASSWORD)])
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0);
            *ok.lock().unwrap().entry(status).or_insert(0) += 1;
        });
    }
    while tasks.join_next().await.is_some() {}
    let answers = ok.lock().unwrap().clone();
    answers
}

/// Every page of the scale world, timed by the server itself
/// (`Server-Timing`): the median of five, and those over 50 ms.
async fn page_times(world: &World) -> Result<Vec<(String, f64)>> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let number = &world.numbers[0];
    let trainee_cookie = &world.exam.trainees[0].1;
    let holder_number: String = sqlx::query_scalar(
        "SELECT c.number FROM certificates c JOIN users u ON u.id = c.holder_id
         WHERE u.email = 'trainee@academy.test' LIMIT 1",
    )
    .fetch_one(&world.db)
    .await?;
    let demo_trainee: String = sqlx::query_scalar(
        "SELECT c.number FROM certificates c WHERE c.number LIKE 'P01-%' LIMIT 1",
    )
    .fetch_one(&world.db)
    .await?;
    let trainee_me = sessions(
        &world.db,
        &[sqlx::query_scalar::<_, i64>(
            "SELECT id FROM users WHERE email = 'trainee@academy.test'",
        )
        .fetch_one(&world.db)
        .await?],
        "pages",
    )
    .await?
    .remove(0);
    // The scale world's fullest class (not the benchmark's own 3,000).
    let big_class: i64 = sqlx::query_scalar(
        "SELECT e.class_id FROM enrolments e JOIN classes k ON k.id = e.class_id
         WHERE k.name_en NOT LIKE 'Benchmark%' GROUP BY e.class_id ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .fetch_one(&world.db)
    .await?;
    let exam_of_class: i64 = sqlx::query_scalar("SELECT id FROM exams WHERE class_id = ? LIMIT 1")
        .bind(world.gradebook_class)
        .fetch_one(&world.db)
        .await?;
    let scale_class_with_exam: i64 = sqlx::query_scalar(
        "SELECT e.class_id FROM exams e JOIN classes c ON c.id = e.class_id
         JOIN courses co ON co.id = c.course_id WHERE co.code LIKE 'SC%' LIMIT 1",
    )
    .fetch_one(&world.db)
    .await?;
    // A visitor with a cookie the server does not know: public pages are
    // rendered for them, not sent from what the server keeps (this table
    // is about rendering; the public scenarios above measure the keeping).
    let rendering_visitor = "bench_render=1".to_owned();
    let visitor = Some(&rendering_visitor);
    let trainee = Some(&trainee_me);
    let scale_trainee = Some(trainee_cookie);
    let teacher = Some(&world.instructor_cookie);
    let admin = Some(&world.admin_cookie);
    let class = world.gradebook_class;
    let pages: Vec<(String, Option<&String>)> = vec![
        ("/".into(), visitor),
        ("/courses".into(), visitor),
        ("/courses?q=审核".into(), visitor),
        ("/courses?page=3".into(), visitor),
        (format!("/courses/{}", world.course_code), visitor),
        ("/verify".into(), visitor),
        (format!("/verify/{number}"), visitor),
        (format!("/verify/{demo_trainee}"), visitor),
        ("/auditors".into(), visitor),
        ("/auditors?q=王".into(), visitor),
        ("/auditors?q=P05-2024".into(), visitor),
        ("/auditors?page=400".into(), visitor),
        ("/login".into(), visitor),
        ("/register".into(), visitor),
        ("/me".into(), trainee),
        ("/me".into(), scale_trainee),
        (format!("/exams/{}", world.exam.exam_id), scale_trainee),
        (format!("/certificates/{holder_number}"), trainee),
        ("/teach".into(), teacher),
        (format!("/teach/classes/{class}"), teacher),
        (format!("/teach/classes/{class}/gradebook"), teacher),
        (format!("/teach/classes/{class}/exams"), teacher),
        (format!("/teach/exams/{exam_of_class}"), teacher),
        (format!("/teach/exams/{exam_of_class}/grade"), teacher),
        (
            format!("/teach/courses/{}/questions", world.course_code),
            teacher,
        ),
        (format!("/teach/classes/{big_class}"), admin),
        (format!("/teach/classes/{big_class}/gradebook"), admin),
        (
            format!("/teach/classes/{scale_class_with_exam}/gradebook"),
            admin,
        ),
        ("/admin/users".into(), admin),
        ("/admin/users?q=王&page=20".into(), admin),
        ("/admin/users?role=trainee&page=500".into(), admin),
        ("/admin/courses".into(), admin),
        ("/admin/import".into(), admin),
        ("/admin/certificates".into(), admin),
        ("/admin/certificates/types".into(), admin),
        (
            format!("/admin/certificates/classes/{scale_class_with_exam}"),
            admin,
        ),
        (format!("/admin/certificates/record?number={number}"), admin),
    ];
    let mut times = Vec::new();
    for (path, cookie) in pages {
        let mut runs = Vec::new();
        for _ in 0..5 {
            let mut request = client.get(format!("{}{path}", world.base));
            if let Some(cookie) = cookie {
                request = request.header("cookie", cookie);
            }
            let response = request.send().await?;
            let status = response.status();
            let timing = response
                .headers()
                .get("server-timing")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split("dur=").nth(1))
                .and_then(|v| v.parse::<f64>().ok());
            let _ = response.bytes().await;
            if !status.is_success() {
                bail!("{path} answered {status}");
            }
            runs.push(timing.context("no Server-Timing header")?);
        }
        runs.sort_by(f64::total_cmp);
        times.push((path, runs[2]));
    }
    Ok(times)
}

// ------------------------------------------------------------ the run

#[tokio::main]
async fn main() -> Result<()> {
    let options = options()?;
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    if !academy().exists() {
        bail!("{} is missing: run `make build` first", academy().display());
    }
    eprintln!("== the scale world (scale {})", options.scale);
    let (database, made_in) = scale_database(options.scale)?;
    let pool = SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(
            SqliteConnectOptions::new()
                .filename(&database)
                .busy_timeout(Duration::from_secs(30)),
        )
        .await?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(2026);
    let log = root().join("target/bench/server.log");
    // Prepared before the server starts: sessions, the exam, the classes.
    let placeholder = "http://127.0.0.1";
    let mut world = prepare(&pool, placeholder, &mut rng).await?;
    let server = start_server(&database, &log).await?;
    world.base = server.base.clone();
    let seconds: u32 = if options.quick { 4 } else { 10 };
    let mut rows = Vec::new();
    let mut problems = Vec::new();

    eprintln!("== baseline and single routes (wrk, {seconds} s each)");
    let mut baseline = wrk(&format!("{}/healthz", world.base), None, seconds, 64, &[])?;
    baseline.scenario = "baseline: /healthz".into();
    let paths = |f: &dyn Fn(&str) -> String| world.numbers.iter().map(|n| f(n)).collect::<Vec<_>>();
    let api_paths = paths(&|n| format!("/api/v1/certificates/{n}"));
    let verify_paths = paths(&|n| format!("/verify/{n}"));
    let register_paths: Vec<String> = [
        "王", "李", "张", "刘", "陈", "杨伟", "P05-2024", "P12", "黄", "赵敏",
    ]
    .iter()
    .map(|q| format!("/auditors?q={}", urlencode(q)))
    .collect();
    let catalogue_paths: Vec<String> = [
        "审核",
        "清洁生产",
        "Shanghai",
        "auditor",
        "江苏",
        "化工",
        "training",
        "源头",
    ]
    .iter()
    .map(|q| format!("/courses?q={}", urlencode(q)))
    .collect();
    let gradebook_paths = vec![format!(
        "/teach/classes/{}/gradebook",
        world.gradebook_class
    )];
    let me_paths = vec!["/me".to_owned()];
    let scenarios: Vec<(&str, &Vec<String>, Vec<String>)> = vec![
        ("public: /api/v1/certificates/{n}", &api_paths, vec![]),
        ("public: /verify/{n}", &verify_paths, vec![]),
        ("public: /auditors?q=…", &register_paths, vec![]),
        ("public: /courses?q=…", &catalogue_paths, vec![]),
        ("logged in: /me", &me_paths, world.me_cookies.clone()),
        (
            "logged in: gradebook of 60",
            &gradebook_paths,
            vec![world.instructor_cookie.clone()],
        ),
    ];
    for (name, paths, cookies) in &scenarios {
        let mut row = wrk_paths(&world, name, paths, cookies, seconds)?;
        half_rate_p99(&world, &mut row, paths, cookies).await;
        eprintln!("   {name}: {:.0} req/s", row.rps);
        rows.push(row);
    }
    // The lookups above draw from 5,000 certificates, so most answers come
    // from what the server keeps. Over the whole register (100,000) most
    // do not: reported beside them, with no budget of their own.
    for (name, path) in [
        (
            "whole register: /api/v1/certificates/{n}",
            "/api/v1/certificates/",
        ),
        ("whole register: /verify/{n}", "/verify/"),
    ] {
        let paths: Vec<String> = world
            .all_numbers
            .iter()
            .map(|n| format!("{path}{n}"))
            .collect();
        let row = wrk_paths(&world, name, &paths, &[], seconds)?;
        eprintln!("   {name}: {:.0} req/s", row.rps);
        rows.push(row);
    }

    eprintln!("== exam: 3,000 trainees");
    let exam_seconds = if options.quick { 40.0 } else { 90.0 };
    let (row, found) = exam_scenario(&world, exam_seconds).await?;
    rows.push(row);
    problems.extend(found);

    eprintln!("== enrolment storm");
    let (first, second) = world.storm_classes.split_at(10);
    let (early, late) = world.storm_cookies.split_at(world.storm_cookies.len() / 2);
    let (row, found) = enrolment_storm(&world, first, early, Duration::from_secs(1)).await?;
    rows.push(row);
    problems.extend(found);
    let (row, found) = enrolment_storm(&world, second, late, Duration::ZERO).await?;
    rows.push(row);
    problems.extend(found);

    eprintln!("== login storm: 50 logins a second beside the public scenario");
    let mut quiet = wrk_paths(&world, "public, without logins", &api_paths, &[], seconds)?;
    quiet.scenario = "public: /api/v1/certificates/{n} (alone)".into();
    let logins = tokio::spawn(login_load(
        world.base.clone(),
        world.login_emails.clone(),
        50.0,
        seconds as f64,
    ));
    let mut stormy = tokio::task::spawn_blocking({
        let base = world.base.clone();
        let paths = api_paths.clone();
        move || -> Result<Row> {
            let script = root().join("bench/lua/random_paths.lua");
            let file = write_lines("login-storm.paths", &paths)?;
            wrk(
                &base,
                Some(&script),
                seconds,
                64,
                &[("BENCH_PATHS", file.display().to_string())],
            )
        }
    })
    .await??;
    let answers = logins.await?;
    stormy.scenario = "public: /api/v1/certificates/{n} (with 50 logins/s)".into();
    stormy.note = format!(
        "logins answered: {}",
        answers
            .iter()
            .map(|(status, n)| format!("{n}× {status}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    rows.push(quiet.clone());
    rows.push(stormy.clone());

    eprintln!("== every page of the scale world (server time, median of 5)");
    let times = page_times(&world).await?;

    // Numbering after everything: gapless per prefix and year.
    let gaps: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (
             SELECT substr(number, 1, length(number) - 6) AS series,
                    COUNT(*) AS n, MAX(CAST(substr(number, -5) AS INTEGER)) AS top
             FROM certificates GROUP BY series HAVING n != top)",
    )
    .fetch_one(&world.db)
    .await?;
    if gaps > 0 {
        problems.push(format!("numbering: {gaps} series with a gap or duplicate"));
    }
    drop(server);

    // The table.
    let base_rps = baseline.rps;
    let mut table = String::new();
    table.push_str(
        "| scenario | req/s | p50 ms | p99 ms | errors | ratio to baseline | p99 ms at half rate | note |\n|---|---|---|---|---|---|---|---|\n",
    );
    for row in std::iter::once(&baseline).chain(rows.iter()) {
        table.push_str(&format!(
            "| {} | {:.0} | {:.2} | {:.2} | {} | {:.0}% | {} | {} |\n",
            row.scenario,
            row.rps,
            row.p50_ms,
            row.p99_ms,
            row.errors,
            100.0 * row.rps / base_rps,
            row.p99_half_ms
                .map(|p| format!("{p:.2}"))
                .unwrap_or_default(),
            row.note
        ));
    }
    let slow: Vec<&(String, f64)> = times.iter().filter(|(_, ms)| *ms > 50.0).collect();
    let mut pages_table = String::from("| page | server ms |\n|---|---|\n");
    for (path, ms) in &times {
        pages_table.push_str(&format!("| `{path}` | {ms:.2} |\n"));
    }

    // Budgets (issue 13), as ratios to the baseline of the same run.
    let find = |name: &str| rows.iter().find(|r| r.scenario.starts_with(name));
    let ratio = |name: &str| find(name).map(|r| r.rps / base_rps).unwrap_or(0.0);
    let mut budgets: Vec<(String, bool)> = vec![
        (
            format!(
                "verification JSON ≥ 50% of baseline: {:.0}%",
                100.0 * ratio("public: /api/v1/certificates/{n}")
            ),
            ratio("public: /api/v1/certificates/{n}") >= 0.5,
        ),
        (
            format!(
                "verify page ≥ 30%: {:.0}%",
                100.0 * ratio("public: /verify")
            ),
            ratio("public: /verify") >= 0.3,
        ),
        (
            format!("/me ≥ 15%: {:.0}%", 100.0 * ratio("logged in: /me")),
            ratio("logged in: /me") >= 0.15,
        ),
        (
            format!(
                "catalogue search ≥ 15%: {:.0}%",
                100.0 * ratio("public: /courses")
            ),
            ratio("public: /courses") >= 0.15,
        ),
    ];
    for row in rows.iter().filter(|r| r.p99_half_ms.is_some()) {
        let p = row.p99_half_ms.unwrap_or(f64::MAX);
        budgets.push((
            format!("{}: p99 ≤ 10 ms at half rate: {p:.2} ms", row.scenario),
            p <= 10.0,
        ));
    }
    if let Some(exam) = find("exam") {
        budgets.push((
            format!(
                "exam: 0 errors ({}), p99 ≤ 250 ms ({:.1})",
                exam.errors, exam.p99_ms
            ),
            exam.errors == 0 && exam.p99_ms <= 250.0,
        ));
    }
    if let Some(storm) = find("enrolment storm") {
        budgets.push((
            format!(
                "enrolment storm (within 1 s): p99 ≤ 50 ms ({:.1})",
                storm.p99_ms
            ),
            storm.p99_ms <= 50.0,
        ));
    }
    budgets.push((
        format!(
            "login storm: p99 with logins ≤ 2× without ({:.2} vs {:.2} ms)",
            stormy.p99_ms, quiet.p99_ms
        ),
        stormy.p99_ms <= 2.0 * quiet.p99_ms.max(1.0),
    ));
    budgets.push((
        format!("every page ≤ 50 ms of server time ({} over)", slow.len()),
        slow.is_empty(),
    ));

    println!(
        "\n## Server benchmark — {} — {cpus} cores, load generator on the same machine\n",
        today()
    );
    if let Some(made) = made_in {
        println!(
            "Scale world (scale {}) generated in {made:.1} s.\n",
            options.scale
        );
    }
    println!("{table}");
    println!("Budgets:\n");
    for (text, held) in &budgets {
        println!("- {} {text}", if *held { "HELD" } else { "MISSED" });
    }
    println!(
        "\nPages over 50 ms of server time: {}",
        if slow.is_empty() {
            "none".to_owned()
        } else {
            slow.iter()
                .map(|(p, ms)| format!("{p} ({ms:.1} ms)"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    println!("\n{pages_table}");
    println!(
        "Invariants: {}",
        if problems.is_empty() {
            "all held (no answer lost, capacity exact, numbering gapless)".to_owned()
        } else {
            problems.join("; ")
        }
    );

    let report = json!({
        "date": today(),
        "cpus": cpus,
        "scale": options.scale,
        "quick": options.quick,
        "scale_world_seconds": made_in,
        "baseline": baseline.json(base_rps),
        "scenarios": rows.iter().map(|r| r.json(base_rps)).collect::<Vec<_>>(),
        "pages_server_ms": times.iter().map(|(p, ms)| json!({"page": p, "ms": round(*ms)})).collect::<Vec<_>>(),
        "budgets": budgets.iter().map(|(t, held)| json!({"budget": t, "held": held})).collect::<Vec<_>>(),
        "invariants": problems,
    });
    if let Some(dir) = options.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&options.out, serde_json::to_string_pretty(&report)?)?;
    println!("\nWritten to {}", options.out.display());
    if !problems.is_empty() {
        std::process::exit(1);
    }
    Ok(())
}

fn today() -> String {
    let output = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d %H:%M UTC")
        .output();
    output
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
