//! The official WebAssembly core test suite against Saffron's interpreter.
//!
//! One test runs every script in `../shared/wasm-testsuite` and asserts
//! (a) that the scripts the project promises to pass are 100% clean, and
//! (b) that the total number of passed directives does not fall below the
//! ratchet in `tests/testsuite-baseline.json` (raise it when things improve).

use saffron_semantics::script::{
    collect_wast_files, run_script_files, ScriptOptions, ScriptReport,
};
use std::path::{Path, PathBuf};

const SUITE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/wasm-testsuite");
const BASELINE: &str = include_str!("../testsuite-baseline.json");

/// Scripts that must pass completely, as name patterns (`*` = any characters)
/// matched against file stems in the suite directory.
const MUST_BE_CLEAN: &[&str] = &[
    "i32",
    "i64",
    "f32",
    "f64",
    "*_cmp",
    "*_bitwise",
    "conversions",
    "float_*",
    "int_*",
    "memory*",
    "address*",
    "load*",
    "store*",
    "align*",
    "endianness*",
    "block",
    "loop",
    "if",
    "br",
    "br_if",
    "br_table",
    "return",
    "call",
    "call_indirect",
    "select",
    "local_*",
    "global",
    "traps",
    "simd_*",
    "bulk",
    "table_*",
    "elem",
    "data",
    "binary*",
    "names",
    "utf8-*",
    "exports",
    "start",
];

/// Minimal glob: `*` matches any (possibly empty) run of characters.
fn glob_matches(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn baseline_min_passed() -> u64 {
    let json: serde_json::Value =
        serde_json::from_str(BASELINE).expect("testsuite-baseline.json is JSON");
    json["min_passed"]
        .as_u64()
        .expect("testsuite-baseline.json has a numeric \"min_passed\"")
}

fn print_failures(reports: &[ScriptReport]) {
    const SHOWN_PER_FILE: usize = 5;
    for report in reports.iter().filter(|r| !r.is_clean()) {
        eprintln!(
            "{}: {} passed, {} failed, {} skipped",
            report.path.display(),
            report.passed,
            report.failed,
            report.skipped
        );
        for failure in report.failures.iter().take(SHOWN_PER_FILE) {
            eprintln!("    line {}: {}", failure.line, failure.message);
        }
        if report.failures.len() > SHOWN_PER_FILE {
            eprintln!(
                "    ... and {} more",
                report.failures.len() - SHOWN_PER_FILE
            );
        }
    }
}

#[test]
fn glob_patterns_expand_as_intended() {
    assert!(glob_matches("simd_*", "simd_f32x4_arith"));
    assert!(glob_matches("*_cmp", "simd_i8x16_cmp"));
    assert!(glob_matches("utf8-*", "utf8-import-field"));
    assert!(glob_matches("br", "br"));
    assert!(!glob_matches("br", "br_if"));
    assert!(!glob_matches("*_cmp", "f32_cmp_extra"));
    assert!(glob_matches("a*b*c", "axxbyyc"));
    assert!(!glob_matches("a*b*c", "acb"));
}

#[test]
fn official_test_suite() {
    let files = collect_wast_files(&[PathBuf::from(SUITE_DIR)]).unwrap_or_else(|(path, e)| {
        panic!("cannot read the test suite at {}: {e}", path.display())
    });
    assert!(
        files.len() > 200,
        "expected the full suite (257 scripts), found {}",
        files.len()
    );

    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let reports = run_script_files(&files, &ScriptOptions::default(), jobs, &|_| {});
    print_failures(&reports);

    let passed: usize = reports.iter().map(|r| r.passed).sum();
    let failed: usize = reports.iter().map(|r| r.failed).sum();
    let skipped: usize = reports.iter().map(|r| r.skipped).sum();
    eprintln!("{passed} passed, {failed} failed, {skipped} skipped");

    // (a) every pattern names at least one script, and all those scripts are clean.
    let mut unclean = Vec::new();
    for pattern in MUST_BE_CLEAN {
        let matching: Vec<&ScriptReport> = reports
            .iter()
            .filter(|r| glob_matches(pattern, &stem(&r.path)))
            .collect();
        assert!(
            !matching.is_empty(),
            "pattern {pattern:?} matches no script in {SUITE_DIR}"
        );
        unclean.extend(matching.into_iter().filter(|r| !r.is_clean()).map(|r| {
            let first = &r.failures[0];
            format!(
                "{} ({} failed; first at line {}: {})",
                stem(&r.path),
                r.failed,
                first.line,
                first.message
            )
        }));
    }
    unclean.sort();
    unclean.dedup();

    // (b) the ratchet.
    let min_passed = baseline_min_passed();
    assert!(
        unclean.is_empty() && passed as u64 >= min_passed,
        "{} required script(s) not clean:\n  {}\npassed {passed} (ratchet: at least {min_passed})",
        unclean.len(),
        unclean.join("\n  ")
    );
}
