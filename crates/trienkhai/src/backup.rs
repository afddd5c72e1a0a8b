//! Backup and restore (C18). SQLite: `VACUUM INTO` writes a consistent copy while the server
//! runs; restoring copies it into an empty data directory and checks it opens and migrates.
//! PostgreSQL: the standard `pg_dump` / `pg_restore` in custom format, which every PostgreSQL
//! operator already knows and trusts, rather than a format of our own.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};
use trienkhai_store::{Backend, Db};

use crate::cli::DbArgs;

pub async fn backup(db: &DbArgs, to: &Path) -> anyhow::Result<()> {
    if to.exists() {
        bail!("{} already exists: choose a new file", to.display());
    }
    let url = db.url()?;
    match Backend::from_url(&url)? {
        Backend::Sqlite => {
            let db = Db::connect(&url).await.context("opening the database")?;
            db.backup_sqlite_into(to)
                .await
                .context("writing the backup")?;
            db.close().await;
        }
        Backend::Postgres => run(
            "pg_dump",
            &[
                "--format=custom",
                "--no-owner",
                "--file",
                &to.to_string_lossy(),
                &url,
            ],
        )?,
    }
    println!("backup written to {}", to.display());
    Ok(())
}

pub async fn restore(db: &DbArgs, from: &Path) -> anyhow::Result<()> {
    if !from.is_file() {
        bail!("{} is not a backup file", from.display());
    }
    let url = db.url()?;
    match (Backend::from_url(&url)?, db.sqlite_file()) {
        (Backend::Sqlite, Some(file)) => {
            if file.exists() {
                bail!(
                    "{} already holds a database: restore into an empty data directory",
                    file.display()
                );
            }
            std::fs::copy(from, &file).with_context(|| format!("copying to {}", file.display()))?;
        }
        (Backend::Sqlite, None) => bail!("restore a SQLite backup with --data-dir, not a URL"),
        (Backend::Postgres, _) => run(
            "pg_restore",
            &[
                "--clean",
                "--if-exists",
                "--no-owner",
                "--dbname",
                &url,
                &from.to_string_lossy(),
            ],
        )?,
    }
    // The restored database must open and migrate like any other.
    let app = db.open().await.context("opening the restored database")?;
    app.db.ping().await?;
    // Instances still serving the database learn that everything changed.
    app.db.announce_change().await?;
    app.db.close().await;
    println!("restored from {}", from.display());
    Ok(())
}

fn run(program: &str, args: &[&str]) -> anyhow::Result<()> {
    let status = Command::new(program)
        .args(args)
        .status()
        .with_context(|| format!("running {program} (install the PostgreSQL client tools)"))?;
    if !status.success() {
        bail!("{program} failed ({status})");
    }
    Ok(())
}
