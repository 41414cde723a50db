//! Exam journeys in headless Chromium: sitting an exam with autosave and a
//! reload, grading an essay, releasing, and reading the result.

use academy_tests::browser::{journey, Page};
use fantoccini::Locator;

const DEMO_PASSWORD: &str = "academy-demo";

/// The question card whose prompt contains `prompt`.
fn card(prompt: &str) -> String {
    format!("//li[contains(@class,'exam-question')][.//p[contains(@class,'prompt')][contains(., \"{prompt}\")]]")
}

async fn click_option(page: &Page, prompt: &str, option: &str) -> anyhow::Result<()> {
    let xpath = format!("{}//label[contains(., \"{option}\")]", card(prompt));
    let label = page
        .client
        .wait()
        .at_most(std::time::Duration::from_secs(15))
        .for_element(Locator::XPath(&xpath))
        .await?;
    // Clear of the sticky timer bar, as a person would scroll it.
    page.client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'})",
            vec![serde_json::to_value(&label)?],
        )
        .await?;
    label.click().await?;
    Ok(())
}

async fn type_into(page: &Page, prompt: &str, element: &str, text: &str) -> anyhow::Result<()> {
    let xpath = format!("{}//{element}", card(prompt));
    page.client
        .find(Locator::XPath(&xpath))
        .await?
        .send_keys(text)
        .await?;
    Ok(())
}

async fn is_checked(page: &Page, prompt: &str, option: &str) -> anyhow::Result<bool> {
    let xpath = format!("{}//label[contains(., \"{option}\")]//input", card(prompt));
    Ok(page
        .client
        .find(Locator::XPath(&xpath))
        .await?
        .prop("checked")
        .await?
        .as_deref()
        == Some("true"))
}

async fn value_in(page: &Page, prompt: &str, element: &str) -> anyhow::Result<String> {
    let xpath = format!("{}//{element}", card(prompt));
    Ok(page
        .client
        .find(Locator::XPath(&xpath))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default())
}

const SOURCE: &str = "distinguishes cleaner production";
const ONE_OFF: &str = "one-off activity";
const TWO_WORDS: &str = "In two words";
const ESSAY: &str = "Taking an enterprise you know";
const MY_ESSAY: &str = "I would survey every workshop, weigh waste, energy and potential, and pick the synthesis unit.";

