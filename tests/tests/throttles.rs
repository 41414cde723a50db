//! Throttles that hold under concurrency, limits per address, a bounded
//! hashing queue, a request timeout, and sessions that rotate, idle out and
//! can all be ended at once.

use academy_tests::{encode_form, spawn_app, spawn_app_with, TestApp, ORIGIN, PASSWORD};
use app::domain::throttle::FREE_FAILURES_PER_ACCOUNT;
use app::domain::Role;
use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::{Client, StatusCode};

/// A login from the address `from` (through the trusted proxy's header).
async fn login_from(
    app: &TestApp,
    client: &Client,
    from: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/auth/login"))
        .header("origin", ORIGIN)
        .header("x-forwarded-for", from)
        .header(ACCEPT, "application/json")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(encode_form(&[("email", email), ("password", password)]))
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn fifty_parallel_wrong_guesses_get_at_most_the_free_password_checks() {
    let app = spawn_app().await;
    app.create_account(Role::Trainee, "target@example.cn").await;
    let before = app.state.hasher.verifications();
    let guesses: Vec<_> = (0..50)
        .map(|i| {
            let client = app.client();
            let url = app.url("/api/auth/login");
            tokio::spawn(async move {
                client
                    .post(url)
                    .header("origin", ORIGIN)
                    .header(ACCEPT, "application/json")
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(encode_form(&[
                        ("email", "target@example.cn"),
                        ("password", &format!("guess number {i}")),
                    ]))
                    .send()
                    .await
                    .expect("request")
                    .status()
            })
        })
        .collect();
    let mut refused = 0;
    let mut wrong = 0;
    for guess in guesses {
        match guess.await.unwrap() {
            StatusCode::UNAUTHORIZED => wrong += 1,
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    let checked = app.state.hasher.verifications() - before;
    assert!(
        checked <= FREE_FAILURES_PER_ACCOUNT as u64,
        "{checked} passwords were checked for 50 parallel guesses"
    );
    assert_eq!(wrong as u64, checked, "every check was a wrong password");
    assert_eq!(wrong + refused, 50);
}

#[tokio::test]
async fn the_owner_signs_in_from_their_own_address_during_an_attack_from_another() {
    let app = spawn_app_with(|config| config.trust_proxy = true).await;
    app.create_account(Role::Administrator, "admin@example.cn")
        .await;
    let attacker = app.client();
    for i in 0..12 {
        let guess = format!("wrong {i}");
        login_from(&app, &attacker, "203.0.113.9", "admin@example.cn", &guess).await;
    }
    let blocked = login_from(&app, &attacker, "203.0.113.9", "admin@example.cn", PASSWORD).await;
    assert_eq!(
        blocked.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the attacker's address waits, even with the right password"
    );
    assert!(blocked.headers().contains_key(RETRY_AFTER));
    let owner = app.client();
    let signed_in = login_from(&app, &owner, "198.51.100.7", "admin@example.cn", PASSWORD).await;
    assert_eq!(
        signed_in.status(),
        StatusCode::OK,
        "the owner is not locked out"
    );
}

#[tokio::test]
async fn registration_and_set_password_links_are_limited_per_address() {
    let app = spawn_app_with(|config| {
        config.registrations_per_hour = 3;
        config.password_links_per_hour = 2;
    })
    .await;
    for i in 0..3 {
        let response = app
            .register(
                &app.client(),
                "李四",
                &format!("li{i}@example.cn"),
                PASSWORD,
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "registration {i}");
    }
    let fourth = app
        .register(&app.client(), "李四", "li4@example.cn", PASSWORD)
        .await;
    assert_eq!(fourth.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(fourth.headers().contains_key(RETRY_AFTER));
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(users, 3, "the refused one made nothing");

    for attempt in 0..3 {
        let response = app
            .call(
                &app.client(),
                "auth/set_password",
                &[("token", "not a real link"), ("password", PASSWORD)],
            )
            .await;
        let expected = if attempt < 2 {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(response.status(), expected, "attempt {attempt}");
    }
}

#[tokio::test]
async fn a_full_hashing_queue_answers_503_and_changes_nothing() {
    let app = spawn_app_with(|config| {
        config.hash_concurrency = 1;
        config.hash_queue = 0;
    })
    .await;
    let burst: Vec<_> = (0..16)
        .map(|i| {
            let client = app.client();
            let url = app.url("/api/auth/register");
            tokio::spawn(async move {
                client
                    .post(url)
                    .header("origin", ORIGIN)
                    .header(ACCEPT, "application/json")
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(encode_form(&[
                        ("name", "王五"),
                        ("email", &format!("wang{i}@example.cn")),
                        ("password", PASSWORD),
                        ("organisation", ""),
                        ("province", "tianjin"),
                        ("industry", "chemicals"),
                    ]))
                    .send()
                    .await
                    .expect("request")
            })
        })
        .collect();
    let mut made = 0;
    let mut busy = 0;
    for response in burst {
        let response = response.await.unwrap();
        match response.status() {
            StatusCode::OK => made += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(response.headers().contains_key(RETRY_AFTER));
                busy += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(busy > 0, "a full queue refuses instead of piling up");
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(users, made, "only the registrations answered OK exist");
}

#[tokio::test]
async fn a_request_that_cannot_finish_in_time_answers_503() {
    let app = spawn_app_with(|config| config.request_timeout_secs = 1).await;
    let (client, _) = app.signed_in(Role::Administrator, "admin@example.cn").await;
    // Another writer holds the database: the server's write waits for it.
    let mut holder = app.state.db.writer.acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *holder)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let response = app
        .call(
            &client,
            "admin/create_centre",
            &[
                ("centre_code", "SLOW"),
                ("kind", "national"),
                ("centre_name_zh", "慢"),
                ("centre_name_en", "Slow"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    sqlx::query("ROLLBACK").execute(&mut *holder).await.unwrap();
    drop(holder);
    // The caller was told to try again: the work stopped with the answer,
    // it does not land once the writer is free (a retry would write twice).
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let landed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM centres WHERE code = 'SLOW'")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(landed, 0, "a write answered 503 landed afterwards");
}

async fn sessions_of(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ?",
    )
    .bind(email)
    .fetch_one(&app.state.db.reader)
    .await
    .unwrap()
}

#[tokio::test]
async fn signing_in_again_ends_the_session_the_browser_came_with() {
    let app = spawn_app().await;
    app.create_account(Role::Trainee, "twice@example.cn").await;
    let client = app.client();
    app.login(&client, "twice@example.cn", PASSWORD).await;
    app.login(&client, "twice@example.cn", PASSWORD).await;
    assert_eq!(
        sessions_of(&app, "twice@example.cn").await,
        1,
        "the old row went"
    );
}

#[tokio::test]
async fn a_session_left_unused_ends() {
    let app = spawn_app_with(|config| config.session_idle_minutes = 5).await;
    let (client, _) = app.signed_in(Role::Trainee, "idle@example.cn").await;
    let me = client
        .get(app.url("/me"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 600")
        .execute(&app.state.db.writer)
        .await
        .unwrap();
    let me = client
        .get(app.url("/me"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_ne!(me.status(), StatusCode::OK, "the idle session is over");
    assert!(me.headers()[LOCATION]
        .to_str()
        .unwrap()
        .starts_with("/login"));
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_the_account() {
    let app = spawn_app().await;
    let (laptop, _) = app.signed_in(Role::Trainee, "roaming@example.cn").await;
    let phone = app.client();
    assert_eq!(
        app.login(&phone, "roaming@example.cn", PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
    let (other, _) = app.signed_in(Role::Trainee, "bystander@example.cn").await;
    let response = app.call(&phone, "auth/sign_out_everywhere", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    for client in [&laptop, &phone] {
        let me = client
            .get(app.url("/me"))
            .header(ACCEPT, "text/html")
            .send()
            .await
            .unwrap();
        assert_ne!(me.status(), StatusCode::OK);
    }
    assert_eq!(sessions_of(&app, "roaming@example.cn").await, 0);
    let me = other
        .get(app.url("/me"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK, "nobody else is signed out");
    // A visitor has nothing to end.
    let nobody = app
        .call(&app.client(), "auth/sign_out_everywhere", &[])
        .await;
    assert_eq!(nobody.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_throttled_page_says_when_to_try_again_in_the_pages_language() {
    let app = spawn_app_with(|config| config.lookups_per_minute = 2).await;
    let client = app.client();
    for _ in 0..2 {
        let page = client
            .get(app.url("/verify/CPA-2024-00001"))
            .send()
            .await
            .unwrap();
        assert_ne!(page.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    let refused = client
        .get(app.url("/verify/CPA-2024-00001"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let body = refused.text().await.unwrap();
    assert!(body.contains("Please try again later"), "{body}");
    assert!(body.contains(&format!("wait {wait} seconds")), "{body}");

    let chinese = client
        .get(app.url("/verify/CPA-2024-00001"))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap();
    assert_eq!(chinese.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(chinese.text().await.unwrap().contains("请稍后再试"));
}
