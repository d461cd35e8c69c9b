//! `saffron recheck DIR`: solve the certificates written by `saffron verify
//! --certify --certificates DIR` again, offline.
use saffron_verifier::recheck::{self, FileVerdict, Rechecker};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Directory of `*.smt2` certificates.
    pub dir: PathBuf,
    /// Your own solver, run as `CMD FILE` (split on spaces); the last line
    /// of its output must be `unsat`. Default: Z3 (built in) and cvc5.
    #[arg(long, value_name = "CMD")]
    pub solver: Option<String>,
    /// Time limit per built-in solver per file, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub timeout: f64,
    /// Print the results as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Exit 0 when every certificate is confirmed, 1 on any disagreement, 2 when
/// a file is not a certificate or a solver could not decide one.
pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    if !(a.timeout > 0.0 && a.timeout.is_finite()) {
        anyhow::bail!("--timeout must be a positive number of seconds");
    }
    let who = match &a.solver {
        None => Rechecker::BuiltIn,
        Some(cmd) => {
            let argv: Vec<String> = cmd.split_whitespace().map(String::from).collect();
            if argv.is_empty() {
                anyhow::bail!("--solver needs a command");
            }
            Rechecker::Command(argv)
        }
    };
    let results = recheck::recheck_dir(&a.dir, &who, Duration::from_secs_f64(a.timeout))?;
    let count = |v: FileVerdict| results.iter().filter(|r| r.verdict == v).count();
    if a.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        for r in results.iter().filter(|r| r.verdict != FileVerdict::Confirmed) {
            let answers: Vec<String> = r.answers.iter().map(|(s, a)| format!("{s}: {a:?}")).collect();
            println!("{}: {:?} {}", r.path.display(), r.verdict, answers.join(", "));
        }
        println!(
            "{} confirmed, {} disagreements, {} unconfirmed, {} not certificates",
            count(FileVerdict::Confirmed),
            count(FileVerdict::Disagreement),
            count(FileVerdict::Unconfirmed),
            count(FileVerdict::NotACertificate)
        );
    }
    Ok(if count(FileVerdict::Disagreement) > 0 {
        ExitCode::from(1)
    } else if count(FileVerdict::Confirmed) < results.len() {
        ExitCode::from(crate::EXIT_BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    })
}
