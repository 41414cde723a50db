//! `/register`: trainee self-registration.

use crate::api::auth::Register;
use crate::components::{problem_of, FormMessage, PasswordField, SelectField, TextField};
use crate::domain::{Industry, Province};
use crate::i18n::{use_lang, use_text};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    // Created inside the routes, where an error that a plain form post
    // (JavaScript off) carried back in the URL reaches it.
    let register = ServerAction::<Register>::new();
    let value = register.value();
    let provinces = Province::ALL
        .iter()
        .map(|p| (p.code().to_owned(), p.label(lang).to_owned()))
        .collect::<Vec<_>>();
    let industries = Industry::ALL
        .iter()
        .map(|i| (i.code().to_owned(), i.label(lang).to_owned()))
        .collect::<Vec<_>>();
    view! {
        <Title text=t.register_title/>
        <section class="card narrow">
            <h1>{t.register_title}</h1>
            <p class="lead">{t.register_lead}</p>
            <FormMessage value/>
            <ActionForm action=register attr:novalidate=true attr:class="stack">
                <TextField name="name" label=t.field_name autocomplete="name" problem=problem_of(value, "name")/>
                <TextField
                    name="email"
                    label=t.field_email
                    kind="email"
                    autocomplete="email"
                    problem=problem_of(value, "email")
                />
                <PasswordField
                    name="password"
                    label=t.field_password
                    autocomplete="new-password"
                    hint=t.password_hint
                    problem=problem_of(value, "password")
                />
                <TextField
                    name="organisation"
                    label=t.field_organisation
                    autocomplete="organization"
                    optional=true
                    problem=problem_of(value, "organisation")
                />
                <div class="field-pair">
                    <SelectField
                        name="province"
                        label=t.field_province
                        options=provinces
                        problem=problem_of(value, "province")
                    />
                    <SelectField
                        name="industry"
                        label=t.field_industry
                        options=industries
                        problem=problem_of(value, "industry")
                    />
                </div>
                <button type="submit" disabled=move || register.pending().get()>
                    {move || if register.pending().get() { t.working } else { t.register_submit }}
                </button>
            </ActionForm>
            <p><a href="/login">{t.register_have_account}</a></p>
        </section>
    }
}
