//! A national-scale world on top of the demo world (`academy demo --scale N`):
//! at N = 1, 100,000 trainees, 2,000 classes, 200,000 enrolments, 100,000
//! certificates, 500,000 exam answers and 1,000,000 audit entries, for the
//! load benchmark and for anyone who wants to see the pages at that size.
//!
//! Rows are made by SQLite itself (`INSERT … SELECT` over a counting CTE),
//! one table per transaction: the generator sends a few dozen statements,
//! not millions. Where the rules matter it follows them as the real code
//! paths do: certificate numbers are gapless per prefix and year and the
//! sequences are advanced to match; every certificate has its own place in
//! a status list, allocated without reuse, and its bits say its status;
//! states are ones the state machines reach (completed enrolments in past
//! classes, graded attempts, issued/suspended/revoked certificates with
//! their history).

use anyhow::Context;
use app::domain::{Industry, Province};
use app::i18n::Lang;
use app::ssr::db::{self, meta, Db};
use app::ssr::status_list::{self, LIST_BITS, LIST_CAPACITY};
use sqlx::SqliteConnection;
use std::io::Write;
use std::time::Instant;

const LOADED_KEY: &str = "scale_loaded";
/// Courses (each with a certificate type): one per province, then industries.
const COURSES: usize = 40;
const QUESTIONS_PER_COURSE: usize = 20;
const ENROLMENTS_PER_CLASS: i64 = 100;
const QUESTIONS_PER_EXAM: i64 = 10;

/// How much of each thing a scale factor makes.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub trainees: i64,
    pub classes: i64,
    pub enrolments: i64,
    pub certificates: i64,
    pub exams: i64,
    pub answers: i64,
    pub audit: i64,
}

impl Sizes {
    pub fn at(scale: f64) -> Sizes {
        let of = |base: f64| ((base * scale).round() as i64).max(1);
        // Classes of 100: every trainee sits in two classes, and the first
        // half of the classes hold every trainee once (their certificate).
        let classes = of(2_000.0).max(2);
        let trainees = (classes / 2) * ENROLMENTS_PER_CLASS;
        let exams = (classes / 4).max(1);
        Sizes {
            trainees,
            classes,
            enrolments: classes * ENROLMENTS_PER_CLASS,
            certificates: trainees,
            exams,
            answers: exams * ENROLMENTS_PER_CLASS * QUESTIONS_PER_EXAM,
            audit: of(1_000_000.0),
        }
    }
}

/// Progress on one line of standard error: the step, a bar, rows, seconds.
struct Progress {
    started: Instant,
    step: usize,
    steps: usize,
}

impl Progress {
    fn show(&self, what: &str, done: i64, total: i64) {
        let width = 30;
        let filled = if total > 0 {
            (done * width / total) as usize
        } else {
            width as usize
        };
        eprint!(
            "\r[{}/{}] {:<28} [{}{}] {:>9}/{:<9} {:>6.1} s",
            self.step,
            self.steps,
            what,
            "#".repeat(filled),
            " ".repeat(width as usize - filled),
            done,
            total,
            self.started.elapsed().as_secs_f64()
        );
        let _ = std::io::stderr().flush();
    }

    fn next(&mut self, what: &str, total: i64) {
        if self.step > 0 {
            eprintln!();
        }
        self.step += 1;
        self.show(what, 0, total);
    }
}

/// Refuses a scale factor the generator does not make.
pub fn check(scale: f64) -> anyhow::Result<()> {
    if !(scale > 0.0 && scale <= 10.0) {
        anyhow::bail!("--scale must be above 0 and at most 10 (1 = national scale)");
    }
    Ok(())
}

