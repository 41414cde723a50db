//! Credentials any verifier accepts: W3C Bitstring Status Lists for
//! revocation and suspension, changed in the same transaction as the
//! certificate; JSON-LD that expands in safe mode; the Open Badges 3.0
//! shape; and an independent verifier (Digital Bazaar's libraries, run by
//! node from tests/verifier) that reads a revocation from the list alone.

use academy_tests::{issue_certificates_in, spawn_app, spawn_app_on, spawn_app_with, TestApp};
use app::domain::certificate::Change;
use app::ssr::db::certificates::{self, ChangeRequest, Issued};
use app::ssr::db::{self, status_lists};
use app::ssr::status_list::{self, Purpose, LIST_BITS};
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const TODAY: &str = "2026-11-30";

async fn issue(app: &TestApp, code: &str, size: usize) -> (Vec<Issued>, i64) {
    let (class_id, kind, trainees, admin) = app.completed_class(code, size, false).await;
    let issued = app
        .issue_certificates(&kind, class_id, &trainees, "2026-06-01", admin)
        .await;
    (issued, admin)
}

fn request(change: Change) -> ChangeRequest<'static> {
    ChangeRequest {
        change,
        reason: "核查结论",
        until: (change == Change::Suspend).then_some("2099-12-31"),
        corrected_name: (change == Change::Correct).then_some("李晓海"),
        renewed_on: None,
        ip: None,
    }
}

