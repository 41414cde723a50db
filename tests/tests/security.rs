//! Forged requests and the security headers: a state change is refused
//! unless the browser says it came from our own pages (or names our
//! address as its origin), no GET changes anything, and every response
//! carries the headers that keep it from being framed, sniffed or mixed
//! with another site's scripts.

use academy_tests::{encode_form, spawn_app, spawn_app_with, TestApp, ORIGIN, PASSWORD};
use app::domain::Role;
use reqwest::header::{ACCEPT, CONTENT_TYPE, SET_COOKIE};
use reqwest::{Client, RequestBuilder, StatusCode};

/// How a request says where it came from.
#[derive(Debug, Clone, Copy)]
enum From {
    /// A browser on another site.
    CrossSite,
    /// A browser on a sibling subdomain.
    SameSite,
    /// No Sec-Fetch-Site, a foreign Origin (an older browser).
    ForeignOrigin,
    /// Neither header (a script that says nothing).
    Nowhere,
    /// A browser on our pages.
    OurPages,
    /// No Sec-Fetch-Site but our Origin.
    OurOrigin,
    /// Typed into the address bar (a bookmark): Sec-Fetch-Site none.
    User,
}

fn from(request: RequestBuilder, origin: From) -> RequestBuilder {
    match origin {
        From::CrossSite => request
            .header("sec-fetch-site", "cross-site")
            .header("origin", "https://evil.example"),
        From::SameSite => request
            .header("sec-fetch-site", "same-site")
            .header("origin", "https://other.academy.test"),
        From::ForeignOrigin => request.header("origin", "https://evil.example"),
        From::Nowhere => request,
        From::OurPages => request.header("sec-fetch-site", "same-origin"),
        From::OurOrigin => request.header("origin", ORIGIN),
        From::User => request.header("sec-fetch-site", "none"),
    }
}

const FORGED: [From; 4] = [
    From::CrossSite,
    From::SameSite,
    From::ForeignOrigin,
    From::Nowhere,
];

async fn call(
    app: &TestApp,
    client: &Client,
    endpoint: &str,
    form: &[(&str, &str)],
    origin: From,
) -> reqwest::Response {
    from(
        client
            .post(app.url(&format!("/api/{endpoint}")))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(encode_form(form)),
        origin,
    )
    .send()
    .await
    .expect("request")
}

async fn post_page(
    app: &TestApp,
    client: &Client,
    page: &str,
    form: &[(&str, &str)],
    origin: From,
) -> reqwest::Response {
    from(
        client
            .post(app.url(page))
            .header(ACCEPT, "text/html")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(encode_form(form)),
        origin,
    )
    .send()
    .await
    .expect("request")
}

async fn users(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_forged_server_function_call_changes_nothing() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Administrator, "admin@example.cn").await;
    let staff = [
        ("name", "伪造"),
        ("email", "forged@example.cn"),
        ("role", "administrator"),
        ("password", "three simultaneities"),
    ];
    for origin in FORGED {
        let response = call(&app, &admin, "admin/create_staff_account", &staff, origin).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{origin:?}");
    }
    assert_eq!(users(&app).await, 1, "no account was made");
    for origin in [From::OurPages, From::OurOrigin, From::User] {
        let email = format!("{origin:?}@example.cn").to_lowercase();
        let form = [staff[0], ("email", email.as_str()), staff[2], staff[3]];
        let response = call(&app, &admin, "admin/create_staff_account", &form, origin).await;
        assert_eq!(response.status(), StatusCode::OK, "{origin:?}");
    }
}

#[tokio::test]
async fn a_forged_page_form_post_changes_nothing() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Administrator, "admin@example.cn").await;
    let form = [
        ("__fn", "/api/admin/create_staff_account"),
        ("__form", "create-staff"),
        ("name", "伪造"),
        ("email", "forged@example.cn"),
        ("role", "instructor"),
        ("password", "three simultaneities"),
    ];
    for origin in FORGED {
        let response = post_page(&app, &admin, "/admin/users", &form, origin).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{origin:?}");
    }
    assert_eq!(users(&app).await, 1);
    let response = post_page(&app, &admin, "/admin/users", &form, From::OurPages).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(users(&app).await, 2);
}

