//! Issuing certificates: the eligibility rule at the database, and numbers
//! that stay distinct and gapless under concurrent bulk issues.

use academy_tests::spawn_app;
use app::domain::certificate::Shortfall;
use app::domain::Role;
use app::ssr::db;
use app::ssr::db::certificates;
use std::collections::BTreeSet;

#[tokio::test]
async fn twenty_concurrent_bulk_issues_get_distinct_gapless_numbers() {
    let app = spawn_app().await;
    let (class_id, kind, trainees, admin) = app.completed_class("CPA", 100, false).await;
    let mut tasks = tokio::task::JoinSet::new();
    for batch in trainees.chunks(5) {
        let db = app.state.db.clone();
        let kind = kind.clone();
        let batch = batch.to_vec();
        tasks.spawn(async move {
            let mut tx = db.begin_write().await.unwrap();
            let issued = certificates::issue_in(
                &mut tx,
                &kind,
                class_id,
                &batch,
                "2000-05-21",
                admin,
                None,
                db::now(),
                &|_| {},
            )
            .await
            .unwrap()
            .expect("every holder is eligible");
            tx.commit().await.unwrap();
            issued
        });
    }
    let mut numbers = Vec::new();
    while let Some(batch) = tasks.join_next().await {
        let batch = batch.unwrap();
        assert_eq!(batch.len(), 5);
        // A bulk issue is one transaction: its numbers are consecutive.
        let sequences: Vec<i64> = batch.iter().map(|i| i.number.sequence).collect();
        assert!(
            sequences.windows(2).all(|w| w[1] == w[0] + 1),
            "{sequences:?}"
        );
        numbers.extend(batch.into_iter().map(|i| i.number));
    }
    let sequences: BTreeSet<i64> = numbers.iter().map(|n| n.sequence).collect();
    assert_eq!(sequences, (1..=100).collect::<BTreeSet<i64>>());
    assert!(numbers.iter().all(|n| n.prefix == "CPA" && n.year == 2000));
    let stored: Vec<String> = sqlx::query_scalar("SELECT number FROM certificates ORDER BY number")
        .fetch_all(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(stored.len(), 100);
    assert_eq!(stored.first().unwrap(), "CPA-2000-00001");
    assert_eq!(stored.last().unwrap(), "CPA-2000-00100");
    let events: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM certificate_events WHERE action = 'issued'")
            .fetch_one(&app.state.db.reader)
            .await
            .unwrap();
    assert_eq!(events, 100);
}

#[tokio::test]
async fn a_refused_or_rolled_back_issue_leaves_no_gap_and_no_certificate() {
    let app = spawn_app().await;
    let (class_id, kind, trainees, admin) = app.completed_class("EIA", 3, false).await;
    let (_, outsider) = app
        .quick_session(Role::Trainee, "outsider@example.cn")
        .await;

    // One holder who did not complete the class: nothing is issued.
    let mut tx = app.state.db.begin_write().await.unwrap();
    let refused = certificates::issue_in(
        &mut tx,
        &kind,
        class_id,
        &[trainees[0], outsider],
        "2001-03-01",
        admin,
        None,
        db::now(),
        &|_| {},
    )
    .await
    .unwrap()
    .unwrap_err();
    tx.commit().await.unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].holder_id, outsider);
    assert_eq!(refused[0].shortfalls, vec![Shortfall::NotCompleted]);

    // An issue that is rolled back gives its numbers back.
    let mut tx = app.state.db.begin_write().await.unwrap();
    certificates::issue_in(
        &mut tx,
        &kind,
        class_id,
        &trainees[..2],
        "2001-03-01",
        admin,
        None,
        db::now(),
        &|_| {},
    )
    .await
    .unwrap()
    .unwrap();
    tx.rollback().await.unwrap();

    let mut tx = app.state.db.begin_write().await.unwrap();
    let issued = certificates::issue_in(
        &mut tx,
        &kind,
        class_id,
        &trainees,
        "2001-03-01",
        admin,
        None,
        db::now(),
        &|_| {},
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    let numbers: Vec<String> = issued.iter().map(|i| i.number.to_string()).collect();
    assert_eq!(
        numbers,
        ["EIA-2001-00001", "EIA-2001-00002", "EIA-2001-00003"]
    );

    // Certified once per class: a second issue is refused.
    let mut tx = app.state.db.begin_write().await.unwrap();
    let again = certificates::issue_in(
        &mut tx,
        &kind,
        class_id,
        &trainees[..1],
        "2001-04-01",
        admin,
        None,
        db::now(),
        &|_| {},
    )
    .await
    .unwrap()
    .unwrap_err();
    assert_eq!(again[0].shortfalls, vec![Shortfall::AlreadyCertified]);
    let (expires, status): (String, String) = sqlx::query_as(
        "SELECT expires_on, status FROM certificates WHERE number = 'EIA-2001-00001'",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!((expires.as_str(), status.as_str()), ("2004-02-29", "valid"));
    // History is append-only and certificates are never deleted.
    assert!(sqlx::query("DELETE FROM certificates")
        .execute(&mut *tx)
        .await
        .is_err());
    assert!(sqlx::query("UPDATE certificate_events SET reason = 'x'")
        .execute(&mut *tx)
        .await
        .is_err());
}

#[tokio::test]
async fn a_type_that_requires_an_exam_refuses_those_without_a_released_pass() {
    let app = spawn_app().await;
    let (class_id, kind, trainees, admin) = app.completed_class("AUD", 1, true).await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    let refused = certificates::issue_in(
        &mut tx,
        &kind,
        class_id,
        &trainees,
        "2000-05-21",
        admin,
        None,
        db::now(),
        &|_| {},
    )
    .await
    .unwrap()
    .unwrap_err();
    assert_eq!(refused[0].shortfalls, vec![Shortfall::ExamNotPassed]);
}

#[tokio::test]
async fn academy_verify_accepts_a_signed_credential_and_rejects_a_tampered_one() {
    use app::ssr::credentials::{self, CertificateFacts};
    let dir = tempfile::tempdir().unwrap();
    let config =
        server::Config::for_tests(dir.path().join("academy.db").to_string_lossy().into_owned());
    // Starting the server creates the issuer key beside the database.
    let state = server::build_state(&config).await.unwrap();
    assert!(config.issuer_key.exists());
    let did = state.issuer.did_document();
    assert!(did["verificationMethod"][0]["publicKeyMultibase"]
        .as_str()
        .unwrap()
        .starts_with("z6Mk"));

    let facts = CertificateFacts {
        number: "CPA-2000-00070",
        holder_name: "李晓梅",
        type_name: ("清洁生产审核员", "Cleaner Production Auditor"),
        centre_name: ("国家清洁生产中心", "National Cleaner Production Centre"),
        issued_on: "2000-05-21",
        expires_on: "2099-05-20",
        verify_url: "http://127.0.0.1/verify/CPA-2000-00070",
        course_code: "CP-AUD",
        requires_exam: true,
        status_list: 1,
        status_index: 4711,
    };
    let signed = credentials::sign(
        &state.issuer,
        &credentials::credential(&state.issuer, &facts),
        "2000-05-21T09:00:00+08:00",
    )
    .unwrap();
    let good = dir.path().join("good.json");
    std::fs::write(&good, serde_json::to_string_pretty(&signed).unwrap()).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let report = server::cli::verify_file(&config, &good, None, true, now)
        .await
        .unwrap();
    assert!(report.passed, "{}", report.text);
    assert!(report.text.contains("CPA-2000-00070"));

    let tampered = dir.path().join("tampered.json");
    let text = serde_json::to_string_pretty(&signed)
        .unwrap()
        .replace("李晓梅", "李晓海");
    std::fs::write(&tampered, text).unwrap();
    let report = server::cli::verify_file(&config, &tampered, None, true, now)
        .await
        .unwrap();
    assert!(!report.passed);
    assert!(
        report.text.contains("signature   FAILED"),
        "{}",
        report.text
    );

    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "{not json").unwrap();
    assert!(
        !server::cli::verify_file(&config, &garbage, None, true, now)
            .await
            .unwrap()
            .passed
    );

    // A stranger without the issuer's key file checks against a saved copy
    // of the published DID document; another issuer's document fails.
    let stranger = server::Config::for_tests("/nonexistent/academy.db".into());
    let published = dir.path().join("did.json");
    std::fs::write(&published, did.to_string()).unwrap();
    let report = server::cli::verify_file(&stranger, &good, Some(&published), true, now)
        .await
        .unwrap();
    assert!(report.passed, "{}", report.text);
    let report = server::cli::verify_file(&stranger, &tampered, Some(&published), true, now)
        .await
        .unwrap();
    assert!(!report.passed);
    let other = credentials::Issuer::new(
        app::ssr::signing::IssuerKey::from_seed([7; 32]),
        "http://127.0.0.1",
        "Academy",
    );
    std::fs::write(&published, other.did_document().to_string()).unwrap();
    let report = server::cli::verify_file(&stranger, &good, Some(&published), true, now)
        .await
        .unwrap();
    assert!(!report.passed, "{}", report.text);
}

