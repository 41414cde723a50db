//! The command line: `academy serve | migrate | create-admin | demo | verify`.

use crate::config::{Config, ENV_HELP};
use anyhow::{bail, Context};
use app::domain::{Email, Password, PersonName, Role};
use app::ssr::db::{self, users, Db};
use app::ssr::passwords::Hasher;
use clap::{Parser, Subcommand};
use std::io::Read;

#[derive(Parser)]
#[command(name = "academy", version, about = "Training and certification of auditors", after_help = ENV_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application (applies pending migrations first).
    Serve,
    /// Create or update the database schema, then exit.
    Migrate,
    /// Create an administrator. The password comes from ACADEMY_ADMIN_PASSWORD
    /// or standard input, never from the command line.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
    /// Load the demo world (demo accounts and data); does nothing if loaded.
    Demo {
        /// Also load a national-scale world on top (1 = 100,000 trainees,
        /// 2,000 classes, 100,000 certificates, 1,000,000 audit entries).
        #[arg(long)]
        scale: Option<f64>,
    },
    /// Copy the database to FILE while the server runs (a consistent copy,
    /// checked after writing).
    Backup {
        /// Where to write the copy (must not exist).
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Put a backup in place of the database. The server must be stopped;
    /// the file must pass SQLite's integrity check; the database it
    /// replaces is kept beside it.
    Restore {
        /// The backup to restore.
        file: std::path::PathBuf,
    },
    /// Check a signed certificate credential (JSON): the signature, that
    /// the issuer's key made it, its validity dates, and — fetched from the
    /// status lists it names — whether it was revoked or suspended since.
    /// Exits 1 if any check fails, 3 if only the status could not be
    /// fetched (the output says which list and why).
    Verify {
        /// The credential file.
        file: std::path::PathBuf,
        /// The issuer's published DID document (a saved copy of
        /// /.well-known/did.json); without it, the key this server signs with.
        #[arg(long)]
        did: Option<std::path::PathBuf>,
        /// Do not fetch the status lists: signature, key and dates only.
        #[arg(long)]
        offline: bool,
    },
}

pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    crate::telemetry::init();
    // A setting Academy cannot use: say which and why, exit 2, touch nothing.
    let config = Config::from_env().unwrap_or_else(|error| refuse(&error));
    let outcome = command(cli, config).await;
    if let Err(error) = &outcome {
        if let Some(config_error) = error.downcast_ref::<crate::config::ConfigError>() {
            refuse(config_error);
        }
    }
    outcome
}

fn refuse(error: &crate::config::ConfigError) -> ! {
    eprintln!("academy: {error}");
    std::process::exit(2)
}

async fn command(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve => crate::serve(config).await,
        Command::Migrate => {
            open(&config).await?;
            println!("database {} is up to date", config.database_url);
            Ok(())
        }
        Command::CreateAdmin { email, name } => create_admin(&config, &email, &name).await,
        Command::Backup { to } => {
            let database = crate::config::database_file(&config.database_url);
            let summary = crate::backup::backup(&database, &to).await?;
            println!(
                "backed up {} to {}: {summary}",
                database.display(),
                to.display()
            );
            Ok(())
        }
        Command::Restore { file } => {
            let database = crate::config::database_file(&config.database_url);
            let summary = crate::backup::restore(&database, &file).await?;
            println!(
                "restored {} from {}: {summary}",
                database.display(),
                file.display()
            );
            Ok(())
        }
        Command::Demo { scale } => {
            // A bad scale is refused before anything is loaded.
            if let Some(scale) = scale {
                crate::demo::scale::check(scale)?;
            }
            let db = open(&config).await?;
            let report = crate::demo::load(&db, &Hasher::new(config.hash_concurrency)).await?;
            println!("{report}");
            if let Some(scale) = scale {
                println!("{}", crate::demo::scale::load(&db, scale).await?);
            }
            Ok(())
        }
        Command::Verify { file, did, offline } => {
            let report = verify_file(
                &config,
                &file,
                did.as_deref(),
                offline,
                time::OffsetDateTime::now_utc(),
            )
            .await?;
            println!("{}", report.text);
            match (report.passed, report.status_checked) {
                (true, true) => Ok(()),
                (true, false) if offline => Ok(()),
                (true, false) => std::process::exit(3),
                (false, _) => std::process::exit(1),
            }
        }
    }
}

/// What `academy verify` found, as it prints it.
pub struct VerifyReport {
    /// The signature, the issuer's key, the dates — and the status, when
    /// it could be checked — are all good.
    pub passed: bool,
    /// Whether the status lists were reached and read.
    pub status_checked: bool,
    pub text: String,
}

