//! Exams and grading over HTTP: the server's deadline, autosave under load,
//! scoring, the grading queue, release, the gradebook, regrades, random
//! papers, item analysis, and every refusal.

use academy_tests::{json, spawn_app, ClassSpec, TestApp};
use app::api::bank::SavedQuestion;
use app::api::enrolment::MyEnrolment;
use app::api::exams::{AttemptState, ExamForMe, MyExam, Standing};
use app::api::grading::{ClassExams, ExamOverview, Gradebook, GradingQueue};
use app::domain::catalogue::parse_china_time;
use app::domain::enrolment::EnrolmentState;
use app::domain::exam::AnswerKey;
use app::domain::Role;
use app::error::{AppError, Problem};
use reqwest::{Client, Response, StatusCode};
use std::collections::{BTreeSet, HashMap, HashSet};

// ---------------------------------------------------------------- set-up

/// A class (its own course) with an instructor.
struct Class {
    id: i64,
    code: String,
    teacher: Client,
    teacher_id: i64,
}

async fn taught_class(app: &TestApp, code: &str, capacity: i64) -> Class {
    let id = app
        .seed_class(
            code,
            ClassSpec {
                capacity,
                ..Default::default()
            },
        )
        .await;
    let email = format!("teacher-{}@example.cn", code.to_lowercase());
    let (teacher, teacher_id) = app.quick_session(Role::Instructor, &email).await;
    app.assign_instructor(id, teacher_id).await;
    Class {
        id,
        code: code.to_owned(),
        teacher,
        teacher_id,
    }
}

struct Trainee {
    client: Client,
    id: i64,
    enrolment: i64,
}

/// A trainee with an approved place in the (automatically approving) class.
async fn trainee(app: &TestApp, class: i64, email: &str) -> Trainee {
    let (client, id) = app.quick_session(Role::Trainee, email).await;
    let enrolment = enrol(app, &client, class).await;
    Trainee {
        client,
        id,
        enrolment,
    }
}

