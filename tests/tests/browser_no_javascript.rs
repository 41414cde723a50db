//! Every form works with JavaScript off: the pages post to themselves and
//! answer with the outcome beside the form, keeping what was typed when the
//! server refuses it — the islands' forms included (grading, the question
//! editor, the certification decision).

use academy_tests::browser::{journey_without_javascript, Page};
use fantoccini::Locator;
use server::demo::DEMO_PASSWORD;

/// Signs in through the form (no JavaScript, so no waiting for islands).
async fn sign_in(page: &Page, email: &str) -> anyhow::Result<()> {
    page.open("/login").await?;
    page.fill("Email", email).await?;
    page.fill("Password", DEMO_PASSWORD).await?;
    page.click_button("Sign in").await?;
    page.wait_for_path("/me").await
}

async fn id(page: &Page, sql: &str) -> anyhow::Result<i64> {
    let db = app::ssr::db::Db::connect(&page.server.database().to_string_lossy(), 1).await?;
    Ok(sqlx::query_scalar(sql).fetch_one(&db.reader).await?)
}

#[tokio::test]
async fn a_trainee_enrols_withdraws_and_switches_language_without_javascript() {
    journey_without_javascript("no_js_trainee", |page| async move {
        // Whole pages, no streamed parts that need a script to appear.
        page.open("/courses").await?;
        page.wait_for_text("EIA Staff Certification Training")
            .await?;
        assert!(
            page.text().await?.contains("Sign in"),
            "the navigation is whole"
        );
        page.open("/").await?;
        page.wait_for_text("Train, examine and certify auditors")
            .await?;
        sign_in(&page, "ma.lin@academy.test").await?;
        page.open("/").await?;
        page.wait_for_text("My account").await?;
        page.open("/courses/EIA-CERT").await?;
        page.click_button_in("Shanghai class", "Enrol").await?;
        page.wait_for_card_text("Shanghai class", "Your place: Awaiting approval")
            .await?;
        page.open("/me").await?;
        page.wait_for_text("Awaiting approval").await?;
        page.click_button("Withdraw").await?;
        page.wait_for_text("Withdrawn").await?;
        page.click_button("Language: 中文").await?;
        page.wait_for_text("我的账户").await?;
        assert_eq!(page.path().await?, "/me");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_administrator_decides_certificates_and_revokes_one_without_javascript() {
    journey_without_javascript("no_js_admin", |page| async move {
        let class = id(
            &page,
            "SELECT id FROM classes WHERE name_en = 'Shanghai class, 2025'",
        )
        .await?;
        sign_in(&page, "admin@academy.test").await?;

        // A refused type keeps what was typed; the fixed one is saved.
        page.open("/admin/certificates/types").await?;
        page.fill("Number prefix", "1X").await?;
        page.fill("Name (Chinese)", "石化行业清洁生产审核员")
            .await?;
        page.click_button("Save").await?;
        let error = page.wait_for_error_beside("Number prefix").await?;
        assert!(error.contains("letter"), "{error}");
        assert_eq!(
            page.value_of("Name (Chinese)").await?,
            "石化行业清洁生产审核员"
        );
        assert_eq!(page.value_of("Number prefix").await?, "1X");

        // The decision page's form issues to every eligible trainee.
        page.open(&format!("/admin/certificates/classes/{class}"))
            .await?;
        page.wait_for_text("2 eligible of 8").await?;
        page.click_button("Issue to all 2 eligible").await?;
        page.wait_for_text("2 certificates issued.").await?;
        page.wait_for_text("0 eligible of 8").await?;
        page.screenshot("decision-no-javascript-en.png").await?;

        // Revoking needs a reason; the change's fields follow the choice by CSS.
        let number: String = {
            let db =
                app::ssr::db::Db::connect(&page.server.database().to_string_lossy(), 1).await?;
            sqlx::query_scalar(&format!(
                "SELECT number FROM certificates WHERE class_id = {class} ORDER BY id DESC LIMIT 1"
            ))
            .fetch_one(&db.reader)
            .await?
        };
        page.open(&format!("/admin/certificates/record?number={number}"))
            .await?;
        page.client
            .find(Locator::Css("#change-revoke"))
            .await?
            .click()
            .await?;
        page.click_button("Apply the change").await?;
        page.wait_for_error_beside("Reason").await?;
        let revoke = page.client.find(Locator::Css("#change-revoke")).await?;
        assert_eq!(
            revoke.prop("checked").await?.as_deref(),
            Some("true"),
            "the chosen change stays chosen"
        );
        page.fill("Reason", "以欺骗手段取得资格").await?;
        page.click_button("Apply the change").await?;
        page.wait_for_text("This certificate has been revoked")
            .await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_instructor_grades_and_writes_a_question_without_javascript() {
    journey_without_javascript("no_js_instructor", |page| async move {
        let exam = id(
            &page,
            "SELECT id FROM exams WHERE title_en = 'Entrance assessment'",
        )
        .await?;
        sign_in(&page, "instructor@academy.test").await?;

        // A grading card: out of range is refused beside the field, then saved.
        page.open(&format!("/teach/exams/{exam}/grade")).await?;
        page.wait_for_text("Awaiting grading").await?;
        let card = "(//article[contains(@class,'grade-card')])[1]";
        let points = format!("{card}//input[@name='points']");
        page.client
            .find(Locator::XPath(&points))
            .await?
            .send_keys("999")
            .await?;
        page.client
            .find(Locator::XPath(&format!(
                "{card}//textarea[@name='feedback']"
            )))
            .await?
            .send_keys("Clear and complete.")
            .await?;
        page.client
            .find(Locator::XPath(&format!("{card}//button")))
            .await?
            .click()
            .await?;
        page.wait_for_text("Enter a whole number from 0 to").await?;
        let kept = page
            .client
            .find(Locator::XPath(&format!(
                "{card}//textarea[@name='feedback']"
            )))
            .await?
            .prop("value")
            .await?;
        assert_eq!(
            kept.as_deref(),
            Some("Clear and complete."),
            "feedback kept"
        );
        let field = page.client.find(Locator::XPath(&points)).await?;
        field.clear().await?;
        field.send_keys("1").await?;
        page.client
            .find(Locator::XPath(&format!("{card}//button")))
            .await?
            .click()
            .await?;
        page.wait_for_text("Graded 1 / 2").await?;

        // The question editor: a wrong answer letter is refused, nothing lost.
        page.open("/teach/courses/CPA-AUD/questions").await?;
        page.client
            .find(Locator::XPath(
                "//summary[normalize-space(.)='Add a question']",
            ))
            .await?
            .click()
            .await?;
        page.select("Kind", "Single choice").await?;
        page.fill("Question (Chinese)", "清洁生产审核的第一阶段是什么？")
            .await?;
        page.fill("Question (English)", "What is the first phase of an audit?")
            .await?;
        page.fill(
            "Options",
            "筹划与组织 | Planning and organisation\n预审核 | Pre-assessment",
        )
        .await?;
        page.fill("Answer", "C").await?;
        page.click_button("Add question").await?;
        page.wait_for_error_beside("Answer").await?;
        assert_eq!(page.value_of("Answer").await?, "C");
        assert_eq!(
            page.value_of("Question (English)").await?,
            "What is the first phase of an audit?"
        );
        page.fill("Answer", "A").await?;
        page.click_button("Add question").await?;
        page.wait_for_text("Question added.").await?;
        page.wait_for_text("What is the first phase of an audit?")
            .await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn staff_forms_work_without_javascript() {
    journey_without_javascript("no_js_staff", |page| async move {
        // An administrator creates an instructor's account.
        sign_in(&page, "admin@academy.test").await?;
        page.open("/admin/users").await?;
        page.fill("Full name", "陈志远").await?;
        page.fill("Email", "chen.zhiyuan@academy.test").await?;
        page.select("Role", "Instructor").await?;
        page.fill("Password", "three simultaneities").await?;
        page.click_button("Create account").await?;
        page.wait_for_text("Account created.").await?;
        page.wait_for_text("chen.zhiyuan@academy.test").await?;
        page.click_button("Sign out").await?;
        page.wait_for_path("/").await?;

        // The instructor approves an application, releases the entrance
        // assessment's results and overrides a result with a reason.
        let class = id(
            &page,
            "SELECT e.class_id FROM enrolments e
             JOIN class_instructors ci ON ci.class_id = e.class_id
             JOIN users u ON u.id = ci.instructor_id
             WHERE e.state = 'pending' AND u.email = 'instructor@academy.test'
             ORDER BY e.id LIMIT 1",
        )
        .await?;
        sign_in(&page, "instructor@academy.test").await?;
        page.open(&format!("/teach/classes/{class}")).await?;
        let pending =
            "//article[contains(@class,'roster-entry')][.//button[normalize-space(.)='Approve']]";
        let name = page
            .client
            .find(Locator::XPath(&format!("{pending}//h3")))
            .await?
            .text()
            .await?;
        page.click_button_in(&name, "Approve").await?;
        page.wait_for_card_text(&name, "Enrolled").await?;

        let exam = id(
            &page,
            "SELECT id FROM exams WHERE title_en = 'Entrance assessment'",
        )
        .await?;
        page.open(&format!("/teach/exams/{exam}")).await?;
        page.click_button("Release results").await?;
        page.wait_for_text("Results released").await?;

        let exam_class = id(
            &page,
            &format!("SELECT class_id FROM exams WHERE id = {exam}"),
        )
        .await?;
        page.open(&format!("/teach/classes/{exam_class}/gradebook"))
            .await?;
        page.client
            .find(Locator::XPath(
                "//select[@name='trainee_id']/option[position()=2]",
            ))
            .await?
            .click()
            .await?;
        page.select("Exam", "Entrance assessment").await?;
        page.fill("Result (%)", "75").await?;
        page.click_button("Set the result").await?;
        page.wait_for_error_beside("Reason").await?;
        assert_eq!(page.value_of("Result (%)").await?, "75", "kept");
        page.fill("Reason", "Marked by hand after a re-read of the paper.")
            .await?;
        page.click_button("Set the result").await?;
        page.wait_for_text("Saved.").await?;
        page.wait_for_text("Marked by hand after a re-read of the paper.")
            .await?;
        Ok(())
    })
    .await;
}
