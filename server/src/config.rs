//! Configuration from `ACADEMY_*` environment variables, with defaults that
//! run a local server out of the box. Every setting is checked at start: a
//! value Academy cannot use, or an `ACADEMY_*` variable it does not know
//! (likely a typo), stops it with a message naming the variable (exit code
//! 2) before anything is created.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Shown by `academy --help`.
pub const ENV_HELP: &str = "\
Environment variables (all optional; an unknown ACADEMY_* variable is an error):
  ACADEMY_ADDR             listen address                      [default: 127.0.0.1:3000]
  ACADEMY_DATABASE_URL     SQLite file path or sqlite: URL     [default: data/academy.db]
  ACADEMY_PUBLIC_URL       the address the public reaches, for did:web, verification links
                           and the cross-site check            [default: http:// + ACADEMY_ADDR]
  ACADEMY_SECURE_COOKIES   send cookies only over HTTPS        [default: true if ACADEMY_PUBLIC_URL is https]
  ACADEMY_SESSION_DAYS     days a session lasts at most        [default: 14]
  ACADEMY_SESSION_IDLE_MINUTES  a session unused this long ends [default: 480]
  ACADEMY_TRUST_PROXY      take client addresses from X-Forwarded-For (only behind your proxy)
                           [default: false]
  ACADEMY_DB_READERS       reader connections                  [default: 8]
  ACADEMY_HASH_CONCURRENCY password hashes computed at once    [default: CPUs - 1, at least 1]
  ACADEMY_HASH_QUEUE       passwords waiting to be hashed before 503 [default: 32]
  ACADEMY_REQUEST_TIMEOUT_SECS  longest a request may take     [default: 60]
  ACADEMY_LOOKUPS_PER_MINUTE    public certificate lookups per address [default: 60]
  ACADEMY_REGISTRATIONS_PER_HOUR    registrations per address  [default: 20]
  ACADEMY_PASSWORD_LINKS_PER_HOUR   set-password links used per address [default: 20]
  ACADEMY_LOG              log filter (tracing syntax)         [default: info]
  ACADEMY_ADMIN_PASSWORD   password for `create-admin` (else read from stdin)
  ACADEMY_ISSUER_KEY       path of the file holding the Ed25519 key that signs certificates
                           (its 32-byte seed, base64); created with mode 0600 on first start;
                           the server refuses to start if others may read it
                           [default: issuer-ed25519.key beside the database]
  ACADEMY_ISSUER_NAME      the certification body, as credentials name their issuer [default: Academy]
  ACADEMY_ISSUER_EMAIL     its contact address, shown by wallets [default: none]
  LEPTOS_SITE_ROOT         the built site (JS, wasm, CSS)      [default: ../site beside the binary, else target/site]";

/// Every `ACADEMY_*` variable Academy reads.
const KNOWN: [&str; 20] = [
    "ACADEMY_ADDR",
    "ACADEMY_DATABASE_URL",
    "ACADEMY_PUBLIC_URL",
    "ACADEMY_SECURE_COOKIES",
    "ACADEMY_SESSION_DAYS",
    "ACADEMY_SESSION_IDLE_MINUTES",
    "ACADEMY_TRUST_PROXY",
    "ACADEMY_DB_READERS",
    "ACADEMY_HASH_CONCURRENCY",
    "ACADEMY_HASH_QUEUE",
    "ACADEMY_REQUEST_TIMEOUT_SECS",
    "ACADEMY_LOOKUPS_PER_MINUTE",
    "ACADEMY_REGISTRATIONS_PER_HOUR",
    "ACADEMY_PASSWORD_LINKS_PER_HOUR",
    "ACADEMY_LOG",
    "ACADEMY_ADMIN_PASSWORD",
    "ACADEMY_ISSUER_KEY",
    "ACADEMY_ISSUER_NAME",
    "ACADEMY_ISSUER_EMAIL",
    "ACADEMY_CJK_FONT",
];

/// A setting Academy cannot use. The command line prints it and exits 2.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: String,
    pub message: String,
}

