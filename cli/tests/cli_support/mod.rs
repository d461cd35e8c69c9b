//! Running the `saffron` binary built by cargo for these tests.
#![allow(dead_code)] // each test binary uses a different part of it

use std::path::Path;
use std::process::{Command, Output};

/// Runs `saffron ARGS...` and returns its output.
pub fn saffron(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_saffron"))
        .args(args)
        .output()
        .expect("run the saffron binary")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes `contents` to `dir/name` and returns the path as a string.
pub fn write_file(dir: &Path, name: &str, contents: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write test input");
    path.to_string_lossy().into_owned()
}
