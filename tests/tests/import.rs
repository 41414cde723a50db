//! Bulk import of trainees and the set-password links, over HTTP.

use academy_tests::{json, spawn_app, ClassSpec, TestApp};
use app::api::enrolment::MyEnrolment;
use app::api::import::ImportOutcome;
use app::domain::enrolment::EnrolmentState;
use app::domain::Role;
use app::error::{AppError, Problem};
use reqwest::{Client, StatusCode};

const GOOD: &str = "name,email,organisation,province,industry\n\
                    赵敏,zhao@example.cn,陕西省环境科学研究院,陕西省,环保服务与咨询\n\
                    Wang Wei,wang@example.cn,,beijing,Chemicals\n\
                    \"Sun, Li\",sun@example.cn,\"山东纺织, 印染\",shandong,textiles\n";

async fn import(
    app: &TestApp,
    admin: &Client,
    csv: &str,
    class: Option<i64>,
    commit: bool,
) -> reqwest::Response {
    let class = class.map(|c| c.to_string()).unwrap_or_default();
    app.call(
        admin,
        "admin/import_trainees",
        &[
            ("csv", csv),
            ("class_id", &class),
            ("commit", if commit { "true" } else { "false" }),
        ],
    )
    .await
}

async fn users(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_file_with_one_bad_row_imports_nothing_and_the_fixed_file_imports_every_row() {
    let app = spawn_app().await;
    let (admin, _) = app
        .quick_session(Role::Administrator, "admin@example.cn")
        .await;
    let class = app
        .seed_class(
            "IMP",
            ClassSpec {
                capacity: 2,
                ..Default::default()
            },
        )
        .await;
    let before = users(&app).await;
    let bad = GOOD.replace("wang@example.cn", "wang-at-example");

    let outcome: ImportOutcome = json(import(&app, &admin, &bad, Some(class), true).await).await;
    assert!(!outcome.committed && !outcome.valid);
    let bad_rows: Vec<_> = outcome.rows.iter().filter(|r| !r.is_valid()).collect();
    assert_eq!(bad_rows.len(), 1);
    assert_eq!(bad_rows[0].line, 3);
    assert_eq!(
        bad_rows[0].problems,
        vec![("email".to_string(), Problem::EmailInvalid)]
    );
    assert_eq!(users(&app).await, before, "nothing was written");

    let outcome: ImportOutcome = json(import(&app, &admin, GOOD, Some(class), true).await).await;
    assert!(outcome.committed, "{outcome:?}");
    assert_eq!(outcome.created.len(), 3);
    assert_eq!(users(&app).await, before + 3);
    let states: Vec<_> = outcome.created.iter().map(|c| c.enrolment).collect();
    assert_eq!(
        states,
        [
            Some(EnrolmentState::Approved),
            Some(EnrolmentState::Approved),
            Some(EnrolmentState::Waitlisted)
        ],
        "capacity holds for imports too"
    );
    assert!(outcome.created[2].name == "Sun, Li");

    // The same file again: every email is now taken, nothing more is written.
    let again: ImportOutcome = json(import(&app, &admin, GOOD, None, true).await).await;
    assert!(!again.committed);
    assert!(again.rows.iter().all(|r| r
        .problems
        .contains(&("email".to_string(), Problem::EmailTaken))));
    assert_eq!(users(&app).await, before + 3);
}

#[tokio::test]
async fn checking_a_file_writes_nothing() {
    let app = spawn_app().await;
    let (admin, _) = app
        .quick_session(Role::Administrator, "admin@example.cn")
        .await;
    let before = users(&app).await;
    let outcome: ImportOutcome = json(import(&app, &admin, GOOD, None, false).await).await;
    assert!(outcome.valid && !outcome.committed);
    assert_eq!(users(&app).await, before);
    let broken: ImportOutcome =
        json(import(&app, &admin, "name,email\nx,y", None, true).await).await;
    assert_eq!(broken.file_problem, Some((1, Problem::CsvMissingColumn)));
}

#[tokio::test]
async fn only_administrators_import() {
    let app = spawn_app().await;
    let (teacher, _) = app
        .quick_session(Role::Instructor, "teacher@example.cn")
        .await;
    let (trainee, _) = app.quick_session(Role::Trainee, "trainee@example.cn").await;
    for client in [&teacher, &trainee] {
        assert_eq!(
            import(&app, client, GOOD, None, true).await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.call(client, "admin/import_classes", &[]).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        import(&app, &app.client(), GOOD, None, true).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_set_password_link_works_once_and_signs_the_trainee_in() {
    let app = spawn_app().await;
    let (admin, _) = app
        .quick_session(Role::Administrator, "admin@example.cn")
        .await;
    let class = app.seed_class("LINK", ClassSpec::default()).await;
    let outcome: ImportOutcome = json(import(&app, &admin, GOOD, Some(class), true).await).await;
    let link = &outcome.created[0].link;
    assert!(
        link.starts_with(&format!("http://{}/set-password?token=", app.addr)),
        "{link}"
    );
    let token = link.split("token=").nth(1).unwrap();

    // Before the link is used, no password works.
    assert_eq!(
        app.login(&app.client(), "zhao@example.cn", "")
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.login(&app.client(), "zhao@example.cn", "!")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    let client = app.client();
    let weak = app
        .call(
            &client,
            "auth/set_password",
            &[("token", token), ("password", "short")],
        )
        .await;
    assert_eq!(
        json::<AppError>(weak).await.field_problem("password"),
        Some(Problem::PasswordTooShort { min: 8 })
    );
    let set = app
        .call(
            &client,
            "auth/set_password",
            &[("token", token), ("password", "pollution prevention")],
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    let mine: Vec<MyEnrolment> = json(app.call(&client, "enrolment/mine", &[]).await).await;
    assert_eq!(
        mine.len(),
        1,
        "signed in as the imported trainee, enrolled in the class"
    );

    let reused = app
        .call(
            &app.client(),
            "auth/set_password",
            &[("token", token), ("password", "another password")],
        )
        .await;
    assert_eq!(
        json::<AppError>(reused).await.field_problem("token"),
        Some(Problem::LinkInvalid)
    );
    assert_eq!(
        app.login(&app.client(), "zhao@example.cn", "pollution prevention")
            .await
            .status(),
        StatusCode::OK
    );
    let forged = app
        .call(
            &app.client(),
            "auth/set_password",
            &[("token", "forged"), ("password", "another password")],
        )
        .await;
    assert_eq!(
        json::<AppError>(forged).await.field_problem("token"),
        Some(Problem::LinkInvalid)
    );
}
