//! `/verify` and `/verify/{number}`: anyone checks a certificate from its
//! number (or its QR code, which opens `/verify/{number}`). The status is
//! said in large words and colour; nothing private is shown.

use crate::api::certificates::{verify_certificate, HistoryEntry, PublicCertificate};
use crate::i18n::{use_lang, use_text};
use crate::pages::errors::ErrorPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn VerifyPage() -> impl IntoView {
    let t = use_text();
    let params = use_params_map();
    let query = use_query_map();
    // The path (a QR code) or the form's query.
    let number = move || {
        params
            .with(|p| p.get("number"))
            .or_else(|| query.with(|q| q.get("number")))
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
    };
    let record = Resource::new(number, |number| async move {
        match number {
            Some(number) => verify_certificate(number).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Title text=t.verify_title/>
        <h1>{t.verify_title}</h1>
        <p class="lead">{t.verify_lead}</p>
        <form method="get" action="/verify" class="card verify-form">
            <div class="field">
                <label for="verify-number">{t.verify_number}</label>
                <input id="verify-number" name="number" type="text" autocomplete="off"
                    placeholder="CPA-2000-00070" value=number/>
            </div>
            <button type="submit">{t.verify_submit}</button>
        </form>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || record.get().map(|result| match result {
                Ok(None) => ().into_any(),
                Ok(Some(None)) => view! {
                    <section class="card verdict verdict-none" role="status">
                        <p class="verdict-word">{t.verify_none}</p>
                        <p>{t.verify_none_hint}</p>
                    </section>
                }
                .into_any(),
                Ok(Some(Some(certificate))) => view! { <Record certificate/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Record(certificate: PublicCertificate) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let public_page: NumberLink = |number| format!("/verify/{number}");
    let history = certificate
        .history
        .iter()
        .cloned()
        .map(|entry| (entry, None))
        .collect();
    view! {
        <Verdict certificate=certificate.clone() link=public_page show_number=true/>
        <section class="card">
            <dl class="facts">
                <dt>{t.verify_holder}</dt>
                <dd class="holder">{certificate.holder_name.clone()}</dd>
                <dt>{t.verify_type}</dt>
                <dd>{certificate.type_name.get(lang).to_owned()}</dd>
                <dt>{t.verify_centre}</dt>
                <dd>{certificate.centre_name.get(lang).to_owned()}</dd>
                <Validity certificate=certificate.clone() link=public_page/>
            </dl>
        </section>
        <CredentialOffer certificate/>
        <History entries=history/>
    }
}

/// The signed credential to download, with one sentence on what it is and
/// how an employer checks it. A revoked or replaced certificate has none.
#[component]
fn CredentialOffer(certificate: PublicCertificate) -> impl IntoView {
    let t = use_text();
    let offered = !matches!(certificate.status.as_str(), "revoked" | "superseded");
    let number = certificate.number;
    offered.then(|| {
        view! {
            <section class="card credential-offer">
                <h2>{t.verify_credential_title}</h2>
                <p>{t.verify_credential_explain}</p>
                <p>
                    <a
                        class="button"
                        href=format!("/api/v1/certificates/{number}/credential")
                        download=format!("{number}.credential.json")
                    >
                        {t.verify_credential_download}
                    </a>
                </p>
            </section>
        }
    })
}

/// Where a certificate number links to: its public page, or its record for
/// administrators.
pub type NumberLink = fn(&str) -> String;

/// The status in large words and colour, with one sentence of meaning and,
/// for a corrected certificate, the record that replaces it.
#[component]
pub fn Verdict(
    certificate: PublicCertificate,
    link: NumberLink,
    show_number: bool,
) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let status = certificate.status.clone();
    view! {
        <section class=format!("card verdict verdict-{status}") role="status" aria-live="polite">
            {show_number.then(|| view! { <p class="verdict-number">{certificate.number.clone()}</p> })}
            <p class="verdict-word">{lang.certificate_status(&status)}</p>
            <p>{lang.certificate_status_hint(&status)}</p>
            {certificate.superseded_by.clone().map(|new| view! {
                <p>{t.verify_superseded_by} " " <a href=link(&new)>{new.clone()}</a></p>
            })}
        </section>
    }
}

/// The dates and links of a certificate's validity, as rows of a `<dl>`.
#[component]
pub fn Validity(certificate: PublicCertificate, link: NumberLink) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let suspended = certificate.status == "suspended";
    view! {
        <dt>{t.verify_issued}</dt>
        <dd>{lang.iso_date(&certificate.issued_on)}</dd>
        <dt>{t.verify_expires}</dt>
        <dd>{lang.iso_date(&certificate.expires_on)}</dd>
        {certificate.suspended_until.clone().filter(|_| suspended).map(|until| view! {
            <dt>{t.verify_suspended_until}</dt>
            <dd>{lang.iso_date(&until)}</dd>
        })}
        {certificate.renews.clone().map(|old| view! {
            <dt>{t.verify_renews}</dt>
            <dd><a href=link(&old)>{old.clone()}</a></dd>
        })}
        {certificate.renewed_by.clone().map(|new| view! {
            <dt>{t.verify_renewed_by}</dt>
            <dd><a href=link(&new)>{new.clone()}</a></dd>
        })}
    }
}

/// Every change of status with its reason; administrators also see who.
#[component]
pub fn History(entries: Vec<(HistoryEntry, Option<String>)>) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    view! {
        <section class="card">
            <h2>{t.verify_history}</h2>
            <ol class="history-list">
                {entries.into_iter().map(|(entry, actor)| view! {
                    <li>
                        <strong>{lang.certificate_action(&entry.action)}</strong>
                        " · " {lang.date_time(entry.at)}
                        {actor.map(|a| view! { " · " {a} })}
                        {entry.until.clone().map(|u| view! { " · " {t.verify_suspended_until} " " {lang.iso_date(&u)} })}
                        {(!entry.reason.is_empty()).then(|| view! { <p class="muted">{lang.event_reason(&entry.action, &entry.reason)}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
