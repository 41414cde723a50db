//! The home page: what Academy is, for each kind of visitor.

use crate::i18n::use_text;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let t = use_text();
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>{t.home_title}</h1>
            <p class="lead">{t.home_lead}</p>
            <p class="actions">
                <a class="button" href="/register">{t.home_cta_register}</a>
                <a class="button secondary" href="/login">{t.home_cta_login}</a>
            </p>
        </section>
        <section class="cards">
            <article class="card">
                <h2>{t.home_trainees_title}</h2>
                <p>{t.home_trainees_body}</p>
            </article>
            <article class="card">
                <h2>{t.home_instructors_title}</h2>
                <p>{t.home_instructors_body}</p>
            </article>
            <article class="card">
                <h2>{t.home_verify_title}</h2>
                <p>{t.home_verify_body}</p>
            </article>
        </section>
        <p class="history">{t.home_history}</p>
    }
}
