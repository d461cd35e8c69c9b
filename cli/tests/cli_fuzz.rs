//! `saffron fuzz`: the NaN oracle flag and its JSON report.

mod cli_support;
use cli_support::{saffron, stderr, stdout};

#[test]
fn diff_module_reports_its_nan_oracle() {
    let out = tempfile::tempdir().unwrap();
    for (flag, name) in [(None, "strict"), (Some("canonicalize"), "canonicalize")] {
        let mut args = vec!["fuzz", "--target", "diff_module", "--seconds", "1", "--seed", "3", "--json", "--out"];
        let dir = out.path().to_string_lossy().into_owned();
        args.push(&dir);
        if let Some(f) = flag {
            args.extend(["--nan-oracle", f]);
        }
        let output = saffron(&args);
        assert_eq!(output.status.code(), Some(0), "stderr:\n{}", stderr(&output));
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert_eq!(json["nan_oracle"], name);
        assert!(json["execs"].as_u64().unwrap() > 0);
        assert_eq!(json["mismatches"].as_array().unwrap().len(), 0);
    }
}

#[test]
fn jobs_flag_runs_that_many_workers() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_string_lossy().into_owned();
    let output = saffron(&["fuzz", "--target", "diff_module", "--seconds", "1", "--seed", "3", "--jobs", "2", "--json", "--out", &dir]);
    assert_eq!(output.status.code(), Some(0), "stderr:\n{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["jobs"], 2);
    assert!(json["execs"].as_u64().unwrap() > 0);
    let zero = saffron(&["fuzz", "--target", "diff_module", "--seconds", "0", "--jobs", "0"]);
    assert_eq!(zero.status.code(), Some(2), "stderr:\n{}", stderr(&zero));
    assert!(stderr(&zero).contains("--jobs"), "{}", stderr(&zero));
}

#[test]
fn unknown_nan_oracle_is_bad_input() {
    let output = saffron(&["fuzz", "--target", "diff_module", "--seconds", "0", "--nan-oracle", "lenient"]);
    assert_eq!(output.status.code(), Some(2), "stderr:\n{}", stderr(&output));
    assert!(stderr(&output).contains("lenient"), "{}", stderr(&output));
}
