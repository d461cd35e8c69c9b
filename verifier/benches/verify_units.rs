//! Times `saffron verify --unit opt|aarch64 --default-excludes` through the
//! library, cold (no cache), and prints wall time and type instances per
//! second next to upstream VeriISLE's published figures.
//!
//! `cargo bench -p saffron-verifier --bench verify_units`
//! Environment: SAFFRON_BENCH_UNITS (comma-separated, default `opt,aarch64`),
//! SAFFRON_BENCH_JOBS (default: all cores), SAFFRON_BENCH_TIMEOUT seconds per
//! instance (default 10).
use saffron_verifier::expand::ExpandOptions;
use saffron_verifier::load::{LoadOptions, Unit};
use saffron_verifier::pipeline::{verify, VerifyOptions};
use saffron_verifier::solve::SolveOptions;
use std::time::{Duration, Instant};

fn env_num<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok()?.parse().ok()
}

/// Upstream VeriISLE (wasmtime's `cranelift/isle/veri`, z3 4.x on the
/// authors' machine) as reported: what the unit took and verified there.
fn upstream(unit: &str) -> &'static str {
    match unit {
        "opt" => "upstream VeriISLE: 676 s",
        "aarch64" => "upstream VeriISLE: 523 verified in 336 s (z3 5.4.1)",
        _ => "no upstream figure",
    }
}

fn main() {
    // `cargo test --benches` lists benches; keep that quick.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let units = std::env::var("SAFFRON_BENCH_UNITS").unwrap_or_else(|_| "opt,aarch64".into());
    let jobs: usize = env_num("SAFFRON_BENCH_JOBS").unwrap_or(0);
    let timeout: f64 = env_num("SAFFRON_BENCH_TIMEOUT").unwrap_or(10.0);
    let threads = if jobs == 0 { std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) } else { jobs };
    for name in units.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let unit = match name {
            "opt" => Unit::Opt,
            "aarch64" => Unit::Aarch64,
            "x64" => Unit::X64,
            other => {
                eprintln!("verify_units: unknown unit `{other}` (opt, aarch64, x64)");
                std::process::exit(2);
            }
        };
        let opts = VerifyOptions {
            load: LoadOptions { unit: Some(unit), ..Default::default() },
            expand: ExpandOptions { default_excludes: true, ..Default::default() },
            solve: SolveOptions { timeout: Duration::from_secs_f64(timeout), rlimit: None },
            jobs,
            // No cache: the benchmark times the solver.
            ..Default::default()
        };
        let start = Instant::now();
        let report = match verify(name, &opts) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("verify_units: {name}: {e}");
                std::process::exit(2);
            }
        };
        let secs = start.elapsed().as_secs_f64();
        let n = report.summary.total;
        let solver_ms: u64 = report.instantiations.iter().map(|r| r.millis).sum();
        println!("{name}: {} expansions, {n} type instances, {threads} threads, timeout {timeout} s", report.expansions);
        println!(
            "{name}: {secs:.1} s wall, {:.1} type instances/s; per-instance checks sum to {:.1} s ({})",
            n as f64 / secs,
            solver_ms as f64 / 1000.0,
            upstream(name)
        );
        println!("{name}: {}", report.summary.line());
        let mut slowest: Vec<_> = report.instantiations.iter().collect();
        slowest.sort_by_key(|r| std::cmp::Reverse(r.millis));
        for r in slowest.iter().take(5) {
            println!("{name}: slow: {} ms {} [{}] {}", r.millis, r.rule, r.types, r.outcome);
        }
    }
}
