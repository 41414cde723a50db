//! Course question banks over HTTP: every kind, edits and regrades,
//! retiring, import and export, and every refusal.

use academy_tests::{json, spawn_app, ClassSpec, TestApp};
use app::api::bank::{BankCourse, BankImportOutcome, BankPage, SavedQuestion};
use app::domain::exam::{AnswerKey, Question, QuestionKind};
use app::domain::Role;
use app::error::{AppError, Problem};
use reqwest::{Client, StatusCode};

/// A course with one class taught by a fresh instructor.
async fn course_with_teacher(app: &TestApp, code: &str) -> (Client, i64) {
    let class = app.seed_class(code, ClassSpec::default()).await;
    let email = format!("teacher-{}@example.cn", code.to_lowercase());
    let (teacher, teacher_id) = app.quick_session(Role::Instructor, &email).await;
    app.assign_instructor(class, teacher_id).await;
    (teacher, class)
}

struct Draft<'a> {
    kind: &'a str,
    prompt_zh: &'a str,
    prompt_en: &'a str,
    options: &'a str,
    answer: &'a str,
    points: &'a str,
    tags: &'a str,
}

impl<'a> Draft<'a> {
    fn new(kind: &'a str, prompt: &'a str, answer: &'a str) -> Self {
        Draft {
            kind,
            prompt_zh: prompt,
            prompt_en: prompt,
            options: "",
            answer,
            points: "2",
            tags: "",
        }
    }
}

async fn save(
    app: &TestApp,
    client: &Client,
    course: &str,
    id: Option<i64>,
    d: &Draft<'_>,
) -> reqwest::Response {
    let id = id.map(|i| i.to_string()).unwrap_or_default();
    app.call(
        client,
        "teach/save_question",
        &[
            ("course_code", course),
            ("question_id", &id),
            ("kind", d.kind),
            ("prompt_zh", d.prompt_zh),
            ("prompt_en", d.prompt_en),
            ("options", d.options),
            ("answer", d.answer),
            ("points", d.points),
            ("tags", d.tags),
            ("explanation_zh", "解析"),
            ("explanation_en", "Why"),
        ],
    )
    .await
}

async fn saved(app: &TestApp, client: &Client, course: &str, d: &Draft<'_>) -> i64 {
    let response = save(app, client, course, None, d).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", d.prompt_en);
    json::<SavedQuestion>(response).await.id
}

async fn list(app: &TestApp, client: &Client, course: &str) -> BankPage {
    let response = app
        .call(client, "teach/bank_questions", &[("course_code", course)])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    json(response).await
}

async fn questions(app: &TestApp, client: &Client, course: &str) -> Vec<Question> {
    let mut page = list(app, client, course).await;
    page.questions.sort_by_key(|q| q.id);
    page.questions.into_iter().map(|q| q.question).collect()
}

async fn import(
    app: &TestApp,
    client: &Client,
    course: &str,
    format: &str,
    text: &str,
    commit: bool,
) -> reqwest::Response {
    app.call(
        client,
        "teach/import_bank",
        &[
            ("course_code", course),
            ("format", format),
            ("text", text),
            ("commit", if commit { "true" } else { "false" }),
        ],
    )
    .await
}

async fn count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM questions")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap()
}

const CHOICES: &str = "四个 | Four\n七个 | Seven\n十个 | Ten";