/// Loads the scale world once (the demo world must be loaded); a second
/// run changes nothing.
pub async fn load(db: &Db, scale: f64) -> anyhow::Result<String> {
    check(scale)?;
    if meta::get(&db.reader, LOADED_KEY).await?.is_some() {
        return Ok("scale world already loaded; nothing changed".into());
    }
    let sizes = Sizes::at(scale);
    let now = db::now();
    let today = db::china_today();
    let started = Instant::now();
    let mut progress = Progress {
        started,
        step: 0,
        steps: 9,
    };

    let mut conn = db.writer.acquire().await?;
    // Bulk loading: a crash midway leaves no `scale_loaded` mark, and the
    // database is a demo's. Exclusive, so no one reads a half-made world.
    sqlx::query("PRAGMA cache_size = -262144")
        .execute(&mut *conn)
        .await?;
    drop(conn);

    progress.next("courses and question banks", COURSES as i64);
    let mut tx = db.begin_write().await?;
    let admin: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE role = 'administrator' ORDER BY id LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?
            .context("load the demo world first (academy demo)")?;
    let instructors: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE role = 'instructor' ORDER BY id")
            .fetch_all(&mut *tx)
            .await?;
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = ?")
        .bind(admin)
        .fetch_one(&mut *tx)
        .await?;
    let centres: Vec<i64> = sqlx::query_scalar("SELECT id FROM centres ORDER BY id")
        .fetch_all(&mut *tx)
        .await?;
    let first_course = courses(&mut tx, &centres, now).await?;
    tx.commit().await?;
    progress.show("courses and question banks", COURSES as i64, COURSES as i64);

    progress.next("trainees", sizes.trainees);
    let mut tx = db.begin_write().await?;
    let first_trainee = trainees(&mut tx, sizes.trainees, &hash, now).await?;
    tx.commit().await?;
    progress.show("trainees", sizes.trainees, sizes.trainees);

    progress.next("classes", sizes.classes);
    let mut tx = db.begin_write().await?;
    let first_class = classes(&mut tx, sizes.classes, first_course, &instructors, now).await?;
    tx.commit().await?;
    progress.show("classes", sizes.classes, sizes.classes);

    progress.next("enrolments", sizes.enrolments);
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1)
         INSERT INTO enrolments (class_id, trainee_id, state, decided_by, attended, created_at, updated_at)
         SELECT c.id, ?2 + (i % ?3),
                CASE WHEN c.ends_on < ?4 THEN 'completed' ELSE 'approved' END,
                NULL, CASE WHEN c.ends_on < ?4 THEN 1 ELSE 0 END, c.enrol_opens_at, c.enrol_opens_at
         FROM n JOIN classes c ON c.id = ?5 + i / ?6",
    )
    .bind(sizes.enrolments)
    .bind(first_trainee)
    .bind(sizes.trainees)
    .bind(&today)
    .bind(first_class)
    .bind(ENROLMENTS_PER_CLASS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    progress.show("enrolments", sizes.enrolments, sizes.enrolments);

    progress.next("exams, attempts, answers", sizes.answers);
    let mut tx = db.begin_write().await?;
    exams(&mut tx, &sizes, first_class, admin).await?;
    tx.commit().await?;
    progress.show("exams, attempts, answers", sizes.answers, sizes.answers);

    progress.next("certificates", sizes.certificates);
    let mut tx = db.begin_write().await?;
    certificates(
        &mut tx,
        &sizes,
        first_trainee,
        first_class,
        admin,
        &today,
        now,
    )
    .await?;
    tx.commit().await?;
    progress.show("certificates", sizes.certificates, sizes.certificates);

    progress.next("audit log", sizes.audit);
    // In batches, each its own transaction: a million rows at once would
    // hold the write lock (and the WAL) longer than anyone should wait.
    let batch = 200_000;
    let mut done = 0;
    while done < sizes.audit {
        let count = batch.min(sizes.audit - done);
        let mut tx = db.begin_write().await?;
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1 + ?2)
             INSERT INTO audit_events (at, actor_id, action, subject, detail, ip)
             SELECT ?3 - (i * 7919) % (7 * 365 * 86400),
                    ?4 + i % ?5,
                    CASE i % 5 WHEN 0 THEN 'login' WHEN 1 THEN 'enrol' WHEN 2 THEN 'save_answer'
                               WHEN 3 THEN 'submit_attempt' ELSE 'update_profile' END,
                    'scale:' || i, '{}',
                    '10.' || (i % 250) || '.' || (i / 250 % 250) || '.' || (i % 7 + 1)
             FROM n",
        )
        .bind(done)
        .bind(count)
        .bind(now)
        .bind(first_trainee)
        .bind(sizes.trainees)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        done += count;
        progress.show("audit log", done, sizes.audit);
    }

    progress.next("statistics for the planner", 1);
    let mut tx = db.begin_write().await?;
    meta::set(&mut tx, LOADED_KEY, &format!("{scale}")).await?;
    tx.commit().await?;
    let mut conn = db.writer.acquire().await?;
    sqlx::query("ANALYZE").execute(&mut *conn).await?;
    progress.show("statistics for the planner", 1, 1);

    progress.next("checked", 1);
    let integrity: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(&mut *conn)
        .await?;
    anyhow::ensure!(
        integrity == "ok",
        "the database fails its check: {integrity}"
    );
    progress.show("checked", 1, 1);
    eprintln!();
    Ok(format!(
        "scale world loaded in {:.1} s: {} trainees, {} classes, {} enrolments, {} certificates, \
         {} exam answers, {} audit entries (scale {scale}; every account's password is the demo's)",
        started.elapsed().as_secs_f64(),
        sizes.trainees,
        sizes.classes,
        sizes.enrolments,
        sizes.certificates,
        sizes.answers,
        sizes.audit
    ))
}

