//! Instructors' work on their classes over HTTP, and every refusal.

use academy_tests::{json, spawn_app, ClassSpec, TestApp};
use app::api::enrolment::MyEnrolment;
use app::api::teaching::{Roster, TaughtClass};
use app::domain::enrolment::{Approval, EnrolmentState};
use app::domain::Role;
use app::error::{AppError, Problem};
use reqwest::{Client, StatusCode};

async fn enrol(app: &TestApp, client: &Client, class_id: i64) -> MyEnrolment {
    json(
        app.call(
            client,
            "enrolment/enrol",
            &[("class_id", &class_id.to_string())],
        )
        .await,
    )
    .await
}

async fn decide(
    app: &TestApp,
    client: &Client,
    enrolment: i64,
    decision: &str,
    reason: &str,
) -> reqwest::Response {
    app.call(
        client,
        "teach/decide",
        &[
            ("enrolment_id", &enrolment.to_string()),
            ("decision", decision),
            ("reason", reason),
        ],
    )
    .await
}

async fn mine(app: &TestApp, client: &Client) -> Vec<MyEnrolment> {
    json(app.call(client, "enrolment/mine", &[]).await).await
}

struct Setup {
    class: i64,
    teacher: Client,
    trainee: Client,
    enrolment: MyEnrolment,
}

async fn reviewed_class(app: &TestApp, capacity: i64) -> Setup {
    let class = app
        .seed_class(
            "EIA-R",
            ClassSpec {
                capacity,
                approval: Approval::Manual,
                ..Default::default()
            },
        )
        .await;
    let (teacher, teacher_id) = app
        .quick_session(Role::Instructor, "teacher@example.cn")
        .await;
    app.assign_instructor(class, teacher_id).await;
    let (trainee, _) = app
        .quick_session(Role::Trainee, "applicant@example.cn")
        .await;
    let enrolment = enrol(app, &trainee, class).await;
    assert_eq!(enrolment.state, EnrolmentState::Pending);
    Setup {
        class,
        teacher,
        trainee,
        enrolment,
    }
}

#[tokio::test]
async fn an_instructor_sees_only_the_classes_they_teach_and_an_administrator_sees_all() {
    let app = spawn_app().await;
    let mine_class = app.seed_class("MINE", ClassSpec::default()).await;
    let other_class = app.seed_class("OTHER", ClassSpec::default()).await;
    let (teacher, teacher_id) = app
        .quick_session(Role::Instructor, "teacher@example.cn")
        .await;
    app.assign_instructor(mine_class, teacher_id).await;
    let classes: Vec<TaughtClass> = json(app.call(&teacher, "teach/classes", &[]).await).await;
    assert_eq!(
        classes.iter().map(|c| c.id).collect::<Vec<_>>(),
        [mine_class]
    );
    let (admin, _) = app
        .quick_session(Role::Administrator, "admin@example.cn")
        .await;
    let all: Vec<TaughtClass> = json(app.call(&admin, "teach/classes", &[]).await).await;
    assert_eq!(all.len(), 2);
    assert!(all.iter().any(|c| c.id == other_class));
}

#[tokio::test]
async fn nobody_but_its_instructors_and_administrators_can_touch_a_class() {
    let app = spawn_app().await;
    let setup = reviewed_class(&app, 5).await;
    let (stranger, _) = app
        .quick_session(Role::Instructor, "stranger@example.cn")
        .await;
    let (trainee, _) = app.quick_session(Role::Trainee, "nosy@example.cn").await;
    let class = setup.class.to_string();
    let enrolment = setup.enrolment.id.to_string();
    for (who, client, expected) in [
        (
            "an instructor of another class",
            &stranger,
            StatusCode::FORBIDDEN,
        ),
        ("a trainee", &trainee, StatusCode::FORBIDDEN),
        ("a visitor", &app.client(), StatusCode::UNAUTHORIZED),
    ] {
        let roster = app
            .call(client, "teach/roster", &[("class_id", &class)])
            .await;
        assert_eq!(roster.status(), expected, "{who}: roster");
        let approve = decide(&app, client, setup.enrolment.id, "approve", "").await;
        assert_eq!(approve.status(), expected, "{who}: approve");
        let attendance = app
            .call(
                client,
                "teach/attendance",
                &[("enrolment_id", &enrolment), ("attended", "true")],
            )
            .await;
        assert_eq!(attendance.status(), expected, "{who}: attendance");
        let csv = client
            .get(app.url(&format!("/teach/classes/{class}/roster.csv")))
            .send()
            .await
            .unwrap();
        assert_eq!(csv.status(), expected, "{who}: CSV export");
    }
    assert_eq!(
        mine(&app, &setup.trainee).await[0].state,
        EnrolmentState::Pending,
        "nothing changed"
    );
    let unknown = decide(&app, &stranger, 987_654, "approve", "").await;
    assert_eq!(
        unknown.status(),
        StatusCode::FORBIDDEN,
        "an unknown enrolment looks like someone else's"
    );
}

