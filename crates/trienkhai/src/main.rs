//! The `trienkhai` binary: one program that serves the web and the API, migrates, builds the
//! demo and creates the first administrator. Configuration comes from flags or the matching
//! `TRIENKHAI_*` environment variables.

mod backup;
mod bench;
mod bench_criteria;
mod bench_ratings;
mod cli;
mod load;
mod serve;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    serve::init_logging();
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "failed");
            eprintln!("trienkhai: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