async fn change(app: &TestApp, certificate_id: i64, change: Change, admin: i64) -> Option<Issued> {
    let mut tx = app.state.db.begin_write().await.unwrap();
    let created = certificates::change_in(
        &mut tx,
        certificate_id,
        &request(change),
        admin,
        TODAY,
        db::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    created
}

async fn entry(app: &TestApp, certificate_id: i64) -> (i64, usize) {
    let (list, index): (i64, i64) =
        sqlx::query_as("SELECT status_list, status_index FROM certificates WHERE id = ?")
            .bind(certificate_id)
            .fetch_one(&app.state.db.reader)
            .await
            .unwrap();
    (list, index as usize)
}

/// The stored bits of a certificate: (revoked, suspended).
async fn stored_bits(app: &TestApp, certificate_id: i64) -> (bool, bool) {
    let (list, index) = entry(app, certificate_id).await;
    let mut conn = app.state.db.reader.acquire().await.unwrap();
    let stored = status_lists::load(&mut conn, list).await.unwrap().unwrap();
    (
        status_list::bit(&stored.revocation, index).unwrap(),
        status_list::bit(&stored.suspension, index).unwrap(),
    )
}

/// A public JSON document of the server, by path.
async fn get_json(app: &TestApp, path: &str) -> Value {
    app.client()
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The served bit of a certificate in the list of `purpose`, read as a
/// verifier reads it (from the signed list credential).
async fn served_bit(app: &TestApp, certificate_id: i64, purpose: Purpose) -> bool {
    let (list, index) = entry(app, certificate_id).await;
    let path = format!("/api/v1/status-lists/{list}/{}", purpose.as_str());
    let served: Value = get_json(app, &path).await;
    assert!(
        app::ssr::signing::verify(&served, &app.state.issuer.key.public()).is_ok(),
        "the list is signed by the issuer"
    );
    let bits =
        status_list::decode(served["credentialSubject"]["encodedList"].as_str().unwrap()).unwrap();
    status_list::bit(&bits, index).unwrap()
}

#[tokio::test]
async fn every_credential_names_its_revocation_and_suspension_entries_in_a_served_signed_list() {
    let app = spawn_app().await;
    let (issued, _) = issue(&app, "CPA", 3).await;
    let number = issued[0].number.to_string();
    let credential: Value =
        get_json(&app, &format!("/api/v1/certificates/{number}/credential")).await;
    let entries = status_list::entries_of(&credential).unwrap();
    let (list, index) = entry(&app, issued[0].certificate_id).await;
    assert_eq!(
        entries
            .iter()
            .map(|e| (e.purpose.as_str(), e.index, e.list_credential.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (
                "revocation",
                index,
                format!("http://127.0.0.1/api/v1/status-lists/{list}/revocation").as_str()
            ),
            (
                "suspension",
                index,
                format!("http://127.0.0.1/api/v1/status-lists/{list}/suspension").as_str()
            ),
        ]
    );

    let response = app
        .client()
        .get(app.url(&format!("/api/v1/status-lists/{list}/revocation")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/vc+ld+json");
    assert_eq!(response.headers()[CACHE_CONTROL], "public, max-age=300");
    assert!(response.headers().contains_key(LAST_MODIFIED));
    let etag = response.headers()[ETAG].to_str().unwrap().to_owned();
    let served: Value = response.json().await.unwrap();
    assert_eq!(
        served["type"],
        serde_json::json!(["VerifiableCredential", "BitstringStatusListCredential"])
    );
    assert_eq!(served["credentialSubject"]["statusPurpose"], "revocation");
    assert_eq!(served["issuer"], app.state.issuer.did.as_str());
    let check =
        app::ssr::credentials::check(&served, &app.state.issuer, time::OffsetDateTime::now_utc());
    assert!(check.passed(), "signed and valid now: {check:?}");
    let bits =
        status_list::decode(served["credentialSubject"]["encodedList"].as_str().unwrap()).unwrap();
    assert_eq!(
        bits.len() * 8,
        LIST_BITS,
        "131,072 entries for herd privacy"
    );
    assert!(bits.iter().all(|b| *b == 0), "nothing revoked yet");

    // Unchanged: the same copy (a verifier's conditional request is 304).
    let again = app
        .client()
        .get(app.url(&format!("/api/v1/status-lists/{list}/revocation")))
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    for missing in [
        "/api/v1/status-lists/99/revocation",
        "/api/v1/status-lists/1/expiry",
    ] {
        let response = app.client().get(app.url(missing)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
    }
}

#[tokio::test]
async fn revoking_suspending_and_reinstating_flip_the_bits_in_the_same_transaction() {
    let app = spawn_app().await;
    let (issued, admin) = issue(&app, "EIA", 4).await;
    let [first, second, third, fourth] = [0, 1, 2, 3].map(|i| issued[i].certificate_id);

    // Inside the revoking transaction the bit is already set; rolled back,
    // neither the status nor the bit changed.
    let mut tx = app.state.db.begin_write().await.unwrap();
    certificates::change_in(
        &mut tx,
        first,
        &request(Change::Revoke),
        admin,
        TODAY,
        db::now(),
    )
    .await
    .unwrap();
    let (list, index) = entry(&app, first).await;
    let inside = status_lists::load(&mut tx, list).await.unwrap().unwrap();
    assert_eq!(status_list::bit(&inside.revocation, index), Some(true));
    tx.rollback().await.unwrap();
    assert_eq!(stored_bits(&app, first).await, (false, false));
    assert!(!served_bit(&app, first, Purpose::Revocation).await);

    change(&app, first, Change::Revoke, admin).await;
    assert_eq!(stored_bits(&app, first).await, (true, false));
    assert!(
        served_bit(&app, first, Purpose::Revocation).await,
        "re-signed as soon as it changed"
    );

    change(&app, second, Change::Suspend, admin).await;
    assert_eq!(stored_bits(&app, second).await, (false, true));
    assert!(served_bit(&app, second, Purpose::Suspension).await);
    change(&app, second, Change::Reinstate, admin).await;
    assert_eq!(stored_bits(&app, second).await, (false, false));
    assert!(!served_bit(&app, second, Purpose::Suspension).await);

    // A correction states the facts anew: the old credential is revoked
    // (superseded), the new record has an index of its own.
    let corrected = change(&app, third, Change::Correct, admin).await.unwrap();
    assert_eq!(stored_bits(&app, third).await, (true, false));
    assert_eq!(
        stored_bits(&app, corrected.certificate_id).await,
        (false, false)
    );
    assert_ne!(
        entry(&app, third).await,
        entry(&app, corrected.certificate_id).await
    );

    // A renewal continues the old one: the old credential keeps its own
    // status (good until its own end date), the new one has its own index.
    let renewed = change(&app, fourth, Change::Renew, admin).await.unwrap();
    assert_eq!(stored_bits(&app, fourth).await, (false, false));
    assert_eq!(
        stored_bits(&app, renewed.certificate_id).await,
        (false, false)
    );
    assert_ne!(
        entry(&app, fourth).await,
        entry(&app, renewed.certificate_id).await
    );

    // Every list agrees with the certificates' statuses, bit for bit.
    let rows: Vec<(i64, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT status_list, status_index, status, suspended_until FROM certificates",
    )
    .fetch_all(&app.state.db.reader)
    .await
    .unwrap();
    let mut conn = app.state.db.reader.acquire().await.unwrap();
    let stored = status_lists::load(&mut conn, rows[0].0)
        .await
        .unwrap()
        .unwrap();
    let set = |bits: &[u8]| {
        (0..LIST_BITS)
            .filter(|&i| status_list::bit(bits, i) == Some(true))
            .collect::<BTreeSet<_>>()
    };
    let revoked: BTreeSet<usize> = rows
        .iter()
        .filter(|r| r.2 == "revoked" || r.2 == "superseded")
        .map(|r| r.1 as usize)
        .collect();
    let suspended: BTreeSet<usize> = rows
        .iter()
        .filter(|r| app::domain::certificate::suspension_in_force(&r.2, r.3.as_deref(), TODAY))
        .map(|r| r.1 as usize)
        .collect();
    assert_eq!(set(&stored.revocation), revoked);
    assert_eq!(set(&stored.suspension), suspended);
}

#[tokio::test]
async fn indexes_are_random_distinct_under_concurrent_issues_and_given_to_older_certificates() {
    let app = spawn_app().await;
    let (class_id, kind, trainees, admin) = app.completed_class("CPA", 60, false).await;
    let mut tasks = tokio::task::JoinSet::new();
    for batch in trainees.chunks(3) {
        let db = app.state.db.clone();
        let kind = kind.clone();
        let batch = batch.to_vec();
        tasks.spawn(async move {
            issue_certificates_in(&db, &kind, class_id, &batch, "2026-06-01", admin)
                .await
                .len()
        });
    }
    let mut total = 0;
    while let Some(done) = tasks.join_next().await {
        total += done.unwrap();
    }
    assert_eq!(total, 60);
    let entries: Vec<(i64, i64)> =
        sqlx::query_as("SELECT status_list, status_index FROM certificates ORDER BY id")
            .fetch_all(&app.state.db.reader)
            .await
            .unwrap();
    let distinct: BTreeSet<_> = entries.iter().collect();
    assert_eq!(distinct.len(), 60, "no index given twice");
    assert!(entries
        .iter()
        .all(|&(_, i)| (0..LIST_BITS as i64).contains(&i)));
    // Random, not in issue order (sixty increasing indexes by chance: 1/60!).
    assert!(
        entries.windows(2).any(|w| w[1].1 < w[0].1),
        "indexes follow the issue order: {entries:?}"
    );
    let allocated: i64 = sqlx::query_scalar("SELECT allocated FROM status_lists WHERE id = 1")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(allocated, 60);

    // Certificates from before status lists (no entry) get one at start,
    // and a suspension that lapsed while the server was stopped is cleared.
    change(&app, 1, Change::Suspend, admin).await;
    sqlx::query("UPDATE certificates SET status_list = NULL, status_index = NULL WHERE id > 50")
        .execute(&app.state.db.writer)
        .await
        .unwrap();
    sqlx::query("UPDATE certificates SET suspended_until = '2000-01-01' WHERE id = 1")
        .execute(&app.state.db.writer)
        .await
        .unwrap();
    assert_eq!(stored_bits(&app, 1).await, (false, true));
    let db_path = app.db_path.clone();
    let restarted = spawn_app_on(&db_path).await;
    let missing: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM certificates WHERE status_list IS NULL")
            .fetch_one(&restarted.state.db.reader)
            .await
            .unwrap();
    assert_eq!(missing, 0);
    let distinct: BTreeSet<(i64, i64)> =
        sqlx::query_as("SELECT status_list, status_index FROM certificates")
            .fetch_all(&restarted.state.db.reader)
            .await
            .unwrap()
            .into_iter()
            .collect();
    assert_eq!(distinct.len(), 60);
    assert_eq!(stored_bits(&restarted, 1).await, (false, false));
    drop(app);
}

// ------------------------------------------------- the independent verifier

fn verifier() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("verifier");
    assert!(
        dir.join("node_modules").is_dir(),
        "the verifier's npm packages are missing: run scripts/setup.sh --test"
    );
    dir.join("verify.mjs")
}

/// What the independent verifier says about `document` (its JSON report).
async fn independent(args: &[&str], document: &Value) -> Value {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), document.to_string()).unwrap();
    let output = tokio::process::Command::new("node")
        .arg(verifier())
        .args(args)
        .arg(file.path())
        .output()
        .await
        .expect("node runs");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "the verifier did not answer JSON: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert_eq!(
        output.status.code() == Some(0),
        report["verified"] == true
            || (args.contains(&"--expand-only") && report["expanded"] == true),
        "exit code and report agree: {report}"
    );
    report
}

/// A server whose public address is its real one, so that did:web and the
/// status list addresses in its credentials resolve.
async fn reachable_app() -> TestApp {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    spawn_app_with(|config| {
        config.addr = format!("127.0.0.1:{port}").parse().unwrap();
        config.public_url = format!("http://127.0.0.1:{port}");
    })
    .await
}

async fn credential_of(app: &TestApp, issued: &Issued) -> Value {
    get_json(
        app,
        &format!("/api/v1/certificates/{}/credential", issued.number),
    )
    .await
}

#[tokio::test]
async fn an_independent_verifier_accepts_a_fresh_credential_and_reads_its_status_from_the_lists() {
    let app = reachable_app().await;
    let (issued, admin) = issue(&app, "CPA", 2).await;
    let first = credential_of(&app, &issued[0]).await;
    let second = credential_of(&app, &issued[1]).await;

    let report = independent(&["--require-status"], &first).await;
    assert_eq!(report["verified"], true, "{report:#}");
    assert_eq!(report["expanded"], true, "every term defined: {report:#}");
    assert_eq!(report["schemaValid"], true, "Open Badges 3.0: {report:#}");
    assert_eq!(
        report["status"],
        serde_json::json!({ "revocation": false, "suspension": false })
    );

    // Every other document Academy signs or publishes expands in safe mode.
    let (list, _) = entry(&app, issued[0].certificate_id).await;
    for path in [
        format!("/api/v1/status-lists/{list}/revocation"),
        format!("/api/v1/status-lists/{list}/suspension"),
        "/.well-known/did.json".to_owned(),
    ] {
        let document: Value = get_json(&app, &path).await;
        let report = independent(&["--expand-only"], &document).await;
        assert_eq!(report["expanded"], true, "{path}: {report:#}");
    }

    let mut tampered = first.clone();
    tampered["credentialSubject"]["name"] = "王五".into();
    let report = independent(&[], &tampered).await;
    assert_eq!(report["verified"], false);
    assert_eq!(report["proofVerified"], false, "{report:#}");

    // The copy the holder saved before the revocation: the list alone says so.
    change(&app, issued[0].certificate_id, Change::Revoke, admin).await;
    let report = independent(&[], &first).await;
    assert_eq!(report["verified"], false);
    assert_eq!(report["proofVerified"], true);
    assert_eq!(report["status"]["revocation"], true, "{report:#}");

    change(&app, issued[1].certificate_id, Change::Suspend, admin).await;
    let report = independent(&[], &second).await;
    assert_eq!(report["verified"], false);
    assert_eq!(report["status"]["suspension"], true, "{report:#}");
    change(&app, issued[1].certificate_id, Change::Reinstate, admin).await;
    let report = independent(&[], &second).await;
    assert_eq!(report["verified"], true, "reinstated: {report:#}");
}

#[tokio::test]
async fn academy_verify_checks_the_status_lists_and_says_when_it_cannot_reach_them() {
    let app = reachable_app().await;
    let (issued, admin) = issue(&app, "EIA", 1).await;
    let credential = credential_of(&app, &issued[0]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("credential.json");
    std::fs::write(&file, credential.to_string()).unwrap();
    let did = dir.path().join("did.json");
    std::fs::write(&did, app.state.issuer.did_document().to_string()).unwrap();
    // Anyone: the published DID document, no key file, no database.
    let stranger = server::Config::for_tests("/nonexistent/academy.db".into());
    let now = time::OffsetDateTime::now_utc();
    let verify = |offline| {
        let (stranger, file, did) = (&stranger, &file, &did);
        async move {
            server::cli::verify_file(stranger, file, Some(did), offline, now)
                .await
                .unwrap()
        }
    };

    let report = verify(false).await;
    assert!(report.passed && report.status_checked, "{}", report.text);
    assert!(report.text.contains("revocation  ok"), "{}", report.text);
    assert!(report.text.contains("suspension  ok"), "{}", report.text);

    change(&app, issued[0].certificate_id, Change::Suspend, admin).await;
    let report = verify(false).await;
    assert!(!report.passed, "{}", report.text);
    assert!(
        report
            .text
            .contains("suspension  FAILED: the certificate is suspended"),
        "{}",
        report.text
    );
    let offline = verify(true).await;
    assert!(
        offline.passed && !offline.status_checked,
        "{}",
        offline.text
    );

    change(&app, issued[0].certificate_id, Change::Revoke, admin).await;
    let report = verify(false).await;
    assert!(
        report
            .text
            .contains("revocation  FAILED: the certificate is revoked"),
        "{}",
        report.text
    );

    // The server gone: the signature and dates still check, the status is
    // plainly not checked.
    // Its port is held by something that hangs up at once, so that no
    // other test's server can take it meanwhile.
    let addr = app.addr;
    drop(app);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    if let Ok(listener) = tokio::net::TcpListener::bind(addr).await {
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                drop(socket);
            }
        });
    }
    let report = verify(false).await;
    assert!(report.passed && !report.status_checked, "{}", report.text);
    assert!(
        report
            .text
            .contains("revocation  NOT CHECKED: could not reach"),
        "{}",
        report.text
    );
    assert!(report.text.contains("was NOT checked"), "{}", report.text);
}
