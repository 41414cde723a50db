//! Public verification in headless Chromium: a visitor opens a
//! certificate's QR address and sees it valid, then revoked.

use academy_tests::browser::journey;
use app::domain::certificate::Change;
use app::ssr::db::certificates::{self, ChangeRequest, NewType};
use app::ssr::db::{self, Db};

/// Issues a CPA certificate to trainee001 (who completed the 1999 class in
/// the demo world) straight into the server's database; returns the
/// database, the certificate's id and number.
async fn issue_one(database: &std::path::Path) -> (Db, i64, String) {
    let db = Db::connect(&database.to_string_lossy(), 1).await.unwrap();
    let mut tx = db.begin_write().await.unwrap();
    let id = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    let course = id("SELECT id FROM courses WHERE code = 'CPA-AUD'")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let class = id("SELECT id FROM classes WHERE name_en = '1999, class 1'")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let holder = id("SELECT id FROM users WHERE email = 'trainee001@academy.test'")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let admin = id("SELECT id FROM users WHERE email = 'admin@academy.test'")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let type_id = certificates::insert_type(
        &mut tx,
        &NewType {
            prefix: "CPA",
            name: ("清洁生产审核员", "Cleaner Production Auditor"),
            validity_months: 36,
            course_id: course,
            requires_exam: false,
        },
        db::now(),
    )
    .await
    .unwrap();
    let kind = certificates::certificate_type(&mut tx, type_id)
        .await
        .unwrap()
        .unwrap();
    let issued = certificates::issue_in(
        &mut tx,
        &kind,
        class,
        &[holder],
        "2025-06-01",
        admin,
        None,
        db::now(),
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    (db, issued[0].certificate_id, issued[0].number.to_string())
}

#[tokio::test]
async fn a_visitor_opens_the_qr_address_and_sees_valid_then_revoked() {
    journey("verify_certificate", |page| async move {
        let (db, certificate, number) = issue_one(&page.server.database()).await;
        let admin: i64 =
            sqlx::query_scalar("SELECT id FROM users WHERE email = 'admin@academy.test'")
                .fetch_one(&db.reader)
                .await?;

        // The QR code opens /verify/{number}.
        page.open_hydrated(&format!("/verify/{number}")).await?;
        page.wait_for_text("Valid").await?;
        page.wait_for_text("This certificate is genuine and in force.")
            .await?;
        page.wait_for_text("Cleaner Production Auditor").await?;
        page.screenshot("verify-valid-en.png").await?;
        page.click_button("Language: 中文").await?;
        page.wait_for_text("本证书真实有效。").await?;
        page.screenshot("verify-valid-zh.png").await?;
        page.click_button("语言: English").await?;
        page.wait_for_text("Verify a certificate").await?;

        // Revoked by an administrator: the same address says so.
        let mut tx = db.begin_write().await?;
        certificates::change_in(
            &mut tx,
            certificate,
            &ChangeRequest {
                change: Change::Revoke,
                reason: "以欺骗手段取得资格",
                until: None,
                corrected_name: None,
                renewed_on: None,
            },
            admin,
            &db::china_today(),
            db::now(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        tx.commit().await?;
        page.open_hydrated(&format!("/verify/{number}")).await?;
        page.wait_for_text("Revoked").await?;
        page.wait_for_text("以欺骗手段取得资格").await?;
        page.screenshot("verify-revoked-en.png").await?;

        // Typed into the form, any case; an unknown number is not an error page.
        page.open_hydrated("/verify").await?;
        page.fill("Certificate number", &number.to_lowercase())
            .await?;
        page.click_button("Verify").await?;
        page.wait_for_text("This certificate has been revoked")
            .await?;
        page.open("/verify/CPA-2000-99999").await?;
        page.wait_for_text("No such certificate").await?;
        page.screenshot("verify-none-en.png").await?;
        Ok(())
    })
    .await;
}
