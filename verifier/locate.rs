//! Finding the source directory of a registry package (here: the pinned
//! `cranelift-codegen`, whose ISLE rules and specs the verifier reads).
//!
//! Shared, as one file, by `build.rs` (at build time), by the verifier library
//! (at run time, when the build-time answer is gone) and by the regression test
//! `tests/locate.rs`. It uses only `std` and `serde_json`.
//!
//! Two ways are tried, in order:
//!
//! 1. **Ask cargo about a scratch manifest.** A throw-away package that depends
//!    on nothing but the wanted package, with the workspace's lock file copied
//!    beside it, is given to `cargo metadata --offline --filter-platform HOST`.
//!    Its dependency graph is a part of the one the build just downloaded, so
//!    this works on a cold machine whose registry holds only what the build
//!    fetched (asking about the whole workspace does not: cargo then wants the
//!    dev-dependencies of every member, and the packages of other platforms).
//!    Cargo runs in the workspace directory, so source replacement configured
//!    there (`cargo vendor`) and in `CARGO_HOME` applies.
//! 2. **Look in the registry's unpacked sources**, `CARGO_HOME/registry/src/*/NAME-VERSION`.
//!    This needs no cargo at all and works on a read-only registry.
//!
//! When both fail, the error lists what each attempt did.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What the search may use.
#[derive(Clone, Debug)]
pub struct Search {
    /// The package's name and exact version.
    pub package: String,
    pub version: String,
    /// The cargo binary (`$CARGO` in a build script).
    pub cargo: PathBuf,
    /// The directory cargo runs in: the workspace root (its `Cargo.lock` is
    /// copied, its `.cargo/config.toml` applies).
    pub workspace: PathBuf,
    /// The host target triple, for `--filter-platform`.
    pub target: Option<String>,
    /// The cargo home to look in (`None`: `$CARGO_HOME`, else `~/.cargo`).
    pub cargo_home: Option<PathBuf>,
    /// Where the scratch manifest may be written.
    pub scratch: PathBuf,
}

/// One way that was tried and why it gave nothing.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub method: String,
    pub failure: String,
}

/// Every attempt failed.
#[derive(Clone, Debug)]
pub struct NotFound {
    pub package: String,
    pub version: String,
    pub attempts: Vec<Attempt>,
}

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot locate {} {} sources; tried:", self.package, self.version)?;
        for a in &self.attempts {
            write!(f, "\n  - {}: {}", a.method, a.failure)?;
        }
        Ok(())
    }
}

impl Search {
    /// The package's source directory (the one holding its `Cargo.toml`).
    pub fn locate(&self) -> Result<PathBuf, NotFound> {
        let mut attempts = Vec::new();
        match self.ask_cargo() {
            Ok(dir) => return Ok(dir),
            Err(failure) => attempts.push(Attempt {
                method: "cargo metadata --offline on a manifest depending only on the package".into(),
                failure,
            }),
        }
        match self.scan_registry() {
            Ok(dir) => return Ok(dir),
            Err((method, failure)) => attempts.push(Attempt { method, failure }),
        }
        Err(NotFound { package: self.package.clone(), version: self.version.clone(), attempts })
    }

    fn ask_cargo(&self) -> Result<PathBuf, String> {
        let dir = self.scratch.join("locate-scratch");
        std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
        // An empty [workspace] keeps cargo from treating the scratch package
        // as a member of an enclosing workspace (the target dir often lies
        // inside the project).
        let manifest = format!(
            "[package]\nname = \"saffron-locate-scratch\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             [lib]\npath = \"src/lib.rs\"\n\
             [dependencies]\n{} = {{ version = \"={}\", default-features = false }}\n[workspace]\n",
            self.package, self.version
        );
        write(&dir.join("Cargo.toml"), &manifest)?;
        write(&dir.join("src/lib.rs"), "")?;
        // The workspace's lock pins every version; cargo drops the entries
        // the scratch package does not need.
        let lock = self.workspace.join("Cargo.lock");
        if lock.is_file() {
            std::fs::copy(&lock, dir.join("Cargo.lock")).map_err(|e| format!("copying {}: {e}", lock.display()))?;
        }
        let mut cmd = Command::new(&self.cargo);
        cmd.current_dir(&self.workspace)
            .args(["metadata", "--format-version", "1", "--offline", "--manifest-path"])
            .arg(dir.join("Cargo.toml"));
        if let Some(target) = &self.target {
            cmd.args(["--filter-platform", target]);
        }
        if let Some(home) = &self.cargo_home {
            cmd.env("CARGO_HOME", home);
        }
        let output = cmd.output().map_err(|e| format!("running {}: {e}", self.cargo.display()))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(format!("cargo metadata failed: {}", last_lines(&stderr, 3)));
        }
        let meta: serde_json::Value =
            serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata output: {e}"))?;
        let packages = meta["packages"].as_array().ok_or("cargo metadata printed no packages")?;
        let pkg = packages
            .iter()
            .find(|p| p["name"] == self.package.as_str() && p["version"] == self.version.as_str())
            .ok_or_else(|| format!("{} {} is not in cargo's answer", self.package, self.version))?;
        let manifest = pkg["manifest_path"].as_str().ok_or("package without manifest_path")?;
        let found = Path::new(manifest).parent().ok_or("manifest path without a directory")?;
        self.check(found)
    }

    fn cargo_home(&self) -> Option<PathBuf> {
        self.cargo_home
            .clone()
            .or_else(|| std::env::var_os("CARGO_HOME").filter(|h| !h.is_empty()).map(PathBuf::from))
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
    }

    fn scan_registry(&self) -> Result<PathBuf, (String, String)> {
        let Some(home) = self.cargo_home() else {
            return Err(("registry sources".into(), "no CARGO_HOME and no HOME".into()));
        };
        let src = home.join("registry").join("src");
        let method = format!("{}/*/{}-{}", src.display(), self.package, self.version);
        let entries = std::fs::read_dir(&src).map_err(|e| (method.clone(), format!("{}: {e}", src.display())))?;
        let mut registries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        registries.sort();
        let mut failures = Vec::new();
        for registry in registries {
            let candidate = registry.join(format!("{}-{}", self.package, self.version));
            if candidate.is_dir() {
                match self.check(&candidate) {
                    Ok(dir) => return Ok(dir),
                    Err(why) => failures.push(why),
                }
            }
        }
        if failures.is_empty() {
            failures.push("no such directory".into());
        }
        Err((method, failures.join("; ")))
    }

    /// A directory is the package if its manifest names that version.
    fn check(&self, dir: &Path) -> Result<PathBuf, String> {
        let manifest = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
        if manifest_version(&text).as_deref() != Some(self.version.as_str()) {
            return Err(format!("{} is not version {}", manifest.display(), self.version));
        }
        Ok(dir.to_path_buf())
    }
}

/// The `version = "..."` of a manifest's `[package]` table, if written out
/// (a workspace-inherited version gives `None`).
pub fn manifest_version(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if !in_package {
            continue;
        }
        if let Some(rest) = line.strip_prefix("version") {
            let rest = rest.trim_start();
            if let Some(value) = rest.strip_prefix('=') {
                let value = value.trim();
                if let Some(quoted) = value.strip_prefix('"') {
                    return quoted.split('"').next().map(str::to_string);
                }
            }
        }
    }
    None
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" / ")
}
