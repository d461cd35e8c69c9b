//! `saffron verify`: bad Cranelift directories and flags are exit 2 with one
//! clear error naming the directory and what it lacks.

mod cli_support;
use cli_support::{saffron, stderr, stdout};

#[test]
fn cranelift_dir_without_sources_names_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"cranelift-codegen\"\nversion = \"0.135.8\"\n")
        .unwrap();
    let path = dir.path().to_string_lossy().into_owned();
    let out = saffron(&["verify", "--unit", "opt", "--cranelift", &path]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&path), "{err}");
    assert!(err.contains("src/prelude.isle") && err.contains("src/isa/aarch64"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn cranelift_dir_of_another_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    for d in ["opts", "isa/aarch64", "isa/x64"] {
        std::fs::create_dir_all(src.join(d)).unwrap();
    }
    for f in ["prelude.isle", "prelude_opt.isle", "prelude_lower.isle"] {
        std::fs::write(src.join(f), "").unwrap();
    }
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"cranelift-codegen\"\nversion = \"0.120.0\"\n")
        .unwrap();
    let out = saffron(&["verify", "--unit", "opt", "--cranelift", &dir.path().to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("version 0.135.8 (it is 0.120.0)"), "{}", stderr(&out));
}

#[test]
fn cranelift_path_that_is_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let out = saffron(&["verify", "--unit", "opt", "--cranelift", &file.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a directory"), "{}", stderr(&out));
}

#[test]
fn wasm_unit_unknown_op_is_exit_2() {
    let out = saffron(&["verify", "--unit", "wasm", "--op", "i32.frobnicate", "--no-cache"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("unknown Wasm op `i32.frobnicate`"), "{}", stderr(&out));
}

#[test]
fn wasm_unit_tree_whose_specs_do_not_parse_names_file_and_line() {
    let pinned = saffron_verifier::load::cranelift_codegen_dir(None).expect("pinned cranelift-codegen");
    let dir = tempfile::tempdir().unwrap();
    saffron_verifier::cranelift_dir::copy_isle_tree(&pinned, dir.path()).unwrap();
    let specs = dir.path().join("src/spec/inst_specs.isle");
    let text = std::fs::read_to_string(&specs).unwrap();
    let line = text.lines().position(|l| l.starts_with("(spec (iadd ty x y)")).expect("iadd spec") + 1;
    std::fs::write(&specs, text.replacen("(spec (iadd ty x y)", "(spec (iadd ty x y", 1)).unwrap();
    let out = saffron(&["verify", "--unit", "wasm", "--op", "i32.add", "--no-cache", "--cranelift", &dir.path().to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&format!("src/spec/inst_specs.isle:{}:", line + 1)), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// The shipped `MInst.IntToFpu` spec converts only the low 32 bits of a
/// 64-bit integer to f32 (isle-rules/specs/aarch64_corrections.isle): with
/// the correction both i64 -> f32 lowerings verify, against the shipped spec
/// as it is they are replayed counterexamples.
#[test]
fn int_to_fpu_correction_decides_the_i64_to_f32_lowerings() {
    for line in [730, 750] {
        let rule = format!("cranelift-codegen-0.135.8/src/isa/aarch64/lower.isle:{line}");
        let corrected = saffron(&["verify", "--unit", "aarch64", "--rule", &rule, "--no-cache"]);
        let out = stdout(&corrected);
        assert_eq!(corrected.status.code(), Some(0), "{out}{}", stderr(&corrected));
        assert!(out.contains("1 verified, 0 failed"), "{out}");
        let shipped = saffron(&["verify", "--unit", "aarch64", "--rule", &rule, "--no-cache", "--no-corrections"]);
        let out = stdout(&shipped);
        assert_eq!(shipped.status.code(), Some(1), "{out}{}", stderr(&shipped));
        assert!(out.contains("0 verified, 1 failed") && out.contains("replay: replayed"), "{out}");
    }
}

/// The x64 unit's default scope (issue 15): at least 500 instances verified,
/// at least 90 % of those that apply, at most 5 % unsupported, and no
/// counterexample (each would be a Cranelift bug or a wrong x64 spec).
#[test]
fn x64_unit_default_scope_is_verified() {
    let out = saffron(&["verify", "--unit", "x64", "--default-excludes", "--json", "--no-cache"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    let summary = &report["summary"];
    let count = |k: &str| summary[k].as_u64().unwrap_or_else(|| panic!("no `{k}` in {summary}"));
    let applicable = count("total") - count("inapplicable");
    assert!(count("verified") >= 500, "{summary}");
    assert!(count("verified") * 10 >= applicable * 9, "{summary}");
    assert!(count("unsupported") * 20 <= applicable, "{summary}");
    assert_eq!(count("counterexample"), 0, "{summary}");
}

/// CVE-2023-26489 (isle-rules/bugs/amode_uextend_shift.isle) through the
/// load and store lowerings, without `--default-excludes`: a sub-64-bit
/// `load` (whose `x64_movzx` was vacuous when inlined through every
/// `ExtMode` rule), an `atomic_load` (a plain `mov`), a read-modify-write
/// store (`store (iadd (load p) x) p` as `add [p], x`), and two loads out of
/// the unit's scope (f32 through XMM, i128 as two `mov`s). Every instance in
/// scope is decided: counterexamples, never `unsupported` or `unknown`; the
/// two others are `out_of_scope`, counted under their tags.
#[test]
fn x64_amode_bug_is_caught_in_loads_and_stores_without_unsupported() {
    let rules = [
        "load_sub64_x64_movzx",
        "isa/x64/lower.isle:3413", // atomic_load of i8/i16/i32
        "store_x64_add_mem",
        "isa/x64/lower.isle:3072", // load of f32 (movss)
        "isa/x64/lower.isle:3084", // load of i128
    ];
    let mut args = vec!["verify", "--unit", "x64", "--json", "--no-cache"];
    let bug = concat!(env!("CARGO_MANIFEST_DIR"), "/../isle-rules/bugs/amode_uextend_shift.isle");
    args.extend(["--extra", bug, "--rule", "bug_amode_uextend_shift"]);
    let filters: Vec<String> = rules.iter().map(|r| format!("include:rule:{r}")).collect();
    for f in &filters {
        args.extend(["--filter", f.as_str()]);
    }
    let out = saffron(&args);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    let summary = &report["summary"];
    let count = |k: &str| summary[k].as_u64().unwrap_or_else(|| panic!("no `{k}` in {summary}"));
    assert_eq!(out.status.code(), Some(1), "{summary}");
    assert!(count("counterexample") > 0, "{summary}");
    assert_eq!(count("replay_mismatch"), 0, "{summary}");
    assert_eq!(count("unsupported"), 0, "{summary}");
    assert_eq!(count("unknown"), 0, "{summary}");
    assert_eq!(count("verified"), 0, "{summary}");
    assert_eq!(summary["out_of_scope_by_tags"], serde_json::json!({"i128": 8, "xmm": 8}), "{summary}");
    let instances = report["instantiations"].as_array().expect("instances");
    for rule in &rules[..3] {
        let caught = instances.iter().any(|i| i["rule"].as_str().is_some_and(|r| r.ends_with(rule)) && i["outcome"] == "counterexample");
        assert!(caught, "no counterexample through {rule}: {summary}");
    }
    for i in instances.iter().filter(|i| i["outcome"] == "out_of_scope") {
        let reason = i["reason"].as_str().unwrap_or_default();
        assert!(reason.starts_with("out of the unit's scope (") && i["scope_tags"].is_array(), "{i}");
    }
}