#[tokio::test]
async fn an_instructor_writes_questions_of_every_kind_and_sees_them_with_their_keys() {
    let app = spawn_app().await;
    let (teacher, _) = course_with_teacher(&app, "BANK").await;
    let mut single = Draft::new("single", "审核分几个阶段？", "b");
    single.options = CHOICES;
    single.tags = "审核, audit";
    let mut multiple = Draft::new("multiple", "Which are phases?", "A, C");
    multiple.options =
        "预审核 | Pre-assessment\n末端治理 | End of pipe\n持续清洁生产 | Continuation";
    let drafts = [
        single,
        multiple,
        Draft::new("true_false", "末端治理优先。", "错"),
        Draft::new("short_answer", "Name the standard", "ISO 14001\nGB/T 24001"),
        Draft::new("essay", "论述源头削减。", ""),
    ];
    for d in &drafts {
        saved(&app, &teacher, "bank", d).await;
    }

    let course: BankCourse = json(
        app.call(&teacher, "teach/bank_course", &[("course_code", "BANK")])
            .await,
    )
    .await;
    assert_eq!(course.title.en, "Cleaner Production Auditor Training");
    let page = list(&app, &teacher, "BANK").await;
    assert_eq!(page.total, 5);
    assert_eq!(page.tags, ["audit", "审核"]);
    let all = questions(&app, &teacher, "BANK").await;
    let kinds: Vec<_> = all.iter().map(|q| q.kind).collect();
    assert_eq!(kinds, QuestionKind::ALL);
    assert_eq!(all[0].key, AnswerKey::Choices([1].into()));
    assert_eq!(all[0].options[1].en, "Seven");
    assert_eq!(all[1].key, AnswerKey::Choices([0, 2].into()));
    assert_eq!(all[2].key, AnswerKey::Truth(false));
    assert_eq!(
        all[3].key,
        AnswerKey::Accepted(vec!["ISO 14001".into(), "GB/T 24001".into()])
    );
    assert_eq!(all[4].key, AnswerKey::None);
    assert_eq!(all[4].explanation_en, "Why");

    // Search and tag narrow the list.
    let found: BankPage = json(
        app.call(
            &teacher,
            "teach/bank_questions",
            &[("course_code", "BANK"), ("search", "standard")],
        )
        .await,
    )
    .await;
    assert_eq!(found.total, 1);
    let tagged: BankPage = json(
        app.call(
            &teacher,
            "teach/bank_questions",
            &[("course_code", "BANK"), ("tag", "审核")],
        )
        .await,
    )
    .await;
    assert_eq!(tagged.questions.len(), 1);
    assert_eq!(tagged.questions[0].question.kind, QuestionKind::Single);
}

#[tokio::test]
async fn bad_input_is_reported_per_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let (teacher, _) = course_with_teacher(&app, "BANK").await;
    let mut draft = Draft::new("multiple", "", "A,D");
    draft.prompt_en = "Which?";
    draft.options = "一 | one\n二 | two";
    draft.points = "0";
    let response = save(&app, &teacher, "BANK", None, &draft).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: AppError = json(response).await;
    assert_eq!(error.field_problem("prompt_zh"), Some(Problem::Required));
    assert_eq!(
        error.field_problem("answer"),
        Some(Problem::AnswerNotAnOption)
    );
    assert!(matches!(
        error.field_problem("points"),
        Some(Problem::NumberOutOfRange { .. })
    ));
    assert_eq!(error.field_problem("prompt_en"), None);

    let mut draft = Draft::new("single", "一个选项", "A");
    draft.options = "只有一个 | Only one";
    let error: AppError = json(save(&app, &teacher, "BANK", None, &draft).await).await;
    assert_eq!(error.field_problem("options"), Some(Problem::TooFewOptions));
    let error: AppError = json(
        save(
            &app,
            &teacher,
            "BANK",
            None,
            &Draft::new("riddle", "谜语", "x"),
        )
        .await,
    )
    .await;
    assert_eq!(error.field_problem("kind"), Some(Problem::NotInList));
    assert_eq!(count(&app).await, 0, "nothing was saved");
}

#[tokio::test]
async fn edits_keep_the_kind_and_retired_questions_can_be_restored() {
    let app = spawn_app().await;
    let (teacher, _) = course_with_teacher(&app, "BANK").await;
    let mut draft = Draft::new("single", "审核分几个阶段？", "A");
    draft.options = CHOICES;
    let id = saved(&app, &teacher, "BANK", &draft).await;

    draft.prompt_en = "How many phases?";
    let edit: SavedQuestion = json(save(&app, &teacher, "BANK", Some(id), &draft).await).await;
    assert_eq!(
        edit,
        SavedQuestion { id, regraded: None },
        "same key, no regrade"
    );
    draft.answer = "B";
    let edit: SavedQuestion = json(save(&app, &teacher, "BANK", Some(id), &draft).await).await;
    assert_eq!(
        edit.regraded,
        Some(0),
        "a new key regrades (nothing to change yet)"
    );
    let all = questions(&app, &teacher, "BANK").await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].prompt_en, "How many phases?");
    assert_eq!(all[0].key, AnswerKey::Choices([1].into()));

    draft.kind = "multiple";
    let response = save(&app, &teacher, "BANK", Some(id), &draft).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: AppError = json(response).await;
    assert_eq!(error.field_problem("kind"), Some(Problem::KindCannotChange));

    let retire = |retired: &'static str| {
        let id = id.to_string();
        let app = &app;
        let teacher = &teacher;
        async move {
            app.call(
                teacher,
                "teach/retire_question",
                &[("question_id", &id), ("retired", retired)],
            )
            .await
            .status()
        }
    };
    assert_eq!(retire("true").await, StatusCode::OK);
    assert!(list(&app, &teacher, "BANK").await.questions[0].retired);
    assert_eq!(retire("false").await, StatusCode::OK);
    assert!(!list(&app, &teacher, "BANK").await.questions[0].retired);
    let events: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE subject = ? AND action IN
         ('create_question', 'update_question', 'retire_question', 'restore_question')",
    )
    .bind(format!("question:{id}"))
    .fetch_one(&app.state.db.reader)
    .await
    .unwrap();
    assert_eq!(events, 5);
}