/// One auditor course per province and per industry (to forty), each with
/// its certificate type and a bank of single-choice questions. Returns the
/// first course's id; the others follow it.
async fn courses(conn: &mut SqliteConnection, centres: &[i64], now: i64) -> anyhow::Result<i64> {
    let mut first = None;
    let places = Province::ALL
        .iter()
        .map(|p| (p.label(Lang::Zh), p.label(Lang::En)))
        .chain(
            Industry::ALL
                .iter()
                .map(|i| (i.label(Lang::Zh), i.label(Lang::En))),
        )
        .take(COURSES);
    for (n, (zh, en)) in places.enumerate() {
        let code = format!("SC{:02}-AUD", n + 1);
        let course: i64 = sqlx::query_scalar(
            "INSERT INTO courses (code, centre_id, category, title_zh, title_en, summary_zh, summary_en,
                                  hours, published, created_at, updated_at)
             VALUES (?, ?, 'auditor_training', ?, ?, ?, ?, 40, 1, ?, ?) RETURNING id",
        )
        .bind(&code)
        .bind(centres[n % centres.len()])
        .bind(format!("{zh}清洁生产审核员培训"))
        .bind(format!("Cleaner production auditor training: {en}"))
        .bind(format!("{zh}清洁生产审核员培训班：审核程序、方案产生与筛选、持续清洁生产。"))
        .bind(format!(
            "Auditor training for {en}: the audit procedure, generating and screening options, continuing cleaner production."
        ))
        .bind(now)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        first.get_or_insert(course);
        sqlx::query(
            "INSERT INTO certificate_types (prefix, name_zh, name_en, validity_months, course_id,
                                            requires_exam, created_at)
             VALUES (?, ?, ?, 36, ?, 0, ?)",
        )
        .bind(format!("P{:02}", n + 1))
        .bind(format!("{zh}清洁生产审核员"))
        .bind(format!("Cleaner Production Auditor ({en})"))
        .bind(course)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
             INSERT INTO questions (course_id, kind, prompt_zh, prompt_en, options, answer_key, points,
                                    tags, created_at, updated_at)
             SELECT ?2, 'single', '清洁生产审核第' || i || '题：下列哪一项属于源头削减？',
                    'Question ' || i || ': which of these is source reduction?',
                    '[{\"zh\":\"原料替代\",\"en\":\"Substituting raw materials\"},{\"zh\":\"末端治理\",\"en\":\"End-of-pipe treatment\"},{\"zh\":\"稀释排放\",\"en\":\"Dilution\"},{\"zh\":\"异地填埋\",\"en\":\"Landfill elsewhere\"}]',
                    '{\"choices\":[0]}', 10, '[\"审核\"]', ?3, ?3
             FROM n",
        )
        .bind(QUESTIONS_PER_COURSE as i64)
        .bind(course)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    first.context("no courses made")
}

