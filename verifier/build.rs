//! Locates the source directory of the pinned `cranelift-codegen` package so
//! the verifier can read its ISLE files (rules and specs) at run time.
//!
//! We ask cargo itself (`cargo metadata`) rather than guessing registry paths,
//! so vendored sources, path overrides and non-default CARGO_HOMEs all work.
//! Failure is not fatal: the verifier then needs `--cranelift DIR` or
//! `SAFFRON_CRANELIFT_DIR`.

use std::path::PathBuf;
use std::process::Command;

const PACKAGE: &str = "cranelift-codegen";
const VERSION: &str = "0.135.8";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=../Cargo.lock");
    match locate() {
        Ok(dir) => println!("cargo:rustc-env=SAFFRON_CRANELIFT_CODEGEN_DIR={}", dir.display()),
        Err(why) => {
            println!("cargo:warning=cannot locate {PACKAGE} {VERSION} source: {why}");
            println!("cargo:rustc-env=SAFFRON_CRANELIFT_CODEGEN_DIR=");
        }
    }
}

fn locate() -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?;
    let workspace_manifest = PathBuf::from(manifest_dir).join("..").join("Cargo.toml");
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline", "--manifest-path"])
        .arg(&workspace_manifest)
        .output()
        .map_err(|e| format!("running cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata output: {e}"))?;
    let packages = meta["packages"].as_array().ok_or("no packages in cargo metadata")?;
    for pkg in packages {
        if pkg["name"] == PACKAGE && pkg["version"] == VERSION {
            let manifest = pkg["manifest_path"].as_str().ok_or("package without manifest_path")?;
            let dir = PathBuf::from(manifest)
                .parent()
                .ok_or("manifest without parent directory")?
                .to_path_buf();
            return Ok(dir);
        }
    }
    Err(format!("package {PACKAGE} {VERSION} not in cargo metadata"))
}
