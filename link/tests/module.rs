//! `verify --module` end to end: the loop-free functions of
//! `modules/loop_free.wat`, compiled by wasmtime, verify against Saffron's
//! semantics of them; a function with a loop is unsupported with that
//! reason; a CLIF spec mutated in a copied tree is caught through the
//! per-trap-site copies a function with two divisions is read through.

mod common;

use common::mutated_tree;
use saffron_link::generated::RunOptions;
use saffron_link::module::{verify_module, ModuleOptions};
use saffron_verifier::report::InstanceResult;
use saffron_verifier::solve::{OutcomeKind, SolveOptions};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

fn module() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/modules/loop_free.wat")
}

fn run(func: Option<&str>, cranelift: Option<PathBuf>) -> Vec<InstanceResult> {
    let o = ModuleOptions {
        file: module(),
        func: func.map(str::to_string),
        cranelift_dir: cranelift,
        run: RunOptions { solve: SolveOptions { timeout: Duration::from_secs(60), rlimit: None }, jobs: 2, progress: false, cache: None, certify: None },
    };
    verify_module(&o).unwrap_or_else(|e| panic!("{e}")).instantiations
}

fn by_function(rs: &[InstanceResult]) -> BTreeMap<String, Vec<(OutcomeKind, Option<String>)>> {
    let mut m: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for r in rs {
        m.entry(r.rule.clone()).or_default().push((r.outcome, r.reason.clone()));
    }
    m
}

#[test]
fn loop_free_functions_verify_and_a_loop_is_unsupported() {
    let got = by_function(&run(None, None));
    let verified = ["arith", "float", "float_sign", "float_compare", "convert", "div_or_zero", "quotient_if_positive", "clamp", "two_divs", "demote_promote", "neg_demote"];
    let memory = ["load_add", "load8_u_shift", "store_sum", "store16_quotient"];
    for f in verified.into_iter().chain(memory) {
        let outcomes = got.get(f).unwrap_or_else(|| panic!("no result for {f}: {got:?}"));
        assert!(outcomes.iter().all(|(o, _)| *o == OutcomeKind::Verified), "{f}: {outcomes:?}");
    }
    let unsupported = |f: &str, why: &str| {
        let o = &got[f];
        assert!(o.iter().all(|(o, r)| *o == OutcomeKind::Unsupported && r.as_deref().is_some_and(|r| r.contains(why))), "{f}: {o:?}");
    };
    unsupported("count_down", "loop");
    unsupported("maybe_store", "not on every path");
}

#[test]
fn mutated_load_extension_is_caught_in_a_function() {
    let t = mutated_tree(
        "(= result (zero_ext (widthof result) (conv_to size_bits loaded_value)))",
        "(= result (sign_ext (widthof result) (conv_to size_bits loaded_value)))",
    );
    let got = by_function(&run(Some("load8_u_shift"), Some(t.path().into())));
    let outcomes = &got["load8_u_shift"];
    assert!(outcomes.iter().all(|(o, _)| *o == OutcomeKind::Counterexample), "{outcomes:?}");
}

#[test]
fn mutated_udiv_trap_is_caught_in_a_function_with_two_trap_sites() {
    let t = mutated_tree(
        "(= result (bvudiv x y))\n        (= clif_trap (bv_is_zero! y))",
        "(= result (bvudiv x y))\n        (= clif_trap (bv_is_zero! x))",
    );
    let got = by_function(&run(Some("two_divs"), Some(t.path().into())));
    let outcomes = &got["two_divs"];
    // Replayed by the verifier's evaluator, then on both engines, which
    // agree: the mutated spec is what disagrees.
    assert!(
        outcomes.iter().any(|(o, r)| *o == OutcomeKind::Counterexample
            && r.as_deref().is_some_and(|r| r.contains("(replayed)") && r.contains("replay two_divs(") && r.contains("the engines agree"))),
        "{outcomes:?}"
    );
}

#[test]
fn bad_modules_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let invalid = dir.path().join("invalid.wat");
    std::fs::write(&invalid, "(module (func (result i32) (i64.const 1)))").unwrap();
    let o = |file: PathBuf, func: Option<&str>| ModuleOptions {
        file,
        func: func.map(str::to_string),
        cranelift_dir: None,
        run: RunOptions { solve: SolveOptions::default(), jobs: 1, progress: false, cache: None, certify: None },
    };
    let e = verify_module(&o(invalid, None)).err().expect("invalid module").to_string();
    assert!(e.contains("invalid module") && e.contains("offset"), "{e}");
    let garbled = dir.path().join("garbled.wat");
    std::fs::write(&garbled, "(module\n  (func (result i32) (i32.cons 1)))").unwrap();
    let e = verify_module(&o(garbled, None)).err().expect("text error").to_string();
    assert!(e.contains("garbled.wat:2:"), "{e}");
    let e = verify_module(&o(module(), Some("nope"))).err().expect("unknown function").to_string();
    assert!(e.contains("no function exported as `nope`"), "{e}");
}