/// `scale000001@academy.test`…, with names from common surnames and given
/// names, spread over the provinces and industries. Returns the first id.
async fn trainees(
    conn: &mut SqliteConnection,
    count: i64,
    hash: &str,
    now: i64,
) -> anyhow::Result<i64> {
    const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹";
    const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红";
    let provinces: Vec<&str> = Province::ALL.iter().map(|p| p.code()).collect();
    let industries: Vec<&str> = Industry::ALL.iter().map(|i| i.code()).collect();
    let first: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM users")
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1),
              p(list) AS (SELECT json(?5)), d(list) AS (SELECT json(?6))
         INSERT INTO users (id, email, name, password_hash, role, organisation, province, industry,
                            active, created_at, updated_at)
         SELECT ?7 + i - 1, printf('scale%06d@academy.test', i),
                substr(?2, i % 30 + 1, 1) || substr(?3, (i / 30) % 30 + 1, 1)
                    || CASE WHEN i % 3 = 0 THEN '' ELSE substr(?3, (i / 900) % 30 + 1, 1) END,
                ?4, 'trainee', '清洁生产企业' || (i % 997 + 1) || '号',
                json_extract(p.list, '$[' || (i % json_array_length(p.list)) || ']'),
                json_extract(d.list, '$[' || (i % json_array_length(d.list)) || ']'),
                1, ?8, ?8
         FROM n, p, d",
    )
    .bind(count)
    .bind(SURNAMES)
    .bind(GIVEN)
    .bind(hash)
    .bind(serde_json::to_string(&provinces)?)
    .bind(serde_json::to_string(&industries)?)
    .bind(first)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(first)
}

/// Classes of the forty courses over eight years, the last ones still to
/// come; each taught by one of the demo's instructors. Returns the first id.
async fn classes(
    conn: &mut SqliteConnection,
    count: i64,
    first_course: i64,
    instructors: &[i64],
    now: i64,
) -> anyhow::Result<i64> {
    let first: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM classes")
        .fetch_one(&mut *conn)
        .await?;
    // Spread from 2019 to a year ahead: day k of the span for class k.
    let span_days = 8 * 365;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1)
         INSERT INTO classes (id, course_id, name_zh, name_en, starts_on, ends_on, city_zh, city_en,
                              venue, capacity, waitlist, approval, enrol_opens_at, enrol_closes_at,
                              created_at)
         SELECT ?2 + i, ?3 + i % ?4,
                '第' || (i / ?4 + 1) || '期审核员培训班', 'Auditor class ' || (i / ?4 + 1),
                date('2019-01-07', (i * ?5 / ?1) || ' days'),
                date('2019-01-07', (i * ?5 / ?1 + 4) || ' days'),
                '第' || (i % 50 + 1) || '培训点', 'Training site ' || (i % 50 + 1),
                '', 120, 1, 'automatic',
                unixepoch(date('2019-01-07', (i * ?5 / ?1 - 60) || ' days')),
                unixepoch(date('2019-01-07', (i * ?5 / ?1 - 1) || ' days')),
                ?6
         FROM n",
    )
    .bind(count)
    .bind(first)
    .bind(first_course)
    .bind(COURSES as i64)
    .bind(span_days)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if !instructors.is_empty() {
        sqlx::query(
            "INSERT INTO class_instructors (class_id, instructor_id)
             SELECT id, json_extract(?1, '$[' || (id % ?2) || ']') FROM classes WHERE id >= ?3",
        )
        .bind(serde_json::to_string(instructors)?)
        .bind(instructors.len() as i64)
        .bind(first)
        .execute(&mut *conn)
        .await?;
    }
    Ok(first)
}