#[tokio::test]
async fn approving_a_pending_application_enrols_the_trainee() {
    let app = spawn_app().await;
    let setup = reviewed_class(&app, 5).await;
    let response = decide(&app, &setup.teacher, setup.enrolment.id, "approve", "").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        mine(&app, &setup.trainee).await[0].state,
        EnrolmentState::Approved
    );
    let again = decide(&app, &setup.teacher, setup.enrolment.id, "approve", "").await;
    assert_eq!(
        json::<AppError>(again).await,
        AppError::Conflict(Problem::TransitionNotAllowed)
    );
    let decided_by: Option<i64> =
        sqlx::query_scalar("SELECT decided_by FROM enrolments WHERE id = ?")
            .bind(setup.enrolment.id)
            .fetch_one(&app.state.db.reader)
            .await
            .unwrap();
    assert!(decided_by.is_some(), "the decision records who made it");
}

#[tokio::test]
async fn a_rejection_needs_a_reason_and_frees_the_seat_for_the_waiting_list() {
    let app = spawn_app().await;
    let setup = reviewed_class(&app, 1).await;
    let (next, _) = app.quick_session(Role::Trainee, "next@example.cn").await;
    assert_eq!(
        enrol(&app, &next, setup.class).await.state,
        EnrolmentState::Waitlisted
    );

    let no_reason = decide(&app, &setup.teacher, setup.enrolment.id, "reject", "  ").await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        json::<AppError>(no_reason).await.field_problem("reason"),
        Some(Problem::Required)
    );
    assert_eq!(
        mine(&app, &setup.trainee).await[0].state,
        EnrolmentState::Pending,
        "unchanged"
    );

    let response = decide(
        &app,
        &setup.teacher,
        setup.enrolment.id,
        "reject",
        "Places are for Shanxi staff.",
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let rejected = &mine(&app, &setup.trainee).await[0];
    assert_eq!(rejected.state, EnrolmentState::Rejected);
    assert_eq!(
        rejected.decision_reason, "Places are for Shanxi staff.",
        "the trainee sees the reason"
    );
    assert_eq!(
        mine(&app, &next).await[0].state,
        EnrolmentState::Pending,
        "number 1 moved into the seat"
    );
}

#[tokio::test]
async fn attendance_and_completion_are_recorded_for_enrolled_trainees() {
    let app = spawn_app().await;
    let setup = reviewed_class(&app, 5).await;
    let id = setup.enrolment.id.to_string();
    let early = app
        .call(
            &setup.teacher,
            "teach/attendance",
            &[("enrolment_id", &id), ("attended", "true")],
        )
        .await;
    assert_eq!(
        early.status(),
        StatusCode::CONFLICT,
        "a pending application has no attendance"
    );
    decide(&app, &setup.teacher, setup.enrolment.id, "approve", "").await;
    let marked = app
        .call(
            &setup.teacher,
            "teach/attendance",
            &[("enrolment_id", &id), ("attended", "true")],
        )
        .await;
    assert_eq!(marked.status(), StatusCode::OK);
    let roster: Roster = json(
        app.call(
            &setup.teacher,
            "teach/roster",
            &[("class_id", &setup.class.to_string())],
        )
        .await,
    )
    .await;
    assert!(roster.entries[0].attended);
    assert_eq!(
        decide(&app, &setup.teacher, setup.enrolment.id, "complete", "")
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        mine(&app, &setup.trainee).await[0].state,
        EnrolmentState::Completed
    );
}

#[tokio::test]
async fn the_roster_exports_as_csv_that_spreadsheets_read_in_chinese() {
    let app = spawn_app().await;
    let setup = reviewed_class(&app, 5).await;
    let (quoted, _) = app.quick_session(Role::Trainee, "quoted@example.cn").await;
    app.call(
        &quoted,
        "enrolment/enrol",
        &[
            ("class_id", &setup.class.to_string()),
            ("note", "=cmd, \"quoted\""),
        ],
    )
    .await;
    let response = setup
        .teacher
        .get(app.url(&format!("/teach/classes/{}/roster.csv", setup.class)))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("roster-EIA-R-"));
    let body = response.text().await.unwrap();
    assert!(body.starts_with('\u{feff}'), "UTF-8 BOM for Excel");
    let lines: Vec<&str> = body.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert!(
        lines[0].starts_with("姓名,电子邮箱,工作单位"),
        "{}",
        lines[0]
    );
    assert!(body.contains("applicant@example.cn") && body.contains("待审核"));
    assert!(
        body.contains("\"'=cmd, \"\"quoted\"\"\""),
        "notes are quoted and formulas defused: {body}"
    );
}
