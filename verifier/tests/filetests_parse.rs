//! Every filetest must be a valid ISLE program on its own: it is lexed,
//! parsed, type-checked, overlap-checked and compiled by the pinned
//! `cranelift-isle`, independently of our verifier. A filetest the ISLE
//! compiler rejects would test nothing.

use std::path::{Path, PathBuf};

use cranelift_isle::codegen::CodegenOptions;

/// The outcome folders; each holds `*.isle` programs.
const FOLDERS: [&str; 4] = ["verified", "counterexample", "inapplicable", "unsupported"];

fn filetest_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/filetests");
    let mut files = Vec::new();
    for folder in FOLDERS {
        let dir = root.join(folder);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry.expect("readable filetest directory").path();
            if path.extension().is_some_and(|e| e == "isle") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_filetest_compiles_with_cranelift_isle() {
    let files = filetest_files();
    assert!(files.len() >= 30, "expected at least 30 filetests, found {}", files.len());
    let mut failures = Vec::new();
    for file in &files {
        if let Err(errors) = cranelift_isle::compile::from_files([file], &CodegenOptions::default()) {
            failures.push(format!("{}:\n{errors:?}", file.display()));
        }
    }
    assert!(failures.is_empty(), "{} filetest(s) rejected by cranelift-isle:\n{}", failures.len(), failures.join("\n"));
}
