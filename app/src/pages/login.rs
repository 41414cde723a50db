//! `/login`: works as a plain form post too, landing on `next` or `/me`.

use crate::api::auth::Login;
use crate::components::{problem_of, FormMessage, PasswordField, TextField};
use crate::i18n::use_text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_text();
    // Created inside the routes, where an error that a plain form post
    // (JavaScript off) carried back in the URL reaches it.
    let login = ServerAction::<Login>::new();
    let value = login.value();
    let next = use_query_map().get_untracked().get("next");
    view! {
        <Title text=t.login_title/>
        <section class="card narrow">
            <h1>{t.login_title}</h1>
            <FormMessage value/>
            <ActionForm action=login attr:novalidate=true attr:class="stack">
                {next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
                <TextField
                    name="email"
                    label=t.field_email
                    kind="email"
                    autocomplete="username"
                    problem=problem_of(value, "email")
                />
                <PasswordField
                    name="password"
                    label=t.field_password
                    problem=problem_of(value, "password")
                />
                <button type="submit" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { t.working } else { t.login_submit }}
                </button>
            </ActionForm>
            <p><a href="/register">{t.login_no_account}</a></p>
        </section>
    }
}
