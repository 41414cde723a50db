//! Page forms without JavaScript (server/src/forms.rs): a form posts to its
//! own page naming the server function; success goes back to the page
//! (post/redirect/get) and says so once; a refusal answers with the page,
//! the messages and what was typed; a session that ended goes to sign in.

use academy_tests::{spawn_app, TestApp};
use app::domain::Role;
use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION, SET_COOKIE};
use reqwest::{Client, StatusCode};

const STAFF: [(&str, &str); 4] = [
    ("name", "陈志远"),
    ("email", "chen.zhiyuan@academy.test"),
    ("role", "instructor"),
    ("password", "three simultaneities"),
];

async fn create_staff(app: &TestApp, client: &Client, form: &[(&str, &str)]) -> reqwest::Response {
    app.post_form(
        client,
        "/admin/users",
        "admin/create_staff_account",
        "create-staff",
        form,
    )
    .await
}

/// The `name=value` of a `Set-Cookie` for `name`, if the response sets it.
fn cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn a_successful_post_goes_back_to_the_page_which_says_so_once() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in(Role::Administrator, "admin@example.cn").await;
    let response = create_staff(&app, &client, &STAFF).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers().get(LOCATION).unwrap(), "/admin/users");
    let flash = cookie(&response, "academy_flash").expect("the page is told which form worked");
    assert!(flash.starts_with("academy_flash=create-staff"), "{flash}");

    // The page after the redirect (the browser sends the cookie back) says
    // it worked, and forgets it at once.
    let page = client.get(app.url("/admin/users")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let cleared = cookie(&page, "academy_flash").expect("the flash is cleared");
    assert_eq!(cleared, "academy_flash=");
    let html = page.text().await.unwrap();
    assert!(html.contains("Account created."), "{html}");
    assert!(html.contains("chen.zhiyuan@academy.test"));

    let again = client.get(app.url("/admin/users")).send().await.unwrap();
    assert!(!again.text().await.unwrap().contains("Account created."));
}

#[tokio::test]
async fn a_refused_post_answers_with_the_page_keeping_what_was_typed_but_never_a_password() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in(Role::Administrator, "admin@example.cn").await;
    let mut form = STAFF.to_vec();
    form[1] = ("email", "not an email");
    let response = create_staff(&app, &client, &form).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(cookie(&response, "academy_flash").is_none());
    let html = response.text().await.unwrap();
    assert!(html.contains("Enter an email address like name@example.com."));
    assert!(html.contains(r#"value="陈志远""#), "the name stays");
    assert!(html.contains(r#"value="not an email""#), "the email stays");
    assert!(
        !html.contains("three simultaneities"),
        "the password is not echoed"
    );
    let staff: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email LIKE 'chen%'")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(staff, 0, "nothing saved");
}

#[tokio::test]
async fn a_form_sent_after_the_session_ended_goes_to_sign_in_and_back() {
    let app = spawn_app().await;
    let response = create_staff(&app, &app.client(), &STAFF).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers().get(LOCATION).unwrap(),
        "/login?next=%2Fadmin%2Fusers"
    );
    assert!(
        cookie(&response, "academy_flash").is_none(),
        "a refused form is not said to have worked"
    );
}

#[tokio::test]
async fn a_refusal_by_role_is_a_403_page_not_a_change() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in(Role::Trainee, "trainee@example.cn").await;
    let response = create_staff(&app, &client, &STAFF).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let staff: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email LIKE 'chen%'")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(staff, 0);
}

#[tokio::test]
async fn a_post_must_name_a_server_function() {
    let app = spawn_app().await;
    let client = app.client();
    // No function named: an ordinary post to a page, which takes none.
    let plain = client
        .post(app.url("/login"))
        .header(reqwest::header::ORIGIN, academy_tests::ORIGIN)
        .header(ACCEPT, "text/html")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("email=a%40b.cn")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), StatusCode::METHOD_NOT_ALLOWED);
    // A "function" outside /api/ is never called.
    let outside = client
        .post(app.url("/login"))
        .header(reqwest::header::ORIGIN, academy_tests::ORIGIN)
        .header(ACCEPT, "text/html")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("__fn=%2Fadmin%2Fusers&__form=x")
        .send()
        .await
        .unwrap();
    assert_eq!(outside.status(), StatusCode::BAD_REQUEST);
    // Nor any route under /api/ that is not a server function.
    for endpoint in ["no/such/function", "v1/certificates/CPA-1999-00001"] {
        let unknown = app.post_form(&client, "/login", endpoint, "x", &[]).await;
        assert_eq!(unknown.status(), StatusCode::BAD_REQUEST, "{endpoint}");
    }
    // The page a form goes back to is on this site, whatever the post's path.
    let offsite = client
        .post(app.url("//evil.example/"))
        .header(reqwest::header::ORIGIN, academy_tests::ORIGIN)
        .header(ACCEPT, "text/html")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("__fn=%2Fapi%2Fcatalogue%2Fcentres&__form=x")
        .send()
        .await
        .unwrap();
    assert!(
        offsite.headers().get(LOCATION).is_none(),
        "never sent off the site"
    );
}
