//! `/auditors`: the public register of certified auditors — holders of
//! certificates in force today, found by name or number.

use crate::api::certificates::{auditor_register, REGISTER_QUERY_MAX_CHARS};
use crate::components::FieldError;
use crate::components::Pager;
use crate::error::{AppError, Problem};
use crate::i18n::{use_lang, use_text};
use crate::pages::courses::encode;
use crate::pages::errors::ErrorPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditorsPage() -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let query = use_query_map();
    let search = Memo::new(move |_| {
        query.with(|q| {
            (
                q.get("q").unwrap_or_default(),
                q.get("page")
                    .and_then(|p| p.parse::<i64>().ok())
                    .unwrap_or(1),
            )
        })
    });
    let results = Resource::new(move || search.get(), |(q, page)| auditor_register(q, page));
    let too_long = search
        .get_untracked()
        .0
        .chars()
        .count()
        .gt(&REGISTER_QUERY_MAX_CHARS)
        .then_some(Problem::TooLong {
            max: REGISTER_QUERY_MAX_CHARS as u32,
        });
    view! {
        <Title text=t.auditors_title/>
        <h1>{t.auditors_title}</h1>
        <p class="lead">{t.auditors_lead}</p>
        <form method="get" action="/auditors" class="card inline-search" role="search">
            <div class="field">
                <label for="auditor-q">{t.auditors_search}</label>
                <input id="auditor-q" name="q" type="search" autocomplete="off"
                    maxlength=REGISTER_QUERY_MAX_CHARS aria-describedby="auditor-q-error"
                    placeholder=t.auditors_placeholder value=move || search.get().0/>
                <FieldError id="auditor-q".to_owned() problem=too_long/>
            </div>
            <button type="submit">{t.auditors_submit}</button>
        </form>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || results.get().map(|result| match result {
                Ok(page) if page.entries.is_empty() => view! {
                    <p class="empty" role="status">{t.auditors_none}</p>
                }
                .into_any(),
                Ok(page) => {
                    let pages = ((page.total + page.per_page - 1) / page.per_page).max(1) as u32;
                    let q = search.get_untracked().0;
                    view! {
                        <p class="muted" role="status">{lang.auditors_found(page.total)}</p>
                        <div class="table-scroll">
                            <table class="data register">
                                <thead><tr>
                                    <th scope="col">{t.verify_holder}</th>
                                    <th scope="col">{t.verify_number}</th>
                                    <th scope="col">{t.verify_type}</th>
                                    <th scope="col">{t.verify_centre}</th>
                                    <th scope="col">{t.verify_expires}</th>
                                </tr></thead>
                                <tbody>
                                    {page.entries.into_iter().map(|e| view! {
                                        <tr>
                                            <th scope="row">{e.holder_name.clone()}</th>
                                            <td class="code"><a href=format!("/verify/{}", e.number)>{e.number.clone()}</a></td>
                                            <td>{e.type_name.get(lang).to_owned()}</td>
                                            <td>{e.centre_name.get(lang).to_owned()}</td>
                                            <td>{lang.iso_date(&e.expires_on)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pager page=page.page as u32 pages href=Box::new(move |p| {
                            let mut pairs = Vec::new();
                            if !q.is_empty() { pairs.push(format!("q={}", encode(&q))); }
                            if p > 1 { pairs.push(format!("page={p}")); }
                            if pairs.is_empty() { "/auditors".to_owned() } else { format!("/auditors?{}", pairs.join("&")) }
                        })/>
                    }
                    .into_any()
                }
                // A search too long is said beside the field above.
                Err(AppError::Validation(_)) => ().into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Transition>
    }
}
