//! Tests as data for the `wasm` unit: each file under
//! `tests/wasm_filetests/<outcome>/` replaces one CLIF spec (loaded as an
//! override after Saffron's own corrections) and names, in `;; op NAME`
//! header lines, the Wasm ops whose verdicts it decides:
//!
//! - `verified/`: an equivalent rewrite of the spec: every instance of every
//!   named op is still verified;
//! - `counterexample/`: a wrong spec: every named op has a counterexample,
//!   replayed by the verifier's evaluator (and, for ops without memory, on
//!   both engines, which then agree: the spec is what is wrong).

use saffron_link::generated::RunOptions;
use saffron_link::unit::{verify_wasm_unit, WasmUnitOptions};
use saffron_verifier::solve::{OutcomeKind, SolveOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn files(outcome: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wasm_filetests").join(outcome);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "isle"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no filetests in {}", dir.display());
    v
}

/// The outcomes of every instance of each op the file names.
fn run(file: &Path) -> Vec<(String, Vec<(OutcomeKind, String)>)> {
    let text = std::fs::read_to_string(file).expect("read filetest");
    let ops: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix(";; op ")).map(str::trim).collect();
    assert!(!ops.is_empty(), "{}: no `;; op NAME` line", file.display());
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    ops.iter()
        .map(|op| {
            let o = WasmUnitOptions {
                op: Some(op.to_string()),
                cranelift_dir: None,
                spec_overrides: vec![(name.clone(), text.clone())],
                run: RunOptions { solve: SolveOptions { timeout: Duration::from_secs(60), rlimit: None }, jobs: 2, progress: false, cache: None, certify: None },
            };
            let r = verify_wasm_unit(&o).unwrap_or_else(|e| panic!("{}: {op}: {e}", file.display()));
            assert!(!r.instantiations.is_empty(), "{}: {op}: no instance", file.display());
            (op.to_string(), r.instantiations.iter().map(|i| (i.outcome, i.reason.clone().unwrap_or_default())).collect())
        })
        .collect()
}

#[test]
fn equivalent_specs_still_verify() {
    for f in files("verified") {
        for (op, outcomes) in run(&f) {
            assert!(outcomes.iter().all(|(o, _)| *o == OutcomeKind::Verified), "{}: {op}: {outcomes:?}", f.display());
        }
    }
}

#[test]
fn wrong_specs_give_replayed_counterexamples() {
    for f in files("counterexample") {
        for (op, outcomes) in run(&f) {
            let found = outcomes.iter().any(|(o, why)| {
                *o == OutcomeKind::Counterexample && why.contains("(replayed)") && why.contains("the engines agree")
            });
            assert!(found, "{}: {op}: {outcomes:?}", f.display());
        }
    }
}
