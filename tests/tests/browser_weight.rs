//! What pages really transfer in Chromium (the Resource Timing API): the
//! wasm and JavaScript budgets of STYLE.md for a public page, a trainee's
//! page and the exam page.

use academy_tests::browser::{journey, Page};

const DEMO_PASSWORD: &str = "academy-demo";
const KB: u64 = 1024;

/// The wasm and JavaScript the page has loaded: (address, bytes as they
/// came over the wire, compressed).
async fn scripts_loaded(page: &Page) -> anyhow::Result<Vec<(String, u64)>> {
    let entries = page
        .client
        .execute(
            "return performance.getEntriesByType('resource')
                .filter(e => /\\.(wasm|m?js)(\\?|$)/.test(new URL(e.name).pathname))
                .map(e => [e.name, e.encodedBodySize]);",
            vec![],
        )
        .await?;
    let list = entries.as_array().cloned().unwrap_or_default();
    Ok(list
        .into_iter()
        .filter_map(|entry| {
            let name = entry.get(0)?.as_str()?.to_owned();
            let bytes = entry.get(1)?.as_u64()?;
            Some((name, bytes))
        })
        .collect())
}

fn total(scripts: &[(String, u64)]) -> u64 {
    scripts.iter().map(|(_, bytes)| bytes).sum()
}

#[tokio::test]
async fn pages_transfer_no_more_wasm_and_javascript_than_their_budget() {
    journey("weight", |page| async move {
        // A visitor's page: nothing on it needs code in the browser.
        page.open_hydrated("/verify/CPA-1999-00001").await?;
        page.wait_for_text("CPA-1999-00001").await?;
        let public = scripts_loaded(&page).await?;
        assert!(
            total(&public) <= 60 * KB,
            "/verify/… loaded {} bytes of wasm and JavaScript (budget 60 KB): {public:?}",
            total(&public)
        );
        assert!(
            public.is_empty(),
            "/verify/… has no island, yet it loaded {public:?}"
        );

        // A trainee's own page: server-rendered, no island either.
        page.sign_in("trainee@academy.test", DEMO_PASSWORD).await?;
        page.wait_for_text("My exams").await?;
        let mine = scripts_loaded(&page).await?;
        assert!(mine.is_empty(), "/me loaded {mine:?}");

        // The exam page: the runner is an island, so the wasm comes, within
        // its budget, and the page works.
        page.click_link("Lecture quiz").await?;
        page.wait_hydrated().await?;
        page.click_button("Start the exam").await?;
        page.wait_for_text("Time left").await?;
        page.wait_islands().await?;
        let exam = scripts_loaded(&page).await?;
        assert!(
            exam.iter().any(|(name, _)| name.ends_with(".wasm")),
            "the exam page loads its island's wasm: {exam:?}"
        );
        for (name, bytes) in &exam {
            assert!(
                *bytes <= 200 * KB,
                "{name} came as {bytes} bytes (budget 200 KB per file)"
            );
        }
        println!(
            "exam page: {} bytes of wasm and JavaScript: {exam:?}",
            total(&exam)
        );
        Ok(())
    })
    .await;
}
