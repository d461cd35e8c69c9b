//! `saffron wast`: exit codes, the summary line, the JSON report's shape.

mod cli_support;
use cli_support::{saffron, stderr, stdout, write_file};

const PASSING: &str = r#"(module
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "boom") (unreachable)))
(assert_return (invoke "add" (i32.const 2) (i32.const 3)) (i32.const 5))
(assert_trap (invoke "boom") "unreachable")
"#;

/// Line 4 holds a wrong expectation.
const FAILING: &str = r#"(module
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))
(assert_return (invoke "add" (i32.const 2) (i32.const 3)) (i32.const 6))
(assert_return (invoke "add" (i32.const 1) (i32.const 1)) (i32.const 2))
"#;

/// Does not parse: the unbalanced parenthesis is on line 3.
const UNPARSABLE: &str = "(module)\n(assert_return (invoke \"f\")\n(((\n";

/// Runs `saffron wast --json` on `script` saved as `name`, which must fail
/// (exit 1), and returns the JSON report.
fn failing_script_json(name: &str, script: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), name, script.as_bytes());
    let output = saffron(&["wast", "--json", &path]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "stderr:\n{}",
        stderr(&output)
    );
    serde_json::from_str(&stdout(&output)).expect("stdout is JSON")
}

#[test]
fn clean_script_exits_zero_with_summary_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "ok.wast", PASSING.as_bytes());
    let output = saffron(&["wast", &path]);
    let out = stdout(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{out}\nstderr:\n{}",
        stderr(&output)
    );
    assert_eq!(
        out.lines().last(),
        Some("3 passed, 0 failed, 0 skipped"),
        "stdout:\n{out}"
    );
    assert!(out.contains("ok.wast"));
}

#[test]
fn failing_script_exits_one_and_json_names_the_line() {
    let json = failing_script_json("bad.wast", FAILING);
    assert_eq!(json["passed"], 2);
    assert_eq!(json["failed"], 1);
    assert_eq!(json["skipped"], 0);
    let files = json["files"].as_array().expect("files array");
    assert_eq!(files.len(), 1);
    assert!(files[0]["path"].as_str().unwrap().ends_with("bad.wast"));
    assert_eq!(files[0]["passed"], 2);
    assert_eq!(files[0]["failed"], 1);
    let failures = files[0]["failures"].as_array().expect("failures array");
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0]["line"], 4);
    assert!(
        failures[0]["message"]
            .as_str()
            .unwrap()
            .contains("i32.const 5"),
        "{}",
        failures[0]
    );
}

#[test]
fn unparsable_script_is_one_failure_at_its_line() {
    let json = failing_script_json("broken.wast", UNPARSABLE);
    assert_eq!(json["failed"], 1);
    assert_eq!(json["passed"], 0);
    let failure = &json["files"][0]["failures"][0];
    assert!(failure["line"].as_u64().unwrap() >= 2, "{failure}");
    assert!(
        failure["message"]
            .as_str()
            .unwrap()
            .contains("does not parse"),
        "{failure}"
    );
}

#[test]
fn directory_runs_scripts_in_sorted_order() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "b.wast", FAILING.as_bytes());
    write_file(dir.path(), "a.wast", PASSING.as_bytes());
    write_file(dir.path(), "ignored.txt", b"not a script");
    let output = saffron(&["wast", "--json", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let names: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(names, ["a.wast", "b.wast"]);
    assert_eq!(json["passed"], 5);
    assert_eq!(json["failed"], 1);
}

#[test]
fn missing_path_exits_two() {
    let output = saffron(&["wast", "/nonexistent/saffron-test/x.wast"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("/nonexistent/saffron-test/x.wast"));
}
