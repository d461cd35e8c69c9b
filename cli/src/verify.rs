//! `saffron verify`: check Cranelift ISLE rules against their specs.
//!
//! Without any argument: the `opt` unit, then `aarch64`, with the default
//! excludes.
use saffron_verifier::cache::{self, Cache};
use saffron_verifier::certify::CertifyOptions;
use saffron_verifier::expand::{ExpandOptions, Filter};
use saffron_verifier::shard::Shard;
use saffron_verifier::load::{LoadOptions, Unit};
use saffron_verifier::pipeline::{self, VerifyOptions};
use saffron_verifier::report::{self, Summary, UnitReport};
use saffron_verifier::solve::SolveOptions;
use anyhow::Context as _;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Standalone, self-contained ISLE programs to verify (e.g. filetests).
    pub files: Vec<PathBuf>,
    /// The unit: opt, aarch64 or x64 (Cranelift's ISLE), or wasm (Saffron's
    /// Wasm semantics against the CLIF wasmtime emits).
    #[arg(long, value_parser = parse_unit)]
    pub unit: Option<UnitChoice>,
    /// With `--unit wasm`: only this Wasm op (text name, e.g. `i32.div_s`).
    #[arg(long, value_name = "NAME")]
    pub op: Option<String>,
    /// Translation validation of a module (.wasm or .wat): each loop-free
    /// function without calls, compiled by wasmtime, against Saffron's
    /// semantics of it.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["unit", "op", "extra", "rule", "root", "files"])]
    pub module: Option<PathBuf>,
    /// With `--module`: only the function exported under this name.
    #[arg(long, value_name = "NAME", requires = "module")]
    pub func: Option<String>,
    /// Cranelift's codegen directory (default: the pinned crate's source).
    #[arg(long, value_name = "DIR")]
    pub cranelift: Option<PathBuf>,
    /// Extra ISLE files added to the unit (repeatable).
    #[arg(long = "extra", value_name = "FILE")]
    pub extra: Vec<PathBuf>,
    /// Only expansions involving this rule.
    #[arg(long, value_name = "NAME")]
    pub rule: Option<String>,
    /// Root term(s) to expand from (default: the unit's root).
    #[arg(long, value_name = "TERM")]
    pub root: Vec<String>,
    /// include:|exclude: followed by tag:T, rule:R or root:T (repeatable).
    #[arg(long, value_name = "FILTER", value_parser = parse_filter)]
    pub filter: Vec<Filter>,
    /// Exclude the tags that are out of scope by default.
    #[arg(long)]
    pub default_excludes: bool,
    /// Verify against the shipped specs as they are: leave out Saffron's
    /// corrections of wrong shipped specs (isle-rules/specs/*_corrections.isle).
    #[arg(long)]
    pub no_corrections: bool,
    /// Solver time limit per type instance, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub timeout: f64,
    /// Deterministic Z3 resource limit per solver call (machine-independent budget).
    #[arg(long, value_name = "N")]
    pub rlimit: Option<u32>,
    /// Worker threads (default: available cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Print the results as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also write a SARIF 2.1.0 log to FILE.
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Also write the deterministic results ledger (JSON, no timings) to FILE.
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
    /// Where verified and inapplicable verdicts are kept between runs, keyed
    /// by the query's content and the solver and Saffron versions
    /// ($SAFFRON_CACHE_DIR, else the user's cache directory).
    #[arg(long, value_name = "DIR", default_value_os_t = cache::default_dir())]
    pub cache_dir: PathBuf,
    /// Show everything: inapplicable instances, every input and term of a
    /// counterexample, every chain.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Solve every instance again; neither read nor write the cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Check only shard K of N (1 <= K <= N): N jobs with 1/N .. N/N
    /// together check every type instance exactly once (see `saffron merge`).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Re-check every verified instance (cached ones too) with both Z3 and
    /// cvc5 from its exported SMT-LIB text; a solver answering sat makes the
    /// instance an error. The summary gains cross_checked / disagreements /
    /// unconfirmed.
    #[arg(long)]
    pub certify: bool,
    /// With --certify: also write each certificate to DIR/<hash>.smt2 (for
    /// `saffron recheck DIR`, e.g. with your own solver).
    #[arg(long, value_name = "DIR", requires = "certify")]
    pub certificates: Option<PathBuf>,
    /// With --certify: time limit per solver per certificate, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30.0, requires = "certify")]
    pub certify_timeout: f64,
}

/// What was checked and how: "opt: 1054 expansions, 5156 type instances
/// (5100 cached, 56 solved) in 1.2 s".
fn unit_line(r: &UnitReport) -> String {
    let shard = r.shard.as_deref().map(|s| format!(" (shard {s})")).unwrap_or_default();
    format!(
        "{}{shard}: {} expansions, {} type instances ({} cached, {} solved) in {:.1} s",
        r.unit,
        r.expansions,
        r.summary.total,
        r.summary.cached,
        r.summary.solved,
        r.millis as f64 / 1000.0
    )
}

/// What `--unit` selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitChoice {
    Isle(Unit),
    Wasm,
}

fn parse_unit(s: &str) -> Result<UnitChoice, String> {
    if s == "wasm" {
        return Ok(UnitChoice::Wasm);
    }
    s.parse().map(UnitChoice::Isle).map_err(|e: String| format!("{e}, or wasm"))
}

fn isle_unit(a: &Args) -> Option<Unit> {
    match a.unit {
        Some(UnitChoice::Isle(u)) => Some(u),
        _ => None,
    }
}

fn parse_filter(s: &str) -> Result<Filter, String> {
    s.parse()
}

/// One pipeline run: a unit (maybe with extras) or standalone files.
struct Run {
    name: String,
    load: LoadOptions,
    default_excludes: bool,
}

