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
    Demo,
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
    /// Check a signed certificate credential (JSON) offline: the signature,
    /// that the issuer's key made it, and its validity dates. Exits 1 if
    /// any check fails.
    Verify {
        /// The credential file.
        file: std::path::PathBuf,
        /// The issuer's published DID document (a saved copy of
        /// /.well-known/did.json); without it, the key this server signs with.
        #[arg(long)]
        did: Option<std::path::PathBuf>,
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
        Command::Demo => {
            let db = open(&config).await?;
            let report = crate::demo::load(&db, &Hasher::new(config.hash_concurrency)).await?;
            println!("{report}");
            Ok(())
        }
        Command::Verify { file, did } => {
            let report = verify_file(
                &config,
                &file,
                did.as_deref(),
                time::OffsetDateTime::now_utc(),
            )?;
            println!("{}", report.text);
            if report.passed {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
    }
}

/// What `academy verify` found, as it prints it.
pub struct VerifyReport {
    pub passed: bool,
    pub text: String,
}

/// Checks the credential in `file` at `now` against the issuer's published
/// DID document in `did`, or else the configured issuer key (the same file
/// the server signs with).
pub fn verify_file(
    config: &Config,
    file: &std::path::Path,
    did: Option<&std::path::Path>,
    now: time::OffsetDateTime,
) -> anyhow::Result<VerifyReport> {
    use app::ssr::credentials::{self, Issuer};
    use app::ssr::signing::IssuerKey;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let Ok(credential) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Ok(VerifyReport {
            passed: false,
            text: format!("{}: not JSON — not a credential", file.display()),
        });
    };
    let check = match did {
        Some(did) => {
            let document: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(did)
                    .with_context(|| format!("reading {}", did.display()))?,
            )
            .with_context(|| format!("{} is not a DID document (JSON)", did.display()))?;
            let (key, method) = credentials::published_key(&document)
                .map_err(|why| anyhow::anyhow!("{}: {why}", did.display()))?;
            let mut check = credentials::check_with(&credential, &key, &method, now);
            // The document vouches only for credentials naming it as issuer.
            let claimed = credential["issuer"]["id"].as_str().unwrap_or_default();
            if check.issuer_key.is_ok() && claimed != document["id"].as_str().unwrap_or("?") {
                check.issuer_key = Err(format!(
                    "issued in the name of {claimed}, not of {}",
                    document["id"].as_str().unwrap_or("?")
                ));
            }
            check
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
            credentials::check(&credential, &issuer, now)
        }
    };
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
    let text = [
        format!("{} — {number}, {holder}", file.display()),
        line("signature", &check.signature),
        line("issuer key", &check.issuer_key),
        line("dates", &check.dates),
        // Suspension and revocation happen after signing: only the issuer
        // knows the status today.
        format!(
            "  {:<11} not checked offline; see {}",
            "status",
            credential["credentialStatus"]["id"]
                .as_str()
                .unwrap_or("the issuer's verification page")
        ),
        if check.passed() {
            "VALID credential".to_owned()
        } else {
            "NOT a valid credential".to_owned()
        },
    ]
    .join("\n");
    Ok(VerifyReport {
        passed: check.passed(),
        text,
    })
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
