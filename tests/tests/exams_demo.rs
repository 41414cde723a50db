//! The demo world's exams: what a new user finds as the demo trainee and the
//! demo instructor.

use academy_tests::{json, spawn_app};
use app::api::exams::{ExamForMe, MyExam, Standing};
use app::api::grading::{ClassExams, ExamOverview, GradingQueue};
use app::api::teaching::TaughtClass;

#[tokio::test]
async fn the_demo_world_has_exams_in_every_state_for_the_demo_users() {
    let app = spawn_app().await;
    server::demo::load(&app.state.db, &app.state.hasher)
        .await
        .unwrap();
    let db = &app.state.db.reader;

    // A bilingual bank of at least 30 questions for the auditor course.
    let (questions, bilingual): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE prompt_zh != '' AND prompt_en != '' AND prompt_zh != prompt_en)
         FROM questions q JOIN courses c ON c.id = q.course_id WHERE c.code = 'CPA-AUD'",
    )
    .fetch_one(db)
    .await
    .unwrap();
    assert!(questions >= 30, "{questions} questions");
    assert_eq!(bilingual, questions);

    // Attempts in every state, and a released exam.
    let states: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT state FROM attempts ORDER BY state")
            .fetch_all(db)
            .await
            .unwrap();
    assert_eq!(states, ["awaiting_grading", "graded", "in_progress"]);
    let released: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM exams WHERE released_at IS NOT NULL")
            .fetch_one(db)
            .await
            .unwrap();
    assert!(released >= 2);

    // The demo trainee: an open exam to sit and a released result with feedback.
    let trainee = app.client();
    assert!(app
        .login(
            &trainee,
            "trainee@academy.test",
            server::demo::DEMO_PASSWORD
        )
        .await
        .status()
        .is_success());
    let mine: Vec<MyExam> = json(app.call(&trainee, "exams/mine", &[]).await).await;
    let open = mine
        .iter()
        .find(|e| e.standing == Standing::Open)
        .expect("an open exam");
    let result = mine
        .iter()
        .find(|e| matches!(e.standing, Standing::Passed | Standing::Failed))
        .expect("a released result");
    let view: ExamForMe = json(
        app.call(
            &trainee,
            "exams/view",
            &[("exam_id", &result.exam.id.to_string())],
        )
        .await,
    )
    .await;
    let result = view.result.expect("the result is released");
    assert!(result.items.iter().any(|i| !i.feedback.is_empty()));
    assert!(result.items.iter().all(|i| !i.explanation.zh.is_empty()));
    let view: ExamForMe = json(
        app.call(
            &trainee,
            "exams/view",
            &[("exam_id", &open.exam.id.to_string())],
        )
        .await,
    )
    .await;
    assert_eq!(view.cannot_start, None, "the demo trainee can start it");

    // The demo instructor: answers waiting to be graded, and item analysis.
    let instructor = app.client();
    app.login(
        &instructor,
        "instructor@academy.test",
        server::demo::DEMO_PASSWORD,
    )
    .await;
    let classes: Vec<TaughtClass> = json(app.call(&instructor, "teach/classes", &[]).await).await;
    let mut waiting = 0;
    let mut analysed = false;
    for class in &classes {
        let exams: ClassExams = json(
            app.call(
                &instructor,
                "teach/exams",
                &[("class_id", &class.id.to_string())],
            )
            .await,
        )
        .await;
        for summary in &exams.exams {
            let id = summary.exam.id.to_string();
            let queue: GradingQueue = json(
                app.call(
                    &instructor,
                    "teach/exams/queue",
                    &[("exam_id", &id), ("anonymous", "false")],
                )
                .await,
            )
            .await;
            waiting += queue.items.iter().filter(|i| i.points.is_none()).count();
            let overview: ExamOverview = json(
                app.call(&instructor, "teach/exams/overview", &[("exam_id", &id)])
                    .await,
            )
            .await;
            analysed |= overview.items.iter().any(|i| i.discrimination.is_some());
        }
    }
    assert!(waiting >= 10, "{waiting} answers to grade");
    assert!(analysed, "item analysis has data");
}
