//! `/set-password?token=…`: an imported trainee chooses their password.

use crate::api::import::SetPasswordWithToken;
use crate::components::{problem_of, FormMessage, PasswordField};
use crate::i18n::{use_lang, use_text};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let action = ServerAction::<SetPasswordWithToken>::new();
    let value = action.value();
    let token = use_query_map()
        .get_untracked()
        .get("token")
        .unwrap_or_default();
    let token_problem = problem_of(value, "token");
    view! {
        <Title text=t.set_password_title/>
        <section class="card narrow">
            <h1>{t.set_password_title}</h1>
            <p class="lead">{t.set_password_lead}</p>
            {move || token_problem.get().map(|p| view! { <div class="form-message error" role="alert">{lang.problem(p)}</div> })}
            <Show when=move || token_problem.get().is_none()>
                <FormMessage value/>
            </Show>
            <ActionForm action attr:novalidate=true attr:class="stack">
                <input type="hidden" name="token" value=token.clone()/>
                <PasswordField
                    name="password"
                    label=t.field_new_password
                    autocomplete="new-password"
                    hint=t.password_hint
                    problem=problem_of(value, "password")
                />
                <button type="submit" disabled=move || action.pending().get()>{t.set_password_submit}</button>
            </ActionForm>
        </section>
    }
}
