//! `/login`: a plain form post, landing on `next` or `/me`.

use crate::api::auth::Login;
use crate::components::{use_form, Form, FormMessage, PasswordField, TextField};
use crate::i18n::use_text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_text();
    let form = use_form::<Login>("login");
    let next = form
        .value("next")
        .or_else(|| use_query_map().get_untracked().get("next"));
    view! {
        <Title text=t.login_title/>
        <section class="card narrow">
            <h1>{t.login_title}</h1>
            <FormMessage form/>
            <Form form class="stack">
                {next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
                <TextField form name="email" label=t.field_email kind="email" autocomplete="username"/>
                <PasswordField form name="password" label=t.field_password/>
                <button type="submit">{t.login_submit}</button>
            </Form>
            <p><a href="/register">{t.login_no_account}</a></p>
        </section>
    }
}
