//! The known-bug corpus (isle-rules/bugs/): every historical Cranelift bug,
//! re-created as a `bug_*` rule added to its unit with `--extra`, must be
//! caught: at least one type instance is a counterexample that concrete replay
//! confirms. The table of bugs is isle-rules/README.md.

mod verify_support;

use std::time::Duration;

use saffron_verifier::load::Unit;
use saffron_verifier::solve::OutcomeKind;
use verify_support::{describe, load_unit, repo_root, verify_rule, verify_rule_until, InstanceResult};

/// (file under isle-rules/bugs, unit, rule name)
const BUGS: &[(&str, Unit, &str)] = &[
    ("sdiv_no_overflow_trap.isle", Unit::Aarch64, "bug_sdiv_no_overflow_trap"),
    ("sdiv_narrow_intmin.isle", Unit::Aarch64, "bug_sdiv_narrow_intmin"),
    ("cls_narrow_zext.isle", Unit::Aarch64, "bug_cls8_zero_extend"),
    ("clz_narrow_as_i32.isle", Unit::Aarch64, "bug_clz8_as_i32"),
    ("ctz_narrow_no_sentinel.isle", Unit::Aarch64, "bug_ctz8_no_sentinel"),
    ("ishl_narrow_unmasked.isle", Unit::Aarch64, "bug_ishl_narrow_unmasked"),
    ("amode_uextend_shift.isle", Unit::X64, "bug_amode_uextend_shift"),
    ("x64_ishl_narrow_unmasked.isle", Unit::X64, "bug_x64_ishl_narrow_unmasked"),
    ("x64_rotl_narrow_as_i32.isle", Unit::X64, "bug_x64_rotl_narrow_as_i32"),
];

/// (bug rule, the fixed Cranelift rule it replaces): a counterexample to the
/// bug only counts when the fixed rule verifies at every instance that
/// applies, otherwise it may come from the model rather than from the bug.
/// (`sdiv_base_case_fits_in_32` got counterexamples too until condition
/// flags were threaded between consecutive `emit`s.)
const CONTROLS: &[(&str, &str)] = &[
    ("bug_sdiv_narrow_intmin", "sdiv_base_case_fits_in_32"),
    // The bug's counterexamples are in the `lea` lowering of `iadd`.
    ("bug_amode_uextend_shift", "iadd_base_case_32_or_64_lea"),
    // The shipped `ishl` and `rotl` rules of i8..i64 (unnamed: file:line).
    ("bug_x64_ishl_narrow_unmasked", "isa/x64/lower.isle:582"),
    ("bug_x64_rotl_narrow_as_i32", "isa/x64/lower.isle:973"),
];

/// Bugs the verifier does not catch yet, with the reason. A bug listed here
/// that starts being caught fails the test too, so this list only shrinks.
const KNOWN_MISSED: &[(&str, &str)] = &[];

const TIMEOUT: Duration = Duration::from_secs(120);

#[test]
fn every_known_bug_gives_a_replayed_counterexample() {
    verify_support::with_big_stack(every_known_bug_gives_a_replayed_counterexample_body);
}

fn every_known_bug_gives_a_replayed_counterexample_body() {
    let bugs_dir = repo_root().join("isle-rules/bugs");
    let on_disk = std::fs::read_dir(&bugs_dir)
        .expect("isle-rules/bugs exists")
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "isle")))
        .count();
    assert_eq!(on_disk, BUGS.len(), "every file in isle-rules/bugs must be listed in BUGS");

    let mut missed = Vec::new();
    for &(file, unit, rule) in BUGS {
        // Each bug is loaded on its own, as `saffron verify --extra <file>` would.
        let program = load_unit(unit, None, &[bugs_dir.join(file)]);
        // One replayed counterexample is enough to call the bug caught.
        let results = verify_rule_until(&program, rule, TIMEOUT, InstanceResult::is_replayed_counterexample);
        println!("{file} ({rule}):\n{}", describe(&results));
        let mut caught = results.iter().any(|r| r.is_replayed_counterexample());
        if let Some((_, control)) = CONTROLS.iter().find(|(r, _)| *r == rule) {
            // Without the bug loaded: the bug may be a rule of a term the
            // control inlines (the x64 amode rules).
            let fixed = verify_rule(&load_unit(unit, None, &[]), control, TIMEOUT);
            let applicable: Vec<_> = fixed.iter().filter(|r| r.outcome != OutcomeKind::Inapplicable).collect();
            if applicable.is_empty() || applicable.iter().any(|r| r.outcome != OutcomeKind::Verified) {
                println!("  control {control} does not verify:\n{}", describe(&fixed));
                caught = false;
            }
        }
        match (caught, KNOWN_MISSED.iter().find(|(r, _)| *r == rule)) {
            (true, None) => {}
            (false, Some((_, why))) => println!("  known miss: {why}"),
            (false, None) => missed.push(format!("{file}: {rule} not caught:\n{}", describe(&results))),
            (true, Some(_)) => missed.push(format!("{file}: {rule} is caught now: remove it from KNOWN_MISSED")),
        }
    }
    assert!(missed.is_empty(), "{} known bug(s) not as expected:\n{}", missed.len(), missed.join("\n"));
}
