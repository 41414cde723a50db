//! The question bank in headless Chromium: an instructor writes a question,
//! is told what is wrong beside the field, fixes it, and imports a file.

use academy_tests::browser::journey;
use fantoccini::Locator;

const DEMO_PASSWORD: &str = "academy-demo";
const BANK: &str = "/teach/courses/CPA-AUD/questions";

#[tokio::test]
async fn an_instructor_adds_a_question_fixes_a_wrong_answer_letter_and_imports_a_file() {
    journey("question_bank", |page| async move {
        page.sign_in("instructor@academy.test", DEMO_PASSWORD)
            .await?;
        page.open_hydrated(BANK).await?;
        assert!(
            page.heading().await?.contains("Question bank"),
            "the bank's heading"
        );
        page.screenshot("bank-top-en.png").await?;

        page.client
            .find(Locator::XPath("//summary[normalize-space(.)='Add a question']"))
            .await?
            .click()
            .await?;
        page.select("Kind", "Multiple choice").await?;
        page.wait_for_text("The letters of every right option, e.g. A,C.")
            .await?;
        page.fill("Question (Chinese)", "下列哪些属于清洁生产的方法？")
            .await?;
        page.fill(
            "Question (English)",
            "Which of these are cleaner production methods?",
        )
        .await?;
        page.fill(
            "Options",
            "源头削减 | Source reduction\n末端治理 | End-of-pipe treatment\n循环利用 | Recycling",
        )
        .await?;
        page.fill("Answer", "A,D").await?;
        page.fill("Points", "3").await?;
        page.fill("Tags", "方法, methods").await?;
        page.click_button("Add question").await?;
        assert_eq!(
            page.wait_for_error_beside("Answer").await?,
            "Name the right options by their letters, e.g. A or A,C."
        );
        assert_eq!(page.value_of("Answer").await?, "A,D", "typed text stays");
        assert_eq!(
            page.value_of("Question (Chinese)").await?,
            "下列哪些属于清洁生产的方法？"
        );
        page.screenshot("bank-error-en.png").await?;

        page.fill("Answer", "A,C").await?;
        page.click_button("Add question").await?;
        page.wait_for_text("Question added.").await?;
        let question = "Which of these are cleaner production methods?";
        page.wait_for_card_text(question, "Multiple choice").await?;
        page.wait_for_card_text(question, "Points: 3").await?;
        assert_eq!(page.value_of("Answer").await?, "", "the form is ready for the next one");

        // Import a CSV (a record spans lines: options sit inside one quoted
        // field). A bad row first: nothing is imported, the line is named.
        let file = "kind,prompt_zh,prompt_en,options,answer,points,tags\n\
             true_false,清洁生产审核分为七个阶段。,A cleaner production audit has seven phases.,,对,1,审核\n\
             single,审核从哪个阶段开始？,Which phase comes first?,\"筹划与组织 | Planning and organisation\n预审核 | Pre-assessment\",C,2,审核\n";
        page.fill("File contents", file).await?;
        page.click_button("Import").await?;
        page.wait_for_text("Nothing was imported: correct the rows marked below first.")
            .await?;
        page.wait_for_text("Answer: Name the right options by their letters, e.g. A or A,C.")
            .await?;
        scroll_to(&page, "//h2[normalize-space(.)='Import questions']").await?;
        page.screenshot("bank-import-errors-en.png").await?;
        let typed = page.value_of("File contents").await?;
        page.fill("File contents", &typed.replace(",C,2,", ",A,2,"))
            .await?;
        page.click_button("Check").await?;
        page.wait_for_text("Every row is correct: press Import to add them.")
            .await?;
        page.click_button("Import").await?;
        page.wait_for_text("Questions imported: 2").await?;
        page.wait_for_card_text("Which phase comes first?", "Planning and organisation")
            .await?;
        page.wait_for_card_text(
            "A cleaner production audit has seven phases.",
            "Answer: True",
        )
        .await?;
        page.screenshot("bank-en.png").await?;

        scroll_to(&page, "//article[.//h3[normalize-space(.)='Which phase comes first?']]").await?;
        page.screenshot("bank-list-en.png").await?;

        // The edit form of a card holds that card's question, even after the
        // list reloaded with new questions above it.
        let card = "//article[.//h3[normalize-space(.)='A cleaner production audit has seven phases.']]";
        page.client
            .find(Locator::XPath(&format!("{card}//summary")))
            .await?
            .click()
            .await?;
        let in_card = |name: &str| format!("{card}//textarea[@name='{name}']");
        let answer = page.client.find(Locator::XPath(&in_card("answer"))).await?;
        assert_eq!(answer.prop("value").await?.as_deref(), Some("true"));
        let prompt = page.client.find(Locator::XPath(&in_card("prompt_en"))).await?;
        assert_eq!(
            prompt.prop("value").await?.as_deref(),
            Some("A cleaner production audit has seven phases.")
        );
        scroll_to(&page, &format!("{card}//summary")).await?;
        page.screenshot("bank-edit-en.png").await?;

        // Change the key: saved in place, with the number of attempts regraded.
        answer.clear().await?;
        answer.send_keys("错").await?;
        page.client
            .find(Locator::XPath(&format!("{card}//button[normalize-space(.)='Save question']")))
            .await?
            .click()
            .await?;
        page.wait_for_card_text(
            "A cleaner production audit has seven phases.",
            "Question saved. Attempts regraded: 0",
        )
        .await?;
        page.wait_for_card_text("A cleaner production audit has seven phases.", "Answer: False")
            .await?;

        page.click_button("Language: 中文").await?;
        page.wait_for_text("题库").await?;
        page.wait_hydrated().await?;
        page.wait_for_card_text("下列哪些属于清洁生产的方法？", "多选题")
            .await?;
        page.screenshot("bank-zh.png").await?;
        scroll_to(&page, "//article[.//h3[normalize-space(.)='下列哪些属于清洁生产的方法？']]").await?;
        page.screenshot("bank-list-zh.png").await?;
        scroll_to(&page, "//h2[normalize-space(.)='导入题目']").await?;
        page.screenshot("bank-import-zh.png").await?;
        Ok(())
    })
    .await;
}

/// Scrolls the element `xpath` finds to the top of the window (for screenshots).
async fn scroll_to(
    page: &academy_tests::browser::Page,
    xpath: &str,
) -> academy_tests::browser::Result {
    let element = page.client.find(Locator::XPath(xpath)).await?;
    page.client
        .execute(
            "arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -16);",
            vec![serde_json::to_value(element)?],
        )
        .await?;
    Ok(())
}
