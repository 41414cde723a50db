//! The HTML shell, the layout every page shares, and the routes. Server
//! only: pages render here and need no wasm; islands hydrate on their own.

use crate::api::auth::{current_user, Logout, SessionUser};
use crate::components::{use_form, Form};
use crate::domain::Role;
use crate::error::AppError;
use crate::i18n::{use_text, Lang};
use crate::pages;
use leptos::nonce::use_nonce;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::{path, SsrMode};

/// The document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = initial_lang();
    // The page's policy allows its own inline scripts by the nonce Leptos
    // gives this response (and nothing else inline).
    if let (Some(nonce), Some(response)) =
        (use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    {
        if let Ok(policy) = http::HeaderValue::from_str(&crate::ssr::policy::page_policy(&nonce)) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" id="leptos" href="/pkg/academy.css"/>
                <AutoReload options=options.clone()/>
                <IslandLoader options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Loads the wasm only on a page that has an island, and hydrates each one.
///
/// Leptos's own `HydrationScripts` preloads the wasm on every page; most
/// pages here have no island, and a visitor on a slow link should not pay
/// for code the page does not run. Once every island is hydrated, `<html>`
/// gets `data-hydrated` (tests and CSS wait for it).
#[component]
fn IslandLoader(options: LeptosOptions) -> impl IntoView {
    // Nothing outside an island is hydrated, so nothing outside one needs
    // its data serialised into the page.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let pkg = format!("/{}", options.site_pkg_dir);
    let name = options.output_name.to_string();
    // cargo-leptos names the wasm after the output; a plain cargo build
    // leaves wasm-bindgen's `_bg` suffix.
    let wasm_name = if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
        name.clone()
    } else {
        format!("{name}_bg")
    };
    let script = include_str!("island_loader.js")
        .replace("@JS@", &format!("{pkg}/{name}.js"))
        .replace("@WASM@", &format!("{pkg}/{wasm_name}.wasm"));
    let nonce = use_nonce();
    view! { <script type="module" nonce=nonce>{script}</script> }
}

/// The page's language: from the switch's cookie or the browser's
/// `Accept-Language`.
fn initial_lang() -> Lang {
    crate::ssr::context::request_lang()
}

pub type UserResource = Resource<Result<Option<SessionUser>, AppError>>;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(initial_lang());

    view! {
        <Router>
            <Layout>
                <Routes fallback=|| view! { <pages::errors::NotFound/> }>
                    <Route path=path!("/") view=pages::home::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/courses") view=pages::courses::CoursesPage ssr=SsrMode::Async/>
                    <Route path=path!("/courses/:code") view=pages::course::CoursePage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=pages::login::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/register") view=pages::register::RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/set-password") view=pages::set_password::SetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/courses") view=pages::admin_courses::CoursesAdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/import") view=pages::admin_import::ImportPage ssr=SsrMode::Async/>
                    <Route path=path!("/me") view=pages::me::MePage ssr=SsrMode::Async/>
                    <Route path=path!("/teach") view=pages::teach::TeachPage ssr=SsrMode::Async/>
                    <Route path=path!("/teach/classes/:id") view=pages::teach::RosterPage ssr=SsrMode::Async/>
                    <Route path=path!("/teach/classes/:id/exams") view=pages::teach_exams::ClassExamsPage ssr=SsrMode::Async/>
                    <Route path=path!("/teach/classes/:id/gradebook") view=pages::teach_exams::GradebookPage ssr=SsrMode::Async/>
                    <Route path=path!("/teach/exams/:id") view=pages::teach_exams::ExamReportPage ssr=SsrMode::Async/>
                    <Route path=path!("/teach/exams/:id/grade") view=pages::teach_exams::GradingPage ssr=SsrMode::Async/>
                    <Route path=path!("/exams/:id") view=pages::exam::ExamPage ssr=SsrMode::Async/>
                    <Route path=path!("/verify") view=pages::verify::VerifyPage ssr=SsrMode::Async/>
                    <Route path=path!("/verify/:number") view=pages::verify::VerifyPage ssr=SsrMode::Async/>
                    <Route path=path!("/auditors") view=pages::auditors::AuditorsPage ssr=SsrMode::Async/>
                    <Route path=path!("/certificates/:number") view=pages::certificate::CertificatePage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/certificates") view=pages::admin_certificates::CertificationPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/certificates/types") view=pages::admin_certificates::CertificateTypesPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/certificates/classes/:id") view=pages::admin_certificates::DecisionPageView ssr=SsrMode::Async/>
                    <Route path=path!("/admin/certificates/record") view=pages::admin_certificates::CertificateRecordPage ssr=SsrMode::Async/>
                    <Route path=path!("/teach/courses/:code/questions") view=pages::bank::BankPage ssr=SsrMode::Async/>
                    <Route
                        path=path!("/admin/users")
                        view=pages::admin_users::UsersPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </Layout>
        </Router>
    }
}

