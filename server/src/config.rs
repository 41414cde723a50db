//! Configuration from `ACADEMY_*` environment variables, with defaults that
//! run a local server out of the box.

use anyhow::{bail, Context};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Shown by `academy --help`.
pub const ENV_HELP: &str = "\
Environment variables (all optional):
  ACADEMY_ADDR             listen address                      [default: 127.0.0.1:3000]
  ACADEMY_DATABASE_URL     SQLite file or sqlite: URL          [default: data/academy.db]
  ACADEMY_SECURE_COOKIES   send cookies only over HTTPS        [default: true if ACADEMY_PUBLIC_URL is https]
  ACADEMY_SESSION_DAYS     days a session lasts                [default: 14]
  ACADEMY_TRUST_PROXY      take client addresses from X-Forwarded-For [default: false]
  ACADEMY_DB_READERS       reader connections                  [default: 8]
  ACADEMY_HASH_CONCURRENCY password hashes computed at once    [default: number of CPUs]
  ACADEMY_LOG              log filter (tracing syntax)         [default: info]
  ACADEMY_ADMIN_PASSWORD   password for `create-admin` (else read from stdin)
  ACADEMY_ISSUER_KEY       Ed25519 seed (base64) that signs certificates; created on first start
                           [default: issuer-ed25519.key beside the database]
  ACADEMY_PUBLIC_URL       the address the public reaches, for did:web and verification links
                           [default: http:// + ACADEMY_ADDR]
  LEPTOS_SITE_ROOT         the built site (JS, wasm, CSS)      [default: ../site beside the binary, else target/site]";

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub database_url: String,
    pub secure_cookies: bool,
    pub session_days: i64,
    pub trust_proxy: bool,
    pub db_readers: u32,
    pub hash_concurrency: usize,
    pub site_root: PathBuf,
    pub issuer_key: PathBuf,
    pub public_url: String,
}

/// The issuer key's default place: beside the database file.
fn key_beside(database_url: &str) -> PathBuf {
    let path = database_url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    std::path::Path::new(path)
        .parent()
        .map(|dir| dir.join("issuer-ed25519.key"))
        .unwrap_or_else(|| PathBuf::from("issuer-ed25519.key"))
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn flag(name: &str) -> anyhow::Result<bool> {
    match var(name).as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("0" | "false" | "no" | "off") => Ok(false),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some(other) => bail!("{name} must be true or false, not {other:?}"),
    }
}

fn number<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(value) => value
            .trim()
            .parse()
            .map_err(|e| anyhow::anyhow!("{name}={value:?}: {e}")),
    }
}

/// The built site: `LEPTOS_SITE_ROOT`, else `site/` next to the binary's own
/// folder (cargo-leptos puts the binary in target/release and the site in
/// target/site), else `target/site` under the working folder.
fn site_root() -> PathBuf {
    if let Some(root) = var("LEPTOS_SITE_ROOT") {
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

    pub fn from_env() -> anyhow::Result<Self> {
        let addr = var("ACADEMY_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let cpus = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        let database_url = var("ACADEMY_DATABASE_URL").unwrap_or_else(|| "data/academy.db".into());
        let public_url = var("ACADEMY_PUBLIC_URL").unwrap_or_else(|| format!("http://{addr}"));
        // Served over HTTPS, cookies are Secure unless said otherwise.
        let secure_cookies = match var("ACADEMY_SECURE_COOKIES") {
            Some(_) => flag("ACADEMY_SECURE_COOKIES")?,
            None => public_url.starts_with("https://"),
        };
        Ok(Config {
            addr: addr.parse().with_context(|| {
                format!("ACADEMY_ADDR={addr:?} is not an address like 127.0.0.1:3000")
            })?,
            issuer_key: var("ACADEMY_ISSUER_KEY")
                .map(PathBuf::from)
                .unwrap_or_else(|| key_beside(&database_url)),
            public_url,
            database_url,
            secure_cookies,
            session_days: number("ACADEMY_SESSION_DAYS", 14)?,
            trust_proxy: flag("ACADEMY_TRUST_PROXY")?,
            db_readers: number("ACADEMY_DB_READERS", 8)?,
            hash_concurrency: number("ACADEMY_HASH_CONCURRENCY", cpus)?,
            site_root: site_root(),
        })
    }

    /// A configuration for tests: an ephemeral port and the given database.
    pub fn for_tests(database_url: String) -> Self {
        Config {
            addr: "127.0.0.1:0".parse().expect("valid address"),
            issuer_key: key_beside(&database_url),
            public_url: "http://127.0.0.1".into(),
            database_url,
            secure_cookies: false,
            session_days: 14,
            trust_proxy: false,
            db_readers: 8,
            hash_concurrency: 2,
            site_root: PathBuf::from("target/site"),
        }
    }
}