fn runs(a: &Args) -> Vec<Run> {
    let no_selection = a.files.is_empty() && a.unit.is_none() && a.extra.is_empty();
    let units: Vec<Option<Unit>> = if no_selection {
        vec![Some(Unit::Opt), Some(Unit::Aarch64)]
    } else {
        vec![isle_unit(a)]
    };
    units
        .into_iter()
        .map(|unit| Run {
            name: match (unit, a.files.as_slice()) {
                (Some(u), _) => u.name().to_string(),
                (None, [f]) => f.display().to_string(),
                (None, _) => "standalone".to_string(),
            },
            load: LoadOptions {
                unit,
                cranelift_dir: a.cranelift.clone(),
                extra_files: a.extra.clone(),
                standalone_files: a.files.clone(),
                no_corrections: a.no_corrections,
                ..Default::default()
            },
            default_excludes: a.default_excludes || no_selection,
        })
        .collect()
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    if !(a.timeout > 0.0 && a.timeout.is_finite()) {
        anyhow::bail!("--timeout must be a positive number of seconds");
    }
    if !(a.certify_timeout > 0.0 && a.certify_timeout.is_finite()) {
        anyhow::bail!("--certify-timeout must be a positive number of seconds");
    }
    if !a.extra.is_empty() && a.unit.is_none() {
        anyhow::bail!("--extra needs --unit");
    }
    let progress = std::io::stderr().is_terminal() && !a.json;
    if a.op.is_some() && a.unit != Some(UnitChoice::Wasm) {
        anyhow::bail!("--op needs --unit wasm");
    }
    let mut reports: Vec<UnitReport> = Vec::new();
    if let Some(file) = &a.module {
        let opts = saffron_link::module::ModuleOptions {
            file: file.clone(),
            func: a.func.clone(),
            cranelift_dir: a.cranelift.clone(),
            run: link_run(&a, progress),
        };
        reports.push(saffron_link::module::verify_module(&opts).map_err(|e| anyhow::anyhow!("{e}"))?);
        return finish(&a, reports);
    }
    if a.unit == Some(UnitChoice::Wasm) {
        if !a.files.is_empty() || !a.extra.is_empty() || a.rule.is_some() || !a.root.is_empty() {
            anyhow::bail!("--unit wasm takes no ISLE files, --extra, --rule or --root (use --op)");
        }
        let opts = saffron_link::unit::WasmUnitOptions {
            op: a.op.clone(),
            cranelift_dir: a.cranelift.clone(),
            spec_overrides: vec![],
            run: link_run(&a, progress),
        };
        reports.push(saffron_link::unit::verify_wasm_unit(&opts).map_err(|e| anyhow::anyhow!("{e}"))?);
        return finish(&a, reports);
    }
    for r in runs(&a) {
        let opts = VerifyOptions {
            load: r.load,
            expand: ExpandOptions {
                roots: a.root.clone(),
                rule: a.rule.clone(),
                filters: a.filter.clone(),
                default_excludes: r.default_excludes,
            },
            solve: SolveOptions { timeout: Duration::from_secs_f64(a.timeout), rlimit: a.rlimit },
            jobs: a.jobs.unwrap_or(0),
            progress,
            cache: (!a.no_cache).then(|| Cache::new(&a.cache_dir)),
            shard: a.shard,
            certify: a.certify.then(|| CertifyOptions {
                timeout: Duration::from_secs_f64(a.certify_timeout),
                dir: a.certificates.clone(),
            }),
        };
        if progress {
            eprintln!("verifying {}...", r.name);
        }
        let report = pipeline::verify(&r.name, &opts).map_err(|e| anyhow::anyhow!("{e}"))?;
        reports.push(report);
    }
    finish(&a, reports)
}

/// How the `wasm` unit and `--module` run the verifier.
fn link_run(a: &Args, progress: bool) -> saffron_link::generated::RunOptions {
    saffron_link::generated::RunOptions {
        solve: SolveOptions { timeout: Duration::from_secs_f64(a.timeout), rlimit: a.rlimit },
        jobs: a.jobs.unwrap_or(0),
        progress,
        cache: (!a.no_cache).then(|| Cache::new(&a.cache_dir)),
        certify: a.certify.then(|| CertifyOptions { timeout: Duration::from_secs_f64(a.certify_timeout), dir: a.certificates.clone() }),
    }
}

/// Prints the reports, writes SARIF and the ledger; the exit code.
fn finish(a: &Args, reports: Vec<UnitReport>) -> anyhow::Result<ExitCode> {

    let mut total = Summary::default();
    for r in &reports {
        total.add(&r.summary);
    }
    if a.json {
        println!("{}", report::json(&reports));
    } else {
        for r in &reports {
            print!("{}", report::text(r, a.verbose));
            if reports.len() > 1 {
                println!("{}: {}", unit_line(r), r.summary.line());
            } else {
                eprintln!("{}", unit_line(r));
            }
        }
        if a.certify {
            println!(
                "certificates: {} cross-checked by z3 and cvc5, {} disagreements, {} unconfirmed",
                total.cross_checked, total.disagreements, total.unconfirmed
            );
            if total.disagreements > 0 {
                println!("error: {} verified instance(s) were found satisfiable by one solver: not verified", total.disagreements);
            }
        }
        if total.replay_mismatch > 0 {
            println!("error: {} counterexample(s) did not replay: solver and evaluator disagree", total.replay_mismatch);
        }
        println!("{}", total.line());
    }
    if let Some(path) = &a.sarif {
        let text = serde_json::to_string_pretty(&report::sarif(&reports))?;
        report::write_atomically(path, &text).with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &a.ledger {
        report::write_atomically(path, &report::ledger(&reports)).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(if total.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
