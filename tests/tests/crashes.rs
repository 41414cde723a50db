//! The release server killed with SIGKILL twenty times at random moments
//! while trainees autosave answers and an administrator issues certificates
//! in bulk: afterwards every write a client saw acknowledged is there, the
//! database passes its integrity check, certificate numbers have no gap or
//! duplicate, and the server starts again. Also: a restart in the middle of
//! an exam, after which the trainee goes on with every saved answer.

use academy_tests::browser::{academy_binary, run_academy, site_root};
use academy_tests::encode_form;
use app::domain::catalogue::{Category, CentreKind};
use app::domain::enrolment::{Approval, EnrolmentState};
use app::domain::Role;
use app::ssr::db::{self, catalogue, certificates, enrolments, sessions, users, Db};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KILLS: usize = 20;
const CLASSES: usize = 600;
const TRAINEES_PER_CLASS: usize = 3;
const PREFIX: &str = "CRA";

/// A small random source (xorshift), seeded from the clock and printed, so a
/// failing run can be replayed.
struct Random(u64);

impl Random {
    fn new() -> Self {
        let seed = std::env::var("CRASH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(7)
                    | 1
            });
        eprintln!("crash test seed: CRASH_SEED={seed}");
        Random(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// `academy serve` on `port`, waited for until it listens.
fn start(database: &Path, port: u16) -> Child {
    let mut child = Command::new(academy_binary())
        .arg("serve")
        .env("ACADEMY_ADDR", format!("127.0.0.1:{port}"))
        .env("ACADEMY_DATABASE_URL", database)
        .env("LEPTOS_SITE_ROOT", site_root())
        .env("ACADEMY_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("academy serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("listening on") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(30))
        .expect("the server starts (again)");
    child
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A session for an existing account, written straight into the database.
async fn session(db: &Db, user_id: i64, token: &str) {
    let mut tx = db.begin_write().await.unwrap();
    let now = db::now();
    sessions::insert(
        &mut tx,
        &app::ssr::auth::token_hash(token),
        user_id,
        now,
        now + 86_400,
        None,
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

fn client(port: u16, token: &str) -> reqwest::Client {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(
        &format!("{}={token}", app::ssr::auth::SESSION_COOKIE),
        &format!("http://127.0.0.1:{port}/").parse().unwrap(),
    );
    reqwest::Client::builder()
        .cookie_provider(jar)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

async fn call(
    client: &reqwest::Client,
    port: u16,
    endpoint: &str,
    form: &[(&str, &str)],
) -> Option<reqwest::Response> {
    client
        .post(format!("http://127.0.0.1:{port}/api/{endpoint}"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encode_form(form))
        .send()
        .await
        .ok()
}

/// Classes of completed trainees and a certificate type that needs no
/// exam: bulk issue has work to do for the whole run.
async fn seed_classes(db: &Db) -> (i64, Vec<(i64, Vec<i64>)>) {
    let now = db::now();
    let mut tx = db.begin_write().await.unwrap();
    let centre = catalogue::insert_centre(
        &mut tx,
        &catalogue::NewCentre {
            code: "CRASH",
            kind: CentreKind::National,
            name_zh: "崩溃测试中心",
            name_en: "Crash test centre",
        },
        now,
    )
    .await
    .unwrap();
    let course = catalogue::insert_course(
        &mut tx,
        &catalogue::NewCourse {
            code: "CRASH-AUD",
            centre_id: centre,
            category: Category::AuditorTraining,
            title: ("清洁生产审核", "Cleaner production audit"),
            summary: ("", ""),
            hours: 40,
            published: true,
        },
        now,
    )
    .await
    .unwrap();
    let type_id = certificates::insert_type(
        &mut tx,
        &certificates::NewType {
            prefix: PREFIX,
            name: ("清洁生产审核员", "Cleaner Production Auditor"),
            validity_months: 36,
            course_id: course,
            requires_exam: false,
        },
        now,
    )
    .await
    .unwrap();
    let mut classes = Vec::new();
    for c in 0..CLASSES {
        let name = format!("第{c}期");
        let class = catalogue::insert_class(
            &mut tx,
            &catalogue::NewClass {
                course_id: course,
                name: (&name, &format!("Class {c}")),
                starts_on: "2026-01-05",
                ends_on: "2026-01-20",
                city: ("北京", "Beijing"),
                venue: "",
                capacity: 30,
                waitlist: false,
                approval: Approval::Automatic,
                enrol_opens_at: now - 86_400 * 60,
                enrol_closes_at: now - 86_400 * 50,
            },
            now,
        )
        .await
        .unwrap();
        let mut trainees = Vec::new();
        for t in 0..TRAINEES_PER_CLASS {
            let email = format!("crash-{c}-{t}@example.cn");
            let id = users::insert(
                &mut tx,
                &users::NewUser {
                    email: &email,
                    name: &format!("学员{c}-{t}"),
                    password_hash: "$argon2id$v=19$m=19456,t=2,p=1$unused$unused",
                    role: Role::Trainee,
                    organisation: "",
                    province: None,
                    industry: None,
                },
                now,
            )
            .await
            .unwrap();
            enrolments::insert_as_is(&mut tx, class, id, EnrolmentState::Completed, "", now)
                .await
                .unwrap();
            trainees.push(id);
        }
        classes.push((class, trainees));
    }
    tx.commit().await.unwrap();
    (type_id, classes)
}

#[tokio::test]
async fn twenty_kills_during_bulk_issue_and_autosave_lose_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("academy.db");
    let demo = run_academy(&database, &["demo"], &[]);
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );

    let db = Db::connect(&database.to_string_lossy(), 2).await.unwrap();
    let admin: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'admin@academy.test'")
        .fetch_one(&db.reader)
        .await
        .unwrap();
    session(&db, admin, "crash-admin").await;
    // Trainees sitting the demo's quiz, each with the questions of their paper.
    let sittings: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, trainee_id FROM attempts WHERE state = 'in_progress' ORDER BY id LIMIT 8",
    )
    .fetch_all(&db.reader)
    .await
    .unwrap();
    assert!(!sittings.is_empty(), "the demo has attempts in progress");
    let mut papers = Vec::new();
    for (attempt, trainee) in &sittings {
        sqlx::query("UPDATE attempts SET deadline_at = ? WHERE id = ?")
            .bind(db::now() + 3600)
            .bind(attempt)
            .execute(&db.writer)
            .await
            .unwrap();
        let questions: Vec<i64> = sqlx::query_scalar(
            "SELECT a.question_id FROM answers a JOIN questions q ON q.id = a.question_id
             WHERE a.attempt_id = ? AND q.kind IN ('short_answer', 'essay')",
        )
        .bind(attempt)
        .fetch_all(&db.reader)
        .await
        .unwrap();
        if questions.is_empty() {
            continue;
        }
        let token = format!("crash-trainee-{trainee}");
        session(&db, *trainee, &token).await;
        papers.push((*attempt, token, questions));
    }
    assert!(
        !papers.is_empty(),
        "papers with written answers to autosave"
    );
    let (type_id, classes) = seed_classes(&db).await;
    db.reader.close().await;
    db.writer.close().await;

    let port = free_port();
    let server = Arc::new(Mutex::new(Some(start(&database, port))));
    let stop = Arc::new(AtomicBool::new(false));

    // Autosave: each trainee keeps typing, the counter only grows; the last
    // value the server acknowledged for each question is remembered.
    let acked: Arc<Mutex<HashMap<(i64, i64), u64>>> = Default::default();
    let mut workers = Vec::new();
    for (attempt, token, questions) in papers {
        let (stop, acked) = (stop.clone(), acked.clone());
        workers.push(tokio::spawn(async move {
            let client = client(port, &token);
            let mut counter = 0u64;
            while !stop.load(Ordering::Relaxed) {
                for question in &questions {
                    counter += 1;
                    let answer = format!("v{counter}");
                    let saved = call(
                        &client,
                        port,
                        "exams/answer",
                        &[
                            ("attempt_id", &attempt.to_string()),
                            ("question_id", &question.to_string()),
                            ("answer", &answer),
                        ],
                    )
                    .await;
                    match saved {
                        Some(response) if response.status().is_success() => {
                            acked.lock().unwrap().insert((attempt, *question), counter);
                        }
                        Some(response) => panic!(
                            "a save was refused: {} {}",
                            response.status(),
                            response.text().await.unwrap_or_default()
                        ),
                        None => tokio::time::sleep(Duration::from_millis(20)).await,
                    }
                }
            }
        }));
    }
    // Bulk issue: every class once; a class whose answer was lost in a
    // kill is tried again, and then finds its trainees certified (409).
    let issued: Arc<Mutex<Vec<String>>> = Default::default();
    let interrupted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let issuing = tokio::spawn({
        let (stop, issued, interrupted) = (stop.clone(), issued.clone(), interrupted.clone());
        async move {
            let admin = client(port, "crash-admin");
            let today = db::china_today();
            let mut pending: std::collections::VecDeque<_> = classes.into_iter().collect();
            while let Some((class, trainees)) = pending.pop_front() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let ids = trainees
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
                let response = call(
                    &admin,
                    port,
                    "admin/issue_certificates",
                    &[
                        ("class_id", &class.to_string()),
                        ("type_id", &type_id.to_string()),
                        ("trainees", &ids),
                        ("issued_on", &today),
                    ],
                )
                .await;
                match response {
                    Some(r) if r.status().is_success() => {
                        let done: Vec<app::api::certification::IssuedCertificate> =
                            r.json().await.unwrap();
                        issued
                            .lock()
                            .unwrap()
                            .extend(done.into_iter().map(|c| c.number));
                    }
                    Some(r) if r.status() == reqwest::StatusCode::CONFLICT => {}
                    Some(r) => panic!("issue refused: {}", r.status()),
                    None => {
                        interrupted.fetch_add(1, Ordering::Relaxed);
                        pending.push_back((class, trainees));
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
                // Spread over the whole run, so kills land mid-issue.
                tokio::time::sleep(Duration::from_millis(15)).await;
            }
            Instant::now()
        }
    });

    let started = Instant::now();
    let mut random = Random::new();
    let mut kills = Vec::new();
    for _ in 0..KILLS {
        tokio::time::sleep(Duration::from_millis(200 + random.below(800))).await;
        kills.push(Instant::now());
        let mut slot = server.lock().unwrap();
        if let Some(mut child) = slot.take() {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
        }
        *slot = Some(start(&database, port));
    }
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.unwrap();
    }
    let issuing_done = issuing.await.unwrap();
    let kills_while_issuing = kills.iter().filter(|k| **k < issuing_done).count();
    if let Some(mut child) = server.lock().unwrap().take() {
        child.kill().unwrap();
        child.wait().unwrap();
    }
    eprintln!("{KILLS} kills in {:?}", started.elapsed());

    let db = Db::connect(&database.to_string_lossy(), 1).await.unwrap();
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&db.reader)
        .await
        .unwrap();
    assert_eq!(verdict, "ok");

    let acked = acked.lock().unwrap().clone();
    assert!(
        !acked.is_empty(),
        "saves were acknowledged between the kills"
    );
    for ((attempt, question), counter) in &acked {
        let stored: String = sqlx::query_scalar(
            "SELECT response FROM answers WHERE attempt_id = ? AND question_id = ?",
        )
        .bind(attempt)
        .bind(question)
        .fetch_one(&db.reader)
        .await
        .unwrap();
        let stored: u64 = stored.trim_start_matches('v').parse().unwrap_or(0);
        assert!(
            stored >= *counter,
            "attempt {attempt} question {question}: acknowledged v{counter}, stored v{stored}"
        );
    }

    let numbers: Vec<String> =
        sqlx::query_scalar("SELECT number FROM certificates WHERE number LIKE ? ORDER BY number")
            .bind(format!("{PREFIX}-%"))
            .fetch_all(&db.reader)
            .await
            .unwrap();
    let serials: Vec<u32> = numbers
        .iter()
        .map(|n| n.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    let expected: Vec<u32> = (1..=serials.len() as u32).collect();
    assert_eq!(
        serials,
        expected,
        "numbers run 1..{} with no gap or duplicate",
        serials.len()
    );
    let issued = issued.lock().unwrap().clone();
    assert!(
        !issued.is_empty(),
        "certificates were issued between the kills"
    );
    assert!(
        kills_while_issuing >= KILLS / 2,
        "bulk issue went on through the kills ({kills_while_issuing} of {KILLS}; {} calls cut off)",
        interrupted.load(Ordering::Relaxed)
    );
    eprintln!(
        "{} answers and {} certificates acknowledged; {} certificates in all; \
         {kills_while_issuing} kills while issuing, {} issue calls cut off",
        acked.len(),
        issued.len(),
        numbers.len(),
        interrupted.load(Ordering::Relaxed)
    );
    for number in &issued {
        assert!(numbers.contains(number), "acknowledged {number} is there");
    }
    assert_eq!(
        numbers.len() % TRAINEES_PER_CLASS,
        0,
        "whole classes only: all or nothing"
    );
    db.reader.close().await;
    db.writer.close().await;

    // And it starts once more.
    let mut child = start(&database, port);
    let health = reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .unwrap();
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn after_a_restart_mid_exam_the_trainee_goes_on_with_every_saved_answer() {
    let app = academy_tests::spawn_app().await;
    server::demo::load(&app.state.db, &app.state.hasher)
        .await
        .expect("the demo world");
    let trainee: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'trainee@academy.test'")
            .fetch_one(&app.state.db.reader)
            .await
            .unwrap();
    let exam: i64 = sqlx::query_scalar("SELECT id FROM exams WHERE title_en = 'Lecture quiz'")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    session(&app.state.db, trainee, "mid-exam").await;
    let jar = Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(
        &format!("{}=mid-exam", app::ssr::auth::SESSION_COOKIE),
        &app.url("/").parse().unwrap(),
    );
    let browser = reqwest::Client::builder()
        .cookie_provider(jar)
        .build()
        .unwrap();
    let attempt: i64 = app
        .call(&browser, "exams/start", &[("exam_id", &exam.to_string())])
        .await
        .json()
        .await
        .unwrap();
    let view: app::api::exams::ExamForMe = app
        .call(&browser, "exams/view", &[("exam_id", &exam.to_string())])
        .await
        .json()
        .await
        .unwrap();
    let paper = view.paper.expect("an attempt in progress");
    let written: Vec<_> = paper
        .questions
        .iter()
        .filter(|q| {
            matches!(
                q.kind,
                app::domain::exam::QuestionKind::ShortAnswer
                    | app::domain::exam::QuestionKind::Essay
            )
        })
        .map(|q| q.question_id)
        .collect();
    assert!(!written.is_empty());
    for (n, question) in written.iter().enumerate() {
        let saved = app
            .call(
                &browser,
                "exams/answer",
                &[
                    ("attempt_id", &attempt.to_string()),
                    ("question_id", &question.to_string()),
                    ("answer", &format!("重启前的答案 {n}")),
                ],
            )
            .await;
        assert!(saved.status().is_success());
    }

    let app = app.restart().await;
    let view: app::api::exams::ExamForMe = app
        .call(&browser, "exams/view", &[("exam_id", &exam.to_string())])
        .await
        .json()
        .await
        .unwrap();
    let paper = view.paper.expect("the same attempt goes on");
    assert_eq!(paper.attempt_id, attempt);
    assert!(
        paper.remaining_secs > 0,
        "the clock is the server's, still running"
    );
    for (n, question) in written.iter().enumerate() {
        let response = &paper
            .questions
            .iter()
            .find(|q| q.question_id == *question)
            .unwrap()
            .response;
        assert_eq!(response, &format!("重启前的答案 {n}"));
    }
    let handed_in = app
        .call(
            &browser,
            "exams/submit",
            &[("attempt_id", &attempt.to_string())],
        )
        .await;
    assert!(handed_in.status().is_success(), "and hands in");
}