fn invalid(variable: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable: variable.to_owned(),
        message: message.into(),
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub database_url: String,
    pub secure_cookies: bool,
    pub session_days: i64,
    pub session_idle_minutes: i64,
    pub trust_proxy: bool,
    pub db_readers: u32,
    pub hash_concurrency: usize,
    pub hash_queue: usize,
    pub request_timeout_secs: u64,
    pub lookups_per_minute: u32,
    pub registrations_per_hour: u32,
    pub password_links_per_hour: u32,
    pub site_root: PathBuf,
    pub issuer_key: PathBuf,
    pub issuer_name: String,
    pub issuer_email: Option<String>,
    pub public_url: String,
}

/// The SQLite file a database URL names (`data/a.db`, `sqlite:data/a.db`,
/// `sqlite://data/a.db?mode=rwc`).
pub fn database_file(database_url: &str) -> PathBuf {
    let path = database_url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    PathBuf::from(path.split('?').next().unwrap_or_default())
}

/// The issuer key's default place: beside the database file.
fn key_beside(database_url: &str) -> PathBuf {
    database_file(database_url)
        .parent()
        .map(|dir| dir.join("issuer-ed25519.key"))
        .unwrap_or_else(|| PathBuf::from("issuer-ed25519.key"))
}

/// A database URL Academy serves: a file path or a `sqlite:` URL. Anything
/// with another scheme (`postgres://…`) is refused rather than taken for a
/// file name.
fn check_database_url(url: &str) -> Result<(), ConfigError> {
    let variable = "ACADEMY_DATABASE_URL";
    if url.starts_with("sqlite:") {
        return Ok(());
    }
    if let Some((scheme, _)) = url.split_once("://") {
        return Err(invalid(
            variable,
            format!(
                "{scheme}:// databases are not supported; give a SQLite file path \
                 (data/academy.db) or a sqlite: URL"
            ),
        ));
    }
    if let Some((scheme, _)) = url.split_once(':') {
        let looks_like_scheme = !scheme.is_empty()
            && scheme.len() > 1
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+');
        if looks_like_scheme {
            return Err(invalid(
                variable,
                format!("{scheme}: is not a database Academy serves; give a SQLite file path or a sqlite: URL"),
            ));
        }
    }
    Ok(())
}

/// Reads the environment through `get`, so tests can give their own.
struct Env<'a> {
    get: &'a dyn Fn(&str) -> Option<String>,
}

impl Env<'_> {
    fn var(&self, name: &str) -> Option<String> {
        (self.get)(name).filter(|v| !v.trim().is_empty())
    }

    fn flag(&self, name: &str, default: bool) -> Result<bool, ConfigError> {
        match self
            .var(name)
            .map(|v| v.trim().to_ascii_lowercase())
            .as_deref()
        {
            None => Ok(default),
            Some("0" | "false" | "no" | "off") => Ok(false),
            Some("1" | "true" | "yes" | "on") => Ok(true),
            Some(other) => Err(invalid(
                name,
                format!("must be true or false, not {other:?}"),
            )),
        }
    }

    /// A whole number from `min` up, or `default` when unset.
    fn number<T>(&self, name: &str, default: T, min: T) -> Result<T, ConfigError>
    where
        T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
    {
        let Some(value) = self.var(name) else {
            return Ok(default);
        };
        match value.trim().parse::<T>() {
            Ok(n) if n >= min => Ok(n),
            _ => Err(invalid(
                name,
                format!("must be a whole number of at least {min}, not {value:?}"),
            )),
        }
    }
}

/// The built site: `LEPTOS_SITE_ROOT`, else `site/` next to the binary's own
/// folder (cargo-leptos puts the binary in target/release and the site in
/// target/site), else `target/site` under the working folder.
fn site_root(env: &Env) -> PathBuf {
    if let Some(root) = env.var("LEPTOS_SITE_ROOT") {
        return PathBuf::from(root);
    }
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(|dir| dir.join("site")));
    match beside_binary {
        Some(dir) if dir.join("pkg").is_dir() => dir,
        _ => PathBuf::from("target/site"),
    }
}

/// The origin (`scheme://host[:port]`, no default port, lower case) of an
/// address, as a browser writes it in `Origin`.
pub fn origin_of(url: &str) -> Option<String> {
    let uri: http::Uri = url.trim().parse().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let host = uri.host()?.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => 443,
        "http" => 80,
        _ => return None,
    };
    Some(match uri.port_u16() {
        Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    })
}

