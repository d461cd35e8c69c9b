//! Running the `saffron` binary from integration tests of another crate
//! (`CARGO_BIN_EXE_*` only exists inside the binary's own package).
//!
//! The binary is built once per test process with the same cargo, target
//! directory and profile as the test itself (a no-op when up to date);
//! `SAFFRON_BIN` overrides it with a prebuilt binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub fn saffron_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        if let Some(path) = std::env::var_os("SAFFRON_BIN") {
            return PathBuf::from(path);
        }
        // <target>/<profile>/deps/<this test executable>
        let exe = std::env::current_exe().expect("current test executable");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("<target>/<profile>/deps layout");
        let target_dir = profile_dir.parent().expect("<target> directory");
        let profile = profile_dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("profile directory name");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_string());
        let mut build = Command::new(cargo);
        build
            .args([
                "build",
                "--quiet",
                "-p",
                "saffron-verifier",
                "--bin",
                "saffron",
            ])
            .env("CARGO_TARGET_DIR", target_dir)
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        match profile {
            "debug" => {}
            "release" => {
                build.arg("--release");
            }
            other => {
                build.args(["--profile", other]);
            }
        }
        let status = build
            .status()
            .expect("run cargo to build the saffron binary");
        assert!(status.success(), "building the saffron binary failed");
        let binary = profile_dir.join(format!("saffron{}", std::env::consts::EXE_SUFFIX));
        assert!(
            binary.is_file(),
            "no saffron binary at {}",
            binary.display()
        );
        binary
    })
}

/// Runs `saffron ARGS...` and returns its output.
pub fn saffron(args: &[&str]) -> Output {
    Command::new(saffron_binary())
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
