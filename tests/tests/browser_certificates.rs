//! Certificates in headless Chromium, on the demo world: an administrator
//! issues the certificates of a class from the decision page; the trainee
//! finds hers on /me, opens the printable page and downloads the PDF; a
//! visitor opens the QR address and sees "valid", and after the
//! administrator revokes it from the record page, "revoked"; the public
//! register finds auditors by name or number.

use academy_tests::browser::journey;
use server::demo::DEMO_PASSWORD;

/// A value from the server's database (the test's own connection).
async fn scalar<T>(database: &std::path::Path, sql: &str) -> anyhow::Result<T>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + Send + Unpin,
{
    let db = app::ssr::db::Db::connect(&database.to_string_lossy(), 1).await?;
    Ok(sqlx::query_scalar(sql).fetch_one(&db.reader).await?)
}

#[tokio::test]
async fn an_administrator_issues_the_certificates_of_a_class() {
    journey("issue_certificates", |page| async move {
        let class: i64 = scalar(
            &page.server.database(),
            "SELECT id FROM classes WHERE name_en = 'Shanghai class, 2025'",
        )
        .await?;
        page.sign_in("admin@academy.test", DEMO_PASSWORD).await?;
        page.click_link("Certificates").await?;
        page.wait_for_text("Classes to decide").await?;
        page.wait_for_text("Expiring certificates").await?;
        page.screenshot("certification-en.png").await?;

        page.open_hydrated(&format!("/admin/certificates/classes/{class}"))
            .await?;
        page.wait_for_text("2 eligible of 8").await?;
        page.wait_for_text("ISO/IEC 17024").await?;
        page.screenshot("decision-before-en.png").await?;
        page.click_button("Issue to all 2 eligible").await?;
        page.wait_for_text("2 certificates issued.").await?;
        page.wait_for_text("0 eligible of 8").await?;
        page.screenshot("decision-after-en.png").await?;
        let issued: i64 = scalar(
            &page.server.database(),
            &format!("SELECT COUNT(*) FROM certificates WHERE class_id = {class}"),
        )
        .await?;
        assert_eq!(issued, 8, "six from the demo and the two just issued");

        page.click_button("Language: 中文").await?;
        page.wait_for_text("发证决定").await?;
        page.wait_for_text("0 人符合条件，共 8").await?;
        page.screenshot("decision-zh.png").await?;

        // A new certificate type: a bad prefix is explained beside the
        // field, in Chinese, and nothing typed is lost.
        page.open_hydrated("/admin/certificates/types").await?;
        page.wait_for_text("CPA").await?;
        page.fill("编号前缀", "1X").await?;
        page.fill("有效期（月）", "24").await?;
        page.fill("名称（中文）", "石化行业清洁生产审核员").await?;
        page.fill("名称（英文）", "Petrochemical Cleaner Production Auditor")
            .await?;
        page.select("课程", "SINOPEC-AUD 石化行业清洁生产审核")
            .await?;
        page.click_button("保存").await?;
        let error = page.wait_for_error_beside("编号前缀").await?;
        assert!(error.contains("以字母开头"), "{error}");
        assert_eq!(
            page.value_of("名称（中文）").await?,
            "石化行业清洁生产审核员"
        );
        page.screenshot("certificate-type-error-zh.png").await?;
        page.fill("编号前缀", "SPA").await?;
        page.click_button("保存").await?;
        page.wait_for_text("已保存。").await?;
        page.wait_for_text("石化行业清洁生产审核员").await?;
        page.screenshot("certificate-types-zh.png").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_trainee_downloads_her_certificate_and_a_visitor_sees_it_valid_then_revoked() {
    journey("certificate_lifecycle", |page| async move {
        let number: String = scalar(
            &page.server.database(),
            "SELECT x.number FROM certificates x JOIN users u ON u.id = x.holder_id
             WHERE u.email = 'trainee@academy.test'",
        )
        .await?;

        // The trainee finds it on /me, prints it and downloads the PDF.
        page.sign_in("trainee@academy.test", DEMO_PASSWORD).await?;
        page.wait_for_text("My certificates").await?;
        page.wait_for_text(&number).await?;
        page.screenshot("me-certificates-en.png").await?;
        let download: String = page
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   const link = [...document.querySelectorAll('a')].find(a => a.textContent.trim() === 'Download PDF');
                   fetch(link.href).then(async r => {
                     const bytes = new Uint8Array(await r.arrayBuffer());
                     done(r.status + ' ' + r.headers.get('content-type') + ' ' +
                          String.fromCharCode(...bytes.slice(0, 4)) + ' ' + bytes.length);
                   }).catch(e => done('failed ' + e));"#,
                vec![],
            )
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let parts: Vec<&str> = download.split(' ').collect();
        assert_eq!(&parts[..3], ["200", "application/pdf", "%PDF"], "{download}");
        let size: usize = parts[3].parse()?;
        assert!((5_000..400_000).contains(&size), "a subset font keeps it small: {size}");

        page.click_link("Certificate (print)").await?;
        page.wait_for_text("This is to certify that").await?;
        page.wait_for_text("扫码验证").await?;
        page.screenshot("certificate-print.png").await?;

        // A visitor opens the QR address.
        page.open_hydrated(&format!("/verify/{number}")).await?;
        page.wait_for_text("Valid").await?;
        page.wait_for_text("This certificate is genuine and in force.")
            .await?;
        // The signed credential is offered, with what it is and how an
        // employer checks it; the link downloads the credential itself.
        page.wait_for_text("Digital credential").await?;
        page.wait_for_text("an employer checks it with any standard verifier")
            .await?;
        let credential: String = page
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   const link = [...document.querySelectorAll('a')].find(a => a.textContent.trim() === 'Download the signed credential (JSON)');
                   fetch(link.href).then(async r => {
                     const body = await r.json();
                     done([r.status, link.getAttribute('download'), body.type.join(','),
                           body.credentialStatus.map(e => e.statusPurpose).join(',')].join(' '));
                   }).catch(e => done('failed ' + e));"#,
                vec![],
            )
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert_eq!(
            credential,
            format!(
                "200 {number}.credential.json VerifiableCredential,OpenBadgeCredential revocation,suspension"
            )
        );
        page.screenshot("verify-valid-en.png").await?;
        page.click_button("Language: 中文").await?;
        page.wait_for_text("本证书真实有效。").await?;
        page.wait_for_text("数字凭证").await?;
        page.wait_for_text("用人单位可用任何符合标准的验证工具核验").await?;
        page.screenshot("verify-valid-zh.png").await?;
        page.click_button("语言: English").await?;
        page.wait_for_text("Verify a certificate").await?;

        // An administrator revokes it from its record page.
        page.click_button("Sign out").await?;
        page.wait_for_text("Sign in").await?;
        page.sign_in("admin@academy.test", DEMO_PASSWORD).await?;
        page.open_hydrated(&format!("/admin/certificates/record?number={number}"))
            .await?;
        page.wait_for_text("Change this certificate").await?;
        page.client
            .find(fantoccini::Locator::Css("#change-revoke"))
            .await?
            .click()
            .await?;
        page.click_button("Apply the change").await?;
        page.wait_for_error_beside("Reason").await?;
        page.fill("Reason", "以欺骗手段取得资格").await?;
        page.click_button("Apply the change").await?;
        page.wait_for_text("This certificate has been revoked").await?;
        page.screenshot("certificate-record-revoked-en.png").await?;

        page.open_hydrated(&format!("/verify/{number}")).await?;
        page.wait_for_text("Revoked").await?;
        page.wait_for_text("以欺骗手段取得资格").await?;
        assert!(
            !page.text().await?.contains("Digital credential"),
            "no credential is offered for a revoked certificate"
        );
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
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_public_register_finds_auditors_by_name_or_number() {
    journey("auditor_register", |page| async move {
        let corrected: String = scalar(
            &page.server.database(),
            "SELECT number FROM certificates WHERE holder_name = '王玉兰' AND type_id =
               (SELECT id FROM certificate_types WHERE prefix = 'CPA') AND status = 'valid'
               AND expires_on > date('now')",
        )
        .await?;
        page.open_hydrated("/auditors").await?;
        page.wait_for_text("Register of certified auditors").await?;
        page.wait_for_text("certificates in force").await?;
        page.fill("Search by name or number", "王玉兰").await?;
        page.click_button("Search").await?;
        page.wait_for_text(&corrected).await?;
        page.screenshot("auditors-en.png").await?;
        page.click_button("Language: 中文").await?;
        page.wait_for_text("持证审核师名录").await?;
        page.open_hydrated(&format!("/auditors?q={}", corrected.to_lowercase()))
            .await?;
        page.wait_for_text("清洁生产审核员").await?;
        page.screenshot("auditors-zh.png").await?;
        // The misspelt, superseded record is not in the register.
        page.open_hydrated("/auditors?q=王玉蓝").await?;
        page.wait_for_text("没有符合条件的持证审核师。").await?;
        Ok(())
    })
    .await;
}
