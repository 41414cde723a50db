//! Accounts, sessions and roles over HTTP, against the real router.

use academy_tests::{json, spawn_app, PASSWORD};
use app::api::users::{Profile, UserPage};
use app::domain::Role;
use app::error::{AppError, Problem};
use reqwest::header::{ACCEPT, ACCEPT_LANGUAGE, CONTENT_TYPE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;

#[tokio::test]
async fn healthz_answers_with_json_when_the_database_answers() {
    let app = spawn_app().await;
    let response = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = json(response).await;
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn registering_signs_the_trainee_in_and_me_shows_their_profile() {
    let app = spawn_app().await;
    let client = app.client();
    let response = app
        .register(&client, "李晓梅", "Li.Xiaomei@Example.cn", PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response
        .headers()
        .get(SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("academy_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "not configured for HTTPS: {cookie}"
    );

    let profile: Profile = json(app.call(&client, "users/my_profile", &[]).await).await;
    assert_eq!(profile.user.name, "李晓梅");
    assert_eq!(
        profile.user.email, "li.xiaomei@example.cn",
        "email is stored lower-cased"
    );
    assert_eq!(profile.user.role, Role::Trainee);
    assert_eq!(profile.province.as_deref(), Some("tianjin"));

    let page = client.get(app.url("/me")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("李晓梅"));
}

#[tokio::test]
async fn registration_with_bad_input_names_every_bad_field_and_saves_nothing() {
    let app = spawn_app().await;
    let client = app.client();
    let response = app
        .call(
            &client,
            "auth/register",
            &[
                ("name", "  "),
                ("email", "not-an-email"),
                ("password", "short"),
                ("organisation", ""),
                ("province", "atlantis"),
                ("industry", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: AppError = json(response).await;
    for (field, problem) in [
        ("name", Problem::Required),
        ("email", Problem::EmailInvalid),
        ("password", Problem::PasswordTooShort { min: 8 }),
        ("province", Problem::NotInList),
        ("industry", Problem::Required),
    ] {
        assert_eq!(error.field_problem(field), Some(problem), "{field}");
    }
    assert_eq!(
        error.field_problem("organisation"),
        None,
        "organisation is optional"
    );
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(users, 0, "nothing was saved");
}

#[tokio::test]
async fn a_common_password_is_refused() {
    let app = spawn_app().await;
    let response = app
        .register(&app.client(), "张伟", "zhang@example.cn", "password123")
        .await;
    let error: AppError = json(response).await;
    assert_eq!(
        error.field_problem("password"),
        Some(Problem::PasswordTooCommon)
    );
}

#[tokio::test]
async fn a_taken_email_is_refused_beside_the_email_field_whatever_its_case() {
    let app = spawn_app().await;
    assert_eq!(
        app.register(&app.client(), "张伟", "zhang@example.cn", PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
    let response = app
        .register(&app.client(), "张伟", " ZHANG@example.cn", PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: AppError = json(response).await;
    assert_eq!(error.field_problem("email"), Some(Problem::EmailTaken));
}

#[tokio::test]
async fn concurrent_registrations_of_one_email_create_exactly_one_account() {
    let app = spawn_app().await;
    let attempts = (0..8).map(|_| {
        let client = app.client();
        let app = &app;
        async move {
            app.register(&client, "张伟", "race@example.cn", PASSWORD)
                .await
                .status()
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::UNPROCESSABLE_ENTITY),
        "the losers get the taken-email message, not an error: {statuses:?}"
    );
}

#[tokio::test]
async fn stored_password_hashes_are_argon2id_with_the_configured_cost() {
    let app = spawn_app().await;
    app.register(&app.client(), "张伟", "zhang@example.cn", PASSWORD)
        .await;
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    app.create_account(Role::Trainee, "known@example.cn").await;
    let wrong = app
        .login(&app.client(), "known@example.cn", "not the password")
        .await;
    let unknown = app
        .login(&app.client(), "nobody@example.cn", "not the password")
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json::<AppError>(wrong).await, AppError::BadCredentials);
    assert_eq!(json::<AppError>(unknown).await, AppError::BadCredentials);
}

#[tokio::test]
async fn repeated_failed_logins_are_slowed_down_then_the_real_user_gets_back_in() {
    let app = spawn_app().await;
    app.create_account(Role::Trainee, "target@example.cn").await;
    for attempt in 1..=5 {
        let response = app.login(&app.client(), "target@example.cn", "guess").await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    // Now even the right password waits: the answer does not reveal it.
    let response = app
        .login(&app.client(), "target@example.cn", PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().get("retry-after").is_some());
    match json::<AppError>(response).await {
        AppError::Throttled { retry_after_secs } => assert!((1..=15).contains(&retry_after_secs)),
        other => panic!("expected a throttle, got {other:?}"),
    }
    // Another account from elsewhere is unaffected.
    app.create_account(Role::Trainee, "bystander@example.cn")
        .await;
    assert_eq!(
        app.login(&app.client(), "bystander@example.cn", PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );

    // Once the wait has passed (moved back in time here), the real user signs in.
    sqlx::query("UPDATE login_failures SET last_failed_at = last_failed_at - 60")
        .execute(&app.state.db.writer)
        .await
        .unwrap();
    let response = app
        .login(&app.client(), "target@example.cn", PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_failures WHERE key = 'account:target@example.cn'",
    )
    .fetch_one(&app.state.db.reader)
    .await
    .unwrap();
    assert_eq!(left, 0, "a successful login clears the account's failures");
}

#[tokio::test]
async fn a_session_survives_a_server_restart() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in(Role::Trainee, "stay@example.cn").await;
    let app = app.restart().await;
    // Cookies match the host, not the port, so the jar carries over.
    let profile = app.call(&client, "users/my_profile", &[]).await;
    assert_eq!(profile.status(), StatusCode::OK);
}

#[tokio::test]
async fn signing_out_ends_the_session_for_good() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in(Role::Trainee, "leave@example.cn").await;
    let cookie_before = app.call(&client, "users/my_profile", &[]).await;
    assert_eq!(cookie_before.status(), StatusCode::OK);
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(sessions, 1);
    assert_eq!(
        app.call(&client, "auth/logout", &[]).await.status(),
        StatusCode::OK
    );
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(sessions, 0, "logout deletes the session row");
    assert_eq!(
        app.call(&client, "users/my_profile", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_new_session_id_is_issued_at_every_login() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in(Role::Trainee, "twice@example.cn").await;
    let first = app.login(&client, "twice@example.cn", PASSWORD).await;
    let second = app.login(&client, "twice@example.cn", PASSWORD).await;
    let cookie = |r: &reqwest::Response| {
        r.headers()
            .get(SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_ne!(cookie(&first), cookie(&second));
}

#[tokio::test]
async fn a_trainee_calling_administrator_functions_is_refused_with_403() {
    let app = spawn_app().await;
    let (client, me) = app.signed_in(Role::Trainee, "curious@example.cn").await;
    let other = app.create_account(Role::Trainee, "other@example.cn").await;
    let other_id = other.id.to_string();
    for (endpoint, form) in [
        ("admin/list_users", vec![("search", ""), ("page", "1")]),
        (
            "admin/create_staff_account",
            vec![
                ("name", "Mallory"),
                ("email", "m@example.cn"),
                ("role", "administrator"),
                ("password", PASSWORD),
            ],
        ),
        (
            "admin/set_user_active",
            vec![("user_id", other_id.as_str()), ("active", "false")],
        ),
        (
            "admin/set_user_password",
            vec![
                ("user_id", other_id.as_str()),
                ("password", "a new password"),
            ],
        ),
    ] {
        let response = app.call(&client, endpoint, &form).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{endpoint}");
        assert_eq!(
            json::<AppError>(response).await,
            AppError::Forbidden,
            "{endpoint}"
        );
    }
    // Nothing changed: the other trainee still signs in with the old password.
    assert_eq!(
        app.login(&app.client(), "other@example.cn", PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
    let staff: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role != 'trainee'")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(staff, 0);
    let _ = me;
}

#[tokio::test]
async fn an_instructor_is_refused_administrator_functions_too() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in(Role::Instructor, "teacher@example.cn").await;
    let response = app
        .call(
            &client,
            "admin/list_users",
            &[("search", ""), ("page", "1")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_visitor_calling_protected_functions_is_asked_to_sign_in() {
    let app = spawn_app().await;
    for (endpoint, form) in [
        ("admin/list_users", vec![("search", ""), ("page", "1")]),
        ("users/my_profile", vec![]),
    ] {
        let response = app.call(&app.client(), endpoint, &form).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
    }
}

#[tokio::test]
async fn a_trainee_opening_the_users_page_gets_the_403_page() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in(Role::Trainee, "curious@example.cn").await;
    let response = client
        .get(app.url("/admin/users"))
        .header(ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let html = response.text().await.unwrap();
    assert!(html.contains("Not allowed"), "{html}");
    assert!(
        !html.contains("curious@example.cn</td>"),
        "no user list leaks"
    );
}

#[tokio::test]
async fn a_visitor_opening_a_private_page_is_sent_to_sign_in_and_back() {
    let app = spawn_app().await;
    let response = app
        .client()
        .get(app.url("/admin/users?q=li"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers().get(LOCATION).unwrap().to_str().unwrap();
    assert_eq!(location, "/login?next=/admin/users%3Fq%3Dli");
}

#[tokio::test]
async fn deactivating_an_account_ends_its_sessions_at_once() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Administrator, "admin@example.cn").await;
    let (trainee, account) = app.signed_in(Role::Trainee, "leaver@example.cn").await;
    assert_eq!(
        app.call(&trainee, "users/my_profile", &[]).await.status(),
        StatusCode::OK
    );

    let id = account.id.to_string();
    let response = app
        .call(
            &admin,
            "admin/set_user_active",
            &[("user_id", &id), ("active", "false")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    assert_eq!(
        app.call(&trainee, "users/my_profile", &[]).await.status(),
        StatusCode::UNAUTHORIZED,
        "the old session cookie no longer works"
    );
    let again = app
        .login(&app.client(), "leaver@example.cn", PASSWORD)
        .await;
    assert_eq!(json::<AppError>(again).await, AppError::AccountDisabled);

    let response = app
        .call(
            &admin,
            "admin/set_user_active",
            &[("user_id", &id), ("active", "true")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        app.login(&app.client(), "leaver@example.cn", PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );

    let events: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_events WHERE subject = ? ORDER BY id")
            .bind(format!("user:{}", account.id))
            .fetch_all(&app.state.db.reader)
            .await
            .unwrap();
    assert_eq!(events, ["deactivate_account", "reactivate_account"]);
}

#[tokio::test]
async fn an_administrator_cannot_deactivate_their_own_account() {
    let app = spawn_app().await;
    let (admin, me) = app.signed_in(Role::Administrator, "admin@example.cn").await;
    let id = me.id.to_string();
    let response = app
        .call(
            &admin,
            "admin/set_user_active",
            &[("user_id", &id), ("active", "false")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.call(&admin, "users/my_profile", &[]).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_administrator_creates_an_instructor_who_can_then_sign_in() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Administrator, "admin@example.cn").await;
    let response = app
        .call(
            &admin,
            "admin/create_staff_account",
            &[
                ("name", "王建国"),
                ("email", "wang@example.cn"),
                ("role", "instructor"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let client = app.client();
    assert_eq!(
        app.login(&client, "wang@example.cn", PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
    let profile: Profile = json(app.call(&client, "users/my_profile", &[]).await).await;
    assert_eq!(profile.user.role, Role::Instructor);

    let page: UserPage = json(
        app.call(
            &admin,
            "admin/list_users",
            &[("search", "王"), ("page", "1")],
        )
        .await,
    )
    .await;
    assert_eq!(page.total, 1);
    assert_eq!(page.users[0].email, "wang@example.cn");
}

#[tokio::test]
async fn staff_accounts_need_a_staff_role_and_a_valid_password() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Administrator, "admin@example.cn").await;
    let response = app
        .call(
            &admin,
            "admin/create_staff_account",
            &[
                ("name", "X"),
                ("email", "x@example.cn"),
                ("role", "trainee"),
                ("password", "12345678"),
            ],
        )
        .await;
    let error: AppError = json(response).await;
    assert_eq!(error.field_problem("role"), Some(Problem::NotInList));
    assert_eq!(
        error.field_problem("password"),
        Some(Problem::PasswordTooCommon)
    );
}

#[tokio::test]
async fn setting_a_new_password_ends_the_users_sessions() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Administrator, "admin@example.cn").await;
    let (trainee, account) = app.signed_in(Role::Trainee, "forgetful@example.cn").await;
    let id = account.id.to_string();
    let response = app
        .call(
            &admin,
            "admin/set_user_password",
            &[("user_id", &id), ("password", "a brand new secret")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        app.call(&trainee, "users/my_profile", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(&app.client(), "forgetful@example.cn", PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(&app.client(), "forgetful@example.cn", "a brand new secret")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn users_can_be_searched_filtered_by_role_and_paged() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Administrator, "admin@example.cn").await;
    for n in 0..30 {
        app.create_account(Role::Trainee, &format!("trainee{n:02}@example.cn"))
            .await;
    }
    app.create_account(Role::Instructor, "teacher@example.cn")
        .await;
    let page1: UserPage = json(
        app.call(
            &admin,
            "admin/list_users",
            &[("search", "trainee"), ("page", "1")],
        )
        .await,
    )
    .await;
    let page2: UserPage = json(
        app.call(
            &admin,
            "admin/list_users",
            &[("search", "trainee"), ("page", "2")],
        )
        .await,
    )
    .await;
    assert_eq!(
        (page1.total, page1.users.len(), page2.users.len()),
        (30, 25, 5)
    );
    let instructors: UserPage = json(
        app.call(
            &admin,
            "admin/list_users",
            &[("search", ""), ("role", "instructor"), ("page", "1")],
        )
        .await,
    )
    .await;
    assert_eq!(instructors.total, 1);
    let wildcard: UserPage = json(
        app.call(
            &admin,
            "admin/list_users",
            &[("search", "%"), ("page", "1")],
        )
        .await,
    )
    .await;
    assert_eq!(wildcard.total, 0, "% is searched for literally");
}

#[tokio::test]
async fn the_login_page_is_chinese_for_a_chinese_browser_without_javascript() {
    let app = spawn_app().await;
    let response = app
        .client()
        .get(app.url("/login"))
        .header(ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9,en;q=0.8")
        .send()
        .await
        .unwrap();
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<html lang="zh-CN""#), "{html}");
    assert!(html.contains("电子邮箱") && html.contains("密码"), "{html}");
    let english = app
        .client()
        .get(app.url("/login"))
        .header(ACCEPT_LANGUAGE, "en-GB")
        .send()
        .await
        .unwrap();
    assert!(english.text().await.unwrap().contains("Email"));
}

#[tokio::test]
async fn the_language_switch_is_remembered_and_returns_to_the_page() {
    let app = spawn_app().await;
    let client = app.client();
    let response = client
        .post(app.url("/lang"))
        .header(reqwest::header::ORIGIN, academy_tests::ORIGIN)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("lang=zh-CN&next=%2Flogin%3Fnext%3D%2Fme")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers().get(LOCATION).unwrap(), "/login?next=/me");
    let html = client
        .get(app.url("/login"))
        .header(ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"lang="zh-CN""#),
        "the cookie beats Accept-Language"
    );

    let offsite = client
        .post(app.url("/lang"))
        .header(reqwest::header::ORIGIN, academy_tests::ORIGIN)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("lang=en&next=https%3A%2F%2Fevil.example%2F")
        .send()
        .await
        .unwrap();
    assert_eq!(
        offsite.headers().get(LOCATION).unwrap(),
        "/",
        "never redirects off the site"
    );
}

#[tokio::test]
async fn login_works_as_a_plain_form_post_without_javascript() {
    let app = spawn_app().await;
    app.create_account(Role::Trainee, "nojs@example.cn").await;
    let client = app.client();
    let response = app
        .post_form(
            &client,
            "/login",
            "auth/login",
            "login",
            &[("email", "nojs@example.cn"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers().get(LOCATION).unwrap(), "/me");
    assert!(response.headers().get(SET_COOKIE).is_some());
    let me = client.get(app.url("/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_plain_form_post_with_bad_input_answers_with_the_form_its_messages_and_what_was_typed() {
    let app = spawn_app().await;
    let client = app.client();
    let response = app
        .post_form(
            &client,
            "/register",
            "auth/register",
            "register",
            &[
                ("name", "张伟"),
                ("email", "bad"),
                ("password", "Xq7z"),
                ("organisation", "天津化工厂"),
                ("province", "tianjin"),
                ("industry", "chemicals"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response.headers().get(LOCATION).is_none(),
        "no redirect: the page itself"
    );
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Enter an email address like name@example.com."),
        "{html}"
    );
    assert!(html.contains("Use at least 8 characters."));
    assert!(html.contains(r#"value="张伟""#), "the name typed stays");
    assert!(html.contains(r#"value="bad""#), "the email typed stays");
    assert!(html.contains("天津化工厂"));
    assert!(!html.contains("Xq7z"), "a password is never echoed");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(count, 0, "nothing was saved");
}

#[tokio::test]
async fn sign_in_never_redirects_off_the_site() {
    let app = spawn_app().await;
    app.create_account(Role::Trainee, "phish@example.cn").await;
    let response = app
        .post_form(
            &app.client(),
            "/login",
            "auth/login",
            "login",
            &[
                ("email", "phish@example.cn"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(response.headers().get(LOCATION).unwrap(), "/me");
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_they_are_read() {
    let app = spawn_app().await;
    let huge = "x".repeat(1024 * 1024);
    let response = app.login(&app.client(), "a@example.cn", &huge).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn an_unknown_page_gets_the_404_page() {
    let app = spawn_app().await;
    let response = app
        .client()
        .get(app.url("/no/such/page"))
        .header(ACCEPT_LANGUAGE, "zh-CN")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("页面不存在"));
}

#[tokio::test]
async fn a_database_failure_shows_the_500_page_with_a_request_id_and_nothing_raw() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in(Role::Trainee, "unlucky@example.cn").await;
    sqlx::query("DROP TABLE sessions")
        .execute(&app.state.db.writer)
        .await
        .unwrap();
    let response = client
        .get(app.url("/me"))
        .header(ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let request_id = response
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    assert!(html.contains("Something went wrong"), "{html}");
    assert!(
        html.contains(&request_id),
        "the page shows the request id {request_id}"
    );
    assert!(
        !html.contains("no such table"),
        "the raw error never reaches the page"
    );

    let call = app.call(&client, "users/my_profile", &[]).await;
    assert_eq!(call.status(), StatusCode::INTERNAL_SERVER_ERROR);
    match json::<AppError>(call).await {
        AppError::Internal { request_id } => assert!(!request_id.is_empty() && request_id != "-"),
        other => panic!("expected an internal error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    let app = spawn_app().await;
    app.register(&app.client(), "张伟", "zhang@example.cn", PASSWORD)
        .await;
    let update = sqlx::query("UPDATE audit_events SET action = 'nothing'")
        .execute(&app.state.db.writer)
        .await;
    let delete = sqlx::query("DELETE FROM audit_events")
        .execute(&app.state.db.writer)
        .await;
    assert!(update.is_err() && delete.is_err());
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(events, 1);
}

#[tokio::test]
async fn the_demo_world_loads_once_and_its_accounts_sign_in() {
    let app = spawn_app().await;
    let first = server::demo::load(&app.state.db, &app.state.hasher)
        .await
        .unwrap();
    let second = server::demo::load(&app.state.db, &app.state.hasher)
        .await
        .unwrap();
    assert!(first.contains("loaded"), "{first}");
    assert!(second.contains("nothing changed"), "{second}");
    for (email, role) in [
        ("admin@academy.test", Role::Administrator),
        ("instructor@academy.test", Role::Instructor),
        ("trainee@academy.test", Role::Trainee),
    ] {
        let client = app.client();
        assert_eq!(
            app.login(&client, email, "academy-demo").await.status(),
            StatusCode::OK,
            "{email}"
        );
        let profile: Profile = json(app.call(&client, "users/my_profile", &[]).await).await;
        assert_eq!(profile.user.role, role);
    }
}
