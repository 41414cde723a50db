//! The command line: `academy serve | migrate | create-admin | demo`.

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
}

pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    crate::telemetry::init();
    let config = Config::from_env()?;
    match cli.command {
        Command::Serve => crate::serve(config).await,
        Command::Migrate => {
            open(&config).await?;
            println!("database {} is up to date", config.database_url);
            Ok(())
        }
        Command::CreateAdmin { email, name } => create_admin(&config, &email, &name).await,
        Command::Demo => {
            let db = open(&config).await?;
            let report = crate::demo::load(&db, &Hasher::new(config.hash_concurrency)).await?;
            println!("{report}");
            Ok(())
        }
    }
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
