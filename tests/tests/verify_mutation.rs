//! Mutation test: the verifier must tell a broken rule from a sound one in
//! Cranelift's own ISLE. The pinned cranelift-codegen ISLE sources are copied to
//! a temporary directory, real rules are mutated there, and the copy is
//! verified with `--cranelift <tempdir> --rule <name>` semantics (library API):
//!
//! - a mutant that breaks a rule must give a replayed counterexample;
//! - a mutant that rewrites a rule into an equivalent form must still verify;
//! - the unmutated rule (only given a name) must verify, so the counterexample
//!   is due to the mutation and not to the rule being unverifiable anyway.

mod verify_support;

use std::path::Path;
use std::time::Duration;

use saffron_verifier::load::Unit;
use saffron_verifier::solve::OutcomeKind;
use verify_support::{describe, load_unit, pinned_cranelift_dir, verify_rule, InstanceResult};

const TIMEOUT: Duration = Duration::from_secs(120);

/// One textual mutation of a file under `src/` of the copied crate.
struct Mutation {
    file: &'static str,
    original: &'static str,
    mutated: &'static str,
}

const OPT_MUTATIONS: &[Mutation] = &[
    // `x + -y == x - y`, with the subtraction's operands swapped: wrong.
    Mutation {
        file: "opts/arithmetic.isle",
        original: "(rule (simplify (iadd ty x (ineg ty y)))\n      (isub ty x y))",
        mutated: "(rule mutant_iadd_ineg_swapped (simplify (iadd ty x (ineg ty y)))\n      (isub ty y x))",
    },
    // `x - -y == x + y`, with the addition's operands commuted: still sound.
    Mutation {
        file: "opts/arithmetic.isle",
        original: "(rule (simplify (isub ty x (ineg ty y)))\n      (iadd ty x y))",
        mutated: "(rule mutant_isub_ineg_commuted (simplify (isub ty x (ineg ty y)))\n      (iadd ty y x))",
    },
    // `-(y - x) == x - y`, unchanged, only named: the control.
    Mutation {
        file: "opts/arithmetic.isle",
        original: "(rule (simplify (ineg ty (isub ty y x)))\n      (isub ty x y))",
        mutated: "(rule control_ineg_isub (simplify (ineg ty (isub ty y x)))\n      (isub ty x y))",
    },
];

const AARCH64_MUTATIONS: &[Mutation] = &[
    // `umin` selected with a signed condition code: wrong for mixed signs.
    Mutation {
        file: "isa/aarch64/lower.isle",
        original: "(cmp_and_choose ty (Cond.Lo) false x y))",
        mutated: "(cmp_and_choose ty (Cond.Lt) false x y))",
    },
    // `smin` selected with `<=` instead of `<`: equal operands give the same
    // value either way, so still sound.
    Mutation {
        file: "isa/aarch64/lower.isle",
        original: "(cmp_and_choose ty (Cond.Lt) true x y))",
        mutated: "(cmp_and_choose ty (Cond.Le) true x y))",
    },
];

fn apply(root: &Path, m: &Mutation) {
    let path = root.join("src").join(m.file);
    let text = std::fs::read_to_string(&path).expect("mutated file exists");
    assert_eq!(text.matches(m.original).count(), 1, "{}: mutation site must occur exactly once: {:?}", m.file, m.original);
    std::fs::write(&path, text.replacen(m.original, m.mutated, 1)).expect("write mutant");
}

fn expect_counterexample(rule: &str, results: &[InstanceResult]) {
    assert!(
        results.iter().any(InstanceResult::is_replayed_counterexample),
        "mutant {rule} must give a replayed counterexample:\n{}",
        describe(results)
    );
}

fn expect_verified(rule: &str, results: &[InstanceResult]) {
    assert!(
        results.iter().any(|r| r.outcome == OutcomeKind::Verified)
            && results.iter().all(|r| r.outcome == OutcomeKind::Verified || r.outcome == OutcomeKind::Inapplicable),
        "{rule} must verify (every instance verified or inapplicable, at least one verified):\n{}",
        describe(results)
    );
}

fn mutated_copy(mutations: &[Mutation]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    saffron_verifier::cranelift_dir::copy_isle_tree(&pinned_cranelift_dir(), dir.path()).expect("copy the ISLE tree");
    for m in mutations {
        apply(dir.path(), m);
    }
    dir
}

#[test]
fn opt_mutants_are_told_apart() {
    verify_support::with_big_stack(opt_mutants_are_told_apart_body);
}

fn opt_mutants_are_told_apart_body() {
    let dir = mutated_copy(OPT_MUTATIONS);
    let program = load_unit(Unit::Opt, Some(dir.path().to_path_buf()), &[]);
    let swapped = verify_rule(&program, "mutant_iadd_ineg_swapped", TIMEOUT);
    let commuted = verify_rule(&program, "mutant_isub_ineg_commuted", TIMEOUT);
    let control = verify_rule(&program, "control_ineg_isub", TIMEOUT);
    println!("swapped:\n{}\ncommuted:\n{}\ncontrol:\n{}", describe(&swapped), describe(&commuted), describe(&control));
    expect_counterexample("mutant_iadd_ineg_swapped", &swapped);
    expect_verified("mutant_isub_ineg_commuted", &commuted);
    expect_verified("control_ineg_isub", &control);
}

#[test]
fn aarch64_condition_code_mutants_are_told_apart() {
    verify_support::with_big_stack(aarch64_condition_code_mutants_are_told_apart_body);
}

fn aarch64_condition_code_mutants_are_told_apart_body() {
    let dir = mutated_copy(AARCH64_MUTATIONS);
    let program = load_unit(Unit::Aarch64, Some(dir.path().to_path_buf()), &[]);
    let umin = verify_rule(&program, "umin", TIMEOUT);
    let smin = verify_rule(&program, "smin", TIMEOUT);
    println!("umin (Lo -> Lt):\n{}\nsmin (Lt -> Le):\n{}", describe(&umin), describe(&smin));
    expect_counterexample("umin with Cond.Lt", &umin);
    expect_verified("smin with Cond.Le", &smin);
}