/// Checks the credential in `file` at `now` against the issuer's published
/// DID document in `did`, or else the configured issuer key (the same file
/// the server signs with); then, unless `offline`, its status in the status
/// lists it names, each checked as signed by the same issuer.
pub async fn verify_file(
    config: &Config,
    file: &std::path::Path,
    did: Option<&std::path::Path>,
    offline: bool,
    now: time::OffsetDateTime,
) -> anyhow::Result<VerifyReport> {
    use app::ssr::credentials::{self, Issuer};
    use app::ssr::signing::IssuerKey;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let Ok(credential) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Ok(VerifyReport {
            passed: false,
            status_checked: false,
            text: format!("{}: not JSON — not a credential", file.display()),
        });
    };
    // The issuer's key, the method that names it, and the DID it belongs to.
    let (key, method, issuer_did) = match did {
        Some(did) => {
            let document: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(did)
                    .with_context(|| format!("reading {}", did.display()))?,
            )
            .with_context(|| format!("{} is not a DID document (JSON)", did.display()))?;
            let (key, method) = credentials::published_key(&document)
                .map_err(|why| anyhow::anyhow!("{}: {why}", did.display()))?;
            let id = document["id"].as_str().unwrap_or("?").to_owned();
            (key, method, id)
        }
        None => {
            if !config.issuer_key.exists() {
                bail!(
                    "no issuer key at {} (give the issuer's DID document with --did, or set \
                     ACADEMY_ISSUER_KEY to the key the server signs with)",
                    config.issuer_key.display()
                );
            }
            let key = IssuerKey::load_or_create(&config.issuer_key)?;
            let issuer = Issuer::new(key, &config.public_url, "Academy");
            (
                issuer.key.public(),
                issuer.verification_method(),
                issuer.did,
            )
        }
    };
    let mut check = credentials::check_with(&credential, &key, &method, now);
    // The key vouches only for credentials naming its DID as issuer.
    let claimed = credential["issuer"]["id"].as_str().unwrap_or_default();
    if check.issuer_key.is_ok() && claimed != issuer_did {
        check.issuer_key = Err(format!(
            "issued in the name of {claimed}, not of {issuer_did}"
        ));
    }
    let line = |name: &str, result: &Result<(), String>| match result {
        Ok(()) => format!("  {name:<11} ok"),
        Err(why) => format!("  {name:<11} FAILED: {why}"),
    };
    let number = credential["credentialSubject"]["identifier"][0]["identityHash"]
        .as_str()
        .unwrap_or("?");
    let holder = credential["credentialSubject"]["name"]
        .as_str()
        .unwrap_or("?");
    let mut lines = vec![
        format!("{} — {number}, {holder}", file.display()),
        line("signature", &check.signature),
        line("issuer key", &check.issuer_key),
        line("dates", &check.dates),
    ];
    let (status_ok, status_checked) = if offline {
        lines.push(format!("  {:<11} not checked (--offline)", "status"));
        (true, false)
    } else {
        let statuses = check_status(&credential, &key, &method, &issuer_did, now).await;
        let mut ok = true;
        let mut checked = !statuses.is_empty();
        if statuses.is_empty() {
            lines.push(format!(
                "  {:<11} not checked: the credential names no status list",
                "status"
            ));
        }
        for (purpose, outcome) in statuses {
            match outcome {
                StatusOutcome::Clear => {
                    lines.push(format!("  {purpose:<11} ok (not {})", past(&purpose)))
                }
                StatusOutcome::Set => {
                    ok = false;
                    lines.push(format!(
                        "  {purpose:<11} FAILED: the certificate is {}",
                        past(&purpose)
                    ));
                }
                StatusOutcome::Invalid(why) => {
                    ok = false;
                    lines.push(format!("  {purpose:<11} FAILED: {why}"));
                }
                StatusOutcome::Unreachable(why) => {
                    checked = false;
                    lines.push(format!("  {purpose:<11} NOT CHECKED: {why}"));
                }
            }
        }
        (ok, checked)
    };
    let passed = check.passed() && status_ok;
    lines.push(match (passed, status_checked) {
        (true, true) => "VALID credential".to_owned(),
        (true, false) => {
            "VALID signature and dates; its status (revoked? suspended?) was NOT checked".to_owned()
        }
        (false, _) => "NOT a valid credential".to_owned(),
    });
    Ok(VerifyReport {
        passed,
        status_checked,
        text: lines.join("\n"),
    })
}