/// A final examination in every fourth class (fixed papers of ten of its
/// course's questions), sat and graded by the class's hundred trainees.
async fn exams(
    conn: &mut SqliteConnection,
    sizes: &Sizes,
    first_class: i64,
    admin: i64,
) -> anyhow::Result<()> {
    let first_exam: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM exams")
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1)
         INSERT INTO exams (id, class_id, title_zh, title_en, selection, time_limit_minutes, opens_at,
                            closes_at, attempts_allowed, counting, pass_percent, shuffle, released_at,
                            released_by, created_by, created_at)
         SELECT ?2 + i, c.id, '结业考试', 'Final examination', 'fixed', 90,
                unixepoch(c.ends_on), unixepoch(c.ends_on) + 86400, 1, 'highest', 60, 0,
                unixepoch(c.ends_on) + 7 * 86400, ?4, ?4, unixepoch(c.starts_on)
         FROM n JOIN classes c ON c.id = ?3 + i * 4",
    )
    .bind(sizes.exams)
    .bind(first_exam)
    .bind(first_class)
    .bind(admin)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO exam_questions (exam_id, question_id, position)
         SELECT e.id, q.id, q.rn FROM exams e JOIN classes c ON c.id = e.class_id
         JOIN (SELECT id, course_id, row_number() OVER (PARTITION BY course_id ORDER BY id) AS rn
               FROM questions) q ON q.course_id = c.course_id AND q.rn <= ?2
         WHERE e.id >= ?1",
    )
    .bind(first_exam)
    .bind(QUESTIONS_PER_EXAM)
    .execute(&mut *conn)
    .await?;
    let first_attempt: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM attempts")
        .fetch_one(&mut *conn)
        .await?;
    // Scores: seven to ten right answers out of ten, by trainee.
    sqlx::query(
        "INSERT INTO attempts (id, exam_id, trainee_id, number, state, layout, started_at, deadline_at,
                               submitted_at, closed_by, max_points, score)
         SELECT ?1 + row_number() OVER (ORDER BY e.id, en.id) - 1, e.id, en.trainee_id, 1, 'graded',
                (SELECT json_group_array(json_object('question', question_id, 'options', json('[0,1,2,3]')))
                 FROM (SELECT question_id FROM exam_questions WHERE exam_id = e.id ORDER BY position)),
                e.opens_at + 600, e.opens_at + 600 + 90 * 60, e.opens_at + 600 + 3000, 'trainee',
                ?2 * 10, (7 + en.trainee_id % 4) * 10
         FROM exams e JOIN enrolments en ON en.class_id = e.class_id
         WHERE e.id >= ?3",
    )
    .bind(first_attempt)
    .bind(QUESTIONS_PER_EXAM)
    .bind(first_exam)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO answers (attempt_id, question_id, response, saved_at, needs_grading, points)
         SELECT a.id, eq.question_id,
                CASE WHEN eq.position <= a.score / 10 THEN '0' ELSE '1' END,
                a.started_at + eq.position * 240, 0,
                CASE WHEN eq.position <= a.score / 10 THEN 10 ELSE 0 END
         FROM attempts a JOIN exam_questions eq ON eq.exam_id = a.exam_id
         WHERE a.id >= ?1",
    )
    .bind(first_attempt)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One certificate per trainee, from the later of their two classes if it
