//! Browser end-to-end harness: the release `academy` binary on a free port
//! with a fresh database and the demo world, driven through chromedriver and
//! headless Chromium. Elements are found by their label or visible text,
//! never by CSS position.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use std::future::Future;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub type Result<T = ()> = anyhow::Result<T>;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The release binary built by `cargo leptos build --release`.
pub fn academy_binary() -> PathBuf {
    std::env::var_os("E2E_ACADEMY_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/release/academy"))
}

/// The built site (`target/site`), or `LEPTOS_SITE_ROOT`.
pub fn site_root() -> PathBuf {
    std::env::var_os("LEPTOS_SITE_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/site"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Runs `academy ARGS` on the database at `database`.
pub fn run_academy(database: &Path, args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    let binary = academy_binary();
    Command::new(&binary)
        .args(args)
        .env("ACADEMY_DATABASE_URL", database)
        .env("ACADEMY_LOG", "warn")
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", binary.display()))
}

/// A running `academy serve` with its own database.
pub struct Server {
    pub base: String,
    pub dir: tempfile::TempDir,
    child: Child,
}

impl Server {
    pub fn database(&self) -> PathBuf {
        self.dir.path().join("academy.db")
    }

    /// Runs another `academy` command against this server's database.
    pub fn academy(&self, args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
        run_academy(&self.database(), args, envs)
    }

    pub async fn start() -> Server {
        let binary = academy_binary();
        assert!(
            binary.exists(),
            "{} is missing: browser tests run against the release build; run `make test` \
             (or `cargo leptos build --release`) first",
            binary.display()
        );
        assert!(
            site_root().join("pkg").is_dir(),
            "{} has no pkg/: build the site with cargo-leptos first",
            site_root().display()
        );
        let dir = tempfile::tempdir().expect("temporary folder");
        let database = dir.path().join("academy.db");
        let demo = run_academy(&database, &["demo"], &[]);
        assert!(
            demo.status.success(),
            "academy demo failed: {}",
            String::from_utf8_lossy(&demo.stderr)
        );

        let log = std::fs::File::create(dir.path().join("server.log")).expect("log file");
        let mut child = Command::new(&binary)
            .arg("serve")
            .env("ACADEMY_ADDR", "127.0.0.1:0")
            .env("ACADEMY_DATABASE_URL", &database)
            .env("LEPTOS_SITE_ROOT", site_root())
            .env("ACADEMY_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", binary.display()));
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
                if let Some(url) = line.strip_prefix("listening on ") {
                    let _ = tx.send(url.trim().to_owned());
                }
            }
        });
        let mut server = Server {
            base: String::new(),
            dir,
            child,
        };
        server.base = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("the server did not start:\n{}", server.log()));
        server
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// chromedriver with one headless Chromium session.
struct Driver {
    child: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_browser(javascript: bool) -> (Driver, Client) {
    let profile = tempfile::tempdir().expect("profile folder");
    let port = free_port();
    let child =
        Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
            .arg(format!("--port={port}"))
            .env("XDG_CONFIG_HOME", profile.path().join("config"))
            .env("XDG_CACHE_HOME", profile.path().join("cache"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (Debian package chromium-driver)");
    let driver = Driver {
        child,
        _profile: profile,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let user_data = driver._profile.path().join("user-data");
    let mut prefs = serde_json::json!({ "intl.accept_languages": "en-US,en" });
    if !javascript {
        prefs["profile.managed_default_content_settings.javascript"] = serde_json::json!(2);
    }
    let capabilities = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--lang=en-US",
                "--window-size=1280,900",
                format!("--user-data-dir={}", user_data.display()),
            ],
            "prefs": prefs,
        },
        // The browser's console, read back after every journey.
        "goog:loggingPrefs": { "browser": "ALL" },
    });
    let capabilities = match capabilities {
        serde_json::Value::Object(map) => map,
        _ => unreachable!(),
    };
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a Chromium session");
    (driver, client)
}

