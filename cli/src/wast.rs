//! `saffron wast`: run WebAssembly script files against Saffron's interpreter.
use saffron_semantics::script::{self, ScriptOptions, ScriptReport};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exit status: 0 when no directive failed, 1 when some failed, 2 for unreadable paths."
)]
pub struct Args {
    /// Script files (*.wast) or directories holding them (not recursive).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print a JSON report to stdout instead of the table.
    #[arg(long)]
    pub json: bool,
    /// List each failing directive (line and reason) under its script.
    #[arg(long)]
    pub failures: bool,
    /// Worker threads (default: the number of CPUs).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Fuel per invocation, so a runaway loop fails instead of hanging; 0 = unlimited.
    #[arg(long, value_name = "N", default_value_t = ScriptOptions::default().fuel_per_invoke.unwrap_or(0))]
    pub fuel: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let files = match script::collect_wast_files(&args.paths) {
        Ok(files) => files,
        Err((path, e)) => {
            eprintln!("error: {}: {e}", path.display());
            return Ok(ExitCode::from(super::EXIT_BAD_INPUT));
        }
    };
    // Explicitly named files must be readable: that is bad input, not a test failure.
    for file in &files {
        if let Err(e) = std::fs::File::open(file) {
            eprintln!("error: {}: {e}", file.display());
            return Ok(ExitCode::from(super::EXIT_BAD_INPUT));
        }
    }
    let options = ScriptOptions {
        fuel_per_invoke: (args.fuel != 0).then_some(args.fuel),
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));

    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(files.len() as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} scripts {msg}")
        {
            bar.set_style(style);
        }
        bar
    });
    let on_done = |report: &ScriptReport| {
        if let Some(bar) = &progress {
            bar.set_message(file_name(report));
            bar.inc(1);
        }
    };
    let reports = script::run_script_files(&files, &options, jobs, &on_done);
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }

    let totals = Totals::of(&reports);
    let printed = if args.json {
        serde_json::to_string_pretty(&json_report(&reports, &totals))
            .map_err(std::io::Error::other)
            .and_then(|text| writeln!(std::io::stdout().lock(), "{text}"))
    } else {
        print_table(
            &mut std::io::stdout().lock(),
            &reports,
            &totals,
            args.failures,
        )
    };
    // A closed pipe (`saffron wast ... | head`) is not an error of the run.
    match printed {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }
    Ok(if totals.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn file_name(report: &ScriptReport) -> String {
    report.path.file_name().map_or_else(
        || report.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

struct Totals {
    passed: usize,
    failed: usize,
    skipped: usize,
}

impl Totals {
    fn of(reports: &[ScriptReport]) -> Totals {
        Totals {
            passed: reports.iter().map(|r| r.passed).sum(),
            failed: reports.iter().map(|r| r.failed).sum(),
            skipped: reports.iter().map(|r| r.skipped).sum(),
        }
    }
}

fn print_table(
    out: &mut impl Write,
    reports: &[ScriptReport],
    totals: &Totals,
    show_failures: bool,
) -> std::io::Result<()> {
    let width = reports
        .iter()
        .map(|r| r.path.display().to_string().len())
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(
        out,
        "{:<width$}  {:>7}  {:>7}  {:>7}",
        "path", "passed", "failed", "skipped"
    )?;
    for report in reports {
        let path = report.path.display().to_string();
        writeln!(
            out,
            "{path:<width$}  {:>7}  {:>7}  {:>7}",
            report.passed, report.failed, report.skipped
        )?;
        if show_failures {
            for failure in &report.failures {
                writeln!(out, "    {path}:{}: {}", failure.line, failure.message)?;
            }
        }
    }
    writeln!(
        out,
        "{} passed, {} failed, {} skipped",
        totals.passed, totals.failed, totals.skipped
    )
}

fn json_report(reports: &[ScriptReport], totals: &Totals) -> serde_json::Value {
    let files: Vec<serde_json::Value> = reports
        .iter()
        .map(|r| {
            let failures: Vec<serde_json::Value> = r
                .failures
                .iter()
                .map(|f| serde_json::json!({ "line": f.line, "message": f.message }))
                .collect();
            serde_json::json!({
                "path": r.path.display().to_string(),
                "passed": r.passed,
                "failed": r.failed,
                "skipped": r.skipped,
                "failures": failures,
            })
        })
        .collect();
    serde_json::json!({
        "passed": totals.passed,
        "failed": totals.failed,
        "skipped": totals.skipped,
        "files": files,
    })
}
