//! `/register`: trainee self-registration.

use crate::api::auth::Register;
use crate::components::{use_form, Form, FormMessage, PasswordField, SelectField, TextField};
use crate::domain::{Industry, Province};
use crate::i18n::{use_lang, use_text};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let form = use_form::<Register>("register");
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
            <FormMessage form/>
            <Form form class="stack">
                <TextField form name="name" label=t.field_name autocomplete="name"/>
                <TextField form name="email" label=t.field_email kind="email" autocomplete="email"/>
                <PasswordField
                    form
                    name="password"
                    label=t.field_password
                    autocomplete="new-password"
                    hint=t.password_hint
                />
                <TextField
                    form
                    name="organisation"
                    label=t.field_organisation
                    autocomplete="organization"
                    optional=true
                />
                <div class="field-pair">
                    <SelectField form name="province" label=t.field_province options=provinces/>
                    <SelectField form name="industry" label=t.field_industry options=industries/>
                </div>
                <button type="submit">{t.register_submit}</button>
            </Form>
            <p><a href="/login">{t.register_have_account}</a></p>
        </section>
    }
}