/// Runs one browser journey against a fresh server; Chromium is always
/// closed, and a failing journey leaves a screenshot and the server log.
pub async fn journey<F, Fut>(name: &str, steps: F)
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = Result>,
{
    journey_with(name, true, steps).await
}

/// As [`journey`], with JavaScript switched off in the browser.
pub async fn journey_without_javascript<F, Fut>(name: &str, steps: F)
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = Result>,
{
    journey_with(name, false, steps).await
}

async fn journey_with<F, Fut>(name: &str, javascript: bool, steps: F)
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = Result>,
{
    use futures::FutureExt;
    let server = std::sync::Arc::new(Server::start().await);
    let (driver, client) = start_browser(javascript).await;
    let page = Page {
        client: client.clone(),
        server: server.clone(),
    };
    let outcome = std::panic::AssertUnwindSafe(steps(page))
        .catch_unwind()
        .await;
    // A journey that worked must also have left the console clean.
    let outcome = match outcome {
        Ok(Ok(())) => match console_errors(&client).await {
            Ok(errors) if errors.is_empty() => Ok(Ok(())),
            Ok(errors) => Ok(Err(anyhow::anyhow!(
                "the browser console reported errors:\n{}",
                errors.join("\n")
            ))),
            Err(error) => Ok(Err(error)),
        },
        other => other,
    };
    let failed = !matches!(outcome, Ok(Ok(())));
    if failed {
        let folder = workspace().join("target/e2e-failures");
        let _ = std::fs::create_dir_all(&folder);
        if let Ok(png) = client.screenshot().await {
            let _ = std::fs::write(folder.join(format!("{name}.png")), png);
        }
        let _ = std::fs::write(folder.join(format!("{name}.log")), server.log());
    }
    let _ = client.close().await;
    drop(driver);
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(error)) => panic!(
            "journey {name} failed: {error:?}\n(screenshot and server log in target/e2e-failures)"
        ),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Chromedriver's log of the browser console (a Selenium extension).
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

/// Chromedriver's network conditions for the page (a Chromium extension):
/// offline, every request fails as on a lost connection.
#[derive(Debug)]
struct NetworkConditions {
    offline: bool,
}

impl fantoccini::wd::WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/chromium/network_conditions",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({
            "network_conditions": {
                "offline": self.offline,
                "latency": 0,
                "download_throughput": -1,
                "upload_throughput": -1,
            }
        });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Errors the pages wrote to the console (script errors, `console.error`,
/// failed hydration). A page answered with a 4xx status on purpose (a
/// refused form, the 404 page) is logged by the network, not by a script,
/// and is left out.
async fn console_errors(client: &Client) -> Result<Vec<String>> {
    let log = client.issue_cmd(BrowserLog).await?;
    Ok(log
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|entry| entry["level"] == "SEVERE" && entry["source"] != "network")
        .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
        .collect())
}

/// XPath string literal for any text (handles both quote kinds).
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// The browser, pointed at one server.
#[derive(Clone)]
pub struct Page {
    pub client: Client,
    pub server: std::sync::Arc<Server>,
}

const WAIT: Duration = Duration::from_secs(15);

impl Page {
    pub async fn open(&self, path: &str) -> Result {
        self.client
            .goto(&format!("{}{}", self.server.base, path))
            .await?;
        Ok(())
    }

    /// Opens a page and waits until it is ready: at once for a page without
    /// islands, once every island is hydrated for the others.
    pub async fn open_hydrated(&self, path: &str) -> Result {
        self.open(path).await?;
        self.wait_hydrated().await
    }