#[tokio::test]
async fn the_public_api_shows_status_history_and_a_signed_credential_and_is_rate_limited() {
    use app::domain::certificate::Change;
    use app::ssr::db::certificates::ChangeRequest;
    let app = spawn_app().await;
    let (class_id, kind, trainees, admin) = app.completed_class("PUB", 2, false).await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    let issued = certificates::issue_in(
        &mut tx,
        &kind,
        class_id,
        &trainees,
        "2025-06-01",
        admin,
        None,
        db::now(),
        &|_| {},
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    let number = issued[0].number.to_string();
    let client = app.client();
    let get = |path: String| {
        let client = client.clone();
        let url = app.url(&path);
        async move { client.get(url).send().await.unwrap() }
    };

    let found: serde_json::Value = get(format!("/api/v1/certificates/{number}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["status"], "valid");
    assert_eq!(found["found"], true);
    let keys: BTreeSet<&str> = found
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "centre_name",
            "credential",
            "expires_on",
            "found",
            "history",
            "holder_name",
            "issued_on",
            "number",
            "renewed_by",
            "renews",
            "status",
            "superseded_by",
            "suspended_until",
            "type_name",
        ]),
        "nothing private: no email, no organisation"
    );

    // Suspension shows in the JSON, with its reason in the history.
    let mut tx = app.state.db.begin_write().await.unwrap();
    let request = ChangeRequest {
        change: Change::Suspend,
        reason: "审核报告抽查不合格",
        until: Some("2099-12-31"),
        corrected_name: None,
        renewed_on: None,
        ip: None,
    };
    certificates::change_in(
        &mut tx,
        issued[0].certificate_id,
        &request,
        admin,
        "2026-11-29",
        db::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let found: serde_json::Value = get(format!("/api/v1/certificates/{}", number.to_lowercase()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["status"], "suspended");
    assert_eq!(found["history"][1]["action"], "suspended");
    assert_eq!(found["history"][1]["reason"], "审核报告抽查不合格");

    // The credential is signed, verifies, and points at the live status.
    let signed: serde_json::Value = get(format!("/api/v1/certificates/{number}/credential"))
        .await
        .json()
        .await
        .unwrap();
    let check =
        app::ssr::credentials::check(&signed, &app.state.issuer, time::OffsetDateTime::now_utc());
    assert!(check.passed(), "{check:?}");
    assert_eq!(
        signed["credentialStatus"][0]["type"],
        "BitstringStatusListEntry"
    );
    assert!(signed["credentialStatus"][1]["statusListCredential"]
        .as_str()
        .unwrap()
        .ends_with("/api/v1/status-lists/1/suspension"));

    // Unknown or malformed numbers: "no such certificate", not an error page.
    for missing in ["PUB-2025-09999", "nonsense"] {
        let response = get(format!("/api/v1/certificates/{missing}")).await;
        assert_eq!(response.status(), reqwest::StatusCode::NOT_FOUND);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["message"], "no such certificate");
    }
    let openapi: serde_json::Value = get("/api/v1/openapi.json".into())
        .await
        .json()
        .await
        .unwrap();
    assert!(openapi["paths"]["/api/v1/certificates/{number}"].is_object());

    // Per address, at most 60 a minute (a minute boundary may reset once).
    let mut refused = 0;
    for _ in 0..130 {
        if get(format!("/api/v1/certificates/{number}")).await.status()
            == reqwest::StatusCode::TOO_MANY_REQUESTS
        {
            refused += 1;
        }
    }
    assert!(refused >= 10, "{refused} refused");
}

#[tokio::test]
async fn corrections_and_renewals_make_new_records_and_revocation_is_final() {
    use app::domain::certificate::Change;
    use app::ssr::db::certificates::ChangeRequest;
    let app = spawn_app().await;
    let (class_id, kind, trainees, admin) = app.completed_class("LIFE", 1, false).await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    let issued = certificates::issue_in(
        &mut tx,
        &kind,
        class_id,
        &trainees,
        "2020-01-10",
        admin,
        None,
        db::now(),
        &|_| {},
    )
    .await
    .unwrap()
    .unwrap();
    let old = issued[0].certificate_id;
    let change =
        |change, name: Option<&'static str>, renewed: Option<&'static str>| ChangeRequest {
            change,
            reason: "依申请",
            until: None,
            corrected_name: name,
            renewed_on: renewed,
            ip: None,
        };
    // Expired on its date, no job needed: renewal makes a linked record.
    let renewed = certificates::change_in(
        &mut tx,
        old,
        &change(Change::Renew, None, Some("2023-01-10")),
        admin,
        "2023-02-01",
        db::now(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(renewed.number.to_string(), "LIFE-2023-00001");
    let row = certificates::by_id(&mut tx, renewed.certificate_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.renews_id, row.expires_on.as_str()),
        (Some(old), "2026-01-09")
    );

    // A correction supersedes; the old number points to the new one.
    let corrected = certificates::change_in(
        &mut tx,
        renewed.certificate_id,
        &change(Change::Correct, Some("李晓梅"), None),
        admin,
        "2024-01-01",
        db::now(),
    )
    .await
    .unwrap()
    .unwrap();
    let public = certificates::public(&mut tx, "LIFE-2023-00001", "2024-01-01")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(public.status, "superseded");
    assert_eq!(
        public.superseded_by.as_deref(),
        Some(corrected.number.to_string().as_str())
    );
    let fresh = certificates::public(&mut tx, &corrected.number.to_string(), "2024-01-01")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (fresh.holder_name.as_str(), fresh.status.as_str()),
        ("李晓梅", "valid")
    );

    // A reason is required, and revocation is final.
    let mut no_reason = change(Change::Revoke, None, None);
    no_reason.reason = " ";
    assert!(certificates::change_in(
        &mut tx,
        corrected.certificate_id,
        &no_reason,
        admin,
        "2024-01-01",
        db::now()
    )
    .await
    .is_err());
    certificates::change_in(
        &mut tx,
        corrected.certificate_id,
        &change(Change::Revoke, None, None),
        admin,
        "2024-01-01",
        db::now(),
    )
    .await
    .unwrap();
    let again = certificates::change_in(
        &mut tx,
        corrected.certificate_id,
        &change(Change::Reinstate, None, None),
        admin,
        "2024-01-02",
        db::now(),
    )
    .await;
    assert!(matches!(again, Err(app::error::AppError::Conflict(_))));
    let public = certificates::public(&mut tx, &corrected.number.to_string(), "2024-01-02")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(public.status, "revoked");
    assert_eq!(
        public
            .history
            .iter()
            .map(|h| h.action.as_str())
            .collect::<Vec<_>>(),
        ["issued", "revoked"]
    );
}

#[tokio::test]
async fn an_administrator_who_taught_the_class_cannot_decide_its_certificates() {
    let app = spawn_app().await;
    let (class_id, kind, trainees, admin) = app.completed_class("ISO", 1, false).await;
    app.assign_instructor(class_id, admin).await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    let refused = certificates::issue_in(
        &mut tx,
        &kind,
        class_id,
        &trainees,
        "2001-03-01",
        admin,
        None,
        db::now(),
        &|_| {},
    )
    .await;
    assert_eq!(
        refused.unwrap_err(),
        app::error::AppError::Conflict(app::error::Problem::DeciderTaughtClass)
    );
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM certificates")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn anyone_may_verify_a_number_and_an_unknown_one_is_simply_not_found() {
    let app = spawn_app().await;
    let (class_id, kind, trainees, admin) = app.completed_class("VIS", 1, false).await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    let issued = certificates::issue_in(
        &mut tx,
        &kind,
        class_id,
        &trainees,
        "2025-06-01",
        admin,
        None,
        db::now(),
        &|_| {},
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    let visitor = app.client();
    let number = issued[0].number.to_string();
    let found: Option<app::api::certificates::PublicCertificate> = academy_tests::json(
        app.call(&visitor, "verify", &[("number", &number.to_lowercase())])
            .await,
    )
    .await;
    let found = found.expect("found without signing in");
    assert_eq!((found.number, found.status.as_str()), (number, "valid"));
    for unknown in ["VIS-2025-09999", "not a number", ""] {
        let response = app.call(&visitor, "verify", &[("number", unknown)]).await;
        assert_eq!(response.status(), reqwest::StatusCode::OK);
        let none: Option<app::api::certificates::PublicCertificate> =
            academy_tests::json(response).await;
        assert!(none.is_none(), "{unknown}");
    }
}

#[tokio::test]
async fn the_demo_world_certifies_the_seventy_auditors_and_shows_every_status() {
    let app = spawn_app().await;
    server::demo::load(&app.state.db, &app.state.hasher)
        .await
        .unwrap();
    let db = &app.state.db.reader;
    let originals: Vec<String> = sqlx::query_scalar(
        "SELECT number FROM certificates WHERE number LIKE 'CPA-1999-%' OR number LIKE 'CPA-2000-%'
         ORDER BY number",
    )
    .fetch_all(db)
    .await
    .unwrap();
    assert_eq!(originals.len(), 70);
    assert_eq!(originals[0], "CPA-1999-00001");
    assert_eq!(originals[69], "CPA-2000-00035");
    // Every one was decided by an administrator who did not teach the class.
    let taught: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM certificates x JOIN class_instructors i
           ON i.class_id = x.class_id AND i.instructor_id = x.decided_by",
    )
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(taught, 0);

    let today = db::china_today();
    let mut conn = db.acquire().await.unwrap();
    let mut shown = BTreeSet::new();
    let numbers: Vec<String> = sqlx::query_scalar("SELECT number FROM certificates")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    for number in &numbers {
        let public = certificates::public(&mut conn, number, &today)
            .await
            .unwrap()
            .unwrap();
        shown.insert(public.status);
    }
    assert_eq!(
        shown,
        BTreeSet::from(
            ["expired", "revoked", "superseded", "suspended", "valid"].map(String::from)
        )
    );
    let lapsed = certificates::public(&mut conn, "CPA-2000-00035", &today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (lapsed.status.as_str(), lapsed.renewed_by),
        ("expired", None)
    );
    let renewed = certificates::public(&mut conn, "CPA-1999-00001", &today)
        .await
        .unwrap()
        .unwrap();
    assert!(
        renewed.renewed_by.is_some(),
        "renewed, and it says by which"
    );
    let eia: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM certificates WHERE number LIKE 'EIA-%'")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert!(eia >= 3, "{eia} EIA certificates");
    // Some fall due soon, so the expiring list has something to show.
    let soon = certificates::expiring(&mut conn, &today, 90).await.unwrap();
    assert!(soon.iter().any(|e| e.days_left >= 0), "{soon:?}");
    assert!(soon.iter().any(|e| e.days_left < 0), "the lapsed one");
}
