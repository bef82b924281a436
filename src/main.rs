//! The `spectra` command.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    spectra::cli::run().await
}
