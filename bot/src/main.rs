//! The `warroom` binary: parse the command line, run, exit with a status.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    warroom::cli::run(warroom::cli::Cli::parse())
}