#[tokio::test]
async fn a_changed_key_regrades_the_attempts_that_answered_the_question() {
    let app = spawn_app().await;
    let (teacher, class) = course_with_teacher(&app, "BANK").await;
    let (_, trainee) = app.quick_session(Role::Trainee, "trainee@example.cn").await;
    let mut draft = Draft::new("single", "审核分几个阶段？", "A");
    draft.options = CHOICES;
    let id = saved(&app, &teacher, "BANK", &draft).await;

    // A submitted attempt that chose option B (index 1), scored 0 of 2.
    let mut tx = app.state.db.begin_write().await.unwrap();
    let exam: i64 = sqlx::query_scalar(
        "INSERT INTO exams (class_id, title_zh, title_en, selection, time_limit_minutes, opens_at,
                            closes_at, attempts_allowed, counting, pass_percent, shuffle,
                            created_by, created_at)
         VALUES (?, '考试', 'Exam', 'fixed', 60, 0, 10, 1, 'highest', 60, 0, ?, 0) RETURNING id",
    )
    .bind(class)
    .bind(trainee)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    sqlx::query("INSERT INTO exam_questions (exam_id, question_id, position) VALUES (?, ?, 0)")
        .bind(exam)
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    let attempt: i64 = sqlx::query_scalar(
        "INSERT INTO attempts (exam_id, trainee_id, number, state, layout, started_at, deadline_at,
                               submitted_at, closed_by, max_points, score)
         VALUES (?, ?, 1, 'graded', '[]', 1, 5, 2, 'trainee', 2, 0) RETURNING id",
    )
    .bind(exam)
    .bind(trainee)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO answers (attempt_id, question_id, response, saved_at, points)
         VALUES (?, ?, '1', 2, 0)",
    )
    .bind(attempt)
    .bind(id)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(list(&app, &teacher, "BANK").await.questions[0].answered, 1);

    draft.answer = "B";
    let edit: SavedQuestion = json(save(&app, &teacher, "BANK", Some(id), &draft).await).await;
    assert_eq!(edit.regraded, Some(1));
    let points: Option<i64> = sqlx::query_scalar("SELECT points FROM answers WHERE attempt_id = ?")
        .bind(attempt)
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(points, Some(2), "the answer now scores");
}