impl Config {
    /// The public address's origin, for the cross-site check.
    pub fn public_origin(&self) -> String {
        origin_of(&self.public_url).unwrap_or_else(|| format!("http://{}", self.addr))
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        let names: Vec<String> = std::env::vars_os()
            .filter_map(|(name, _)| name.into_string().ok())
            .collect();
        Self::from_vars(&names, &|name| std::env::var(name).ok())
    }

    /// The configuration the variables `names` (with values from `get`) give.
    pub fn from_vars(
        names: &[String],
        get: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        if let Some(unknown) = names
            .iter()
            .find(|name| name.starts_with("ACADEMY_") && !KNOWN.contains(&name.as_str()))
        {
            let hint = KNOWN
                .iter()
                .min_by_key(|known| distance(unknown, known))
                .filter(|known| distance(unknown, known) <= 3)
                .map(|known| format!(" (did you mean {known}?)"))
                .unwrap_or_default();
            return Err(invalid(
                unknown,
                format!("not a setting Academy knows{hint}; see academy --help"),
            ));
        }
        let env = Env { get };
        let addr_text = env
            .var("ACADEMY_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr: SocketAddr = addr_text.trim().parse().map_err(|_| {
            invalid(
                "ACADEMY_ADDR",
                format!("{addr_text:?} is not an address like 127.0.0.1:3000"),
            )
        })?;
        let database_url = env
            .var("ACADEMY_DATABASE_URL")
            .unwrap_or_else(|| "data/academy.db".into());
        check_database_url(&database_url)?;
        let public_url = env
            .var("ACADEMY_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{addr}"));
        if origin_of(&public_url).is_none() {
            return Err(invalid(
                "ACADEMY_PUBLIC_URL",
                format!("{public_url:?} is not an http:// or https:// address"),
            ));
        }
        let issuer_email = match env.var("ACADEMY_ISSUER_EMAIL") {
            None => None,
            Some(text) => Some(
                app::domain::email::Email::parse(&text)
                    .map_err(|_| {
                        invalid(
                            "ACADEMY_ISSUER_EMAIL",
                            format!("{text:?} is not an e-mail address"),
                        )
                    })?
                    .as_str()
                    .to_owned(),
            ),
        };
        let cpus = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Ok(Config {
            addr,
            issuer_key: env
                .var("ACADEMY_ISSUER_KEY")
                .map(PathBuf::from)
                .unwrap_or_else(|| key_beside(&database_url)),
            // Served over HTTPS, cookies are Secure unless said otherwise.
            secure_cookies: env
                .flag("ACADEMY_SECURE_COOKIES", public_url.starts_with("https://"))?,
            public_url,
            database_url,
            session_days: env.number("ACADEMY_SESSION_DAYS", 14, 1)?,
            session_idle_minutes: env.number("ACADEMY_SESSION_IDLE_MINUTES", 480, 1)?,
            trust_proxy: env.flag("ACADEMY_TRUST_PROXY", false)?,
            db_readers: env.number("ACADEMY_DB_READERS", 8, 1)?,
            // One core always left to everything else: a login storm must
            // never starve the pages (the benchmark's login scenario).
            hash_concurrency: env.number(
                "ACADEMY_HASH_CONCURRENCY",
                cpus.saturating_sub(1).max(1),
                1,
            )?,
            hash_queue: env.number("ACADEMY_HASH_QUEUE", app::ssr::passwords::DEFAULT_QUEUE, 0)?,
            request_timeout_secs: env.number("ACADEMY_REQUEST_TIMEOUT_SECS", 60, 1)?,
            lookups_per_minute: env.number(
                "ACADEMY_LOOKUPS_PER_MINUTE",
                app::ssr::rate_limit::LOOKUPS_PER_MINUTE,
                1,
            )?,
            registrations_per_hour: env.number(
                "ACADEMY_REGISTRATIONS_PER_HOUR",
                app::ssr::rate_limit::REGISTRATIONS_PER_HOUR,
                1,
            )?,
            password_links_per_hour: env.number(
                "ACADEMY_PASSWORD_LINKS_PER_HOUR",
                app::ssr::rate_limit::PASSWORD_LINKS_PER_HOUR,
                1,
            )?,
            site_root: site_root(&env),
            issuer_name: env
                .var("ACADEMY_ISSUER_NAME")
                .map(|name| name.trim().to_owned())
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| "Academy".into()),
            issuer_email,
        })
    }

    /// A configuration for tests: an ephemeral port and the given database.
    pub fn for_tests(database_url: String) -> Self {
        Config {
            addr: "127.0.0.1:0".parse().expect("valid address"),
            issuer_key: key_beside(&database_url),
            issuer_name: "Academy".into(),
            issuer_email: Some("certification@academy.test".into()),
            public_url: "http://127.0.0.1".into(),
            database_url,
            secure_cookies: false,
            session_days: 14,
            session_idle_minutes: 480,
            trust_proxy: false,
            db_readers: 8,
            hash_concurrency: 2,
            hash_queue: app::ssr::passwords::DEFAULT_QUEUE,
            request_timeout_secs: 60,
            lookups_per_minute: app::ssr::rate_limit::LOOKUPS_PER_MINUTE,
            // Tests register and set passwords by the dozen from one
            // address; those that test these limits set their own.
            registrations_per_hour: 10_000,
            password_links_per_hour: 10_000,
            site_root: PathBuf::from("target/site"),
        }
    }
}

