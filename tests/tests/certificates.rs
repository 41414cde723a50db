//! Issuing certificates: the eligibility rule at the database, and numbers
//! that stay distinct and gapless under concurrent bulk issues.

use academy_tests::{spawn_app, ClassSpec, TestApp};
use app::domain::certificate::Shortfall;
use app::domain::enrolment::EnrolmentState;
use app::domain::Role;
use app::ssr::db::certificates::{self, NewType, TypeRow};
use app::ssr::db::{self, enrolments};
use std::collections::BTreeSet;

/// A class of `size` trainees who completed it, and a certificate type for
/// its course (no exam required unless `requires_exam`).
async fn completed_class(
    app: &TestApp,
    code: &str,
    size: usize,
    requires_exam: bool,
) -> (i64, TypeRow, Vec<i64>, i64) {
    let class_id = app.seed_class(code, ClassSpec::default()).await;
    let (_, admin) = app
        .quick_session(Role::Administrator, &format!("admin-{code}@example.cn"))
        .await;
    let mut trainees = Vec::new();
    for n in 0..size {
        let (_, id) = app
            .quick_session(
                Role::Trainee,
                &format!("t{n}-{code}@example.cn").to_lowercase(),
            )
            .await;
        trainees.push(id);
    }
    let mut tx = app.state.db.begin_write().await.unwrap();
    for &id in &trainees {
        enrolments::insert_as_is(&mut tx, class_id, id, EnrolmentState::Completed, "", 0)
            .await
            .unwrap();
    }
    let course_id: i64 = sqlx::query_scalar("SELECT course_id FROM classes WHERE id = ?")
        .bind(class_id)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let type_id = certificates::insert_type(
        &mut tx,
        &NewType {
            prefix: code,
            name: ("清洁生产审核员", "Cleaner Production Auditor"),
            validity_months: 36,
            course_id,
            requires_exam,
        },
        0,
    )
    .await
    .unwrap();
    let kind = certificates::certificate_type(&mut tx, type_id)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    (class_id, kind, trainees, admin)
}

#[tokio::test]
async fn twenty_concurrent_bulk_issues_get_distinct_gapless_numbers() {
    let app = spawn_app().await;
    let (class_id, kind, trainees, admin) = completed_class(&app, "CPA", 100, false).await;
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
    let (class_id, kind, trainees, admin) = completed_class(&app, "EIA", 3, false).await;
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
    let (class_id, kind, trainees, admin) = completed_class(&app, "AUD", 1, true).await;
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
        status_url: "http://127.0.0.1/api/v1/certificates/CPA-2000-00070",
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
    let report = server::cli::verify_file(&config, &good, now).unwrap();
    assert!(report.passed, "{}", report.text);
    assert!(report.text.contains("CPA-2000-00070"));

    let tampered = dir.path().join("tampered.json");
    let text = serde_json::to_string_pretty(&signed)
        .unwrap()
        .replace("李晓梅", "李晓海");
    std::fs::write(&tampered, text).unwrap();
    let report = server::cli::verify_file(&config, &tampered, now).unwrap();
    assert!(!report.passed);
    assert!(
        report.text.contains("signature   FAILED"),
        "{}",
        report.text
    );

    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "{not json").unwrap();
    assert!(
        !server::cli::verify_file(&config, &garbage, now)
            .unwrap()
            .passed
    );
}