    /// Waits until the page's islands (if any) are live.
    pub async fn wait_hydrated(&self) -> Result {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(
                "/html[@data-hydrated='true' or not(.//leptos-island)]",
            ))
            .await?;
        Ok(())
    }

    /// Waits until the page has islands and all of them are hydrated.
    pub async fn wait_islands(&self) -> Result {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::XPath("/html[@data-hydrated='true']"))
            .await?;
        Ok(())
    }

    /// What the pages wrote to the console as errors since the last look
    /// (each journey also checks this when it ends).
    pub async fn console_errors(&self) -> Result<Vec<String>> {
        console_errors(&self.client).await
    }

    /// Takes the browser off the network (every request fails) or back on.
    pub async fn set_offline(&self, offline: bool) -> Result {
        self.client.issue_cmd(NetworkConditions { offline }).await?;
        Ok(())
    }

    /// Runs a statement on the server's database, as a test's own writer
    /// (to move a deadline, say); returns the rows changed.
    pub async fn execute_sql(&self, sql: &str) -> Result<u64> {
        let db = app::ssr::db::Db::connect(&self.server.database().to_string_lossy(), 1).await?;
        let done = sqlx::query(sql).execute(&db.writer).await?;
        Ok(done.rows_affected())
    }

    pub async fn path(&self) -> Result<String> {
        let url = self.client.current_url().await?;
        Ok(match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        })
    }

    /// Waits until the address bar shows `path` (query string ignored).
    pub async fn wait_for_path(&self, path: &str) -> Result {
        let deadline = Instant::now() + WAIT;
        loop {
            let url = self.client.current_url().await?;
            if url.path() == path {
                return Ok(());
            }
            if Instant::now() > deadline {
                anyhow::bail!("expected to be at {path}, still at {url}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The input, select or textarea labelled `label`.
    pub async fn field(&self, label: &str) -> Result<Element> {
        let xpath = format!(
            "//label[normalize-space(.)={0} or normalize-space(text())={0}]",
            xpath_literal(label)
        );
        let label_el = self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(&xpath))
            .await
            .map_err(|e| anyhow::anyhow!("no label {label:?}: {e}"))?;
        let id = label_el
            .attr("for")
            .await?
            .ok_or_else(|| anyhow::anyhow!("label {label:?} has no `for`"))?;
        Ok(self.client.find(Locator::Id(&id)).await?)
    }

    pub async fn fill(&self, label: &str, value: &str) -> Result {
        let field = self.field(label).await?;
        field.clear().await?;
        field.send_keys(value).await?;
        Ok(())
    }

    /// Chooses the option whose visible text is `option` in the select labelled `label`.
    pub async fn select(&self, label: &str, option: &str) -> Result {
        let field = self.field(label).await?;
        let option = field
            .find(Locator::XPath(&format!(
                ".//option[normalize-space(.)={}]",
                xpath_literal(option)
            )))
            .await?;
        option.click().await?;
        Ok(())
    }

    pub async fn value_of(&self, label: &str) -> Result<String> {
        Ok(self
            .field(label)
            .await?
            .prop("value")
            .await?
            .unwrap_or_default())
    }

    /// The message shown beside the field labelled `label` (empty if none).
    pub async fn error_beside(&self, label: &str) -> Result<String> {
        let field = self.field(label).await?;
        let id = field.attr("id").await?.unwrap_or_default();
        let error = self
            .client
            .find(Locator::Id(&format!("{id}-error")))
            .await?;
        Ok(error.text().await?.trim().to_owned())
    }

    /// Waits until the field labelled `label` shows an error, and returns it.
    pub async fn wait_for_error_beside(&self, label: &str) -> Result<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            // A form post loads a new page: an element of the old one may go
            // stale while it is read, which only means "not yet".
            let text = self.error_beside(label).await.unwrap_or_default();
            if !text.is_empty() {
                return Ok(text);
            }
            if Instant::now() > deadline {
                anyhow::bail!("no error appeared beside {label:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The first visible button (or link styled as one) whose text is `text`.
    pub async fn button(&self, text: &str) -> Result<Element> {
        let xpath = format!(
            "//button[normalize-space(.)={0} or @aria-label={0}]",
            xpath_literal(text)
        );
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(&xpath))
            .await
            .map_err(|e| anyhow::anyhow!("no button {text:?}: {e}"))
    }

    pub async fn click_button(&self, text: &str) -> Result {
        self.button(text).await?.click().await?;
        Ok(())
    }

    /// Clicks the button `text` inside the card whose heading is `heading`
    /// (for pages that repeat a form once per item).
    pub async fn click_button_in(&self, heading: &str, text: &str) -> Result {
        let xpath = format!(
            "//article[.//h3[normalize-space(.)={}]]//button[normalize-space(.)={}]",
            xpath_literal(heading),
            xpath_literal(text)
        );
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(&xpath))
            .await
            .map_err(|e| anyhow::anyhow!("no button {text:?} under {heading:?}: {e}"))?
            .click()
            .await?;
        Ok(())
    }

    /// The visible text of the card whose heading is `heading`.
    pub async fn card_text(&self, heading: &str) -> Result<String> {
        let xpath = format!(
            "//article[.//h3[normalize-space(.)={}]]",
            xpath_literal(heading)
        );
        Ok(self
            .client
            .find(Locator::XPath(&xpath))
            .await?
            .text()
            .await?)
    }

    /// Waits until the card whose heading is `heading` contains `needle`.
    pub async fn wait_for_card_text(&self, heading: &str, needle: &str) -> Result {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.card_text(heading).await.unwrap_or_default();
            if text.contains(needle) {
                return Ok(());
            }
            if Instant::now() > deadline {
                anyhow::bail!("{needle:?} never appeared under {heading:?}; it says:\n{text}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn click_link(&self, text: &str) -> Result {
        let xpath = format!("//a[normalize-space(.)={}]", xpath_literal(text));
        self.client
            .find(Locator::XPath(&xpath))
            .await?
            .click()
            .await?;
        Ok(())
    }

    /// The visible text of the whole page.
    pub async fn text(&self) -> Result<String> {
        Ok(self.client.find(Locator::Css("body")).await?.text().await?)
    }

    /// Waits until the page's visible text contains `needle`.
    pub async fn wait_for_text(&self, needle: &str) -> Result {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.text().await.unwrap_or_default();
            if text.contains(needle) {
                return Ok(());
            }
            if Instant::now() > deadline {
                anyhow::bail!("{needle:?} never appeared; the page says:\n{text}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn heading(&self) -> Result<String> {
        let h1 = self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("h1"))
            .await?;
        Ok(h1.text().await?)
    }

    pub async fn screenshot(&self, file: &str) -> Result {
        let folder = workspace().join("target/screenshots");
        std::fs::create_dir_all(&folder)?;
        std::fs::write(folder.join(file), self.client.screenshot().await?)?;
        Ok(())
    }

    /// Signs in through the (English) login form.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result {
        self.open_login().await?;
        self.fill("Email", email).await?;
        self.fill("Password", password).await?;
        self.click_button("Sign in").await?;
        self.wait_for_path("/me").await
    }

    /// Opens the sign-in page. A journey often signs out just before (a form
    /// post, then a redirect home); if that navigation was still under way,
    /// it can land after ours and leave the browser at home: open again.
    async fn open_login(&self) -> Result {
        for _ in 0..3 {
            self.open_hydrated("/login").await?;
            if self.client.current_url().await?.path() == "/login" {
                return Ok(());
            }
        }
        anyhow::bail!("the sign-in page would not stay open")
    }

    /// Signs in whatever the page's language, finding the fields by their name.
    pub async fn sign_in_any_language(&self, email: &str, password: &str) -> Result {
        self.open_login().await?;
        self.client
            .find(Locator::Css("input[name=email]"))
            .await?
            .send_keys(email)
            .await?;
        self.client
            .find(Locator::Css("input[name=password]"))
            .await?
            .send_keys(password)
            .await?;
        self.client
            .find(Locator::Css("main form button[type=submit]"))
            .await?
            .click()
            .await?;
        self.wait_for_path("/me").await
    }
}