/// has ended (else the earlier): the
/// type of its course, numbered gapless per prefix and year after the
/// sequences as they stand, with its history; one in a hundred suspended,
/// one in two hundred revoked; a place in a status list for each, and the
/// lists' bits to match.
async fn certificates(
    conn: &mut SqliteConnection,
    sizes: &Sizes,
    first_trainee: i64,
    first_class: i64,
    admin: i64,
    today: &str,
    now: i64,
) -> anyhow::Result<()> {
    let first: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM certificates")
        .fetch_one(&mut *conn)
        .await?;
    // New lists for these certificates, a quarter of each used (as the
    // server allocates), at indexes an odd multiplier scatters over the
    // list: distinct within a list, in no order of issue.
    let first_list: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM status_lists")
        .fetch_one(&mut *conn)
        .await?;
    let lists = (sizes.certificates + LIST_CAPACITY - 1) / LIST_CAPACITY;
    let empty = status_list::empty();
    for n in 0..lists {
        let allocated = LIST_CAPACITY.min(sizes.certificates - n * LIST_CAPACITY);
        sqlx::query(
            "INSERT INTO status_lists (id, size, allocated, revocation, suspension, version, updated_at)
             VALUES (?, ?, ?, ?, ?, 0, ?)",
        )
        .bind(first_list + n)
        .bind(LIST_BITS as i64)
        .bind(allocated)
        .bind(&empty)
        .bind(&empty)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1),
         chosen AS (
             SELECT i, CASE WHEN late.ends_on < date(?10, '-14 days') THEN late.id ELSE early.id END AS class_id
             FROM n JOIN classes early ON early.id = ?3 + i / ?4
             JOIN classes late ON late.id = ?3 + i / ?4 + ?11),
         planned AS (
             SELECT i, ?2 + i AS holder, c.id AS class_id, co.centre_id, t.prefix, t.id AS type_id,
                    date(c.ends_on, '+14 days') AS issued_on
             FROM chosen JOIN classes c ON c.id = chosen.class_id
             JOIN courses co ON co.id = c.course_id
             JOIN certificate_types t ON t.course_id = co.id),
         numbered AS (
             SELECT p.*, CAST(substr(issued_on, 1, 4) AS INTEGER) AS year,
                    COALESCE((SELECT last FROM certificate_sequences s
                              WHERE s.prefix = p.prefix AND s.year = CAST(substr(p.issued_on, 1, 4) AS INTEGER)), 0)
                    + row_number() OVER (PARTITION BY p.prefix, substr(p.issued_on, 1, 4) ORDER BY p.i) AS seq
             FROM planned p)
         INSERT INTO certificates (id, number, type_id, holder_id, holder_name, class_id, centre_id,
                                   issued_on, expires_on, status, suspended_until, decided_by, created_at,
                                   status_list, status_index)
         SELECT ?5 + i, prefix || '-' || year || '-' || printf('%05d', seq), type_id, holder,
                (SELECT name FROM users WHERE id = holder), class_id, centre_id, issued_on,
                date(issued_on, '+36 months', '-1 day'),
                CASE WHEN i % 200 = 7 THEN 'revoked' WHEN i % 100 = 3 THEN 'suspended' ELSE 'valid' END,
                NULL, ?6, unixepoch(issued_on),
                ?7 + i / ?8, ((i % ?8) * 40503 + 12345) % ?9
         FROM numbered",
    )
    .bind(sizes.certificates)
    .bind(first_trainee)
    .bind(first_class)
    .bind(ENROLMENTS_PER_CLASS)
    .bind(first)
    .bind(admin)
    .bind(first_list)
    .bind(LIST_CAPACITY)
    .bind(LIST_BITS as i64)
    .bind(today)
    .bind(sizes.classes / 2)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO certificate_sequences (prefix, year, last)
         SELECT substr(number, 1, instr(number, '-') - 1) AS prefix,
                CAST(substr(number, instr(number, '-') + 1, 4) AS INTEGER) AS year,
                MAX(CAST(substr(number, instr(number, '-') + 6) AS INTEGER))
         FROM certificates WHERE id >= ?1 GROUP BY 1, 2
         ON CONFLICT (prefix, year) DO UPDATE SET last = excluded.last",
    )
    .bind(first)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO certificate_events (certificate_id, action, reason, until, actor_id, at)
         SELECT id, 'issued', '', NULL, decided_by, created_at FROM certificates WHERE id >= ?1
         UNION ALL
         SELECT id, 'suspended', '投诉调查期间暂停。', NULL, decided_by, created_at + 200 * 86400
         FROM certificates WHERE id >= ?1 AND status = 'suspended'
         UNION ALL
         SELECT id, 'revoked', '审核报告弄虚作假，撤销资格。', NULL, decided_by, created_at + 300 * 86400
         FROM certificates WHERE id >= ?1 AND status = 'revoked'
         ORDER BY 1, 6",
    )
    .bind(first)
    .execute(&mut *conn)
    .await?;
    // The lists' bits, from the statuses just written: each list read and
    // written once.
    let flagged: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT status_list, status_index, status FROM certificates
         WHERE id >= ? AND status IN ('suspended', 'revoked') ORDER BY status_list",
    )
    .bind(first)
    .fetch_all(&mut *conn)
    .await?;
    for list in first_list..first_list + lists {
        let mut stored = app::ssr::db::status_lists::load(conn, list)
            .await?
            .context("a status list just made")?;
        for (_, index, status) in flagged.iter().filter(|f| f.0 == list) {
            let bits = if status == "revoked" {
                &mut stored.revocation
            } else {
                &mut stored.suspension
            };
            status_list::set_bit(bits, *index as usize, true);
        }
        sqlx::query(
            "UPDATE status_lists SET revocation = ?, suspension = ?, version = version + 1 WHERE id = ?",
        )
        .bind(&stored.revocation)
        .bind(&stored.suspension)
        .bind(list)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
