//! `/set-password?token=…`: an imported trainee chooses their password.

use crate::api::import::SetPasswordWithToken;
use crate::components::{use_form, Form, FormMessage, PasswordField};
use crate::i18n::{use_lang, use_text};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let form = use_form::<SetPasswordWithToken>("set-password");
    let token = use_query_map()
        .get_untracked()
        .get("token")
        .unwrap_or_default();
    let token_problem = form.problem("token");
    view! {
        <Title text=t.set_password_title/>
        <section class="card narrow">
            <h1>{t.set_password_title}</h1>
            <p class="lead">{t.set_password_lead}</p>
            {match token_problem {
                Some(problem) => view! { <div class="form-message error" role="alert">{lang.problem(problem)}</div> }.into_any(),
                None => view! { <FormMessage form/> }.into_any(),
            }}
            <Form form class="stack">
                <input type="hidden" name="token" value=token/>
                <PasswordField
                    form
                    name="password"
                    label=t.field_new_password
                    autocomplete="new-password"
                    hint=t.password_hint
                />
                <button type="submit">{t.set_password_submit}</button>
            </Form>
        </section>
    }
}