async fn enrol(app: &TestApp, client: &Client, class: i64) -> i64 {
    let response = app
        .call(
            client,
            "enrolment/enrol",
            &[("class_id", &class.to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "enrolment");
    let enrolment: MyEnrolment = json(response).await;
    assert_eq!(enrolment.state, EnrolmentState::Approved);
    enrolment.id
}

/// A bank question as its author types it.
struct Q<'a> {
    kind: &'a str,
    prompt: &'a str,
    options: &'a str,
    answer: &'a str,
    points: i64,
    tags: &'a str,
}

impl<'a> Q<'a> {
    fn new(kind: &'a str, prompt: &'a str, answer: &'a str, points: i64) -> Self {
        Q {
            kind,
            prompt,
            options: "",
            answer,
            points,
            tags: "",
        }
    }

    fn options(mut self, options: &'a str) -> Self {
        self.options = options;
        self
    }

    fn tags(mut self, tags: &'a str) -> Self {
        self.tags = tags;
        self
    }
}

const THREE: &str = "甲 | Alpha\n乙 | Beta\n丙 | Gamma";
const FOUR: &str = "甲 | Alpha\n乙 | Beta\n丙 | Gamma\n丁 | Delta";

async fn save_question(
    app: &TestApp,
    class: &Class,
    id: Option<i64>,
    q: &Q<'_>,
) -> reqwest::Response {
    let id = id.map(|i| i.to_string()).unwrap_or_default();
    app.call(
        &class.teacher,
        "teach/save_question",
        &[
            ("course_code", &class.code),
            ("question_id", &id),
            ("kind", q.kind),
            ("prompt_zh", q.prompt),
            ("prompt_en", q.prompt),
            ("options", q.options),
            ("answer", q.answer),
            ("points", &q.points.to_string()),
            ("tags", q.tags),
            ("explanation_zh", &format!("解析：{}", q.prompt)),
            ("explanation_en", &format!("Explained: {}", q.prompt)),
        ],
    )
    .await
}

async fn question(app: &TestApp, class: &Class, q: Q<'_>) -> i64 {
    let response = save_question(app, class, None, &q).await;
    assert_eq!(response.status(), StatusCode::OK, "question {}", q.prompt);
    json::<SavedQuestion>(response).await.id
}

/// What the new-exam form sends.
struct ExamSpec {
    selection: &'static str,
    questions: Vec<i64>,
    draws: &'static str,
    limit_minutes: i64,
    opens_at: String,
    closes_at: String,
    attempts: i64,
    counting: &'static str,
    pass_percent: i64,
    shuffle: bool,
}

impl ExamSpec {
    /// A fixed paper, open from an hour ago for a week, one attempt, 60 %.
    fn fixed(questions: &[i64]) -> Self {
        let now = app::ssr::db::now();
        ExamSpec {
            selection: "fixed",
            questions: questions.to_vec(),
            draws: "",
            limit_minutes: 60,
            opens_at: china_time(now - 3600),
            closes_at: china_time(now + 7 * 86_400),
            attempts: 1,
            counting: "highest",
            pass_percent: 60,
            shuffle: false,
        }
    }
}

async fn create_exam_response(
    app: &TestApp,
    client: &Client,
    class: i64,
    spec: &ExamSpec,
) -> Response {
    let mut form: Vec<(String, String)> = vec![
        ("class_id".into(), class.to_string()),
        ("title_zh".into(), "结业考试".into()),
        ("title_en".into(), "Final exam".into()),
        ("selection".into(), spec.selection.into()),
        ("draws".into(), spec.draws.into()),
        ("time_limit_minutes".into(), spec.limit_minutes.to_string()),
        ("opens_at".into(), spec.opens_at.clone()),
        ("closes_at".into(), spec.closes_at.clone()),
        ("attempts_allowed".into(), spec.attempts.to_string()),
        ("counting".into(), spec.counting.into()),
        ("pass_percent".into(), spec.pass_percent.to_string()),
    ];
    for id in &spec.questions {
        form.push(("questions[]".into(), id.to_string()));
    }
    if spec.shuffle {
        form.push(("shuffle".into(), "true".into()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(client, "teach/exams/create", &form).await
}

async fn create_exam(app: &TestApp, class: &Class, spec: &ExamSpec) -> i64 {
    let response = create_exam_response(app, &class.teacher, class.id, spec).await;
    assert_eq!(response.status(), StatusCode::OK, "exam created");
    json(response).await
}

/// `unix` as the form writes it: China time, `YYYY-MM-DDTHH:MM`.
fn china_time(unix: i64) -> String {
    let local = unix + 8 * 3600;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
}

// ---------------------------------------------------------------- sitting

async fn start(app: &TestApp, client: &Client, exam: i64) -> Response {
    app.call(client, "exams/start", &[("exam_id", &exam.to_string())])
        .await
}

async fn started(app: &TestApp, client: &Client, exam: i64) -> i64 {
    let response = start(app, client, exam).await;
    assert_eq!(response.status(), StatusCode::OK, "attempt started");
    json(response).await
}

async fn answer(
    app: &TestApp,
    client: &Client,
    attempt: i64,
    question: i64,
    value: &str,
) -> Response {
    app.call(
        client,
        "exams/answer",
        &[
            ("attempt_id", &attempt.to_string()),
            ("question_id", &question.to_string()),
            ("answer", value),
        ],
    )
    .await
}

async fn answered(app: &TestApp, client: &Client, attempt: i64, question: i64, value: &str) {
    let response = answer(app, client, attempt, question, value).await;
    assert_eq!(response.status(), StatusCode::OK, "saving {value:?}");
}

async fn submit(app: &TestApp, client: &Client, attempt: i64) -> Response {
    app.call(
        client,
        "exams/submit",
        &[("attempt_id", &attempt.to_string())],
    )
    .await
}

async fn submitted(app: &TestApp, client: &Client, attempt: i64) -> AttemptState {
    let response = submit(app, client, attempt).await;
    assert_eq!(response.status(), StatusCode::OK, "submitted");
    json(response).await
}

async fn view(app: &TestApp, client: &Client, exam: i64) -> ExamForMe {
    json(view_response(app, client, exam).await).await
}

async fn view_response(app: &TestApp, client: &Client, exam: i64) -> Response {
    app.call(client, "exams/view", &[("exam_id", &exam.to_string())])
        .await
}

/// Sits a whole fixed paper: start, answer each question, submit.
async fn sit(
    app: &TestApp,
    client: &Client,
    exam: i64,
    answers: &[(i64, &str)],
) -> (i64, AttemptState) {
    let attempt = started(app, client, exam).await;
    for (question, value) in answers {
        answered(app, client, attempt, *question, value).await;
    }
    (attempt, submitted(app, client, attempt).await)
}

async fn grade(
    app: &TestApp,
    client: &Client,
    attempt: i64,
    question: i64,
    points: &str,
    feedback: &str,
) -> Response {
    app.call(
        client,
        "teach/exams/grade",
        &[
            ("attempt_id", &attempt.to_string()),
            ("question_id", &question.to_string()),
            ("points", points),
            ("feedback", feedback),
        ],
    )
    .await
}

async fn gradebook(app: &TestApp, class: &Class) -> Gradebook {
    let response = app
        .call(
            &class.teacher,
            "teach/gradebook",
            &[("class_id", &class.id.to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "gradebook");
    json(response).await
}

fn cell(book: &Gradebook, trainee: i64, exam: i64) -> &app::api::grading::GradeCell {
    book.rows
        .iter()
        .find(|r| r.trainee_id == trainee)
        .expect("trainee in the gradebook")
        .cells
        .iter()
        .find(|c| c.exam_id == exam)
        .expect("exam in the gradebook")
}

// ---------------------------------------------------------------- database

#[derive(Debug, sqlx::FromRow)]
struct AttemptRow {
    state: String,
    closed_by: Option<String>,
    submitted_at: Option<i64>,
    score: Option<i64>,
    max_points: i64,
    started_at: i64,
    deadline_at: i64,
}

async fn attempt_row(app: &TestApp, attempt: i64) -> AttemptRow {
    sqlx::query_as(
        "SELECT state, closed_by, submitted_at, score, max_points, started_at, deadline_at
         FROM attempts WHERE id = ?",
    )
    .bind(attempt)
    .fetch_one(&app.state.db.reader)
    .await
    .unwrap()
}

#[derive(Debug, sqlx::FromRow)]
struct AnswerRow {
    response: String,
    points: Option<i64>,
    needs_grading: bool,
}

async fn answer_row(app: &TestApp, attempt: i64, question: i64) -> AnswerRow {
    sqlx::query_as(
        "SELECT response, points, needs_grading FROM answers
         WHERE attempt_id = ? AND question_id = ?",
    )
    .bind(attempt)
    .bind(question)
    .fetch_one(&app.state.db.reader)
    .await
    .unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap()
}

async fn error(response: Response) -> AppError {
    json::<AppError>(response).await
}

// ---------------------------------------------------------------- tests

#[tokio::test]
async fn the_server_closes_an_attempt_at_its_deadline_and_refuses_late_answers() {
    let app = spawn_app().await;
    let class = taught_class(&app, "DL", 30).await;
    let essay = question(&app, &class, Q::new("essay", "论述源头削减。", "", 5)).await;
    let exam = create_exam(&app, &class, &ExamSpec::fixed(&[essay])).await;
    let t = trainee(&app, class.id, "late@example.cn").await;

    // Two tabs pressing "start" at once share one attempt.
    let (a, b) = tokio::join!(start(&app, &t.client, exam), start(&app, &t.client, exam));
    let (a, b): (i64, i64) = (json(a).await, json(b).await);
    assert_eq!(a, b, "one attempt for both tabs");
    let attempt = a;
    assert_eq!(
        started(&app, &t.client, exam).await,
        attempt,
        "starting again continues the open attempt"
    );
    let stranger = answer(&app, &t.client, attempt, essay + 1000, "Elsewhere").await;
    assert_eq!(
        stranger.status(),
        StatusCode::NOT_FOUND,
        "a question not on the paper"
    );
    answered(&app, &t.client, attempt, essay, "First draft").await;
    assert_eq!(
        answer_row(&app, attempt, essay).await.response,
        "First draft"
    );

    // Time runs out: the deadline is now in the past.
    sqlx::query("UPDATE attempts SET deadline_at = ? WHERE id = ?")
        .bind(app::ssr::db::now() - 1)
        .bind(attempt)
        .execute(&app.state.db.writer)
        .await
        .unwrap();
    let late = answer(&app, &t.client, attempt, essay, "Written after time").await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    assert_eq!(
        error(late).await,
        AppError::Conflict(Problem::AttemptClosed)
    );
    let row = attempt_row(&app, attempt).await;
    assert_ne!(row.state, "in_progress", "the attempt is closed");
    assert_eq!(row.closed_by.as_deref(), Some("deadline"));
    assert!(row.submitted_at.is_some());
    let stored = answer_row(&app, attempt, essay).await;
    assert_eq!(
        stored.response, "First draft",
        "the late answer is not stored"
    );
    assert!(stored.needs_grading, "the essay waits for a person");

    let page = view(&app, &t.client, exam).await;
    assert!(page.paper.is_none(), "no paper after the deadline");
    assert_eq!(page.standing, Standing::AwaitingGrading);
    assert_eq!(page.attempts[0].closed_by.as_deref(), Some("deadline"));
    let again = submit(&app, &t.client, attempt).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(
        attempt_row(&app, attempt).await.closed_by.as_deref(),
        Some("deadline"),
        "a submission after the deadline changes nothing"
    );

    // Merely looking at the exam after the deadline closes the attempt too.
    let idle = trainee(&app, class.id, "idle@example.cn").await;
    let idle_attempt = started(&app, &idle.client, exam).await;
    answered(&app, &idle.client, idle_attempt, essay, "Unfinished").await;
    sqlx::query("UPDATE attempts SET deadline_at = ? WHERE id = ?")
        .bind(app::ssr::db::now() - 1)
        .bind(idle_attempt)
        .execute(&app.state.db.writer)
        .await
        .unwrap();
    let page = view(&app, &idle.client, exam).await;
    assert!(page.paper.is_none());
    let row = attempt_row(&app, idle_attempt).await;
    assert_eq!(
        (row.state.as_str(), row.closed_by.as_deref()),
        ("awaiting_grading", Some("deadline"))
    );
    assert_eq!(
        answer_row(&app, idle_attempt, essay).await.response,
        "Unfinished",
        "what was saved in time is kept"
    );
}

#[tokio::test]
async fn five_hundred_trainees_autosaving_at_once_lose_no_answer() {
    const TRAINEES: usize = 500;
    let app = spawn_app().await;
    let class = taught_class(&app, "LOAD", 1000).await;
    let single = question(
        &app,
        &class,
        Q::new("single", "哪一个？", "a", 2).options(THREE),
    )
    .await;
    let short = question(
        &app,
        &class,
        Q::new("short_answer", "标准？", "ISO 14001", 2),
    )
    .await;
    let essay = question(&app, &class, Q::new("essay", "论述。", "", 5)).await;
    let exam = create_exam(&app, &class, &ExamSpec::fixed(&[single, short, essay])).await;

    let mut clients = Vec::with_capacity(TRAINEES);
    for n in 0..TRAINEES {
        clients.push(
            app.quick_session(Role::Trainee, &format!("load{n:03}@example.cn"))
                .await,
        );
    }
    let enrolments =
        futures::future::join_all(clients.iter().map(|(c, _)| enrol(&app, c, class.id))).await;
    assert_eq!(enrolments.len(), TRAINEES);
    let attempts: Vec<i64> =
        futures::future::join_all(clients.iter().map(|(c, _)| started(&app, c, exam))).await;

    // What trainee n has on screen after each of two rounds of typing.
    let value = |n: usize, question: i64, round: usize| -> String {
        if question == single {
            ((n + round) % 3).to_string()
        } else if question == short {
            format!("answer {n} round {round}")
        } else {
            format!("第{round}稿：trainee {n} writes about source reduction")
        }
    };
    let saves = clients
        .iter()
        .zip(&attempts)
        .enumerate()
        .map(|(n, ((client, _), attempt))| {
            let app = &app;
            let value = &value;
            async move {
                let mut statuses = Vec::new();
                for round in 0..2 {
                    for q in [single, short, essay] {
                        let response = answer(app, client, *attempt, q, &value(n, q, round)).await;
                        statuses.push(response.status());
                    }
                }
                statuses
            }
        });
    let statuses: Vec<StatusCode> = futures::future::join_all(saves)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(statuses.len(), TRAINEES * 6);
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "every save succeeds under load: {:?}",
        statuses
            .iter()
            .filter(|s| **s != StatusCode::OK)
            .collect::<Vec<_>>()
    );

    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT a.attempt_id, a.question_id, a.response FROM answers a
         JOIN attempts t ON t.id = a.attempt_id
         WHERE t.exam_id = ? AND a.response != ''",
    )
    .bind(exam)
    .fetch_all(&app.state.db.reader)
    .await
    .unwrap();
    assert_eq!(rows.len(), TRAINEES * 3, "every answer is stored");
    let trainee_of: HashMap<i64, usize> =
        attempts.iter().enumerate().map(|(n, a)| (*a, n)).collect();
    for (attempt, q, response) in rows {
        let n = trainee_of[&attempt];
        assert_eq!(response, value(n, q, 1), "trainee {n}'s last answer to {q}");
    }
}

#[tokio::test]
async fn submitting_twice_counts_once() {
    let app = spawn_app().await;
    let class = taught_class(&app, "TWICE", 30).await;
    let tf = question(
        &app,
        &class,
        Q::new("true_false", "末端治理优先。", "错", 2),
    )
    .await;
    let exam = create_exam(&app, &class, &ExamSpec::fixed(&[tf])).await;
    let t = trainee(&app, class.id, "double@example.cn").await;
    let attempt = started(&app, &t.client, exam).await;
    answered(&app, &t.client, attempt, tf, "false").await;

    // A double click: two submissions at once.
    let (a, b) = tokio::join!(
        submit(&app, &t.client, attempt),
        submit(&app, &t.client, attempt)
    );
    assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
    assert_eq!(json::<AttemptState>(a).await, AttemptState::Graded);
    assert_eq!(json::<AttemptState>(b).await, AttemptState::Graded);
    let first = attempt_row(&app, attempt).await;

    // A retry a moment later.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        submitted(&app, &t.client, attempt).await,
        AttemptState::Graded
    );
    let after = attempt_row(&app, attempt).await;
    assert_eq!(
        after.submitted_at, first.submitted_at,
        "submitted_at unchanged"
    );
    assert_eq!((after.score, after.max_points), (Some(2), 2));
    let events = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM audit_events
             WHERE action = 'submit_attempt' AND subject = 'attempt:{attempt}'"
        ),
    )
    .await;
    assert_eq!(events, 1, "one submission recorded");
    let attempts = count(&app, "SELECT COUNT(*) FROM attempts").await;
    assert_eq!(attempts, 1);
    let changed = answer(&app, &t.client, attempt, tf, "true").await;
    assert_eq!(
        error(changed).await,
        AppError::Conflict(Problem::AttemptClosed),
        "a submitted answer cannot change"
    );
    assert_eq!(answer_row(&app, attempt, tf).await.response, "false");
}

/// What a trainee must never receive before results are released.
const KEY_TEXT: [&str; 8] = [
    "ISO 14001",
    "GB/T 24001",
    "\"choices\"",
    "\"truth\"",
    "\"accepted\"",
    "Explained:",
    "解析",
    "explanation",
];

fn assert_no_key(body: &str, what: &str) {
    for secret in KEY_TEXT {
        assert!(
            !body.contains(secret),
            "{what} reveals {secret:?} before release: {body}"
        );
    }
}

async fn body_without_key(response: Response, what: &str) -> String {
    assert_eq!(response.status(), StatusCode::OK, "{what}");
    let body = response.text().await.unwrap();
    assert_no_key(&body, what);
    body
}

#[tokio::test]
async fn every_kind_is_scored_people_grade_the_rest_and_results_wait_for_release() {
    let app = spawn_app().await;
    let class = taught_class(&app, "SCORE", 30).await;
    let single = question(
        &app,
        &class,
        Q::new("single", "审核分几个阶段？", "b", 2).options(THREE),
    )
    .await;
    let multiple = question(
        &app,
        &class,
        Q::new("multiple", "哪些是审核阶段？", "A, C", 2).options(THREE),
    )
    .await;
    let tf = question(
        &app,
        &class,
        Q::new("true_false", "末端治理优先。", "错", 1),
    )
    .await;
    let matched = question(
        &app,
        &class,
        Q::new("short_answer", "环境管理体系标准编号？", "ISO 14001", 2),
    )
    .await;
    let unmatched = question(
        &app,
        &class,
        Q::new("short_answer", "对应的国家标准编号？", "GB/T 24001", 3),
    )
    .await;
    let essay = question(&app, &class, Q::new("essay", "论述源头削减。", "", 5)).await;
    let all = [single, multiple, tf, matched, unmatched, essay];
    let exam = create_exam(&app, &class, &ExamSpec::fixed(&all)).await;
    let good = trainee(&app, class.id, "good@example.cn").await;
    let weak = trainee(&app, class.id, "weak@example.cn").await;

    // The good trainee: every objective answer right, the short answer in
    // full-width characters with an ideographic space.
    let started_body = body_without_key(start(&app, &good.client, exam).await, "start").await;
    let attempt: i64 = serde_json::from_str(&started_body).unwrap();
    let body = body_without_key(view_response(&app, &good.client, exam).await, "the paper").await;
    let page: ExamForMe = serde_json::from_str(&body).unwrap();
    let paper = page.paper.expect("a paper in progress");
    assert_eq!(
        paper
            .questions
            .iter()
            .map(|q| q.question_id)
            .collect::<Vec<_>>(),
        all
    );
    assert_eq!(
        paper.questions[0]
            .options
            .iter()
            .map(|(i, o)| (*i, o.en.as_str()))
            .collect::<Vec<_>>(),
        [(0, "Alpha"), (1, "Beta"), (2, "Gamma")]
    );
    assert!(paper.remaining_secs > 3500 && paper.remaining_secs <= 3600);
    let not_an_option = answer(&app, &good.client, attempt, single, "3").await;
    assert_eq!(
        error(not_an_option).await.field_problem("answer"),
        Some(Problem::AnswerNotAnOption)
    );
    let two_for_one = answer(&app, &good.client, attempt, single, "0,1").await;
    assert_eq!(
        error(two_for_one).await.field_problem("answer"),
        Some(Problem::SingleNeedsOneAnswer)
    );
    for (q, value) in [
        (single, "1"),
        (multiple, "2,0"),
        (tf, "false"),
        (matched, "ＩＳＯ　１４００１"),
        (unmatched, "I am not sure"),
        (essay, "Prevent waste at the source."),
    ] {
        body_without_key(
            answer(&app, &good.client, attempt, q, value).await,
            "a save",
        )
        .await;
    }
    let body = body_without_key(submit(&app, &good.client, attempt).await, "submit").await;
    assert_eq!(
        serde_json::from_str::<AttemptState>(&body).unwrap(),
        AttemptState::AwaitingGrading
    );
    let expected = [
        (single, Some(2), false),
        (multiple, Some(2), false),
        (tf, Some(1), false),
        (matched, Some(2), false),
        (unmatched, None, true),
        (essay, None, true),
    ];
    for (q, points, needs) in expected {
        let row = answer_row(&app, attempt, q).await;
        assert_eq!(
            (row.points, row.needs_grading),
            (points, needs),
            "question {q}"
        );
    }
    let row = attempt_row(&app, attempt).await;
    assert_eq!(
        (row.state.as_str(), row.score, row.max_points),
        ("awaiting_grading", None, 15)
    );

    // The weak trainee: everything wrong, one short answer left empty.
    let (weak_attempt, state) = sit(
        &app,
        &weak.client,
        exam,
        &[
            (single, "0"),
            (multiple, "0"),
            (tf, "true"),
            (matched, "ISO 9001"),
            (essay, "Not much."),
        ],
    )
    .await;
    assert_eq!(state, AttemptState::AwaitingGrading);
    assert_eq!(
        answer_row(&app, weak_attempt, unmatched).await.points,
        Some(0),
        "an empty answer scores zero without a person"
    );

    // The queue holds what needs a person, by name or anonymously.
    let queue = |question: i64, anonymous: bool| {
        let app = &app;
        let teacher = class.teacher.clone();
        async move {
            let response = app
                .call(
                    &teacher,
                    "teach/exams/queue",
                    &[
                        ("exam_id", &exam.to_string()),
                        ("question_id", &question.to_string()),
                        ("anonymous", if anonymous { "true" } else { "false" }),
                    ],
                )
                .await;
            assert_eq!(response.status(), StatusCode::OK);
            json::<GradingQueue>(response).await
        }
    };
    let short_queue = queue(unmatched, true).await;
    assert_eq!(
        short_queue
            .items
            .iter()
            .map(|i| (i.attempt_id, i.response.as_str(), i.trainee.is_none()))
            .collect::<Vec<_>>(),
        [(attempt, "I am not sure", true)],
        "only the unmatched, non-empty short answer, anonymously"
    );
    assert_eq!(
        short_queue.key,
        Some(AnswerKey::Accepted(vec!["GB/T 24001".into()])),
        "the instructor sees the accepted answers"
    );
    let matched_queue = queue(matched, false).await;
    assert_eq!(
        matched_queue
            .items
            .iter()
            .map(|i| (i.attempt_id, i.trainee.as_deref()))
            .collect::<Vec<_>>(),
        [(weak_attempt, Some("weak@example.cn"))],
        "the full-width answer was matched; the wrong one waits, by name"
    );
    let essays = queue(essay, false).await;
    assert_eq!(essays.items.len(), 2);

    let too_many = grade(&app, &class.teacher, attempt, essay, "6", "").await;
    assert_eq!(too_many.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let objective = grade(&app, &class.teacher, attempt, single, "0", "").await;
    assert_eq!(
        error(objective).await,
        AppError::Conflict(Problem::NotGradable),
        "an automatically scored answer is not graded by hand"
    );
    let ok = grade(
        &app,
        &class.teacher,
        attempt,
        unmatched,
        "1",
        "Half right: GB/T",
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(attempt_row(&app, attempt).await.state, "awaiting_grading");
    let ok = grade(&app, &class.teacher, attempt, essay, "4", "Good structure").await;
    assert_eq!(ok.status(), StatusCode::OK);
    let row = attempt_row(&app, attempt).await;
    assert_eq!(
        (row.state.as_str(), row.score),
        ("graded", Some(12)),
        "2+2+1+2+1+4"
    );
    for (q, points) in [(matched, "0"), (essay, "2")] {
        let ok = grade(&app, &class.teacher, weak_attempt, q, points, "Revise").await;
        assert_eq!(ok.status(), StatusCode::OK);
    }
    assert_eq!(attempt_row(&app, weak_attempt).await.score, Some(2));

    // Graded but not released: no result, and still no key.
    let body = body_without_key(
        view_response(&app, &good.client, exam).await,
        "the page before release",
    )
    .await;
    let page: ExamForMe = serde_json::from_str(&body).unwrap();
    assert_eq!(page.standing, Standing::AwaitingRelease);
    assert!(page.result.is_none() && page.paper.is_none());
    let body = body_without_key(
        app.call(&good.client, "exams/mine", &[]).await,
        "my exams before release",
    )
    .await;
    let mine: Vec<MyExam> = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (mine[0].standing, mine[0].percent),
        (Standing::AwaitingRelease, None)
    );

    let release = app
        .call(
            &class.teacher,
            "teach/exams/release",
            &[("exam_id", &exam.to_string())],
        )
        .await;
    assert_eq!(release.status(), StatusCode::OK);

    let response = view_response(&app, &good.client, exam).await;
    let body = response.text().await.unwrap();
    assert!(
        body.contains("ISO 14001") && body.contains("Explained:"),
        "the released result carries keys and explanations: {body}"
    );
    let page: ExamForMe = serde_json::from_str(&body).unwrap();
    assert_eq!(page.standing, Standing::Passed);
    let result = page.result.expect("a released result");
    assert_eq!(
        (
            result.score,
            result.max_points,
            result.percent,
            result.passed
        ),
        (12, 15, 80, true)
    );
    let item = |kind_prompt: &str| {
        result
            .items
            .iter()
            .find(|i| i.prompt.zh == kind_prompt)
            .expect("item")
    };
    let short_item = item("环境管理体系标准编号？");
    assert_eq!(
        short_item.key,
        AnswerKey::Accepted(vec!["ISO 14001".into()])
    );
    assert_eq!(short_item.response, "ＩＳＯ　１４００１");
    assert_eq!(short_item.points, Some(2));
    let essay_item = item("论述源头削减。");
    assert_eq!(
        (essay_item.points, essay_item.feedback.as_str()),
        (Some(4), "Good structure")
    );
    assert_eq!(essay_item.explanation.en, "Explained: 论述源头削减。");
    assert_eq!(item("审核分几个阶段？").key, AnswerKey::Choices([1].into()));

    let weak_page = view(&app, &weak.client, exam).await;
    assert_eq!(weak_page.standing, Standing::Failed);
    let weak_result = weak_page.result.expect("a released result");
    assert_eq!((weak_result.percent, weak_result.passed), (13, false));
}

#[tokio::test]
async fn nobody_reaches_an_exam_or_an_attempt_that_is_not_theirs() {
    let app = spawn_app().await;
    let class = taught_class(&app, "OWN", 30).await;
    let other_class = taught_class(&app, "OTHER", 30).await;
    let tf = question(
        &app,
        &class,
        Q::new("true_false", "末端治理优先。", "错", 1),
    )
    .await;
    let essay = question(&app, &class, Q::new("essay", "论述源头削减。", "", 5)).await;
    let exam = create_exam(&app, &class, &ExamSpec::fixed(&[tf, essay])).await;
    let owner = trainee(&app, class.id, "owner@example.cn").await;
    let nosy = trainee(&app, class.id, "nosy@example.cn").await;
    let done = trainee(&app, class.id, "done@example.cn").await;
    let outsider = trainee(&app, other_class.id, "outsider@example.cn").await;
    let leaver = trainee(&app, class.id, "leaver@example.cn").await;
    let withdrawn = app
        .call(
            &leaver.client,
            "enrolment/withdraw",
            &[("enrolment_id", &leaver.enrolment.to_string())],
        )
        .await;
    assert_eq!(withdrawn.status(), StatusCode::OK);

    let attempt = started(&app, &owner.client, exam).await;
    answered(&app, &owner.client, attempt, tf, "false").await;
    started(&app, &nosy.client, exam).await;
    let (done_attempt, _) = sit(&app, &done.client, exam, &[(essay, "My essay")]).await;

    // Another trainee's attempt looks like no attempt.
    let overwrite = answer(&app, &nosy.client, attempt, tf, "true").await;
    assert_eq!(overwrite.status(), StatusCode::NOT_FOUND);
    let hand_in = submit(&app, &nosy.client, attempt).await;
    assert_eq!(hand_in.status(), StatusCode::NOT_FOUND);
    assert_eq!(answer_row(&app, attempt, tf).await.response, "false");
    assert_eq!(attempt_row(&app, attempt).await.state, "in_progress");

    // Not in the class, or no longer: the exam does not exist for them.
    for (who, t) in [("another class", &outsider), ("withdrawn", &leaver)] {
        let page = view_response(&app, &t.client, exam).await;
        assert_eq!(page.status(), StatusCode::NOT_FOUND, "{who}: view");
        let begin = start(&app, &t.client, exam).await;
        assert_eq!(begin.status(), StatusCode::CONFLICT, "{who}: start");
        assert_eq!(
            error(begin).await,
            AppError::Conflict(Problem::NotApprovedForClass)
        );
        let mine: Vec<MyExam> = json(app.call(&t.client, "exams/mine", &[]).await).await;
        assert!(mine.is_empty(), "{who}: my exams");
    }

    // The teachers' side: another class's instructor, a trainee, a visitor.
    let exam_id = exam.to_string();
    let class_id = class.id.to_string();
    let attempt_id = done_attempt.to_string();
    let essay_id = essay.to_string();
    let done_id = done.id.to_string();
    let enrolment_id = owner.enrolment.to_string();
    let spec = ExamSpec::fixed(&[tf]);
    for (who, client, expected) in [
        (
            "an instructor of another class",
            &other_class.teacher,
            StatusCode::FORBIDDEN,
        ),
        ("a trainee", &owner.client, StatusCode::FORBIDDEN),
        ("a visitor", &app.client(), StatusCode::UNAUTHORIZED),
    ] {
        let calls: [(&str, Vec<(&str, &str)>); 8] = [
            ("teach/exams", vec![("class_id", &class_id)]),
            ("teach/exams/overview", vec![("exam_id", &exam_id)]),
            (
                "teach/exams/queue",
                vec![("exam_id", &exam_id), ("anonymous", "false")],
            ),
            (
                "teach/exams/grade",
                vec![
                    ("attempt_id", &attempt_id),
                    ("question_id", &essay_id),
                    ("points", "5"),
                    ("feedback", ""),
                ],
            ),
            ("teach/exams/release", vec![("exam_id", &exam_id)]),
            ("teach/gradebook", vec![("class_id", &class_id)]),
            (
                "teach/gradebook/override",
                vec![
                    ("exam_id", &exam_id),
                    ("trainee_id", &done_id),
                    ("percent", "100"),
                    ("reason", "Generous"),
                ],
            ),
            (
                "teach/extra-time",
                vec![("enrolment_id", &enrolment_id), ("percent", "200")],
            ),
        ];
        for (endpoint, form) in calls {
            let response = app.call(client, endpoint, &form).await;
            assert_eq!(response.status(), expected, "{who}: {endpoint}");
        }
        let create = create_exam_response(&app, client, class.id, &spec).await;
        assert_eq!(create.status(), expected, "{who}: teach/exams/create");
    }
    let unknown = app
        .call(
            &other_class.teacher,
            "teach/exams/overview",
            &[("exam_id", "987654")],
        )
        .await;
    assert_eq!(
        unknown.status(),
        StatusCode::FORBIDDEN,
        "an unknown exam looks like someone else's"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM exams").await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM exams WHERE released_at IS NOT NULL"
        )
        .await,
        0
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM grade_overrides").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM accommodations").await, 0);
    assert_eq!(answer_row(&app, done_attempt, essay).await.points, None);

    // Trainees' endpoints: visitors must sign in; instructors do not sit exams.
    let visitor = app.client();
    let attempt_id = attempt.to_string();
    let tf_id = tf.to_string();
    let trainee_calls: [(&str, Vec<(&str, &str)>); 5] = [
        ("exams/mine", vec![]),
        ("exams/view", vec![("exam_id", &exam_id)]),
        ("exams/start", vec![("exam_id", &exam_id)]),
        (
            "exams/answer",
            vec![
                ("attempt_id", &attempt_id),
                ("question_id", &tf_id),
                ("answer", "true"),
            ],
        ),
        ("exams/submit", vec![("attempt_id", &attempt_id)]),
    ];
    for (endpoint, form) in &trainee_calls {
        let response = app.call(&visitor, endpoint, form).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "visitor: {endpoint}"
        );
    }
    let teacher_start = start(&app, &class.teacher, exam).await;
    assert_eq!(teacher_start.status(), StatusCode::FORBIDDEN);
    let teacher_view = view_response(&app, &class.teacher, exam).await;
    assert_eq!(teacher_view.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM attempts WHERE trainee_id = {}",
                class.teacher_id
            )
        )
        .await,
        0
    );
    assert_eq!(answer_row(&app, attempt, tf).await.response, "false");
}

