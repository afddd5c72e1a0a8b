//! Command-line interface.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use trienkhai_app::{App, accounts, demo};
use trienkhai_store::Db;

#[derive(Parser)]
#[command(
    name = "trienkhai",
    version,
    about = "Theo dõi triển khai nghị quyết: from the resolution to the year-end review"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web pages and the API.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(DbArgs),
    /// Build the Ba Tri demo into an empty database and exit.
    Demo(DbArgs),
    /// Write a consistent backup: SQLite through VACUUM INTO (while serving is fine), PostgreSQL
    /// through pg_dump (custom format).
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file to write (must not exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Restore a backup made by `backup`. SQLite: into a data directory without a database (stop
    /// the server first); PostgreSQL: pg_restore into the database of the URL, replacing its
    /// objects.
    Restore {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        from: PathBuf,
    },
    /// Generate a synthetic organisation at benchmark scale into an empty database:
    /// `district` (about 270 units) or `province` (about 3,300 units, 1.5 million values).
    Generate {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value = "district")]
        preset: String,
    },
    /// Measure the roll-up budgets (B1, B2 of PRODUCT.md §7) on a generated database.
    Bench {
        #[command(flatten)]
        db: DbArgs,
        /// The period rolled up.
        #[arg(long, default_value = "2021-06")]
        period: String,
        /// How many times each measure is taken (the median is reported).
        #[arg(long, default_value_t = 15)]
        runs: usize,
    },
    /// Measure the year-end rating budgets (issue 14) on a generated database: the whole
    /// tree's appraised ratings re-read and evaluated, and one person's explanation.
    BenchRatings {
        #[command(flatten)]
        db: DbArgs,
        /// How many previews are timed (the median is reported).
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Measure the criteria overview budget (issue 15): a province of 103 communes assessed
    /// yearly against the 19 new-rural criteria (built on first use), its overview timed.
    BenchCriteria {
        #[command(flatten)]
        db: DbArgs,
        /// How many times each measure is taken (the median is reported).
        #[arg(long, default_value_t = 21)]
        runs: usize,
    },
    /// Print an administrator's API token and session, and the generated plan's ids, as shell
    /// assignments (for scripts/bench-reporting).
    BenchAccess(DbArgs),
    /// The deadline spike (B5): every cell of the generated plan opens, fills and submits its
    /// report through the API of a running server; then checks the database for every value.
    Spike {
        #[command(flatten)]
        db: DbArgs,
        /// The server, e.g. http://127.0.0.1:8080.
        #[arg(long)]
        url: String,
        /// An API token of an account that may report for every cell.
        #[arg(long)]
        token: String,
        /// The period reported (the generated calendar covers it).
        #[arg(long, default_value = "2022-01")]
        period: String,
        /// Submissions in flight at once.
        #[arg(long, default_value_t = 32)]
        concurrency: usize,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; with --admin it administers everything (the first account of a real
    /// installation). The password is read from TRIENKHAI_PASSWORD or standard input.
    Create {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        admin: bool,
    },
}

#[derive(Args, Clone)]
pub struct DbArgs {
    /// Directory for the SQLite database (and later, uploaded files).
    #[arg(long, env = "TRIENKHAI_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Database URL (`postgres://…` or `sqlite://…`); default: SQLite in the data directory.
    #[arg(long, env = "TRIENKHAI_DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DbArgs {
    pub fn url(&self) -> anyhow::Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating {}", self.data_dir.display()))?;
        Ok(format!(
            "sqlite://{}",
            self.data_dir.join("trienkhai.sqlite3").display()
        ))
    }

    /// The SQLite file of the data directory, when no URL is given.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        self.database_url
            .is_none()
            .then(|| self.data_dir.join("trienkhai.sqlite3"))
    }

    pub async fn open(&self) -> anyhow::Result<App> {
        let url = self.url()?;
        let db = Db::open(&url).await.context("opening the database")?;
        tracing::info!(backend = db.backend().as_str(), "database ready");
        let app = App::new(db);
        let added = trienkhai_app::criteria::install_shipped(&app)
            .await
            .context("installing the shipped criteria catalogues")?;
        if added > 0 {
            tracing::info!(added, "criteria catalogues installed");
        }
        Ok(app)
    }
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on.
    #[arg(long, env = "TRIENKHAI_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Build the Ba Tri demo if the database is empty. Refuses a non-loopback address: the demo
    /// accounts have a published password.
    #[arg(long)]
    pub demo: bool,
    /// With `--demo`: play the demo on this day of its story (dd/mm/yyyy, e.g. 03/05/2021, when
    /// the communes' April reports are due). The clock starts at 09:00 that day, Vietnam time,
    /// and runs from there.
    #[arg(long, requires = "demo", value_parser = parse_day)]
    pub demo_day: Option<chrono::NaiveDate>,
    /// Mark cookies Secure (serve behind HTTPS).
    #[arg(long, env = "TRIENKHAI_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Where reminder digests are mailed: `smtp://[user[:password]@]host[:port][?tls=starttls|wrapper]`.
    /// Without it, reminders are in-app (and webhooks) only.
    #[arg(long, env = "TRIENKHAI_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of reminder digests.
    #[arg(
        long,
        env = "TRIENKHAI_SMTP_FROM",
        default_value = "trienkhai <noreply@localhost>"
    )]
    pub smtp_from: String,
    /// How often (seconds) the background jobs run; 0 turns them off on this instance.
    #[arg(long, env = "TRIENKHAI_JOBS_EVERY", default_value_t = 60)]
    pub jobs_every: u64,
    /// The hour (Vietnam time) from which the day's reminders are worked out.
    #[arg(long, env = "TRIENKHAI_REMINDER_HOUR", default_value_t = 7)]
    pub reminder_hour: u32,
    /// Reverse proxies (addresses, comma-separated) whose `X-Forwarded-For` names the client:
    /// login throttling and `/metrics` then judge the client, not the proxy.
    #[arg(
        long = "trusted-proxy",
        env = "TRIENKHAI_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// A bearer token that opens `/metrics` to hosts other than this one (loopback always may).
    #[arg(long, env = "TRIENKHAI_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Seconds a client has to send a request's headers, from connecting or from its previous
    /// answer: slow and idle connections are closed after it.
    #[arg(long, env = "TRIENKHAI_HEADER_TIMEOUT", default_value_t = 15)]
    pub header_timeout: u64,
    /// Connections open at once (default: the file limit less room for the database and files).
    #[arg(long, env = "TRIENKHAI_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => crate::serve::serve(args).await,
        Command::Migrate(db) => {
            db.open().await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Demo(db) => {
            let app = db.open().await?;
            build_demo(&app).await
        }
        Command::Generate { db, preset } => {
            let preset = trienkhai_app::generate::Preset::parse(&preset)
                .map_err(|_| anyhow::anyhow!("--preset is district or province"))?;
            let app = db.open().await?;
            if !demo::is_empty(&app)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
            {
                bail!("the database already has units: generate into an empty one");
            }
            let started = std::time::Instant::now();
            let actor = trienkhai_app::Actor::system("generate", app.today());
            let g = trienkhai_app::generate::generate(&app, &actor, preset)
                .await
                .map_err(|e| anyhow::anyhow!("generating: {e}"))?;
            println!(
                "{}: {} units, {} persons, {} targets, {} values, {} work items, {} reports, \
                 {} registrations with {} items ({} assessed), {} study sessions, {} ratings \
                 in {:.1} s",
                preset.name,
                g.units,
                g.persons,
                g.targets,
                g.actuals,
                g.work_items,
                g.reports,
                g.people.registrations,
                g.people.registration_items,
                g.people.assessments,
                g.people.study_sessions,
                g.people.ratings,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Bench { db, period, runs } => {
            let app = db.open().await?;
            crate::bench::run(&app, &period, runs).await
        }
        Command::BenchRatings { db, runs } => {
            let app = db.open().await?;
            crate::bench_ratings::run(&app, runs).await
        }
        Command::BenchCriteria { db, runs } => {
            let app = db.open().await?;
            crate::bench_criteria::run(&app, runs).await
        }
        Command::BenchAccess(db) => {
            let app = db.open().await?;
            crate::load::bench_access(&app).await
        }
        Command::Spike {
            db,
            url,
            token,
            period,
            concurrency,
        } => {
            let app = db.open().await?;
            crate::load::spike(&app, &url, &token, &period, concurrency).await
        }
        Command::Backup { db, to } => crate::backup::backup(&db, &to).await,
        Command::Restore { db, from } => crate::backup::restore(&db, &from).await,
        Command::User {
            command:
                UserCommand::Create {
                    db,
                    username,
                    display_name,
                    admin,
                },
        } => {
            if !admin {
                bail!(
                    "only --admin accounts are created here; grant other roles in the web pages or the API"
                );
            }
            let password = match std::env::var("TRIENKHAI_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("Password (at least 8 characters), then Enter:");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let app = db.open().await?;
            let name = display_name.unwrap_or_else(|| username.clone());
            let id = accounts::bootstrap_admin(&app, &username, &name, &password)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e}", e.code()))?;
            let username = trienkhai_app::auth::normalize_username(&username)
                .map_err(|e| anyhow::anyhow!("{}", e.code()))?;
            println!("created administrator {username} (account {id})");
            Ok(())
        }
    }
}

pub async fn build_demo(app: &App) -> anyhow::Result<()> {
    if !demo::is_empty(app)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        tracing::info!("database already has data: demo not rebuilt");
        return Ok(());
    }
    let started = std::time::Instant::now();
    let summary = demo::build(app)
        .await
        .map_err(|e| anyhow::anyhow!("building the demo: {e}"))?;
    tracing::info!(
        units = summary.units,
        persons = summary.persons,
        study_sessions = summary.study_sessions,
        commitments = summary.commitments,
        registrations = summary.registrations,
        ratings = summary.ratings,
        criteria_assessments = summary.criteria_assessments,
        accounts = summary.accounts,
        ms = started.elapsed().as_millis() as u64,
        "demo built"
    );
    Ok(())
}

/// A day as people write it, dd/mm/yyyy.
fn parse_day(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%d/%m/%Y")
        .map_err(|_| format!("{s:?} is not a day written dd/mm/yyyy"))
}
