//! `saffron fuzz`: differential / robustness fuzzing on the stable toolchain.
//!
//! Random byte buffers from a seeded RNG go through the same target functions
//! the cargo-fuzz binaries call (`saffron_fuzz::targets`).
use saffron_fuzz::campaign::{self, CampaignOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Target: diff_module, decode_wasm, parse_wast, parse_isle_spec,
    /// clif-specs (Cranelift's CLIF instruction specs against native runs) or
    /// isa-specs (an ISA unit's instruction specs against this CPU; --unit).
    #[arg(long, default_value = "diff_module")]
    pub target: String,
    /// Campaign length in seconds (wall clock).
    #[arg(long, default_value_t = 60.0)]
    pub seconds: f64,
    /// RNG seed; a campaign with the same seed, target and build generates the
    /// same inputs. Defaults to the current time (printed for reproduction).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Where minimised mismatches are written (.wasm, .wat, .json).
    #[arg(long, default_value = "fuzz-out")]
    pub out: PathBuf,
    /// diff_module: how NaN results are judged. `strict` checks every
    /// arithmetic float result against the Wasm spec's NaN rule inside the
    /// module; `canonicalize` only makes NaN results canonical.
    #[arg(long, value_enum, default_value_t = NanOracleArg::Strict)]
    pub nan_oracle: NanOracleArg,
    /// Worker threads (byte-buffer targets), each with its own engines and its
    /// own input stream; worker 0 runs exactly the `--seed` sequence.
    /// Default: the number of CPUs.
    #[arg(long)]
    pub jobs: Option<usize>,
    /// clif-specs, isa-specs: the cranelift-codegen source tree whose specs
    /// are tested (default: the pinned crate's sources).
    #[arg(long, value_name = "DIR")]
    pub cranelift: Option<PathBuf>,
    /// isa-specs: the unit whose instruction specs run on this CPU (x64).
    #[arg(long)]
    pub unit: Option<String>,
    /// isa-specs: an ISLE file of specs replacing loaded ones (say, a spec
    /// to try against the CPU before adopting it); repeatable.
    #[arg(long, value_name = "FILE")]
    pub spec_override: Vec<PathBuf>,
    /// isa-specs: an ISLE file of specs for instructions that have none yet;
    /// repeatable.
    #[arg(long, value_name = "FILE")]
    pub spec_addition: Vec<PathBuf>,
}

/// The names of the spec-testing targets (not byte-buffer targets).
const CLIF_SPECS: &str = "clif-specs";
const ISA_SPECS: &str = "isa-specs";

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum NanOracleArg {
    Strict,
    Canonicalize,
}

fn target_fn(name: &str, nan: NanOracleArg) -> Option<campaign::TargetFn> {
    match (name, nan) {
        ("diff_module", NanOracleArg::Canonicalize) => Some(saffron_fuzz::targets::diff_module_canonicalizing),
        _ => saffron_fuzz::targets::by_name(name),
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.target == ISA_SPECS {
        return run_isa_specs(&args);
    }
    if args.unit.is_some() || !args.spec_override.is_empty() || !args.spec_addition.is_empty() {
        anyhow::bail!("--unit, --spec-override and --spec-addition only apply to --target {ISA_SPECS}");
    }
    if args.target == CLIF_SPECS {
        return run_clif_specs(&args);
    }
    if args.cranelift.is_some() {
        anyhow::bail!("--cranelift only applies to --target {CLIF_SPECS} and {ISA_SPECS}");
    }
    let Some(target) = target_fn(&args.target, args.nan_oracle) else {
        anyhow::bail!(
            "unknown fuzz target `{}` (known: {}, {CLIF_SPECS}, {ISA_SPECS})",
            args.target,
            saffron_fuzz::targets::NAMES.join(", ")
        );
    };
    check_seconds(args.seconds)?;
    let seed = seed_or_now(args.seed);
    let mut opts = CampaignOptions::new(&args.target, args.seconds, seed);
    opts.out_dir = args.out.clone();
    opts.jobs = match args.jobs {
        Some(0) => anyhow::bail!("--jobs must be at least 1"),
        Some(n) => n,
        None => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
    };
    if !args.json {
        eprintln!(
            "saffron fuzz: target {}, {}s, seed {seed}, {} jobs, engines: {}, NaN oracle: {:?}",
            args.target,
            args.seconds,
            opts.jobs,
            engines_line(&args.target),
            args.nan_oracle
        );
    }
    let report = campaign::run(target, &opts)?;
    if args.json {
        let json = serde_json::json!({
            "target": report.target,
            "seconds": report.seconds,
            "seed": report.seed,
            "jobs": report.jobs,
            "nan_oracle": clap::ValueEnum::to_possible_value(&args.nan_oracle).map(|v| v.get_name().to_string()),
            "execs": report.execs,
            "execs_per_sec": report.execs_per_sec,
            "agreed": report.agreed,
            "inconclusive": report.inconclusive,
            "mismatching_execs": report.mismatching_execs,
            "mismatches": report.mismatches,
        });
        println!("{}", serde_json::to_string_pretty(&json)?);
    }
    Ok(if report.mismatches.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn engines_line(target: &str) -> String {
    if target == "diff_module" {
        saffron_fuzz::engines::engine_names().join(", ")
    } else {
        "n/a".to_string()
    }
}

fn check_seconds(seconds: f64) -> anyhow::Result<()> {
    if !(seconds.is_finite() && seconds >= 0.0) {
        anyhow::bail!("--seconds must be a non-negative number, got {seconds}");
    }
    Ok(())
}

fn seed_or_now(seed: Option<u64>) -> u64 {
    seed.unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0)
    })
}