fn past(purpose: &str) -> &'static str {
    match purpose {
        "revocation" => "revoked",
        "suspension" => "suspended",
        _ => "flagged",
    }
}

/// What one status entry of a credential said.
enum StatusOutcome {
    /// The bit is clear: not revoked (not suspended).
    Clear,
    /// The bit is set.
    Set,
    /// The list was fetched but cannot be trusted or read.
    Invalid(String),
    /// The list could not be fetched.
    Unreachable(String),
}

/// Each Bitstring Status List entry of `credential`, looked up in its list:
/// fetched, checked as signed by the same issuer key and in its validity
/// period, for the same purpose.
async fn check_status(
    credential: &serde_json::Value,
    key: &ed25519_dalek::VerifyingKey,
    method: &str,
    issuer_did: &str,
    now: time::OffsetDateTime,
) -> Vec<(String, StatusOutcome)> {
    use app::ssr::{credentials, status_list};
    let entries = match status_list::entries_of(credential) {
        Ok(entries) => entries,
        Err(why) => return vec![("status".into(), StatusOutcome::Invalid(why))],
    };
    let client = match reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(15))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            return vec![(
                "status".into(),
                StatusOutcome::Unreachable(format!("no HTTP client: {error}")),
            )]
        }
    };
    let mut outcomes = Vec::new();
    for entry in entries {
        let url = &entry.list_credential;
        let fetched = async {
            let response = client
                .get(url)
                .send()
                .await
                .map_err(|e| format!("could not reach {url}: {e}"))?;
            if !response.status().is_success() {
                return Err(format!("{url} answered {}", response.status()));
            }
            response
                .json::<serde_json::Value>()
                .await
                .map_err(|e| format!("{url} did not answer JSON: {e}"))
        }
        .await;
        let outcome = match fetched {
            Err(why) => StatusOutcome::Unreachable(why),
            Ok(list) => {
                let signed = credentials::check_with(&list, key, method, now);
                if let Err(why) = signed.signature.and(signed.issuer_key) {
                    StatusOutcome::Invalid(format!(
                        "the status list at {url} is not the issuer's: {why}"
                    ))
                } else if list["issuer"].as_str() != Some(issuer_did) {
                    StatusOutcome::Invalid(format!("the status list at {url} names another issuer"))
                } else {
                    match status_list::status_in(&entry, &list, now) {
                        Ok(true) => StatusOutcome::Set,
                        Ok(false) => StatusOutcome::Clear,
                        Err(why) => StatusOutcome::Invalid(why),
                    }
                }
            }
        };
        outcomes.push((entry.purpose, outcome));
    }
    outcomes
}

async fn open(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(&config.database_url, 2)
        .await
        .with_context(|| format!("opening the database {}", config.database_url))?;
    db.migrate().await.context("applying migrations")?;
    Ok(db)
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("ACADEMY_ADMIN_PASSWORD") {
        return Ok(password);
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading the password from standard input")?;
    // A trailing newline from `echo` or a terminal is not part of the password.
    Ok(input.trim_end_matches(['\n', '\r']).to_owned())
}

async fn create_admin(config: &Config, email: &str, name: &str) -> anyhow::Result<()> {
    let email = Email::parse(email)
        .map_err(|p| anyhow::anyhow!("--email: {}", app::i18n::Lang::En.problem(p)))?;
    let name = PersonName::parse(name)
        .map_err(|p| anyhow::anyhow!("--name: {}", app::i18n::Lang::En.problem(p)))?;
    let password = read_password()?;
    let password = Password::parse(&password, Some(&email))
        .map_err(|p| anyhow::anyhow!("password: {}", app::i18n::Lang::En.problem(p)))?;
    let db = open(config).await?;
    if users::id_by_email(&db.reader, email.as_str())
        .await?
        .is_some()
    {
        bail!("an account with the email {email} already exists");
    }
    let hash = Hasher::new(1).hash(password.expose().to_owned()).await?;
    let now = db::now();
    let mut tx = db.begin_write().await?;
    let id = users::insert(
        &mut tx,
        &users::NewUser {
            email: email.as_str(),
            name: name.as_str(),
            password_hash: &hash,
            role: Role::Administrator,
            organisation: "",
            province: None,
            industry: None,
        },
        now,
    )
    .await?;
    db::audit::record(
        &mut tx,
        db::audit::Event {
            actor_id: None,
            action: "create_account",
            subject: format!("user:{id}"),
            detail: serde_json::json!({ "role": "administrator", "via": "command line" }),
            ip: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    println!("administrator {email} created (id {id})");
    Ok(())
}
