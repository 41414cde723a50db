//! `/me`: the signed-in user's own page.

use crate::api::users::{my_profile, Profile};
use crate::domain::{Industry, Province};
use crate::i18n::{use_lang, use_text};
use crate::pages::errors::ErrorPage;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MePage() -> impl IntoView {
    let t = use_text();
    let profile = Resource::new(|| (), |_| my_profile());
    view! {
        <Title text=t.me_title/>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || profile.get().map(|result| match result {
                Ok(profile) => view! { <ProfileView profile/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn ProfileView(profile: Profile) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let province = profile
        .province
        .as_deref()
        .and_then(|code| Province::parse(code).ok())
        .map(|p| p.label(lang))
        .unwrap_or(t.not_given);
    let industry = profile
        .industry
        .as_deref()
        .and_then(|code| Industry::parse(code).ok())
        .map(|i| i.label(lang))
        .unwrap_or(t.not_given);
    let organisation = if profile.organisation.is_empty() {
        t.not_given.to_string()
    } else {
        profile.organisation.clone()
    };
    view! {
        <section class="card">
            <h1>{t.me_title}</h1>
            <p class="lead">{t.me_welcome} ", " {profile.user.name.clone()}</p>
            <dl class="facts">
                <dt>{t.field_name}</dt>
                <dd>{profile.user.name.clone()}</dd>
                <dt>{t.field_email}</dt>
                <dd>{profile.user.email.clone()}</dd>
                <dt>{t.me_role}</dt>
                <dd>{lang.role(profile.user.role)}</dd>
                <dt>{t.field_organisation}</dt>
                <dd>{organisation}</dd>
                <dt>{t.field_province}</dt>
                <dd>{province}</dd>
                <dt>{t.field_industry}</dt>
                <dd>{industry}</dd>
                <dt>{t.me_member_since}</dt>
                <dd>{lang.date(profile.created_at)}</dd>
            </dl>
        </section>
    }
}
