//! User journeys in real headless Chromium against the release server.

use academy_tests::browser::{journey, journey_without_javascript, Page};

const DEMO_PASSWORD: &str = "academy-demo";

async fn fill_registration(
    page: &Page,
    name: &str,
    email: &str,
    password: &str,
) -> anyhow::Result<()> {
    page.fill("Full name", name).await?;
    page.fill("Email", email).await?;
    page.fill("Password", password).await?;
    page.fill("Organisation (optional)", "天津化工厂").await?;
    page.select("Province", "Tianjin").await?;
    page.select("Industry", "Chemicals").await?;
    Ok(())
}

#[tokio::test]
async fn a_trainee_registers_sees_their_page_signs_out_and_signs_back_in() {
    journey("register_logout_login", |page| async move {
        page.open_hydrated("/register").await?;
        fill_registration(
            &page,
            "赵敏",
            "zhao.min@example.cn",
            "clean production 2000",
        )
        .await?;
        page.click_button("Create account").await?;
        page.wait_for_path("/me").await?;
        page.wait_for_text("Welcome, 赵敏").await?;
        page.wait_for_text("zhao.min@example.cn").await?;
        page.wait_for_text("Tianjin").await?;

        page.click_button("Sign out").await?;
        page.wait_for_path("/").await?;
        page.wait_for_text("Sign in").await?;
        page.open("/me").await?;
        page.wait_for_path("/login").await?;

        page.sign_in("zhao.min@example.cn", "clean production 2000")
            .await?;
        page.wait_for_text("Welcome, 赵敏").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn bad_registration_input_is_marked_beside_each_field_and_what_was_typed_stays() {
    journey("register_bad_input", |page| async move {
        page.open_hydrated("/register").await?;
        fill_registration(&page, "孙丽", "not-an-email", "short").await?;
        page.click_button("Create account").await?;
        let email_error = page.wait_for_error_beside("Email").await?;
        assert_eq!(email_error, "Enter an email address like name@example.com.");
        assert_eq!(
            page.error_beside("Password").await?,
            "Use at least 8 characters."
        );
        assert_eq!(
            page.error_beside("Full name").await?,
            "",
            "the name was fine"
        );
        assert_eq!(
            page.value_of("Full name").await?,
            "孙丽",
            "typed values stay"
        );
        assert_eq!(page.value_of("Email").await?, "not-an-email");
        assert_eq!(
            page.value_of("Organisation (optional)").await?,
            "天津化工厂"
        );
        assert_eq!(page.value_of("Province").await?, "tianjin");
        page.screenshot("register-errors-en.png").await?;

        // A taken email (the demo trainee's) is refused beside the field too.
        page.fill("Email", "trainee@academy.test").await?;
        page.fill("Password", "clean production 2000").await?;
        page.click_button("Create account").await?;
        page.wait_for_text("An account with this email already exists.")
            .await?;
        assert_eq!(
            page.error_beside("Password").await?,
            "",
            "the password is fine now"
        );
        assert_eq!(page.value_of("Full name").await?, "孙丽");
        assert_eq!(
            page.path().await?,
            "/register",
            "nothing was created, still on the form"
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_administrator_creates_an_instructor_account() {
    journey("admin_creates_instructor", |page| async move {
        page.sign_in("admin@academy.test", DEMO_PASSWORD).await?;
        page.click_link("Users").await?;
        page.wait_for_path("/admin/users").await?;
        page.wait_hydrated().await?;
        page.select("Filter by role", "Instructor").await?;
        page.click_button("Search").await?;
        page.wait_for_text("instructor@academy.test").await?;
        page.wait_for_text("2 users").await?;
        page.wait_hydrated().await?;

        page.fill("Full name", "陈志远").await?;
        page.fill("Email", "chen.zhiyuan@academy.test").await?;
        page.select("Role", "Instructor").await?;
        page.fill("Password", "three simultaneities").await?;
        page.click_button("Create account").await?;
        page.wait_for_text("Account created.").await?;
        page.wait_for_text("chen.zhiyuan@academy.test").await?;
        assert_eq!(
            page.value_of("Full name").await?,
            "",
            "the form is cleared for the next one"
        );
        page.screenshot("admin-users-en.png").await?;

        // The new instructor can sign in.
        page.click_button("Sign out").await?;
        page.wait_for_path("/").await?;
        page.sign_in("chen.zhiyuan@academy.test", "three simultaneities")
            .await?;
        page.wait_for_text("Instructor").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_trainee_opening_the_users_page_sees_the_403_page() {
    journey("trainee_forbidden", |page| async move {
        page.sign_in("trainee@academy.test", DEMO_PASSWORD).await?;
        page.open("/admin/users").await?;
        assert_eq!(page.heading().await?, "Not allowed");
        let text = page.text().await?;
        assert!(
            !text.contains("admin@academy.test"),
            "no user list is shown"
        );
        assert!(
            !text.contains("Users\n"),
            "no Users link in a trainee's navigation"
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_language_switch_turns_the_page_chinese_and_is_remembered() {
    journey("language_switch", |page| async move {
        page.open_hydrated("/login").await?;
        assert_eq!(page.heading().await?, "Sign in");
        page.click_button("Language: 中文").await?;
        page.wait_for_text("电子邮箱").await?;
        assert_eq!(page.heading().await?, "登录");
        assert_eq!(
            page.path().await?,
            "/login",
            "the switch returns to the same page"
        );

        page.open("/register").await?;
        assert_eq!(
            page.heading().await?,
            "注册为学员",
            "the choice is remembered"
        );
        page.screenshot("register-zh.png").await?;
        page.click_button("语言: English").await?;
        page.wait_for_text("Register as a trainee").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_show_password_button_works_after_hydration() {
    journey("hydration", |page| async move {
        page.open_hydrated("/login").await?;
        page.fill("Password", "visible secret").await?;
        let field = page.field("Password").await?;
        assert_eq!(field.attr("type").await?.as_deref(), Some("password"));
        page.click_button("Show password").await?;
        let field = page.field("Password").await?;
        assert_eq!(
            field.attr("type").await?.as_deref(),
            Some("text"),
            "the button reacted: the page is interactive"
        );
        assert_eq!(page.value_of("Password").await?, "visible secret");
        page.click_button("Hide password").await?;
        assert_eq!(
            page.field("Password").await?.attr("type").await?.as_deref(),
            Some("password")
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_administrator_made_on_the_command_line_signs_in() {
    journey("create_admin_cli", |page| async move {
        let output = page.server.academy(
            &[
                "create-admin",
                "--email",
                "director@ncpc.example.cn",
                "--name",
                "段宁",
            ],
            &[("ACADEMY_ADMIN_PASSWORD", "cleaner production centre")],
        );
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        page.sign_in("director@ncpc.example.cn", "cleaner production centre")
            .await?;
        page.wait_for_text("Administrator").await?;
        page.wait_for_text("段宁").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn signing_in_and_out_works_with_javascript_off() {
    journey_without_javascript("no_javascript", |page| async move {
        page.open("/login").await?;
        page.fill("Email", "trainee@academy.test").await?;
        page.fill("Password", "wrong password").await?;
        page.click_button("Sign in").await?;
        page.wait_for_text("Wrong email or password.").await?;

        page.fill("Email", "trainee@academy.test").await?;
        page.fill("Password", DEMO_PASSWORD).await?;
        page.click_button("Sign in").await?;
        page.wait_for_path("/me").await?;
        page.wait_for_text("李晓梅").await?;
        page.click_button("Sign out").await?;
        page.wait_for_path("/").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn every_page_reads_well_in_both_languages() {
    journey("screenshots", |page| async move {
        let pages = [
            (
                "/",
                "Train, examine and certify auditors",
                "培训、考核、认证审核员",
                "home",
            ),
            ("/login", "Sign in", "登录", "login"),
            (
                "/register",
                "Register as a trainee",
                "注册为学员",
                "register",
            ),
            ("/nowhere", "Page not found", "页面不存在", "404"),
        ];
        for (lang, switch) in [("en", None), ("zh", Some("Language: 中文"))] {
            if let Some(switch) = switch {
                page.open_hydrated("/").await?;
                page.click_button(switch).await?;
                page.wait_for_text("首页").await?;
            }
            for (path, en, zh, name) in pages {
                page.open(path).await?;
                let expected = if lang == "en" { en } else { zh };
                assert_eq!(page.heading().await?, expected, "{path} in {lang}");
                page.screenshot(&format!("{name}-{lang}.png")).await?;
            }
            page.sign_in_any_language("admin@academy.test", DEMO_PASSWORD)
                .await?;
            page.screenshot(&format!("me-{lang}.png")).await?;
            page.open("/admin/users?role=instructor").await?;
            page.wait_for_text("instructor@academy.test").await?;
            page.screenshot(&format!("users-{lang}.png")).await?;
            page.client.set_window_size(390, 844).await?;
            page.screenshot(&format!("users-phone-{lang}.png")).await?;
            page.open("/register").await?;
            page.screenshot(&format!("register-phone-{lang}.png"))
                .await?;
            page.client.set_window_size(1280, 900).await?;
            page.client.delete_all_cookies().await?;
        }
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_content_security_policy_refuses_an_injected_script_and_the_console_says_so() {
    journey("csp", |page| async move {
        page.open_hydrated("/verify/CPA-1999-00001").await?;
        assert!(page.console_errors().await?.is_empty(), "a clean page");
        // What an injected <script> would be: inline, without the nonce.
        page.client
            .execute(
                "const s = document.createElement('script');
                 s.textContent = 'document.title = \"owned\"';
                 document.body.appendChild(s);",
                vec![],
            )
            .await?;
        let title = page.client.title().await?;
        assert_ne!(title, "owned", "the inline script did not run");
        let errors = page.console_errors().await?;
        assert!(
            errors.iter().any(|e| e.contains("Content Security Policy")),
            "the violation is reported (and would fail any journey): {errors:?}"
        );
        Ok(())
    })
    .await;
}
