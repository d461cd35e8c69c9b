//! The Cranelift source locator on cold machines: a cargo home that holds only
//! what a host build of the pinned `cranelift-codegen` downloads, and a
//! vendored build with an empty cargo home.
//!
//! These tests fetch from crates.io into a temporary cargo home (they never
//! read the developer's warm registry, which hides missing packages).

#[path = "../locate.rs"]
#[allow(dead_code)]
mod locate;

use std::path::{Path, PathBuf};
use std::process::Command;

const VERSION: &str = "0.135.8";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map(PathBuf::from).unwrap_or_else(|| "cargo".into())
}

fn host() -> String {
    let out = Command::new("rustc").arg("-vV").output().expect("rustc -vV");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines().find_map(|l| l.strip_prefix("host: ")).expect("rustc -vV names the host").to_string()
}

/// A one-dependency workspace (the verifier's own dependency on
/// cranelift-codegen) with the repository's lock file.
fn small_workspace(dir: &Path) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\n[dependencies]\n\
             cranelift-codegen = {{ version = \"={VERSION}\", default-features = false, features = [\"std\"] }}\n\
             [workspace]\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), "").unwrap();
    std::fs::copy(repo_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("run cargo");
    assert!(out.status.success(), "{cmd:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
}

/// A cargo home filled by `cargo fetch --target HOST` of the small workspace:
/// exactly the packages a host build of cranelift-codegen downloads.
fn host_only_cargo_home(tmp: &Path) -> PathBuf {
    let ws = tmp.join("ws");
    small_workspace(&ws);
    let home = tmp.join("cargo-home");
    std::fs::create_dir_all(&home).unwrap();
    run(Command::new(cargo()).current_dir(&ws).env("CARGO_HOME", &home).args(["fetch", "--target", &host()]));
    home
}

fn search(cargo_home: &Path, scratch: &Path) -> locate::Search {
    locate::Search {
        package: "cranelift-codegen".into(),
        version: VERSION.into(),
        cargo: cargo(),
        workspace: repo_root(),
        target: Some(host()),
        cargo_home: Some(cargo_home.to_path_buf()),
        scratch: scratch.to_path_buf(),
    }
}

#[test]
fn found_in_a_cargo_home_holding_only_a_host_build() {
    let tmp = tempfile::tempdir().unwrap();
    let home = host_only_cargo_home(tmp.path());
    // The old locator asked cargo about the whole workspace offline; on this
    // home that fails (dev-dependencies and other platforms' packages are
    // missing), which is why a cold machine could not find the sources.
    let whole = Command::new(cargo())
        .current_dir(repo_root())
        .env("CARGO_HOME", &home)
        .args(["metadata", "--format-version", "1", "--offline"])
        .output()
        .unwrap();
    assert!(!whole.status.success(), "this home must be colder than the whole workspace needs");

    let dir = search(&home, tmp.path()).locate().unwrap_or_else(|e| panic!("{e}"));
    assert!(dir.starts_with(&home), "{} is not in the test's cargo home", dir.display());
    assert!(dir.join("src/prelude.isle").is_file());
    assert!(dir.join("src/isa/aarch64/lower.isle").is_file());
}

/// A vendor directory holding exactly the packages of `home` (what `cargo
/// vendor` would write, less the other platforms' packages, which `cargo
/// vendor` insists on downloading): each package's sources and a checksum
/// file naming the lock file's checksum.
fn vendor_dir(home: &Path, vendor: &Path) -> PathBuf {
    let lock = std::fs::read_to_string(repo_root().join("Cargo.lock")).unwrap();
    let mut checksums = std::collections::HashMap::new();
    for entry in lock.split("[[package]]") {
        let field = |k: &str| {
            entry.lines().find_map(|l| l.strip_prefix(&format!("{k} = \"")).map(|v| v.trim_end_matches('"').to_string()))
        };
        if let (Some(n), Some(v), Some(c)) = (field("name"), field("version"), field("checksum")) {
            checksums.insert(format!("{n}-{v}"), c);
        }
    }
    std::fs::create_dir_all(vendor).unwrap();
    for registry in std::fs::read_dir(home.join("registry/src")).unwrap() {
        for package in std::fs::read_dir(registry.unwrap().path()).unwrap() {
            let package = package.unwrap().path();
            let name = package.file_name().unwrap().to_string_lossy().into_owned();
            let checksum = checksums.get(&name).unwrap_or_else(|| panic!("{name} is not in Cargo.lock"));
            let dest = vendor.join(&name);
            run(Command::new("cp").arg("-r").arg(&package).arg(&dest));
            std::fs::write(dest.join(".cargo-checksum.json"), format!("{{\"files\":{{}},\"package\":\"{checksum}\"}}"))
                .unwrap();
        }
    }
    vendor.to_path_buf()
}

#[test]
fn found_in_a_vendored_build_with_an_empty_cargo_home() {
    let tmp = tempfile::tempdir().unwrap();
    let fetched = host_only_cargo_home(tmp.path());
    let vendor = vendor_dir(&fetched, &tmp.path().join("vendor"));
    // A second, empty cargo home whose only content is the source replacement
    // `cargo vendor` asks for.
    let home = tmp.path().join("empty-home");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(
        home.join("config.toml"),
        format!(
            "[source.crates-io]\nreplace-with = \"vendored\"\n[source.vendored]\ndirectory = \"{}\"\n",
            vendor.display()
        ),
    )
    .unwrap();
    let dir = search(&home, tmp.path()).locate().unwrap_or_else(|e| panic!("{e}"));
    assert!(dir.starts_with(&vendor), "{} is not the vendored copy", dir.display());
    assert!(dir.join("src/prelude.isle").is_file());
}

#[test]
fn not_found_names_every_attempt() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("nothing-here");
    std::fs::create_dir_all(&home).unwrap();
    let err = search(&home, tmp.path()).locate().unwrap_err().to_string();
    assert!(err.contains("cannot locate cranelift-codegen 0.135.8"), "{err}");
    assert!(err.contains("cargo metadata"), "{err}");
    assert!(err.contains(&format!("{}/registry/src/*/cranelift-codegen-0.135.8", home.display())), "{err}");
}
