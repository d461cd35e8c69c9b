//! The `wasm` unit end to end: Wasm ops verify against the CLIF wasmtime
//! emits, read through the pinned CLIF specs; a CLIF spec mutated in a copied
//! tree (`--cranelift`) gives a replayed counterexample for the Wasm op that
//! uses it, and an equivalent rewrite of a spec still verifies.

mod common;

use common::mutated_tree;
use saffron_link::generated::RunOptions;
use saffron_link::unit::{verify_wasm_unit, WasmUnitOptions};
use saffron_verifier::report::InstanceResult;
use saffron_verifier::solve::{OutcomeKind, SolveOptions};
use std::path::PathBuf;
use std::time::Duration;

fn run(op: &str, cranelift: Option<PathBuf>) -> Vec<InstanceResult> {
    let o = WasmUnitOptions {
        op: Some(op.into()),
        cranelift_dir: cranelift,
        spec_overrides: vec![],
        run: RunOptions { solve: SolveOptions { timeout: Duration::from_secs(60), rlimit: None }, jobs: 1, progress: false, cache: None, certify: None },
    };
    let r = verify_wasm_unit(&o).unwrap_or_else(|e| panic!("{op}: {e}"));
    assert!(!r.instantiations.is_empty(), "{op}: no result");
    assert!(r.instantiations.iter().all(|i| i.rule == op), "{op}: {:?}", r.instantiations);
    r.instantiations
}

fn outcomes(rs: &[InstanceResult]) -> Vec<(&'static str, Option<String>)> {
    rs.iter().map(|r| (r.outcome.word(), r.reason.clone())).collect()
}

#[test]
fn pinned_ops_verify() {
    let ops = ["i32.add", "i64.shl", "i32.rotr", "i32.lt_u", "i64.extend_i32_s", "f32.min", "f64.neg", "i32.div_s", "i64.rem_u"];
    for op in ops.into_iter().chain(["i64.trunc_f32_u", "f32.demote_f64", "i64.load16_s", "i32.store8", "i32.trunc_sat_f64_s", "i64.trunc_sat_f32_u", "select"]) {
        let rs = run(op, None);
        assert!(rs.iter().all(|r| r.outcome == OutcomeKind::Verified), "{op}: {:?}", outcomes(&rs));
    }
}

#[test]
fn unknown_op_is_an_error() {
    let o = WasmUnitOptions {
        op: Some("i32.frobnicate".into()),
        cranelift_dir: None,
        spec_overrides: vec![],
        run: RunOptions { solve: SolveOptions::default(), jobs: 1, progress: false, cache: None, certify: None },
    };
    assert!(verify_wasm_unit(&o).is_err());
}

fn assert_replayed_counterexample(op: &str, rs: &[InstanceResult]) {
    assert!(
        rs.iter().any(|r| r.outcome == OutcomeKind::Counterexample
            && r.reason.as_deref().is_some_and(|m| m.contains("(replayed)") && m.contains("replay f("))),
        "{op}: {:?}",
        outcomes(rs)
    );
}

#[test]
fn swapped_operation_in_isub_spec_is_caught() {
    let t = mutated_tree(
        "(spec (isub ty x y)\n    (provide (= result (bvsub x y))",
        "(spec (isub ty x y)\n    (provide (= result (bvsub y x))",
    );
    assert_replayed_counterexample("i32.sub", &run("i32.sub", Some(t.path().into())));
}

#[test]
fn dropped_shift_mask_in_ishl_spec_is_caught() {
    let t = mutated_tree(
        "(= result (bvshl x (shift_amount! x y)))",
        "(= result (bvshl x (conv_to (widthof x) y)))",
    );
    assert_replayed_counterexample("i64.shl", &run("i64.shl", Some(t.path().into())));
}

#[test]
fn wrong_comparison_in_fmin_spec_is_caught() {
    // fmin's last case returns the larger value: a swapped operation.
    let t = mutated_tree("                (fp.min x y)))))))))", "                (fp.max x y)))))))))");
    assert_replayed_counterexample("f32.min", &run("f32.min", Some(t.path().into())));
}

#[test]
fn equivalent_rewrite_of_isub_spec_still_verifies() {
    let t = mutated_tree(
        "(spec (isub ty x y)\n    (provide (= result (bvsub x y))",
        "(spec (isub ty x y)\n    (provide (= result (bvadd x (bvneg y)))",
    );
    let rs = run("i32.sub", Some(t.path().into()));
    assert!(rs.iter().all(|r| r.outcome == OutcomeKind::Verified), "{:?}", outcomes(&rs));
}

#[test]
fn trap_on_the_wrong_operand_in_udiv_spec_is_caught() {
    let t = mutated_tree(
        "(= result (bvudiv x y))\n        (= clif_trap (bv_is_zero! y))",
        "(= result (bvudiv x y))\n        (= clif_trap (bv_is_zero! x))",
    );
    assert_replayed_counterexample("i32.div_u", &run("i32.div_u", Some(t.path().into())));
}

#[test]
fn swapped_operation_in_iadd_spec_is_caught() {
    let t = mutated_tree("(spec (iadd ty x y)\n    (provide (= result (bvadd x y))", "(spec (iadd ty x y)\n    (provide (= result (bvsub x y))");
    assert_replayed_counterexample("i64.add", &run("i64.add", Some(t.path().into())));
}

#[test]
fn sign_extension_in_unsigned_load_spec_is_caught() {
    // A memory counterexample is checked by the verifier's replay; the
    // engines are not run on it (no memory set-up), which its note says.
    let t = mutated_tree(
        "(= result (zero_ext (widthof result) (conv_to size_bits loaded_value)))",
        "(= result (sign_ext (widthof result) (conv_to size_bits loaded_value)))",
    );
    let rs = run("i32.load8_u", Some(t.path().into()));
    assert!(rs.iter().all(|r| r.outcome == OutcomeKind::Counterexample), "{:?}", outcomes(&rs));
    assert!(rs.iter().all(|r| r.reason.as_deref().is_some_and(|m| m.contains("(replayed)") && m.contains("not replayed on the engines"))));
}

#[test]
fn equivalent_rewrite_of_udiv_trap_still_verifies() {
    let t = mutated_tree(
        "(= result (bvudiv x y))\n        (= clif_trap (bv_is_zero! y))",
        "(= result (bvudiv x y))\n        (= clif_trap (= y (bvsub y y)))",
    );
    let rs = run("i64.div_u", Some(t.path().into()));
    assert!(rs.iter().all(|r| r.outcome == OutcomeKind::Verified), "{:?}", outcomes(&rs));
}
