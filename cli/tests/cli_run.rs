//! `saffron run`: results, traps, malformed input.

mod cli_support;
use cli_support::{saffron, stderr, stdout, write_file};

const MODULE: &str = r#"(module
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "div") (param i64 i64) (result i64)
    (i64.div_s (local.get 0) (local.get 1)))
  (func (export "half") (param f64) (result f64 f32)
    (f64.mul (local.get 0) (f64.const 0.5))
    (f32.const 1.5)))
"#;

#[test]
fn invoke_prints_one_result_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "m.wat", MODULE.as_bytes());
    let output = saffron(&["run", &path, "--invoke", "add", "40", "0x2"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr:\n{}",
        stderr(&output)
    );
    assert_eq!(stdout(&output), "42\n");

    let output = saffron(&["run", &path, "--invoke", "half", "3"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr:\n{}",
        stderr(&output)
    );
    assert_eq!(stdout(&output), "1.5\n1.5\n");

    let output = saffron(&["run", &path, "--invoke", "add", "-1", "-2"]);
    assert_eq!(stdout(&output), "-3\n");
}

#[test]
fn trap_goes_to_stderr_with_exit_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "m.wat", MODULE.as_bytes());
    let output = saffron(&["run", &path, "--invoke", "div", "1", "0"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("integer divide by zero"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());
}

#[test]
fn malformed_text_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        dir.path(),
        "bad.wat",
        b"(module\n  (func (result i32)\n    (i32.const)))\n",
    );
    let output = saffron(&["run", &path]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains(&format!("{path}:3:")), "{err}");
}

#[test]
fn malformed_binary_names_file_and_offset() {
    let dir = tempfile::tempdir().unwrap();
    // Valid header, then a type section whose length runs past the end.
    let path = write_file(dir.path(), "bad.wasm", b"\0asm\x01\0\0\0\x01\x05\x01");
    let output = saffron(&["run", &path]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains(&path) && err.contains("offset"), "{err}");
}

#[test]
fn bad_arguments_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "m.wat", MODULE.as_bytes());
    let wrong_count = saffron(&["run", &path, "--invoke", "add", "1"]);
    assert_eq!(wrong_count.status.code(), Some(2));
    let not_a_number = saffron(&["run", &path, "--invoke", "add", "1", "x"]);
    assert_eq!(not_a_number.status.code(), Some(2));
    let no_export = saffron(&["run", &path, "--invoke", "nope"]);
    assert_eq!(no_export.status.code(), Some(2));
    let missing_file = saffron(&["run", "/nonexistent/saffron-test/m.wasm"]);
    assert_eq!(missing_file.status.code(), Some(2));
}