#[tokio::test]
async fn an_exam_opens_and_closes_on_time_and_counts_the_attempts_it_allows() {
    let app = spawn_app().await;
    let class = taught_class(&app, "WIN", 30).await;
    let single = question(
        &app,
        &class,
        Q::new("single", "哪一个？", "a", 2).options(THREE),
    )
    .await;
    let tf = question(&app, &class, Q::new("true_false", "对吗？", "对", 2)).await;
    let now = app::ssr::db::now();
    let t = trainee(&app, class.id, "window@example.cn").await;

    let mut later = ExamSpec::fixed(&[single]);
    later.opens_at = china_time(now + 2 * 86_400);
    later.closes_at = china_time(now + 3 * 86_400);
    let later = create_exam(&app, &class, &later).await;
    let early = start(&app, &t.client, later).await;
    assert_eq!(
        error(early).await,
        AppError::Conflict(Problem::ExamNotOpenYet)
    );
    let page = view(&app, &t.client, later).await;
    assert_eq!(
        (page.standing, page.cannot_start),
        (Standing::NotOpenYet, Some(Problem::ExamNotOpenYet))
    );

    let mut past = ExamSpec::fixed(&[single]);
    past.opens_at = china_time(now - 3 * 86_400);
    past.closes_at = china_time(now - 2 * 86_400);
    let past = create_exam(&app, &class, &past).await;
    let late = start(&app, &t.client, past).await;
    assert_eq!(error(late).await, AppError::Conflict(Problem::ExamClosed));
    assert_eq!(view(&app, &t.client, past).await.standing, Standing::Closed);

    let once = create_exam(&app, &class, &ExamSpec::fixed(&[single])).await;
    sit(&app, &t.client, once, &[(single, "0")]).await;
    let again = start(&app, &t.client, once).await;
    assert_eq!(
        error(again).await,
        AppError::Conflict(Problem::NoAttemptsLeft)
    );
    assert_eq!(
        view(&app, &t.client, once).await.cannot_start,
        Some(Problem::NoAttemptsLeft)
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM attempts WHERE exam_id = {once}")
        )
        .await,
        1
    );

    // Two attempts each: the first all right (100 %), the second half (50 %).
    let mut exams = HashMap::new();
    for counting in ["highest", "last"] {
        let mut spec = ExamSpec::fixed(&[single, tf]);
        spec.attempts = 2;
        spec.counting = counting;
        let exam = create_exam(&app, &class, &spec).await;
        let (first, _) = sit(&app, &t.client, exam, &[(single, "0"), (tf, "true")]).await;
        let (second, _) = sit(&app, &t.client, exam, &[(single, "0"), (tf, "false")]).await;
        assert_eq!(attempt_row(&app, first).await.score, Some(4));
        assert_eq!(attempt_row(&app, second).await.score, Some(2));
        exams.insert(counting, exam);
    }
    let book = gradebook(&app, &class).await;
    let highest = cell(&book, t.id, exams["highest"]);
    assert_eq!(
        (highest.percent, highest.passed),
        (Some(100), Some(true)),
        "the best attempt counts"
    );
    let last = cell(&book, t.id, exams["last"]);
    assert_eq!(
        (last.percent, last.passed),
        (Some(50), Some(false)),
        "the last attempt counts"
    );
}

