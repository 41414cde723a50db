//! Previous / next links for a paginated list, as plain links so they work
//! without JavaScript and can be bookmarked.

use crate::i18n::use_text;
use leptos::prelude::*;

#[component]
pub fn Pager(
    page: u32,
    pages: u32,
    /// Builds the link for a page number.
    href: Box<dyn Fn(u32) -> String + Send + Sync>,
) -> impl IntoView {
    let t = use_text();
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label=t.pager_page>
                {(page > 1).then(|| view! { <a href=href(page - 1) rel="prev">{t.pager_previous}</a> })}
                <span>{format!("{page} / {pages}")}</span>
                {(page < pages).then(|| view! { <a href=href(page + 1) rel="next">{t.pager_next}</a> })}
            </nav>
        }
    })
}
