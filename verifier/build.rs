//! Records where the pinned `cranelift-codegen` sources are, so the verifier
//! can read their ISLE rules and specs at run time (see `locate.rs` for how
//! they are found). Failure is not fatal: the verifier looks again at run time
//! and otherwise needs `--cranelift DIR` or `SAFFRON_CRANELIFT_DIR`.

#[path = "locate.rs"]
#[allow(dead_code)]
mod locate;

use std::path::PathBuf;

/// Must match the workspace's `cranelift-codegen` pin.
const VERSION: &str = "0.135.8";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=locate.rs");
    println!("cargo:rerun-if-changed=../Cargo.lock");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rustc-env=SAFFRON_CRANELIFT_VERSION={VERSION}");
    println!("cargo:rustc-env=SAFFRON_HOST_TARGET={}", std::env::var("TARGET").unwrap_or_default());
    let env = |k: &str| std::env::var_os(k).map(PathBuf::from);
    let manifest_dir = env("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    println!("cargo:rustc-env=SAFFRON_VERIFIER_SOURCE_HASH={:016x}", source_hash(&manifest_dir.join("src")));
    let search = locate::Search {
        package: "cranelift-codegen".into(),
        version: VERSION.into(),
        cargo: env("CARGO").unwrap_or_else(|| "cargo".into()),
        workspace: manifest_dir.parent().map(PathBuf::from).unwrap_or(manifest_dir.clone()),
        target: std::env::var("TARGET").ok(),
        cargo_home: None,
        scratch: env("OUT_DIR").expect("cargo sets OUT_DIR"),
    };
    match search.locate() {
        Ok(dir) => println!("cargo:rustc-env=SAFFRON_CRANELIFT_CODEGEN_DIR={}", dir.display()),
        Err(not_found) => {
            for line in not_found.to_string().lines() {
                println!("cargo:warning={line}");
            }
            println!("cargo:rustc-env=SAFFRON_CRANELIFT_CODEGEN_DIR=");
        }
    }
}

/// A hash of the verifier's sources: part of every cache key (see
/// `src/cache.rs`), so verdicts of an older encoder or solver driver are
/// never reused. Not cryptographic; a collision only costs a stale cache.
fn source_hash(dir: &std::path::Path) -> u64 {
    use std::hash::{Hash, Hasher};
    fn files(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut all = Vec::new();
    files(dir, &mut all);
    all.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in all {
        p.strip_prefix(dir).unwrap_or(&p).hash(&mut h);
        std::fs::read(&p).unwrap_or_default().hash(&mut h);
    }
    h.finish()
}