#[tokio::test]
async fn an_overridden_grade_needs_a_reason_and_is_recorded() {
    let app = spawn_app().await;
    let class = taught_class(&app, "OVR", 30).await;
    let tf = question(&app, &class, Q::new("true_false", "对吗？", "对", 2)).await;
    let exam = create_exam(&app, &class, &ExamSpec::fixed(&[tf])).await;
    let t = trainee(&app, class.id, "override@example.cn").await;
    sit(&app, &t.client, exam, &[(tf, "true")]).await;
    assert_eq!(
        cell(&gradebook(&app, &class).await, t.id, exam).percent,
        Some(100)
    );

    let set = |percent: &'static str, reason: &'static str| {
        let app = &app;
        let teacher = class.teacher.clone();
        let (exam, trainee) = (exam.to_string(), t.id.to_string());
        async move {
            app.call(
                &teacher,
                "teach/gradebook/override",
                &[
                    ("exam_id", &exam),
                    ("trainee_id", &trainee),
                    ("percent", percent),
                    ("reason", reason),
                ],
            )
            .await
        }
    };
    let no_reason = set("55", "   ").await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error(no_reason).await.field_problem("reason"),
        Some(Problem::Required)
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM grade_overrides").await, 0);
    let too_much = set("101", "Extra credit").await;
    assert_eq!(too_much.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let before = app::ssr::db::now();
    let ok = set("55", "Copied from a neighbour; oral re-examination").await;
    assert_eq!(ok.status(), StatusCode::OK);
    let (percent, reason, set_by, set_at): (i64, String, i64, i64) = sqlx::query_as(
        "SELECT percent, reason, set_by, set_at FROM grade_overrides
         WHERE exam_id = ? AND trainee_id = ?",
    )
    .bind(exam)
    .bind(t.id)
    .fetch_one(&app.state.db.reader)
    .await
    .unwrap();
    assert_eq!(
        (percent, reason.as_str(), set_by),
        (
            55,
            "Copied from a neighbour; oral re-examination",
            class.teacher_id
        )
    );
    assert!(set_at >= before && set_at <= app::ssr::db::now());

    let book = gradebook(&app, &class).await;
    let overridden = cell(&book, t.id, exam);
    assert_eq!(
        (overridden.percent, overridden.passed, overridden.overridden),
        (Some(55), Some(false), true)
    );
    assert_eq!(book.overrides.len(), 1);
    assert_eq!(book.overrides[0].set_by, "teacher-ovr@example.cn");
}

#[tokio::test]
async fn extra_time_stretches_the_next_attempt_but_never_past_the_closing_time() {
    let app = spawn_app().await;
    let class = taught_class(&app, "XT", 30).await;
    let tf = question(&app, &class, Q::new("true_false", "对吗？", "对", 2)).await;
    let hour = create_exam(&app, &class, &ExamSpec::fixed(&[tf])).await;
    let mut closing = ExamSpec::fixed(&[tf]);
    closing.limit_minutes = 30;
    closing.closes_at = china_time(app::ssr::db::now() + 40 * 60);
    let closes_at = parse_china_time(&closing.closes_at).unwrap();
    let closing = create_exam(&app, &class, &closing).await;
    let slow = trainee(&app, class.id, "slow@example.cn").await;
    let usual = trainee(&app, class.id, "usual@example.cn").await;

    let extra = |percent: &'static str| {
        let app = &app;
        let teacher = class.teacher.clone();
        let enrolment = slow.enrolment.to_string();
        async move {
            app.call(
                &teacher,
                "teach/extra-time",
                &[("enrolment_id", &enrolment), ("percent", percent)],
            )
            .await
        }
    };
    assert_eq!(
        extra("301").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(extra("150").await.status(), StatusCode::OK);
    let (factor, set_by): (i64, i64) = sqlx::query_as(
        "SELECT time_factor_percent, set_by FROM accommodations WHERE trainee_id = ?",
    )
    .bind(slow.id)
    .fetch_one(&app.state.db.reader)
    .await
    .unwrap();
    assert_eq!((factor, set_by), (150, class.teacher_id));

    let attempt = started(&app, &slow.client, hour).await;
    let row = attempt_row(&app, attempt).await;
    assert_eq!(
        row.deadline_at - row.started_at,
        90 * 60,
        "60 minutes × 1.5"
    );
    let attempt = started(&app, &slow.client, closing).await;
    assert_eq!(
        attempt_row(&app, attempt).await.deadline_at,
        closes_at,
        "45 minutes would run past the exam's closing"
    );
    let attempt = started(&app, &usual.client, closing).await;
    let row = attempt_row(&app, attempt).await;
    assert_eq!(
        row.deadline_at - row.started_at,
        30 * 60,
        "no extra time for others"
    );
}

#[tokio::test]
async fn changing_a_key_in_the_bank_regrades_the_attempts_it_affects() {
    let app = spawn_app().await;
    let class = taught_class(&app, "REGRADE", 30).await;
    let single_draft = Q::new("single", "哪一个？", "a", 2).options(THREE);
    let single = question(
        &app,
        &class,
        Q::new("single", "哪一个？", "a", 2).options(THREE),
    )
    .await;
    let tf = question(&app, &class, Q::new("true_false", "对吗？", "对", 1)).await;
    let exam = create_exam(&app, &class, &ExamSpec::fixed(&[single, tf])).await;
    let mut attempts = Vec::new();
    for (n, choice) in ["0", "1", "2"].into_iter().enumerate() {
        let t = trainee(&app, class.id, &format!("r{n}@example.cn")).await;
        let (attempt, state) = sit(&app, &t.client, exam, &[(single, choice), (tf, "true")]).await;
        assert_eq!(state, AttemptState::Graded);
        attempts.push(attempt);
    }
    let mut scores = Vec::new();
    for a in &attempts {
        scores.push(attempt_row(&app, *a).await.score);
    }
    assert_eq!(scores, [Some(3), Some(1), Some(1)]);

    // The key was wrong: B, not A.
    let fixed = Q {
        answer: "b",
        ..single_draft
    };
    let response = save_question(&app, &class, Some(single), &fixed).await;
    assert_eq!(response.status(), StatusCode::OK);
    let saved: SavedQuestion = json(response).await;
    assert_eq!(saved.regraded, Some(2), "two attempts changed");
    let mut scores = Vec::new();
    for a in &attempts {
        scores.push(attempt_row(&app, *a).await.score);
    }
    assert_eq!(scores, [Some(1), Some(3), Some(1)]);
    let (question_id, changed, done_by): (i64, i64, i64) =
        sqlx::query_as("SELECT question_id, attempts_changed, done_by FROM regrades")
            .fetch_one(&app.state.db.reader)
            .await
            .unwrap();
    assert_eq!(
        (question_id, changed, done_by),
        (single, 2, class.teacher_id)
    );
}

#[tokio::test]
async fn a_random_paper_draws_distinct_questions_by_tag_and_shuffles_the_options() {
    let app = spawn_app().await;
    let class = taught_class(&app, "RAND", 30).await;
    let mut tagged = BTreeSet::new();
    for prompt in ["第一题", "第二题", "第三题", "第四题"] {
        let q = Q::new("single", prompt, "a", 2)
            .options(FOUR)
            .tags("tagA, 审核");
        tagged.insert(question(&app, &class, q).await);
    }
    for prompt in ["判断一", "判断二"] {
        question(
            &app,
            &class,
            Q::new("true_false", prompt, "对", 1).tags("tagB"),
        )
        .await;
    }
    let mut spec = ExamSpec::fixed(&[]);
    spec.selection = "random";
    spec.draws = "tagA: 2";
    spec.shuffle = true;
    let exam = create_exam(&app, &class, &spec).await;

    let mut orders = HashSet::new();
    for n in 0..6 {
        let t = trainee(&app, class.id, &format!("rand{n}@example.cn")).await;
        let attempt = started(&app, &t.client, exam).await;
        let page = view(&app, &t.client, exam).await;
        assert_eq!(page.exam.question_count, 2);
        let paper = page.paper.expect("a paper");
        let ids: BTreeSet<i64> = paper.questions.iter().map(|q| q.question_id).collect();
        assert_eq!(ids.len(), 2, "two distinct questions");
        assert!(ids.is_subset(&tagged), "all carry tagA: {ids:?}");
        for q in &paper.questions {
            let order: Vec<u32> = q.options.iter().map(|(i, _)| *i).collect();
            let mut sorted = order.clone();
            sorted.sort();
            assert_eq!(sorted, [0, 1, 2, 3], "a permutation of the options");
            let alpha = q.options.iter().find(|(i, _)| *i == 0).unwrap();
            assert_eq!(alpha.1.en, "Alpha", "each index keeps its option");
            orders.insert(order);
            // The answer names the option as written, wherever it is shown.
            answered(&app, &t.client, attempt, q.question_id, "0").await;
        }
        assert_eq!(
            submitted(&app, &t.client, attempt).await,
            AttemptState::Graded
        );
        let row = attempt_row(&app, attempt).await;
        assert_eq!((row.score, row.max_points), (Some(4), 4));
    }
    assert!(
        orders.len() > 1,
        "twelve shuffles are not all the same order: {orders:?}"
    );
}

#[tokio::test]
async fn item_analysis_reports_answers_facility_and_discrimination_per_question() {
    let app = spawn_app().await;
    let class = taught_class(&app, "ITEM", 30).await;
    let q1 = question(
        &app,
        &class,
        Q::new("single", "甲题", "a", 4).options(THREE),
    )
    .await;
    let q2 = question(&app, &class, Q::new("true_false", "乙题", "对", 2)).await;
    let q3 = question(
        &app,
        &class,
        Q::new("single", "丙题", "a", 1).options(THREE),
    )
    .await;
    let exam = create_exam(&app, &class, &ExamSpec::fixed(&[q1, q2, q3])).await;
    // Totals 6, 5, 4, 3, 1: the strongest misses q3, the weakest gets it.
    let sheets: [[bool; 3]; 5] = [
        [true, true, false],
        [true, false, true],
        [true, false, false],
        [false, true, true],
        [false, false, true],
    ];
    for (n, sheet) in sheets.iter().enumerate() {
        let t = trainee(&app, class.id, &format!("item{n}@example.cn")).await;
        let choice = |right: bool| if right { "0" } else { "1" };
        let truth = |right: bool| if right { "true" } else { "false" };
        let (_, state) = sit(
            &app,
            &t.client,
            exam,
            &[
                (q1, choice(sheet[0])),
                (q2, truth(sheet[1])),
                (q3, choice(sheet[2])),
            ],
        )
        .await;
        assert_eq!(state, AttemptState::Graded);
    }
    // An attempt still in progress is not analysed.
    let busy = trainee(&app, class.id, "busy@example.cn").await;
    started(&app, &busy.client, exam).await;

    let response = app
        .call(
            &class.teacher,
            "teach/exams/overview",
            &[("exam_id", &exam.to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let overview: ExamOverview = json(response).await;
    assert_eq!(
        (overview.summary.graded, overview.summary.in_progress),
        (5, 1)
    );
    let items: HashMap<i64, _> = overview.items.iter().map(|i| (i.question_id, i)).collect();
    assert_eq!(items.len(), 3);
    for (q, facility, discrimination, weak) in [
        (q1, 0.6, 1.0, false),
        (q2, 0.4, 1.0, false),
        (q3, 0.6, -1.0, true),
    ] {
        let item = items[&q];
        assert_eq!(item.answered, 5, "question {q}");
        assert!(
            (item.facility - facility).abs() < 1e-9,
            "facility of {q}: {}",
            item.facility
        );
        let d = item
            .discrimination
            .expect("a discrimination with five attempts");
        assert!(
            (d - discrimination).abs() < 1e-9,
            "discrimination of {q}: {d}"
        );
        assert_eq!(item.weak, weak, "question {q}");
    }

    let listing = app
        .call(
            &class.teacher,
            "teach/exams",
            &[("class_id", &class.id.to_string())],
        )
        .await;
    assert_eq!(listing.status(), StatusCode::OK);
    let listing: ClassExams = json(listing).await;
    assert_eq!(listing.exams.len(), 1);
    assert_eq!(listing.exams[0].graded, 5);
}

// ---------------------------------------------------------------- found in review

async fn release(app: &TestApp, class: &Class, exam: i64) {
    let response = app
        .call(
            &class.teacher,
            "teach/exams/release",
            &[("exam_id", &exam.to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "released");
}

#[tokio::test]
async fn keys_stay_hidden_while_another_attempt_may_start() {
    let app = spawn_app().await;
    let class = taught_class(&app, "KEYS", 10).await;
    let q = question(
        &app,
        &class,
        Q::new("single", "源头削减还是末端治理？", "B", 2).options(THREE),
    )
    .await;
    let mut spec = ExamSpec::fixed(&[q]);
    spec.attempts = 2;
    let exam = create_exam(&app, &class, &spec).await;
    let me = trainee(&app, class.id, "keys@example.cn").await;
    sit(&app, &me.client, exam, &[(q, "0")]).await;
    release(&app, &class, exam).await;

    let response = view_response(&app, &me.client, exam).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    assert!(
        !body.contains("解析"),
        "no explanation while a retry is open"
    );
    let seen: ExamForMe = serde_json::from_str(&body).unwrap();
    assert_eq!(seen.cannot_start, None, "a second attempt may start");
    let result = seen.result.expect("the score is released");
    assert_eq!((result.percent, result.passed), (0, false));
    assert!(result.answers_withheld && result.items.is_empty());

    // Once the last attempt is used, the answers are shown.
    sit(&app, &me.client, exam, &[(q, "1")]).await;
    let result = view(&app, &me.client, exam).await.result.unwrap();
    assert!(!result.answers_withheld);
    assert_eq!(result.items.len(), 1);
    assert_eq!(result.percent, 100);
}

#[tokio::test]
async fn lowering_an_essays_points_caps_the_grades_already_given() {
    let app = spawn_app().await;
    let class = taught_class(&app, "CAP", 10).await;
    let essay = Q::new("essay", "论述清洁生产审核的步骤。", "", 5);
    let q = question(&app, &class, Q::new("essay", essay.prompt, "", 5)).await;
    let exam = create_exam(&app, &class, &ExamSpec::fixed(&[q])).await;
    let me = trainee(&app, class.id, "cap@example.cn").await;
    let (attempt, _) = sit(&app, &me.client, exam, &[(q, "七个阶段……")]).await;
    assert_eq!(
        grade(&app, &class.teacher, attempt, q, "5", "好")
            .await
            .status(),
        StatusCode::OK
    );

    let lowered = Q::new("essay", essay.prompt, "", 2);
    let response = save_question(&app, &class, Some(q), &lowered).await;
    assert_eq!(response.status(), StatusCode::OK);
    let row = attempt_row(&app, attempt).await;
    assert_eq!(row.state, "graded");
    let (score, max): (Option<i64>, i64) =
        sqlx::query_as("SELECT score, max_points FROM attempts WHERE id = ?")
            .bind(attempt)
            .fetch_one(&app.state.db.reader)
            .await
            .unwrap();
    assert_eq!(
        (score, max),
        (Some(2), 2),
        "the grade is capped at the new maximum"
    );
    let (graded_by, feedback): (Option<i64>, String) = sqlx::query_as(
        "SELECT graded_by, feedback FROM answers WHERE attempt_id = ? AND question_id = ?",
    )
    .bind(attempt)
    .bind(q)
    .fetch_one(&app.state.db.reader)
    .await
    .unwrap();
    assert_eq!(
        graded_by,
        Some(class.teacher_id),
        "still the instructor's grade"
    );
    assert_eq!(feedback, "好");
}

#[tokio::test]
async fn a_result_set_by_hand_reaches_a_trainee_without_an_attempt() {
    let app = spawn_app().await;
    let class = taught_class(&app, "HAND", 10).await;
    let q = question(
        &app,
        &class,
        Q::new("true_false", "清洁生产是一次性活动。", "false", 1),
    )
    .await;
    let exam = create_exam(&app, &class, &ExamSpec::fixed(&[q])).await;
    let me = trainee(&app, class.id, "hand@example.cn").await;
    let response = app
        .call(
            &class.teacher,
            "teach/gradebook/override",
            &[
                ("exam_id", &exam.to_string()),
                ("trainee_id", &me.id.to_string()),
                ("percent", "90"),
                ("reason", "补考成绩（纸质试卷）"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let before = view(&app, &me.client, exam).await;
    assert_eq!(before.standing, Standing::AwaitingRelease);
    assert!(before.result.is_none());

    release(&app, &class, exam).await;
    let after = view(&app, &me.client, exam).await;
    assert_eq!(after.standing, Standing::Passed);
    let result = after.result.expect("the result set by hand");
    assert_eq!(result.percent, 90);
    assert_eq!(
        result.override_reason.as_deref(),
        Some("补考成绩（纸质试卷）")
    );
    let mine: Vec<app::api::exams::MyExam> =
        json(app.call(&me.client, "exams/mine", &[]).await).await;
    assert_eq!(mine[0].standing, Standing::Passed);
    assert_eq!(mine[0].percent, Some(90));
}

#[tokio::test]
async fn before_release_a_trainee_who_may_retry_learns_nothing_about_the_key() {
    let app = spawn_app().await;
    let class = taught_class(&app, "MASK", 10).await;
    let q = question(
        &app,
        &class,
        Q::new("short_answer", "ISO 环境管理体系标准编号？", "ISO 14001", 2),
    )
    .await;
    let mut spec = ExamSpec::fixed(&[q]);
    spec.attempts = 2;
    let exam = create_exam(&app, &class, &spec).await;
    let me = trainee(&app, class.id, "mask@example.cn").await;
    // A matching short answer is scored at once, but neither the hand-in nor
    // the page may say so while a second attempt is possible.
    let (attempt, state) = sit(&app, &me.client, exam, &[(q, "iso 14001")]).await;
    assert_eq!(state, AttemptState::AwaitingGrading);
    assert_eq!(attempt_row(&app, attempt).await.state, "graded");
    let seen = view(&app, &me.client, exam).await;
    assert_eq!(seen.standing, Standing::AwaitingGrading);
    assert_eq!(seen.attempts[0].state, AttemptState::AwaitingGrading);
    assert_eq!(seen.attempts[0].score, None, "no score before release");

    // With no attempt left, the state is told (the score still waits).
    let (_, state) = sit(&app, &me.client, exam, &[(q, "GB/T 24001")]).await;
    assert_eq!(state, AttemptState::AwaitingGrading);
    let seen = view(&app, &me.client, exam).await;
    assert_eq!(seen.attempts[0].state, AttemptState::Graded);
    assert!(seen.attempts.iter().all(|a| a.score.is_none()));
}

#[tokio::test]
async fn a_random_exam_whose_tags_share_questions_is_always_sittable() {
    let app = spawn_app().await;
    let class = taught_class(&app, "SHARE", 40).await;
    // Tag A has two questions, tag B only the one they share.
    question(
        &app,
        &class,
        Q::new("true_false", "甲题", "true", 1).tags("A"),
    )
    .await;
    question(
        &app,
        &class,
        Q::new("true_false", "乙题", "true", 1).tags("A, B"),
    )
    .await;
    let mut spec = ExamSpec::fixed(&[]);
    spec.selection = "random";
    spec.draws = "A: 1\nB: 1";
    let exam = create_exam(&app, &class, &spec).await;
    for n in 0..12 {
        let me = trainee(&app, class.id, &format!("share{n}@example.cn")).await;
        let response = start(&app, &me.client, exam).await;
        assert_eq!(response.status(), StatusCode::OK, "sitting {n}");
    }
    // Asking for more than the tags can give together is refused up front.
    spec.draws = "A: 2\nB: 1";
    let response = create_exam_response(&app, &class.teacher, class.id, &spec).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn extra_time_is_only_for_trainees_who_sit_the_class() {
    let app = spawn_app().await;
    let class = app
        .seed_class(
            "APPLY",
            ClassSpec {
                approval: app::domain::enrolment::Approval::Manual,
                ..Default::default()
            },
        )
        .await;
    let (teacher, teacher_id) = app
        .quick_session(Role::Instructor, "t-apply@example.cn")
        .await;
    app.assign_instructor(class, teacher_id).await;
    let (applicant, applicant_id) = app
        .quick_session(Role::Trainee, "applicant@example.cn")
        .await;
    let response = app
        .call(
            &applicant,
            "enrolment/enrol",
            &[("class_id", &class.to_string())],
        )
        .await;
    let enrolment: MyEnrolment = json(response).await;
    assert_eq!(enrolment.state, EnrolmentState::Pending);
    let response = app
        .call(
            &teacher,
            "teach/extra-time",
            &[
                ("enrolment_id", &enrolment.id.to_string()),
                ("percent", "200"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let set: Option<i64> =
        sqlx::query_scalar("SELECT time_factor_percent FROM accommodations WHERE trainee_id = ?")
            .bind(applicant_id)
            .fetch_optional(&app.state.db.reader)
            .await
            .unwrap();
    assert_eq!(set, None);
}
