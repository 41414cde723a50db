//! What the server keeps in memory (server/src/page_cache.rs,
//! app/src/ssr/db/changes.rs): public pages and records, and live sessions.
//! A visitor is sent a kept page with its own nonce, and nothing kept is
//! ever older than the database — whether the change comes from this
//! server's writer or from another process writing the file.

use academy_tests::{spawn_app, TestApp};
use app::domain::certificate::Change;
use app::ssr::db::certificates::{self, ChangeRequest};
use app::ssr::db::{self, Db};
use reqwest::Response;

const HIT: &str = "x-page-cache";

fn revoke() -> ChangeRequest<'static> {
    ChangeRequest {
        change: Change::Revoke,
        reason: "证书造假",
        until: None,
        corrected_name: None,
        renewed_on: None,
        ip: None,
    }
}

async fn revoke_in(db: &Db, certificate_id: i64, admin: i64) {
    let mut tx = db.begin_write().await.unwrap();
    certificates::change_in(
        &mut tx,
        certificate_id,
        &revoke(),
        admin,
        &db::china_today(),
        db::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// The database file opened with pools and hooks of its own: to the server,
/// another process writing it.
async fn another_process(app: &TestApp) -> Db {
    Db::connect(&app.db_path.to_string_lossy(), 1)
        .await
        .unwrap()
}

async fn close(db: Db) {
    db.writer.close().await;
    db.reader.close().await;
}

/// A certificate's status as the JSON API gives it.
async fn status(client: &reqwest::Client, url: &str) -> String {
    let record: serde_json::Value = client.get(url).send().await.unwrap().json().await.unwrap();
    record["status"].as_str().unwrap_or_default().to_owned()
}

fn was_kept(response: &Response) -> bool {
    response.headers().get(HIT).is_some()
}

/// The page's body, after checking its scripts carry the nonce its policy
/// allows, and only that one.
async fn page(response: Response) -> (String, String) {
    assert_eq!(response.status(), 200);
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let start = policy.find("'nonce-").unwrap() + "'nonce-".len();
    let nonce = policy[start..start + policy[start..].find('\'').unwrap()].to_owned();
    let body = response.text().await.unwrap();
    let in_body: Vec<&str> = body
        .match_indices("nonce=\"")
        .map(|(i, m)| {
            let rest = &body[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert!(!in_body.is_empty(), "a page has scripts with a nonce");
    assert!(
        in_body.iter().all(|n| *n == nonce),
        "{in_body:?} vs {nonce}"
    );
    (nonce, body)
}

/// Waits until the writer has handed back the connection of the last
/// commit: until then nothing read is kept (it may predate the commit).
async fn settled(app: &TestApp) {
    drop(app.state.db.writer.acquire().await.unwrap());
}

async fn two_certificates(app: &TestApp) -> (Vec<certificates::Issued>, i64) {
    let (class_id, kind, trainees, admin) = app.completed_class("KPT", 2, false).await;
    let issued = app
        .issue_certificates(&kind, class_id, &trainees, &db::china_today(), admin)
        .await;
    settled(app).await;
    (issued, admin)
}

#[tokio::test]
async fn a_kept_verify_page_is_dropped_the_moment_its_certificate_changes() {
    let app = spawn_app().await;
    let (issued, admin) = two_certificates(&app).await;
    let visitor = app.client();
    let url = app.url(&format!("/verify/{}", issued[0].number));

    let first = visitor.get(&url).send().await.unwrap();
    assert!(!was_kept(&first));
    let (first_nonce, first_body) = page(first).await;
    let second = visitor.get(&url).send().await.unwrap();
    assert!(was_kept(&second), "the second visit is sent the kept page");
    let (second_nonce, second_body) = page(second).await;
    assert_ne!(
        first_nonce, second_nonce,
        "every response has its own nonce"
    );
    assert_eq!(
        first_body.replace(&first_nonce, ""),
        second_body.replace(&second_nonce, "")
    );
    // The JSON record is kept too; warm it.
    let api = app.url(&format!("/api/v1/certificates/{}", issued[0].number));
    assert_eq!(status(&visitor, &api).await, "valid");

    // Revoked by this server's writer: the next visit renders afresh.
    revoke_in(&app.state.db, issued[0].certificate_id, admin).await;
    let after = visitor.get(&url).send().await.unwrap();
    assert!(
        !was_kept(&after),
        "a change to the certificate drops the copy"
    );
    let (_, body) = page(after).await;
    assert_ne!(body, first_body);
    assert_eq!(status(&visitor, &api).await, "revoked");
}

#[tokio::test]
async fn a_change_written_by_another_process_is_seen_too() {
    let app = spawn_app().await;
    let (issued, admin) = two_certificates(&app).await;
    let visitor = app.client();
    let url = app.url(&format!("/verify/{}", issued[1].number));
    let api = app.url(&format!("/api/v1/certificates/{}", issued[1].number));
    let (_, before) = page(visitor.get(&url).send().await.unwrap()).await;
    assert!(was_kept(&visitor.get(&url).send().await.unwrap()));
    assert_eq!(status(&visitor, &api).await, "valid");

    let other = another_process(&app).await;
    revoke_in(&other, issued[1].certificate_id, admin).await;
    close(other).await;

    let after = visitor.get(&url).send().await.unwrap();
    assert!(!was_kept(&after));
    let (_, body) = page(after).await;
    assert_ne!(body, before);
    assert_eq!(status(&visitor, &api).await, "revoked");
}

#[tokio::test]
async fn a_signed_in_caller_is_never_sent_a_kept_page_and_signing_in_drops_none() {
    let app = spawn_app().await;
    let (issued, _) = two_certificates(&app).await;
    let url = app.url(&format!("/verify/{}", issued[0].number));
    let visitor = app.client();
    page(visitor.get(&url).send().await.unwrap()).await;
    assert!(was_kept(&visitor.get(&url).send().await.unwrap()));

    // Signing in writes a session (a private table): the visitor's copy
    // stands, and the signed-in caller's pages are their own.
    let (trainee, _) = app
        .quick_session(app::domain::Role::Trainee, "kept@example.cn")
        .await;
    for _ in 0..2 {
        let response = trainee.get(&url).send().await.unwrap();
        assert!(!was_kept(&response));
        page(response).await;
    }
    assert!(was_kept(&visitor.get(&url).send().await.unwrap()));

    // Each language is kept apart.
    let english = visitor
        .get(&url)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let chinese = visitor
        .get(&url)
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap();
    let (_, english) = page(english).await;
    let (_, chinese) = page(chinese).await;
    assert!(english.contains("lang=\"en\""));
    assert!(chinese.contains("lang=\"zh"));
}

#[tokio::test]
async fn a_kept_page_still_counts_against_the_callers_lookups() {
    let app = academy_tests::spawn_app_with(|config| config.lookups_per_minute = 3).await;
    let (issued, _) = two_certificates(&app).await;
    let visitor = app.client();
    let url = app.url(&format!("/verify/{}", issued[0].number));
    page(visitor.get(&url).send().await.unwrap()).await;
    let kept = visitor.get(&url).send().await.unwrap();
    assert!(was_kept(&kept));
    page(kept).await;
    page(visitor.get(&url).send().await.unwrap()).await;
    let refused = visitor.get(&url).send().await.unwrap();
    assert_eq!(refused.status(), 429, "the fourth lookup in a minute");
    assert!(!was_kept(&refused));
    // The catalogue is no lookup: kept and sent without limit.
    for _ in 0..5 {
        let catalogue = visitor.get(app.url("/courses")).send().await.unwrap();
        assert_eq!(catalogue.status(), 200);
    }
}

async fn me_status(app: &TestApp, client: &reqwest::Client) -> u16 {
    client
        .get(app.url("/me"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_kept_session_ends_the_moment_its_row_or_its_account_changes() {
    let app = spawn_app().await;
    let email = "kept-session@example.cn";
    let (client, account) = app.signed_in(app::domain::Role::Trainee, email).await;
    // The second request finds the session kept.
    assert_eq!(me_status(&app, &client).await, 200);
    assert_eq!(me_status(&app, &client).await, 200);

    // Ended by another process: the server sees the log move.
    let other = another_process(&app).await;
    sqlx::query("DELETE FROM sessions WHERE user_id = ?")
        .bind(account.id)
        .execute(&other.writer)
        .await
        .unwrap();
    close(other).await;
    assert_ne!(me_status(&app, &client).await, 200, "signed out elsewhere");

    // Signed in again and kept; then the account is deactivated here.
    assert_eq!(
        app.login(&client, email, academy_tests::PASSWORD)
            .await
            .status(),
        200
    );
    assert_eq!(me_status(&app, &client).await, 200);
    assert_eq!(me_status(&app, &client).await, 200);
    sqlx::query("UPDATE users SET active = 0 WHERE id = ?")
        .bind(account.id)
        .execute(&app.state.db.writer)
        .await
        .unwrap();
    assert_ne!(me_status(&app, &client).await, 200, "deactivated");
}