#[tokio::test]
async fn trainees_visitors_and_teachers_of_other_courses_are_refused() {
    let app = spawn_app().await;
    let (teacher, _) = course_with_teacher(&app, "BANK").await;
    let (other_teacher, _) = course_with_teacher(&app, "OTHER").await;
    let (trainee, _) = app.quick_session(Role::Trainee, "trainee@example.cn").await;
    let (admin, _) = app
        .quick_session(Role::Administrator, "admin@example.cn")
        .await;
    let mut draft = Draft::new("single", "审核分几个阶段？", "A");
    draft.options = CHOICES;
    let id = saved(&app, &teacher, "BANK", &draft).await;
    let other_id = saved(&app, &other_teacher, "OTHER", &draft).await;
    let visitor = app.client();
    let csv = "kind,prompt_zh,prompt_en,points\nessay,甲,A,1\n";

    for (who, client, status) in [
        ("a trainee", &trainee, StatusCode::FORBIDDEN),
        ("a visitor", &visitor, StatusCode::UNAUTHORIZED),
        (
            "an instructor of another course",
            &other_teacher,
            StatusCode::FORBIDDEN,
        ),
    ] {
        let calls = [
            app.call(client, "teach/bank_course", &[("course_code", "BANK")])
                .await,
            app.call(client, "teach/bank_questions", &[("course_code", "BANK")])
                .await,
            save(&app, client, "BANK", None, &draft).await,
            save(&app, client, "BANK", Some(id), &draft).await,
            app.call(
                client,
                "teach/retire_question",
                &[("question_id", &id.to_string()), ("retired", "true")],
            )
            .await,
            import(&app, client, "BANK", "csv", csv, true).await,
            client
                .get(app.url("/teach/courses/BANK/questions.csv"))
                .send()
                .await
                .unwrap(),
            client
                .get(app.url("/teach/courses/BANK/questions.json"))
                .send()
                .await
                .unwrap(),
        ];
        for (i, response) in calls.into_iter().enumerate() {
            assert_eq!(response.status(), status, "{who}, call {i}");
        }
    }
    // An unknown course looks like someone else's, except to an administrator.
    let unknown = app
        .call(
            &other_teacher,
            "teach/bank_course",
            &[("course_code", "NOPE")],
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::FORBIDDEN);
    let unknown = app
        .call(&admin, "teach/bank_course", &[("course_code", "NOPE")])
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let page = app.call(&admin, "teach/bank_questions", &[("course_code", "BANK")]);
    assert_eq!(page.await.status(), StatusCode::OK, "administrators may");

    // A question of course A cannot be edited through course B's bank.
    draft.prompt_en = "Hijacked";
    let response = save(&app, &other_teacher, "OTHER", Some(id), &draft).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(count(&app).await, 2, "nothing was added");
    let all = questions(&app, &teacher, "BANK").await;
    assert_eq!(all[0].prompt_en, "审核分几个阶段？", "nothing was changed");
    assert!(!list(&app, &teacher, "BANK").await.questions[0].retired);
    assert!(other_id != id);
    // The bank page itself refuses too.
    let page = trainee
        .get(app.url("/teach/courses/BANK/questions"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
}

const CSV_WITH_A_BAD_ROW: &str = "kind,prompt_zh,prompt_en,options,answer,points,tags\n\
     single,审核分几个阶段？,How many phases?,\"四个 | Four\n七个 | Seven\",B,2,审核\n\
     multiple,哪些属于清洁生产？,Which are cleaner production?,\"源头削减 | Source reduction\n末端治理 | End of pipe\",C,2,\n\
     true_false,末端治理优先。,End of pipe comes first.,,错,1,\n";

#[tokio::test]
async fn a_csv_with_a_bad_row_imports_nothing_and_says_which_line() {
    let app = spawn_app().await;
    let (teacher, _) = course_with_teacher(&app, "BANK").await;

    let outcome: BankImportOutcome =
        json(import(&app, &teacher, "BANK", "csv", CSV_WITH_A_BAD_ROW, true).await).await;
    assert!(!outcome.committed && !outcome.valid);
    let lines: Vec<usize> = outcome.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 4, 6], "rows start where their record starts");
    let bad: Vec<_> = outcome.rows.iter().filter(|r| !r.is_valid()).collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].line, 4);
    assert_eq!(
        bad[0].problems,
        [("answer".to_string(), Problem::AnswerNotAnOption)]
    );
    assert_eq!(count(&app).await, 0, "nothing was written");

    let fixed = CSV_WITH_A_BAD_ROW.replace(",C,2,", ",A,2,");
    let checked: BankImportOutcome =
        json(import(&app, &teacher, "BANK", "csv", &fixed, false).await).await;
    assert!(checked.valid && !checked.committed);
    assert_eq!(count(&app).await, 0, "a check writes nothing");
    let outcome: BankImportOutcome =
        json(import(&app, &teacher, "BANK", "csv", &fixed, true).await).await;
    assert!(outcome.committed, "{outcome:?}");
    assert_eq!(outcome.imported, 3);
    let all = questions(&app, &teacher, "BANK").await;
    assert_eq!(all[0].key, AnswerKey::Choices([1].into()));
    assert_eq!(all[0].tags, ["审核"]);
    assert_eq!(all[2].key, AnswerKey::Truth(false));

    // The same file again would add every question twice: refused.
    let again: BankImportOutcome =
        json(import(&app, &teacher, "BANK", "csv", &fixed, true).await).await;
    assert!(!again.committed);
    assert!(again
        .rows
        .iter()
        .all(|r| r.problems == [("prompt_zh".to_string(), Problem::SamePromptInBank)]));
    assert_eq!(count(&app).await, 3);
}

