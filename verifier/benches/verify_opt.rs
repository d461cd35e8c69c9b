//! Times `saffron verify --unit opt --default-excludes` through the library
//! and prints type instances per second.
//!
//! `cargo bench -p saffron-verifier --bench verify_opt`
//! Environment: SAFFRON_BENCH_JOBS (default: all cores),
//! SAFFRON_BENCH_TIMEOUT seconds per instance (default 10).
use saffron_verifier::expand::ExpandOptions;
use saffron_verifier::load::{LoadOptions, Unit};
use saffron_verifier::pipeline::{verify, VerifyOptions};
use saffron_verifier::solve::SolveOptions;
use std::time::{Duration, Instant};

fn env_num<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok()?.parse().ok()
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass
    // nothing special, so keep a quick exit for listing runs.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let jobs: usize = env_num("SAFFRON_BENCH_JOBS").unwrap_or(0);
    let timeout: f64 = env_num("SAFFRON_BENCH_TIMEOUT").unwrap_or(10.0);
    let opts = VerifyOptions {
        load: LoadOptions { unit: Some(Unit::Opt), ..Default::default() },
        expand: ExpandOptions { default_excludes: true, ..Default::default() },
        solve: SolveOptions { timeout: Duration::from_secs_f64(timeout), rlimit: None },
        jobs,
        // No cache: the benchmark times the solver.
        ..Default::default()
    };
    let threads = if jobs == 0 { std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) } else { jobs };
    let start = Instant::now();
    let report = match verify("opt", &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("verify_opt: {e}");
            std::process::exit(2);
        }
    };
    let secs = start.elapsed().as_secs_f64();
    let n = report.summary.total;
    println!("verify_opt: {} expansions, {n} type instances, {threads} threads, timeout {timeout} s", report.expansions);
    println!("verify_opt: {:.1} s wall, {:.1} type instances/s", secs, n as f64 / secs);
    println!("verify_opt: {}", report.summary.line());
    let mut slowest: Vec<_> = report.instantiations.iter().collect();
    slowest.sort_by_key(|r| std::cmp::Reverse(r.millis));
    for r in slowest.iter().take(5) {
        println!("verify_opt: slow: {} ms {} [{}] {}", r.millis, r.rule, r.types, r.outcome);
    }
}