/// Edit distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let names: Vec<String> = vars.iter().map(|(n, _)| n.to_string()).collect();
        let values: Vec<(String, String)> = vars
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        Config::from_vars(&names, &move |name| {
            values
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn the_defaults_serve_a_local_sqlite_file() {
        let config = config(&[]).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.database_url, "data/academy.db");
        assert_eq!(config.issuer_key, PathBuf::from("data/issuer-ed25519.key"));
        assert!(!config.secure_cookies);
    }

    #[test]
    fn a_setting_academy_cannot_use_is_named_with_what_is_wrong() {
        for (vars, variable, says) in [
            (
                vec![("ACADEMY_DATABASE_URL", "postgres://db.example/academy")],
                "ACADEMY_DATABASE_URL",
                "postgres:// databases are not supported",
            ),
            (
                vec![("ACADEMY_DATABASE_URL", "mysql:academy")],
                "ACADEMY_DATABASE_URL",
                "not a database Academy serves",
            ),
            (
                vec![("ACADEMY_ADDR", "localhost")],
                "ACADEMY_ADDR",
                "not an address",
            ),
            (
                vec![("ACADEMY_SESSION_DAYS", "two weeks")],
                "ACADEMY_SESSION_DAYS",
                "whole number",
            ),
            (
                vec![("ACADEMY_DB_READERS", "0")],
                "ACADEMY_DB_READERS",
                "at least 1",
            ),
            (
                vec![("ACADEMY_TRUST_PROXY", "maybe")],
                "ACADEMY_TRUST_PROXY",
                "true or false",
            ),
            (
                vec![("ACADEMY_PUBLIC_URL", "academy.example.org")],
                "ACADEMY_PUBLIC_URL",
                "not an http",
            ),
            (
                vec![("ACADEMY_SESION_DAYS", "14")],
                "ACADEMY_SESION_DAYS",
                "did you mean ACADEMY_SESSION_DAYS",
            ),
        ] {
            let error = config(&vars).unwrap_err();
            assert_eq!(error.variable, variable, "{vars:?}");
            assert!(error.to_string().contains(says), "{vars:?}: {error}");
        }
    }

    #[test]
    fn sqlite_urls_and_windows_style_paths_are_files() {
        for url in [
            "sqlite:data/a.db",
            "sqlite://data/a.db?mode=rwc",
            "data/a.db",
            "/srv/a.db",
        ] {
            let config = config(&[("ACADEMY_DATABASE_URL", url)]).unwrap();
            assert_eq!(config.database_url, url);
        }
        assert_eq!(
            database_file("sqlite://data/a.db?mode=rwc"),
            PathBuf::from("data/a.db")
        );
    }

    #[test]
    fn an_https_public_address_makes_cookies_secure_unless_said_otherwise() {
        let https = [("ACADEMY_PUBLIC_URL", "https://academy.example.org")];
        assert!(config(&https).unwrap().secure_cookies);
        let said = [
            ("ACADEMY_PUBLIC_URL", "https://academy.example.org"),
            ("ACADEMY_SECURE_COOKIES", "false"),
        ];
        assert!(!config(&said).unwrap().secure_cookies);
    }
}