#[tokio::test]
async fn a_trainee_sits_an_exam_reloads_hands_in_and_reads_the_graded_result() {
    journey("sit_grade_release", |page| async move {
        // The demo trainee starts the open lecture quiz from their page.
        let exam_path = start_lecture_quiz(&page).await?;

        click_option(&page, SOURCE, "prevents pollution at the source").await?;
        click_option(&page, ONE_OFF, "False").await?;
        type_into(&page, TWO_WORDS, "input", "ＳＯＵＲＣＥ　ｒｅｄｕｃｔｉｏｎ").await?;
        type_into(&page, ESSAY, "textarea", MY_ESSAY).await?;
        page.wait_for_text("All answers saved").await?;
        page.screenshot("exam-sitting-en.png").await?;

        // Reloading continues the same attempt with every answer.
        page.open(&exam_path).await?;
        page.wait_for_text("Time left").await?;
        page.wait_islands().await?;
        assert!(is_checked(&page, SOURCE, "prevents pollution at the source").await?);
        assert!(is_checked(&page, ONE_OFF, "False").await?);
        assert_eq!(value_in(&page, TWO_WORDS, "input").await?, "ＳＯＵＲＣＥ　ｒｅｄｕｃｔｉｏｎ");
        assert_eq!(value_in(&page, ESSAY, "textarea").await?, MY_ESSAY);

        // The same paper in Chinese (the switch reloads the page too).
        page.click_button("Language: 中文").await?;
        page.wait_for_text("剩余时间").await?;
        page.wait_for_text("清洁生产与末端治理最根本的区别是什么？").await?;
        page.screenshot("exam-sitting-zh.png").await?;
        page.click_button("语言: English").await?;
        page.wait_for_text("Time left").await?;
        page.wait_hydrated().await?;

        page.click_button("Hand in").await?;
        page.wait_for_text("Awaiting grading").await?;
        page.screenshot("exam-handed-in-en.png").await?;
        page.click_button("Sign out").await?;

        // The lecture's instructor grades the essay and releases the results.
        page.sign_in("instructor2@academy.test", DEMO_PASSWORD).await?;
        let exam_id = exam_path.trim_start_matches("/exams/");
        page.open_hydrated(&format!("/teach/exams/{exam_id}/grade")).await?;
        page.wait_for_text(MY_ESSAY).await?;
        page.wait_for_card_text("李晓梅", "Awaiting grading").await?;
        page.click_link("Hide names").await?;
        page.wait_for_text("Candidate 1").await?;
        page.wait_hydrated().await?;
        page.screenshot("grading-en.png").await?;
        let form = "//article[contains(@class,'grade-card')][.//blockquote[contains(., 'synthesis unit')]]";
        page.client
            .find(Locator::XPath(&format!("{form}//input[@name='points']")))
            .await?
            .send_keys("8")
            .await?;
        page.client
            .find(Locator::XPath(&format!("{form}//textarea[@name='feedback']")))
            .await?
            .send_keys("Good method; add figures.")
            .await?;
        page.client
            .find(Locator::XPath(&format!("{form}//button")))
            .await?
            .click()
            .await?;
        page.wait_for_text("Graded 8 / 10").await?;

        page.open_hydrated(&format!("/teach/exams/{exam_id}")).await?;
        page.wait_for_text("Item analysis").await?;
        page.click_button("Release results").await?;
        page.wait_for_text("Results released").await?;
        page.screenshot("exam-report-en.png").await?;
        page.click_button("Sign out").await?;

        // The trainee sees the score, the feedback and the explanations.
        page.sign_in("trainee@academy.test", DEMO_PASSWORD).await?;
        page.open_hydrated(&exam_path).await?;
        page.wait_for_text("Your result").await?;
        page.wait_for_text("Good method; add figures.").await?;
        page.wait_for_text("8 / 10").await?;
        page.wait_for_text("Cleaner production cuts pollution at its source").await?;
        page.screenshot("exam-result-en.png").await?;
        page.click_button("Language: 中文").await?;
        page.wait_for_text("您的成绩").await?;
        page.screenshot("exam-result-zh.png").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_demo_instructor_sees_the_gradebook_and_the_item_analysis_in_chinese() {
    journey("gradebook_zh", |page| async move {
        page.sign_in("instructor@academy.test", DEMO_PASSWORD)
            .await?;
        page.click_button("Language: 中文").await?;
        page.wait_for_text("退出登录").await?;
        page.click_link("教学").await?;
        page.wait_for_path("/teach").await?;
        page.wait_hydrated().await?;
        page.click_link("清洁生产审核员培训 · 第3期（满员，设候补）")
            .await?;
        page.click_link("成绩册").await?;
        page.wait_for_text("入学摸底测试").await?;
        page.wait_for_text("待评阅").await?;
        page.screenshot("gradebook-zh.png").await?;
        page.click_link("考试").await?;
        page.wait_for_text("评阅答案").await?;
        page.screenshot("class-exams-zh.png").await?;
        page.click_link("评阅答案").await?;
        page.wait_for_text("隐藏姓名").await?;
        page.wait_for_text("待评阅").await?;
        page.screenshot("grading-zh.png").await?;
        page.click_link("入学摸底测试").await?;
        page.wait_for_text("试题分析").await?;
        page.screenshot("exam-report-zh.png").await?;
        Ok(())
    })
    .await;
}

/// Waits until the question's card says its answer is saved.
async fn wait_until_saved(page: &Page, prompt: &str) -> anyhow::Result<()> {
    let xpath = format!("{}//span[@class='save-mark']", card(prompt));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let mark = page
            .client
            .find(Locator::XPath(&xpath))
            .await?
            .text()
            .await?;
        if mark == "Saved" {
            return Ok(());
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "never saved: {mark:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The demo trainee's open lecture quiz, started; returns its address.
async fn start_lecture_quiz(page: &Page) -> anyhow::Result<String> {
    page.sign_in("trainee@academy.test", DEMO_PASSWORD).await?;
    page.wait_for_text("My exams").await?;
    page.click_link("Lecture quiz").await?;
    page.wait_hydrated().await?;
    page.click_button("Start the exam").await?;
    page.wait_for_text("Time left").await?;
    page.wait_islands().await?;
    page.path().await
}

/// What the server has saved for the question whose prompt contains `prompt`.
async fn saved_answer(page: &Page, prompt: &str) -> anyhow::Result<String> {
    let db = app::ssr::db::Db::connect(&page.server.database().to_string_lossy(), 1).await?;
    Ok(sqlx::query_scalar(
        "SELECT a.response FROM answers a JOIN questions q ON q.id = a.question_id
         JOIN attempts t ON t.id = a.attempt_id
         WHERE t.state = 'in_progress' AND q.prompt_en LIKE '%' || ? || '%'
           AND t.trainee_id = (SELECT id FROM users WHERE email = 'trainee@academy.test')",
    )
    .bind(prompt)
    .fetch_one(&db.reader)
    .await?)
}

#[tokio::test]
async fn handing_in_refuses_to_go_ahead_over_an_answer_the_server_has_not_got() {
    journey("hand_in_guard", |page| async move {
        start_lecture_quiz(&page).await?;
        type_into(&page, TWO_WORDS, "input", "source").await?;
        wait_until_saved(&page, TWO_WORDS).await?;

        // The connection drops: what is typed now cannot reach the server.
        page.set_offline(true).await?;
        type_into(&page, TWO_WORDS, "input", " reduction").await?;
        page.wait_for_text("Some answers are not saved").await?;
        page.click_button("Hand in").await?;
        page.wait_for_text("The server could not be reached")
            .await?;
        assert!(page.text().await?.contains("Time left"), "still sitting");
        assert_eq!(saved_answer(&page, TWO_WORDS).await?, "source");

        // Back online, the next keystroke saves everything, and handing in works.
        page.set_offline(false).await?;
        type_into(&page, TWO_WORDS, "input", "!").await?;
        page.wait_for_text("All answers saved").await?;
        assert_eq!(saved_answer(&page, TWO_WORDS).await?, "source reduction!");
        page.click_button("Hand in").await?;
        page.wait_for_text("Awaiting grading").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_paper_closes_itself_at_the_deadline_the_server_keeps() {
    journey("deadline", |page| async move {
        let exam_path = start_lecture_quiz(&page).await?;
        click_option(&page, ONE_OFF, "False").await?;
        page.wait_for_text("All answers saved").await?;
        // The server's clock says four seconds are left; the page counts
        // them down from what the server tells it, then asks again.
        let moved = page
            .execute_sql(
                "UPDATE attempts SET deadline_at = CAST(strftime('%s', 'now') AS INTEGER) + 4
                 WHERE state = 'in_progress'
                   AND trainee_id = (SELECT id FROM users WHERE email = 'trainee@academy.test')",
            )
            .await?;
        assert_eq!(moved, 1);
        page.open(&exam_path).await?;
        page.wait_islands().await?;
        let left = page
            .client
            .find(Locator::Css("[data-testid=time-left]"))
            .await?
            .text()
            .await?;
        assert!(
            left.as_str() <= "00:04",
            "the countdown starts from the server's clock: {left}"
        );
        page.wait_for_text("closed at the time limit").await?;
        assert!(
            !page.text().await?.contains("Time left"),
            "no paper once closed"
        );
        Ok(())
    })
    .await;
}
