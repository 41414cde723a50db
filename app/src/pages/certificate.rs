//! `/certificates/{number}`: the certificate itself, bilingual on one A4
//! page for printing, with the QR code that opens its public record. Only
//! its holder and administrators see it; the PDF is the same page drawn by
//! the server.

use crate::api::certificates::{load_certificate_sheet, CertificateSheet};
use crate::i18n::{use_lang, use_text, Lang};
use crate::pages::errors::ErrorPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CertificatePage() -> impl IntoView {
    let t = use_text();
    let params = use_params_map();
    let number = move || params.with(|p| p.get("number")).unwrap_or_default();
    let sheet = Resource::new(number, load_certificate_sheet);
    view! {
        <Title text=t.cert_print/>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || sheet.get().map(|result| match result {
                Ok(sheet) => view! { <Sheet sheet/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Sheet(sheet: CertificateSheet) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let c = sheet.certificate;
    let (zh, en) = (Lang::Zh, Lang::En);
    let status = c.status.clone();
    let in_force = status == "valid";
    view! {
        <div class="print-actions no-print">
            // Wired up by /print.js: the page's policy allows no inline handlers.
            <button type="button" data-print="" hidden=true>{t.cert_print_button}</button>
            <script type="module" src="/print.js"></script>
            <a class="button secondary" href=format!("/certificates/{}/pdf", c.number) download>{t.cert_pdf}</a>
            <a href=format!("/verify/{}", c.number)>{t.cert_public_page}</a>
        </div>
        {(!in_force).then(|| view! {
            <p class="form-message error no-print" role="status">{lang.certificate_status(&status)} " — " {lang.certificate_status_hint(&status)}</p>
        })}
        <article class="certificate-sheet" lang="zh-CN">
            {(!in_force).then(|| view! {
                <p class="sheet-stamp" aria-hidden="true">{zh.certificate_status(&status)} " · " {en.certificate_status(&status).to_uppercase()}</p>
            })}
            <header class="sheet-head">
                <p class="sheet-centre">{c.centre_name.zh.clone()}</p>
                <p class="sheet-centre-en" lang="en">{c.centre_name.en.clone()}</p>
            </header>
            <h1 class="sheet-title">"证 书" <span lang="en">"CERTIFICATE"</span></h1>
            <p class="sheet-type">{c.type_name.zh.clone()}</p>
            <p class="sheet-type-en" lang="en">{c.type_name.en.clone()}</p>
            <p class="sheet-certify">"兹证明" <span lang="en">" · This is to certify that"</span></p>
            <p class="sheet-holder">{c.holder_name.clone()}</p>
            <p class="sheet-text">{format!("已完成培训并通过考核，具备{}资格。", c.type_name.zh)}</p>
            <p class="sheet-text" lang="en">{format!("has completed the training and assessment and is certified as {}.", c.type_name.en)}</p>
            <div class="sheet-foot">
                <dl class="sheet-facts">
                    <dt>"证书编号" <span lang="en">"Certificate No."</span></dt>
                    <dd class="code">{c.number.clone()}</dd>
                    <dt>"发证日期" <span lang="en">"Date of issue"</span></dt>
                    <dd>{c.issued_on.clone()}</dd>
                    <dt>"有效期至" <span lang="en">"Valid until"</span></dt>
                    <dd>{c.expires_on.clone()}</dd>
                </dl>
                <figure class="sheet-qr">
                    <div class="qr" inner_html=sheet.qr_svg></div>
                    <figcaption>"扫码验证" <span lang="en">" Scan to verify"</span><br/><span class="sheet-url" lang="en">{sheet.verify_url.clone()}</span></figcaption>
                </figure>
            </div>
        </article>
    }
}
