//! `saffron merge`: combine the JSON reports of `saffron verify --shard K/N`
//! jobs into the report of the whole run.
use saffron_verifier::{merge, report};
use anyhow::Context as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// JSON reports written by `saffron verify --json`, one per shard.
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    /// Also write the deterministic results ledger of the whole run to FILE.
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
}

/// Prints the merged JSON report; exit 1 when it holds a counterexample or
/// an error, as `saffron verify` would have.
pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let mut texts = Vec::new();
    for p in &a.reports {
        let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        texts.push((p.display().to_string(), text));
    }
    let merged = merge::merge(&texts)?;
    let units: Vec<serde_json::Value> = match &merged {
        serde_json::Value::Array(a) => a.clone(),
        one => vec![one.clone()],
    };
    if let Some(path) = &a.ledger {
        let text = report::ledger_of_json(&units).context("merged report")?;
        report::write_atomically(path, &text).with_context(|| format!("writing {}", path.display()))?;
    }
    println!("{}", serde_json::to_string_pretty(&merged)?);
    let failed: u64 = units.iter().map(|u| u["summary"]["failed"].as_u64().unwrap_or(0)).sum();
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
