//! Catalogue and enrolment journeys in headless Chromium.

use academy_tests::browser::journey;

const DEMO_PASSWORD: &str = "academy-demo";

#[tokio::test]
async fn a_trainee_finds_a_course_by_its_chinese_title_enrols_and_sees_it_on_their_page() {
    journey("find_and_enrol", |page| async move {
        page.sign_in("ma.lin@academy.test", DEMO_PASSWORD).await?;
        page.open_hydrated("/courses").await?;
        page.fill("Search by code or title", "环境影响评价").await?;
        page.click_button("Search").await?;
        page.wait_for_text("1 courses").await?;
        page.click_link("EIA Staff Certification Training").await?;
        page.wait_for_path("/courses/EIA-CERT").await?;
        page.wait_hydrated().await?;
        page.wait_for_card_text("Shanghai class", "Applications are reviewed by the centre.")
            .await?;
        page.click_button_in("Shanghai class", "Enrol").await?;
        page.wait_for_card_text("Shanghai class", "Your place: Awaiting approval")
            .await?;
        page.screenshot("course-enrolled-en.png").await?;

        page.click_link("My account").await?;
        page.wait_for_path("/me").await?;
        page.wait_for_text("EIA Staff Certification Training")
            .await?;
        page.wait_for_text("Awaiting approval").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_full_class_puts_the_trainee_on_the_waiting_list_with_their_position() {
    journey("waiting_list", |page| async move {
        page.sign_in("ma.lin@academy.test", DEMO_PASSWORD).await?;
        page.open_hydrated("/courses/CPA-AUD").await?;
        let heading = "Class 3 (full, waiting list)";
        page.wait_for_card_text(heading, "0 of 30 seats left")
            .await?;
        page.wait_for_card_text(heading, "3 on the waiting list")
            .await?;
        page.click_button_in(heading, "Join the waiting list")
            .await?;
        page.wait_for_card_text(heading, "Number 4 on the waiting list")
            .await?;
        page.wait_for_card_text(heading, "4 on the waiting list")
            .await?;

        page.open("/me").await?;
        page.wait_for_text("Number 4 on the waiting list").await?;
        page.screenshot("me-waiting-en.png").await?;

        // Withdrawing from the waiting list takes the trainee off it.
        page.wait_hydrated().await?;
        page.click_button("Withdraw").await?;
        page.wait_for_text("Withdrawn").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_demo_trainee_sees_every_state_of_their_enrolments_in_chinese() {
    journey("demo_trainee_me_zh", |page| async move {
        page.sign_in("trainee@academy.test", DEMO_PASSWORD).await?;
        page.click_button("Language: 中文").await?;
        page.wait_for_text("我的培训班").await?;
        for words in [
            "候补第 2 位",
            "待审核",
            "已录取",
            "未录取",
            "已退出",
            "已结业",
            "本期仅接收山西省环保系统人员。",
        ] {
            page.wait_for_text(words).await?;
        }
        page.screenshot("me-zh.png").await?;
        page.open("/courses").await?;
        page.wait_for_text("清洁生产审核员培训").await?;
        page.screenshot("courses-zh.png").await?;
        page.open("/courses/CPA-AUD").await?;
        page.wait_for_text("剩余 0 / 30 个名额").await?;
        page.screenshot("course-zh.png").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_instructor_approves_a_pending_application_and_the_trainee_sees_it_approved() {
    journey("instructor_approves", |page| async move {
        page.sign_in("instructor@academy.test", DEMO_PASSWORD)
            .await?;
        page.click_link("Teaching").await?;
        page.wait_for_path("/teach").await?;
        page.wait_for_text("applications to review").await?;
        page.click_link("EIA Staff Certification Training · Shanghai class")
            .await?;
        page.wait_for_text("Download roster (CSV)").await?;
        page.wait_hydrated().await?;
        page.wait_for_card_text("赵敏", "Awaiting approval").await?;
        page.click_button_in("赵敏", "Approve").await?;
        page.wait_for_card_text("赵敏", "Enrolled").await?;
        page.screenshot("roster-en.png").await?;

        // A rejection without a reason is refused beside the field.
        page.client
            .find(fantoccini::Locator::XPath(
                "//article[.//h3[normalize-space(.)='孙丽']]//summary",
            ))
            .await?
            .click()
            .await?;
        page.click_button_in("孙丽", "Reject").await?;
        page.wait_for_card_text("孙丽", "This field is required.")
            .await?;

        page.click_button("Sign out").await?;
        page.wait_for_path("/").await?;
        page.sign_in("zhao.min@academy.test", DEMO_PASSWORD).await?;
        page.wait_for_text("EIA Staff Certification Training")
            .await?;
        page.wait_for_text("Enrolled").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_import_with_a_bad_row_imports_nothing_then_the_fixed_file_imports_all() {
    journey("csv_import", |page| async move {
        let bad = "name,email,organisation,province,industry\n\
                   郭海燕,guo@example.cn,北京化工研究院,北京市,化工\n\
                   罗振宇,luo-at-example,,天津市,冶金\n";
        page.sign_in("admin@academy.test", DEMO_PASSWORD).await?;
        page.click_link("Import").await?;
        page.wait_for_path("/admin/import").await?;
        page.wait_hydrated().await?;
        page.fill("CSV", bad).await?;
        page.click_button("Import").await?;
        page.wait_for_text("Nothing was imported: correct the rows marked below first.")
            .await?;
        page.wait_for_text("Email: Enter an email address like name@example.com.")
            .await?;
        page.screenshot("import-errors-en.png").await?;

        // The typed file is still there; fix the bad line and import.
        let typed = page.value_of("CSV").await?;
        assert!(typed.contains("luo-at-example"), "what was typed stays");
        page.fill("CSV", &typed.replace("luo-at-example", "luo@example.cn"))
            .await?;
        page.click_button("Import").await?;
        page.wait_for_text("Imported. Give each trainee their own link to set a password:")
            .await?;
        let link = page
            .client
            .find(fantoccini::Locator::Css("input.link-copy"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        assert!(link.contains("/set-password?token="), "{link}");
        page.screenshot("import-done-en.png").await?;

        // The imported trainee opens the link and sets a password.
        page.click_button("Sign out").await?;
        page.wait_for_path("/").await?;
        page.client.goto(&link).await?;
        page.wait_hydrated().await?;
        page.fill("New password", "end of pipe no more").await?;
        page.click_button("Save password and sign in").await?;
        page.wait_for_path("/me").await?;
        page.wait_for_text("郭海燕").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_administrator_publishes_a_new_course_and_gives_it_a_class() {
    journey("admin_catalogue", |page| async move {
        page.sign_in("admin@academy.test", DEMO_PASSWORD).await?;
        page.click_link("Catalogue").await?;
        page.wait_for_path("/admin/courses").await?;
        page.wait_hydrated().await?;
        page.fill("Course code", "san-tong-shi").await?;
        page.fill("Hours", "0").await?;
        page.select("Centre", "National Cleaner Production Centre")
            .await?;
        page.select("Category", "Lecture").await?;
        page.fill("Title (Chinese)", "三同时制度讲座").await?;
        page.fill("Title (English)", "The Three Simultaneities Rule")
            .await?;
        page.click_button("Save").await?;
        assert_eq!(
            page.wait_for_error_beside("Hours").await?,
            "Enter a whole number from 1 to 2000."
        );
        assert_eq!(
            page.value_of("Title (Chinese)").await?,
            "三同时制度讲座",
            "typed values stay"
        );
        page.fill("Hours", "4").await?;
        page.field("Published in the catalogue")
            .await?
            .click()
            .await?;
        page.click_button("Save").await?;
        page.wait_for_text("Saved.").await?;
        page.wait_for_text("SAN-TONG-SHI").await?;

        page.select("Course", "SAN-TONG-SHI · The Three Simultaneities Rule")
            .await?;
        page.fill("Class name (Chinese)", "福州专场").await?;
        page.fill("Class name (English)", "Fuzhou session").await?;
        page.fill("City (Chinese)", "福州").await?;
        page.fill("City (English)", "Fuzhou").await?;
        page.fill("Capacity", "60").await?;
        page.select("Admission", "Automatic").await?;
        page.select("Instructor", "王建国 (instructor@academy.test)")
            .await?;
        // Date inputs: set through script, as a person would pick them in the widget.
        page.client
            .execute(
                "document.getElementById('field-starts_on').value = '2031-06-01';
                 document.getElementById('field-ends_on').value = '2031-06-01';
                 document.getElementById('field-opens_at').value = '2020-01-01T09:00';
                 document.getElementById('field-closes_at').value = '2031-05-25T17:00';",
                vec![],
            )
            .await?;
        page.click_button("New class").await?;
        page.wait_for_text("Class created.").await?;
        page.screenshot("admin-courses-en.png").await?;

        page.open_hydrated("/courses/SAN-TONG-SHI").await?;
        page.wait_for_card_text("Fuzhou session", "60 of 60 seats left")
            .await?;
        Ok(())
    })
    .await;
}