#[component]
fn Layout(children: Children) -> impl IntoView {
    let t = use_text();
    // Blocking: pages render whole (SsrMode::Async), and so does the 404
    // page, which leptos_axum streams: the navigation is in its first chunk.
    let user: UserResource = Resource::new_blocking(|| (), |_| current_user());
    provide_context(user);

    view! {
        <Title formatter=move |page: String| {
            if page.is_empty() { t.app_name.to_string() } else { format!("{page} · {}", t.app_name) }
        }/>
        <a class="skip-link" href="#main">{t.skip_to_content}</a>
        <header class="site-header">
            <div class="bar">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"A"</span>
                    <span class="brand-text">
                        <span class="brand-name">{t.app_name}</span>
                        <span class="brand-tagline">{t.tagline}</span>
                    </span>
                </a>
                <LanguageSwitch/>
            </div>
            <nav class="main-nav" aria-label=t.nav_label>
                <a href="/">{t.nav_home}</a>
                <a href="/courses">{t.nav_courses}</a>
                <a href="/verify">{t.nav_verify}</a>
                <a href="/auditors">{t.nav_auditors}</a>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let user = user.await.ok().flatten();
                        view! { <UserNav user/> }
                    })}
                </Suspense>
            </nav>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <p>{t.footer}</p>
        </footer>
    }
}

#[component]
fn UserNav(user: Option<SessionUser>) -> impl IntoView {
    let t = use_text();
    match user {
        None => view! {
            <a href="/login">{t.nav_login}</a>
            <a href="/register">{t.nav_register}</a>
        }
        .into_any(),
        Some(user) => {
            let logout = use_form::<Logout>("logout");
            view! {
                <a href="/me">{t.nav_me}</a>
                {(user.role != Role::Trainee).then(|| view! { <a href="/teach">{t.nav_teach}</a> })}
                {(user.role == Role::Administrator).then(|| view! {
                    <a href="/admin/users">{t.nav_users}</a>
                    <a href="/admin/courses">{t.nav_catalogue}</a>
                    <a href="/admin/import">{t.nav_import}</a>
                    <a href="/admin/certificates">{t.nav_certificates}</a>
                })}
                <span class="nav-user" title=t.signed_in_as>{user.name.clone()}</span>
                <Form form=logout class="inline-form">
                    <button type="submit" class="link-button">{t.nav_logout}</button>
                </Form>
            }
            .into_any()
        }
    }
}

/// Switches to the other language: a plain form post, so it works without
/// JavaScript; the server remembers the choice in a cookie.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let t = use_text();
    let lang = crate::i18n::use_lang();
    let other = lang.other();
    let location = use_location();
    let search = location.search.get_untracked();
    let here = if search.is_empty() {
        location.pathname.get_untracked()
    } else {
        format!("{}?{search}", location.pathname.get_untracked())
    };
    view! {
        <form method="post" action="/lang" class="language-switch">
            <input type="hidden" name="lang" value=other.tag()/>
            <input type="hidden" name="next" value=here/>
            <button
                type="submit"
                class="secondary"
                lang=other.tag()
                aria-label=format!("{}: {}", t.switch_language, other.text().language_name)
            >
                {other.text().language_name}
            </button>
        </form>
    }
}
