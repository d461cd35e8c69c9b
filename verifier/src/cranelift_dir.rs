//! Where the Cranelift sources the verifier reads come from, and whether a
//! directory really is the pinned `cranelift-codegen`.
//!
//! In order: `--cranelift DIR`, `SAFFRON_CRANELIFT_DIR`, the directory the
//! build found (see `verifier/locate.rs`), and a fresh search at run time (the
//! build's answer is gone if the registry was cleaned or the binary moved).

#[path = "../locate.rs"]
#[allow(dead_code)]
mod locate;

use std::path::{Path, PathBuf};

/// The `cranelift-codegen` version whose ISLE the verifier expects: its own
/// `cranelift-codegen-meta` generates the rest of each unit's ISLE.
pub const PINNED_VERSION: &str = env!("SAFFRON_CRANELIFT_VERSION");

/// The directory the build script found (empty when it found none).
const BUILT: &str = env!("SAFFRON_CRANELIFT_CODEGEN_DIR");

/// The codegen directory to read: `explicit`, the environment, the build's
/// answer, or a search now. Every failure says what was tried.
pub fn cranelift_codegen_dir(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(dir) = explicit {
        return check_codegen_dir(dir).map(|()| dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os("SAFFRON_CRANELIFT_DIR").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        return check_codegen_dir(&dir)
            .map(|()| dir.clone())
            .map_err(|e| format!("SAFFRON_CRANELIFT_DIR: {e}"));
    }
    let mut tried = Vec::new();
    if BUILT.is_empty() {
        tried.push("the build found no sources (its warnings say why)".to_string());
    } else {
        match check_codegen_dir(Path::new(BUILT)) {
            Ok(()) => return Ok(PathBuf::from(BUILT)),
            Err(e) => tried.push(format!("the build's answer: {e}")),
        }
    }
    match search_now() {
        Ok(dir) => return Ok(dir),
        Err(e) => tried.push(e),
    }
    Err(format!(
        "{}\npass --cranelift DIR (a cranelift/codegen directory of version {PINNED_VERSION}) or set SAFFRON_CRANELIFT_DIR",
        tried.join("\n")
    ))
}

fn search_now() -> Result<PathBuf, String> {
    let scratch = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".")).to_path_buf();
    let search = locate::Search {
        package: "cranelift-codegen".into(),
        version: PINNED_VERSION.into(),
        cargo: std::env::var_os("CARGO").map(PathBuf::from).unwrap_or_else(|| "cargo".into()),
        workspace,
        target: Some(env!("SAFFRON_HOST_TARGET").to_string()),
        cargo_home: None,
        scratch: scratch.path().to_path_buf(),
    };
    let dir = search.locate().map_err(|e| e.to_string())?;
    check_codegen_dir(&dir)?;
    Ok(dir)
}

/// Checks that `dir` is a `cranelift/codegen` source directory of the pinned
/// version: its manifest (in a wasmtime checkout, the workspace's) names the
/// version, and the ISLE the units read is there. One error lists everything
/// that is missing.
pub fn check_codegen_dir(dir: &Path) -> Result<(), String> {
    if !dir.is_dir() {
        return Err(format!("{}: not a directory", dir.display()));
    }
    let mut missing = Vec::new();
    for needed in ["src/prelude.isle", "src/prelude_opt.isle", "src/prelude_lower.isle", "src/opts", "src/isa/aarch64", "src/isa/x64"] {
        if !dir.join(needed).exists() {
            missing.push(needed.to_string());
        }
    }
    match codegen_version(dir) {
        Ok(v) if v == PINNED_VERSION => {}
        Ok(v) => missing.push(format!("version {PINNED_VERSION} (it is {v})")),
        Err(e) => missing.push(e),
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}: not a cranelift-codegen {PINNED_VERSION} source directory; missing: {}",
            dir.display(),
            missing.join(", ")
        ))
    }
}

/// The version in `dir/Cargo.toml`, or, where it is inherited
/// (`version.workspace = true` in a wasmtime checkout), in the enclosing
/// workspace's `[workspace.package]`.
fn codegen_version(dir: &Path) -> Result<String, String> {
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|_| "Cargo.toml (to tell its version)".to_string())?;
    if let Some(v) = locate::manifest_version(&text) {
        return Ok(v);
    }
    for ancestor in dir.ancestors().skip(1) {
        let Ok(text) = std::fs::read_to_string(ancestor.join("Cargo.toml")) else { continue };
        if let Some(v) = workspace_package_version(&text) {
            return Ok(v);
        }
    }
    Err("a version in Cargo.toml or its workspace's".to_string())
}

fn workspace_package_version(manifest: &str) -> Option<String> {
    // `[workspace.package]` read as if it were `[package]`.
    let renamed: String = manifest
        .lines()
        .map(|l| match l.trim() {
            "[workspace.package]" => "[package]",
            "[package]" => "[not-the-package]",
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    locate::manifest_version(&renamed)
}

/// Copies what the verifier reads from a cranelift-codegen directory (its
/// manifest, which tells the version, and every `.isle` file under `src`,
/// keeping the layout) into `to`: a tree to edit specs in and pass as
/// `--cranelift`, e.g. to check that a mutated spec is caught.
pub fn copy_isle_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    std::fs::copy(from.join("Cargo.toml"), to.join("Cargo.toml"))?;
    let mut stack = vec![from.join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "isle") {
                let rel = path.strip_prefix(from).map_err(|e| std::io::Error::other(e.to_string()))?;
                let dest = to.join(rel);
                if let Some(parent) = dest.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::copy(&path, &dest)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_without_sources_names_what_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"x\"\nversion = \"0.1.0\"\n").unwrap();
        let err = check_codegen_dir(dir.path()).unwrap_err();
        assert!(err.contains("src/prelude.isle"), "{err}");
        assert!(err.contains("src/isa/aarch64"), "{err}");
        assert!(err.contains("(it is 0.1.0)"), "{err}");
        assert!(err.contains(&dir.path().display().to_string()), "{err}");
    }

    #[test]
    fn an_inherited_version_is_read_from_the_workspace() {
        let root = tempfile::tempdir().unwrap();
        let codegen = root.path().join("cranelift/codegen");
        std::fs::create_dir_all(&codegen).unwrap();
        std::fs::write(codegen.join("Cargo.toml"), "[package]\nname = \"cranelift-codegen\"\nversion.workspace = true\n")
            .unwrap();
        std::fs::write(root.path().join("Cargo.toml"), "[workspace.package]\nversion = \"9.9.9\"\n").unwrap();
        assert_eq!(codegen_version(&codegen).unwrap(), "9.9.9");
    }

    #[test]
    fn the_pinned_sources_pass() {
        let dir = cranelift_codegen_dir(None).expect("the pinned sources are found");
        check_codegen_dir(&dir).unwrap();
    }
}
