//! The campaign driver: finds, minimises and writes a planted mismatch.

use saffron_fuzz::campaign::{self, CampaignOptions};
use saffron_fuzz::{Mismatch, Verdict};
use std::time::Duration;

/// "Mismatches" whenever the input contains the byte 0xAB.
fn planted(data: &[u8]) -> Verdict {
    if data.contains(&0xAB) {
        Verdict::Mismatch(Mismatch {
            engines: vec!["planted".into()],
            signature: "planted:ab".into(),
            detail: format!("{} bytes", data.len()),
            wasm: data.to_vec(),
            arg_bytes: Vec::new(),
        })
    } else {
        Verdict::Agree
    }
}

fn never(_: &[u8]) -> Verdict {
    Verdict::Agree
}

/// A quiet half-second campaign of the planted target writing into a fresh
/// directory named after `name`.
fn planted_campaign(name: &str, minimize_secs: u64) -> (CampaignOptions, std::path::PathBuf) {
    let out = std::env::temp_dir().join(format!("saffron-fuzz-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let mut opts = CampaignOptions::new("planted", 0.5, 42);
    opts.out_dir = out.clone();
    opts.progress = false;
    opts.minimize_budget = Duration::from_secs(minimize_secs);
    (opts, out)
}

#[test]
fn planted_mismatch_is_minimised_and_written() {
    let (opts, out) = planted_campaign("campaign", 5);
    let report = campaign::run(planted, &opts).unwrap();
    assert!(report.execs > 0);
    assert_eq!(report.mismatches.len(), 1, "one distinct signature");
    let wasm_path = std::path::PathBuf::from(&report.mismatches[0].path);
    // Minimised down to the single offending byte.
    assert_eq!(std::fs::read(&wasm_path).unwrap(), vec![0xAB]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(wasm_path.with_extension("json")).unwrap()).unwrap();
    assert_eq!(json["signature"], "planted:ab");
    assert!(wasm_path.with_extension("wat").exists());
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn workers_share_one_finding_per_signature() {
    let (mut opts, out) = planted_campaign("campaign-jobs", 2);
    opts.jobs = 3;
    let report = campaign::run(planted, &opts).unwrap();
    assert_eq!(report.jobs, 3);
    // Every worker meets the planted byte; the signature is written once.
    assert!(report.mismatching_execs >= 3, "{report:?}");
    assert_eq!(report.mismatches.len(), 1, "{report:?}");
    assert_eq!(report.agreed + report.inconclusive + report.mismatching_execs, report.execs);
    let written: Vec<_> = std::fs::read_dir(&out).unwrap().filter_map(|e| e.ok()).collect();
    assert_eq!(written.len(), 3, "one .wasm, .wat and .json: {written:?}");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn worker_zero_runs_the_campaign_seed() {
    assert_eq!(campaign::worker_seed(42, 0), 42);
    let seeds: std::collections::BTreeSet<u64> = (0..8).map(|i| campaign::worker_seed(42, i)).collect();
    assert_eq!(seeds.len(), 8, "each worker draws its own inputs");
}

#[test]
fn same_seed_same_execution_count_shape() {
    let mut opts = CampaignOptions::new("never", 0.2, 7);
    opts.progress = false;
    opts.out_dir = std::env::temp_dir().join("saffron-fuzz-never");
    let report = campaign::run(never, &opts).unwrap();
    assert!(report.execs > 0);
    assert!(report.mismatches.is_empty());
    assert_eq!(report.agreed, report.execs);
}

/// The CI campaign: 60 seconds of diff_module through every engine of this
/// build, from a fixed seed so a failure reproduces with
/// `saffron fuzz --target diff_module --seconds 60 --seed 2`.
/// `SAFFRON_FUZZ_SECONDS`, `SAFFRON_FUZZ_SEED`, `SAFFRON_FUZZ_OUT` override.
#[test]
fn diff_module_campaign() {
    let env = |k: &str| std::env::var(k).ok();
    let seconds = env("SAFFRON_FUZZ_SECONDS").and_then(|s| s.parse().ok()).unwrap_or(60.0);
    let seed = env("SAFFRON_FUZZ_SEED").and_then(|s| s.parse().ok()).unwrap_or(2);
    let mut opts = CampaignOptions::new("diff_module", seconds, seed);
    opts.progress = false;
    opts.out_dir = env("SAFFRON_FUZZ_OUT").map(Into::into).unwrap_or_else(|| std::env::temp_dir().join("saffron-fuzz-out"));
    let report = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || campaign::run(saffron_fuzz::targets::diff_module, &opts).unwrap())
        .unwrap()
        .join()
        .unwrap();
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
    assert!(report.execs > 0, "the campaign ran no module");
    assert!(
        report.mismatches.is_empty(),
        "{} mismatch(es), written to the out dir: {:#?}",
        report.mismatches.len(),
        report.mismatches
    );
}
