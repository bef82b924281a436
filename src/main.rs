//! The `spectra` command.

#![forbid(unsafe_code)]

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    spectra::cli::run().await
}