/// `--target clif-specs`: exit 1 on a mismatch, like the other targets.
fn run_clif_specs(args: &Args) -> anyhow::Result<ExitCode> {
    use saffron_fuzz::clif_specs;
    check_seconds(args.seconds)?;
    let opts = clif_specs::Options { seconds: args.seconds, seed: seed_or_now(args.seed), cranelift_dir: args.cranelift.clone() };
    if !args.json {
        eprintln!("saffron fuzz: target {CLIF_SPECS}, {}s, seed {}", args.seconds, opts.seed);
    }
    let report = clif_specs::run(&opts).map_err(|e| anyhow::anyhow!("{e}"))?;
    spec_report(&report, args.json, print_clif_specs, report.mismatches.is_empty())
}

/// A spec target's report, as JSON or text; exit 1 on a mismatch, like the
/// other targets.
fn spec_report<R: serde::Serialize>(report: &R, json: bool, print: fn(&R), agreed: bool) -> anyhow::Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        print(report);
    }
    Ok(if agreed { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn print_clif_specs(r: &saffron_fuzz::clif_specs::Report) {
    println!(
        "{} executions in {:.1}s ({:.0}/s), {} functions; {} of {} specs covered, widths {:?}",
        r.summary.tally.execs, r.summary.seconds, r.summary.tally.execs_per_sec, r.functions, r.summary.specs_covered, r.summary.specs_total, r.widths_covered
    );
    println!(
        "setup {:.1}s; solver: {} calls, {} ms, {} undecided; by instruction: {:?}",
        r.setup_seconds, r.summary.tally.solver_calls, r.summary.tally.solver_ms, r.summary.tally.undecided, r.solver_calls_by_inst
    );
    for n in &r.not_covered {
        println!("not covered: {}: {}", n.inst, n.reason);
    }
    for n in &r.partly_covered {
        println!("partly covered: {}: {}", n.inst, n.reason);
    }
    println!("{} mismatching executions, {} shown", r.summary.tally.mismatching_execs, r.mismatches.len());
    for m in &r.mismatches {
        println!("\nMISMATCH {} [{}]: {}", m.function, m.types, m.verdict);
        println!("{}", m.clif.trim_end());
        for i in &m.inputs {
            println!("  {i}");
        }
        println!("  native: {}\n  spec result: {}\n  spec trap: {}", m.native, m.spec_result, m.spec_trap);
    }
}

/// `--target isa-specs`: exit 1 on a mismatch, like the other targets.
fn run_isa_specs(args: &Args) -> anyhow::Result<ExitCode> {
    use saffron_fuzz::isa_specs;
    match args.unit.as_deref() {
        Some("x64") => {}
        Some(other) => anyhow::bail!("--target {ISA_SPECS}: unknown or unsupported unit `{other}` (supported: x64)"),
        None => anyhow::bail!("--target {ISA_SPECS} needs --unit (supported: x64)"),
    }
    if !cfg!(target_arch = "x86_64") {
        anyhow::bail!("--target {ISA_SPECS} --unit x64 runs x64 instructions natively and needs an x86-64 host");
    }
    check_seconds(args.seconds)?;
    let read = |files: &[PathBuf]| -> anyhow::Result<Vec<(String, String)>> {
        files
            .iter()
            .map(|f| Ok((f.display().to_string(), std::fs::read_to_string(f).map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", f.display()))?)))
            .collect()
    };
    let opts = isa_specs::Options {
        seconds: args.seconds,
        seed: seed_or_now(args.seed),
        cranelift_dir: args.cranelift.clone(),
        spec_overrides: read(&args.spec_override)?,
        spec_additions: read(&args.spec_addition)?,
    };
    if !args.json {
        eprintln!("saffron fuzz: target {ISA_SPECS}, unit x64, {}s, seed {}", args.seconds, opts.seed);
    }
    let report = isa_specs::run(&opts).map_err(|e| anyhow::anyhow!("{e}"))?;
    spec_report(&report, args.json, print_isa_specs, report.mismatches.is_empty())
}

fn print_isa_specs(r: &saffron_fuzz::isa_specs::Report) {
    println!(
        "{} executions in {:.1}s ({:.0}/s), {} encoded instances; {} of {} x64 specs covered; {} CPU faults",
        r.summary.tally.execs, r.summary.seconds, r.summary.tally.execs_per_sec, r.instances, r.summary.specs_covered, r.summary.specs_total, r.cpu_faults
    );
    println!("compared: {}", r.compared);
    let tally = &r.summary.tally;
    println!("setup {:.1}s; solver: {} calls, {} ms, {} undecided", r.setup_seconds, tally.solver_calls, tally.solver_ms, tally.undecided);
    for n in &r.specs_not_covered {
        println!("not covered: {}: {}", n.inst, n.reason);
    }
    println!("{} mismatching executions, {} shown (minimised)", tally.mismatching_execs, r.mismatches.len());
    for m in &r.mismatches {
        println!("\nMISMATCH {} [{}]: {}", m.inst, m.types, m.verdict);
        println!("  {}    ; bytes {}", m.assembly, m.bytes);
        for i in &m.inputs {
            println!("  {i}");
        }
        println!("  rflags in: {}\n  cpu: {}\n  spec: {}\n  spec trap: {}", m.rflags_in, m.cpu, m.spec, m.spec_trap);
    }
}
