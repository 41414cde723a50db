//! The national-scale world (`academy demo --scale N`), made small: what
//! it makes follows the rules (gapless numbers matching the sequences,
//! status lists that say each certificate's status, states the state
//! machines reach), its pages answer, and loading it twice changes nothing.

use academy_tests::spawn_app_on;
use app::ssr::db::status_lists;
use app::ssr::passwords::Hasher;
use app::ssr::status_list::{self, LIST_BITS};
use server::demo::scale::{self, Sizes};
use std::collections::{BTreeMap, BTreeSet};

#[tokio::test]
async fn a_small_scale_world_follows_the_rules_and_its_pages_answer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("academy.db");
    let app = spawn_app_on(&path).await;
    let db = app.state.db.clone();
    server::demo::load(&db, &Hasher::new(2)).await.unwrap();
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM certificates")
        .fetch_one(&db.reader)
        .await
        .unwrap();
    let report = scale::load(&db, 0.02).await.unwrap();
    assert!(report.starts_with("scale world loaded"), "{report}");
    let sizes = Sizes::at(0.02);
    assert_eq!((sizes.classes, sizes.trainees), (40, 2000));

    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&db.reader)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM users WHERE email LIKE 'scale%'").await,
        sizes.trainees
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM certificates").await - before,
        sizes.certificates
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM enrolments e JOIN classes c ON c.id = e.class_id
             JOIN courses co ON co.id = c.course_id WHERE co.code LIKE 'SC%'"
        )
        .await,
        sizes.enrolments
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM answers a JOIN attempts t ON t.id = a.attempt_id
             JOIN exams e ON e.id = t.exam_id JOIN classes c ON c.id = e.class_id
             JOIN courses co ON co.id = c.course_id WHERE co.code LIKE 'SC%'"
        )
        .await,
        sizes.answers
    );
    assert!(count("SELECT COUNT(*) FROM audit_events").await >= sizes.audit);
    assert_eq!(
        count("SELECT COUNT(*) FROM enrolments WHERE state = 'completed' AND class_id IN (SELECT id FROM classes WHERE ends_on >= date('now'))").await,
        0,
        "only past classes are completed"
    );

    // Numbers: gapless per prefix and year, and the sequences agree, so the
    // next certificate issued continues them.
    let numbers: Vec<(String, i64)> =
        sqlx::query_as("SELECT number, 0 FROM certificates ORDER BY id")
            .fetch_all(&db.reader)
            .await
            .unwrap();
    let mut series: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (number, _) in &numbers {
        let (head, seq) = number.rsplit_once('-').unwrap();
        series
            .entry(head.to_owned())
            .or_default()
            .push(seq.parse().unwrap());
    }
    for (head, mut seqs) in series {
        seqs.sort_unstable();
        assert_eq!(
            seqs,
            (1..=seqs.len() as i64).collect::<Vec<_>>(),
            "{head} is gapless"
        );
        let (prefix, year) = head.split_once('-').unwrap();
        let last: i64 = sqlx::query_scalar(
            "SELECT last FROM certificate_sequences WHERE prefix = ? AND year = ?",
        )
        .bind(prefix)
        .bind(year.parse::<i64>().unwrap())
        .fetch_one(&db.reader)
        .await
        .unwrap();
        assert_eq!(last, seqs.len() as i64, "the sequence of {head}");
    }

    // Status lists: an entry each, never shared, bits that say the status.
    let rows: Vec<(i64, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT status_list, status_index, status, suspended_until FROM certificates",
    )
    .fetch_all(&db.reader)
    .await
    .unwrap();
    let entries: BTreeSet<(i64, i64)> = rows.iter().map(|r| (r.0, r.1)).collect();
    assert_eq!(entries.len(), rows.len());
    let today = app::ssr::db::china_today();
    let mut conn = db.reader.acquire().await.unwrap();
    for list in rows.iter().map(|r| r.0).collect::<BTreeSet<_>>() {
        let stored = status_lists::load(&mut conn, list).await.unwrap().unwrap();
        let set = |bits: &[u8]| {
            (0..LIST_BITS)
                .filter(|&i| status_list::bit(bits, i) == Some(true))
                .map(|i| i as i64)
                .collect::<BTreeSet<_>>()
        };
        let in_list = rows.iter().filter(|r| r.0 == list);
        let revoked: BTreeSet<i64> = in_list
            .clone()
            .filter(|r| r.2 == "revoked" || r.2 == "superseded")
            .map(|r| r.1)
            .collect();
        let suspended: BTreeSet<i64> = in_list
            .filter(|r| app::domain::certificate::suspension_in_force(&r.2, r.3.as_deref(), &today))
            .map(|r| r.1)
            .collect();
        assert_eq!(set(&stored.revocation), revoked, "list {list}");
        assert_eq!(set(&stored.suspension), suspended, "list {list}");
    }
    drop(conn);
    assert!(
        count("SELECT COUNT(*) FROM certificates WHERE status = 'revoked' AND number LIKE 'P%'")
            .await
            > 0
    );

    // Its pages answer: a certificate's public page, the register, the
    // catalogue.
    let number: String = sqlx::query_scalar(
        "SELECT number FROM certificates WHERE number LIKE 'P%' AND status = 'valid'
         AND expires_on > date('now', '+1 day') LIMIT 1",
    )
    .fetch_one(&db.reader)
    .await
    .unwrap();
    for path in [
        format!("/verify/{number}"),
        format!("/auditors?q={number}"),
        "/courses?q=审核员".to_owned(),
    ] {
        let response = app.client().get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK, "{path}");
        let body = response.text().await.unwrap();
        assert!(
            body.contains(&number) || body.contains("SC"),
            "{path} shows the scale world"
        );
    }

    let again = scale::load(&db, 0.02).await.unwrap();
    assert_eq!(again, "scale world already loaded; nothing changed");
}
