//! Replays the checked-in regression corpus fuzz/regressions/*.wasm through
//! every engine of this build. Each module once showed a mismatch that has
//! since been fixed (or handled); `<name>.json`, when present, holds the
//! argument bytes (`arg_bytes_hex`) the mismatch needed.

use saffron_fuzz::campaign::unhex;
use saffron_fuzz::targets::{decode_wasm, diff_wasm};
use saffron_fuzz::Verdict;
use std::path::PathBuf;

fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../regressions"))
}

/// The files of a corpus directory that `keep` accepts, sorted; never empty.
fn corpus_files(dir: PathBuf, keep: impl Fn(&PathBuf) -> bool) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| keep(p))
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "{}: the corpus is empty", dir.display());
    entries
}

#[test]
fn regression_corpus_agrees() {
    let entries = corpus_files(corpus_dir(), |p| p.extension().is_some_and(|e| e == "wasm"));
    let mut failures = Vec::new();
    for path in &entries {
        let wasm = std::fs::read(path).unwrap();
        let args = std::fs::read_to_string(path.with_extension("json"))
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .and_then(|json| json["arg_bytes_hex"].as_str().and_then(unhex))
            .unwrap_or_default();
        match diff_wasm(&wasm, &args) {
            Verdict::Agree => {}
            Verdict::Inconclusive(why) => failures.push(format!("{}: no longer conclusive: {why}", path.display())),
            Verdict::Mismatch(m) => failures.push(format!("{}: {} {}", path.display(), m.signature, m.detail)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Inputs that once crashed the `decode_wasm` target (raw fuzzer bytes, as
/// `cargo fuzz` wrote them): they must now be handled without a panic.
#[test]
fn decode_crashes_stay_fixed() {
    let entries = corpus_files(corpus_dir().join("decode_wasm"), |p| p.is_file());
    for path in &entries {
        let data = std::fs::read(path).unwrap();
        if let Verdict::Mismatch(m) = decode_wasm(&data) {
            panic!("{}: {}", path.display(), m.detail);
        }
    }
}