#[tokio::test]
async fn a_json_file_with_a_bad_row_imports_nothing_and_says_which_line() {
    let app = spawn_app().await;
    let (teacher, _) = course_with_teacher(&app, "BANK").await;
    let text = r#"[
  {"kind": "essay", "prompt_zh": "论述源头削减。", "prompt_en": "Discuss source reduction.", "points": "10"},
  {
    "kind": "short_answer",
    "prompt_zh": "环境管理体系标准？",
    "prompt_en": "The EMS standard?",
    "answer": "ISO 14001",
    "points": "101"
  }
]"#;
    let outcome: BankImportOutcome =
        json(import(&app, &teacher, "BANK", "json", text, true).await).await;
    assert!(!outcome.committed);
    assert_eq!(outcome.rows[1].line, 3);
    assert!(matches!(
        outcome.rows[1].problems.as_slice(),
        [(field, Problem::NumberOutOfRange { .. })] if field == "points"
    ));
    assert_eq!(count(&app).await, 0);

    let broken: BankImportOutcome =
        json(import(&app, &teacher, "BANK", "json", "[{\"kind\": }]", true).await).await;
    assert_eq!(broken.file_problem, Some((1, Problem::JsonUnreadable)));

    let outcome: BankImportOutcome = json(
        import(
            &app,
            &teacher,
            "BANK",
            "json",
            &text.replace("101", "5"),
            true,
        )
        .await,
    )
    .await;
    assert!(outcome.committed);
    assert_eq!(count(&app).await, 2);

    let response = import(&app, &teacher, "BANK", "xml", text, true).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn chinese_column_names_and_kind_labels_import() {
    let app = spawn_app().await;
    let (teacher, _) = course_with_teacher(&app, "BANK").await;
    let text = "\u{feff}题型,中文题干,英文题干,选项,答案,分值,标签,中文解析,英文解析\r\n\
                单选题,审核分几个阶段？,How many phases?,\"四个 | Four\r\n七个 | Seven\",B,2,审核,共七个阶段。,Seven.\r\n\
                判断题,末端治理优先。,End of pipe comes first.,,错,1,,,\r\n";
    let outcome: BankImportOutcome =
        json(import(&app, &teacher, "BANK", "csv", text, true).await).await;
    assert!(outcome.committed, "{outcome:?}");
    let all = questions(&app, &teacher, "BANK").await;
    assert_eq!(all[0].kind, QuestionKind::Single);
    assert_eq!(all[0].options[1].zh, "七个");
    assert_eq!(all[0].explanation_zh, "共七个阶段。");
    assert_eq!(all[1].kind, QuestionKind::TrueFalse);
}

#[tokio::test]
async fn an_exported_bank_imports_into_another_course_unchanged() {
    let app = spawn_app().await;
    let (teacher, _) = course_with_teacher(&app, "BANK").await;
    let (admin, _) = app
        .quick_session(Role::Administrator, "admin@example.cn")
        .await;
    app.seed_class("COPY-CSV", ClassSpec::default()).await;
    app.seed_class("COPY-JSON", ClassSpec::default()).await;
    let mut single = Draft::new("single", "=审核分几个阶段？", "B");
    single.options = "-1 | minus one\n七个 | Seven";
    single.tags = "审核, audit";
    let drafts = [
        single,
        Draft::new(
            "short_answer",
            "Name, \"the\" standard",
            "ISO 14001\nGB/T 24001",
        ),
        Draft::new("true_false", "末端治理优先。", "false"),
        Draft::new("essay", "论述\n源头削减。", ""),
    ];
    for d in &drafts {
        saved(&app, &teacher, "BANK", d).await;
    }
    // A retired question is left out of the export.
    let retired = saved(&app, &teacher, "BANK", &Draft::new("essay", "旧题", "")).await;
    app.call(
        &teacher,
        "teach/retire_question",
        &[("question_id", &retired.to_string()), ("retired", "true")],
    )
    .await;
    let original = questions(&app, &teacher, "BANK").await;
    let original = &original[..4];

    for (format, code) in [("csv", "COPY-CSV"), ("json", "COPY-JSON")] {
        let response = teacher
            .get(app.url(&format!("/teach/courses/BANK/questions.{format}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let disposition = response.headers()["content-disposition"].to_str().unwrap();
        assert!(disposition.contains(&format!("questions-BANK.{format}")));
        let file = response.text().await.unwrap();
        let outcome: BankImportOutcome =
            json(import(&app, &admin, code, format, &file, true).await).await;
        assert!(outcome.committed, "{format}: {outcome:?}");
        assert_eq!(outcome.imported, 4, "{format}");
        assert_eq!(questions(&app, &admin, code).await, original, "{format}");
    }
}

#[tokio::test]
async fn a_question_cannot_end_its_edit_field_and_become_markup() {
    let app = spawn_app().await;
    let (teacher, _) = course_with_teacher(&app, "XSS").await;
    let attack = "</textarea><script>alert('bank')</script>";
    saved(&app, &teacher, "XSS", &Draft::new("essay", attack, "")).await;
    let html = teacher
        .get(app.url("/teach/courses/XSS/questions"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("&lt;/textarea>&lt;script>alert('bank')&lt;/script>"),
        "the edit field holds the text as typed"
    );
    assert!(
        !html.contains("<script>alert('bank')"),
        "no script element comes of it"
    );
}