#[tokio::test]
async fn sign_in_and_sign_out_cannot_be_forged() {
    let app = spawn_app().await;
    app.create_account(Role::Trainee, "victim@example.cn").await;
    // Forged sign-in: the victim's browser must not be signed in to an
    // account of the attacker's choosing.
    let victim = app.client();
    let login = [("email", "victim@example.cn"), ("password", PASSWORD)];
    let forged = call(&app, &victim, "auth/login", &login, From::CrossSite).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(
        forged.headers().get(SET_COOKIE).is_none(),
        "no session was set"
    );
    let page = [
        ("__fn", "/api/auth/login"),
        ("__form", "login"),
        ("email", "victim@example.cn"),
        ("password", PASSWORD),
    ];
    let forged = post_page(&app, &victim, "/login", &page, From::SameSite).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(forged.headers().get(SET_COOKIE).is_none());

    // Forged sign-out: the session survives.
    let signed_in = call(&app, &victim, "auth/login", &login, From::OurPages).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let forged = call(&app, &victim, "auth/logout", &[], From::CrossSite).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let me = victim.get(app.url("/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK, "still signed in");

    // Nor can the language be switched from another site.
    let lang = from(
        victim
            .post(app.url("/lang"))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("lang=zh-CN&next=%2F"),
        From::CrossSite,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(lang.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn no_server_function_answers_a_get() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Administrator, "admin@example.cn").await;
    let mut checked = 0;
    for (path, _) in server_fn::axum::server_fn_paths() {
        let response = admin.get(app.url(path)).send().await.unwrap();
        assert!(
            !response.status().is_success(),
            "GET {path} answered {}",
            response.status()
        );
        checked += 1;
    }
    assert!(checked > 40, "every server function was tried ({checked})");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let client = app.client();
    let page = client.get(app.url("/login")).send().await.unwrap();
    let headers = page.headers().clone();
    let policy = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = page.text().await.unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the page's policy has a nonce");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    // Every inline script carries this response's nonce; none other runs.
    let scripts = html.matches("<script").count();
    let with_nonce = html.matches(&format!("nonce=\"{nonce}\"")).count();
    let external = html.matches("<script type=\"module\" src=").count();
    assert_eq!(
        scripts,
        with_nonce + external,
        "an inline script without the nonce"
    );
    assert!(!html.contains("onclick="), "no inline handlers");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(
        headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
    assert!(headers.contains_key("permissions-policy"));
    assert!(
        !headers.contains_key("strict-transport-security"),
        "no HSTS over plain HTTP"
    );

    // A second page gets a nonce of its own.
    let again = client.get(app.url("/login")).send().await.unwrap();
    assert_ne!(again.headers()["content-security-policy"], policy.as_str());

    // Not a page: a policy that allows nothing.
    let json = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(
        json.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert_eq!(json.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn over_https_the_session_cookie_is_host_only_and_secure_and_hsts_is_on() {
    let app = spawn_app_with(|config| {
        config.public_url = "https://academy.example.org".into();
        config.secure_cookies = true;
    })
    .await;
    app.create_account(Role::Trainee, "secure@example.cn").await;
    let response = app
        .client()
        .post(app.url("/api/auth/login"))
        .header("origin", "https://academy.example.org")
        .header(ACCEPT, "application/json")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(encode_form(&[
            ("email", "secure@example.cn"),
            ("password", PASSWORD),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-academy_session="), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=63072000; includeSubDomains"
    );
    // Our own origin over HTTP is not this deployment's origin.
    let wrong = app
        .client()
        .post(app.url("/api/auth/logout"))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
}

#[test]
fn an_origin_is_written_as_a_browser_writes_it() {
    use server::config::origin_of;
    assert_eq!(
        origin_of("https://Academy.Example.org/").as_deref(),
        Some("https://academy.example.org")
    );
    assert_eq!(
        origin_of("https://academy.example.org:443").as_deref(),
        Some("https://academy.example.org")
    );
    assert_eq!(
        origin_of("http://127.0.0.1:3000").as_deref(),
        Some("http://127.0.0.1:3000")
    );
    assert_eq!(
        origin_of("http://127.0.0.1").as_deref(),
        Some("http://127.0.0.1")
    );
    assert_eq!(origin_of("ftp://x"), None);
}
