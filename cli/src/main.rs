//! The `saffron` command line. Each module holds one subcommand's clap
//! arguments and a `run` function over library calls; nothing else.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod fuzz;
mod merge;
mod prove;
mod recheck;
mod run;
mod verify;
mod wast;

/// Saffron: checkable correctness for Cranelift, the WebAssembly-to-native compiler.
#[derive(Parser, Debug)]
#[command(name = "saffron", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run WebAssembly script (.wast) files or directories of them.
    Wast(wast::Args),
    /// Run a module (.wasm or .wat), optionally invoking an export.
    Run(run::Args),
    /// Verify Cranelift ISLE rules against their specs.
    Verify(verify::Args),
    /// Differential fuzzing campaign (no libFuzzer needed).
    Fuzz(fuzz::Args),
    /// Combine the JSON reports of `verify --shard K/N` jobs.
    Merge(merge::Args),
    /// Solve the certificates of `verify --certify --certificates DIR` again.
    Recheck(recheck::Args),
    /// Prove that exported functions cannot trap (or find inputs that make them trap).
    Prove(prove::Args),
}

/// Exit code for bad input (unreadable, malformed or invalid files, bad flags).
pub const EXIT_BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Wast(a) => wast::run(a),
        Command::Run(a) => run::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Fuzz(a) => fuzz::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Recheck(a) => recheck::run(a),
        Command::Prove(a) => prove::run(a),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}
