//! `saffron verify`: bad Cranelift directories and flags are exit 2 with one
//! clear error naming the directory and what it lacks.

mod cli_support;
use cli_support::{saffron, stderr};

#[test]
fn cranelift_dir_without_sources_names_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"cranelift-codegen\"\nversion = \"0.135.8\"\n")
        .unwrap();
    let path = dir.path().to_string_lossy().into_owned();
    let out = saffron(&["verify", "--unit", "opt", "--cranelift", &path]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&path), "{err}");
    assert!(err.contains("src/prelude.isle") && err.contains("src/isa/aarch64"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn cranelift_dir_of_another_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    for d in ["opts", "isa/aarch64", "isa/x64"] {
        std::fs::create_dir_all(src.join(d)).unwrap();
    }
    for f in ["prelude.isle", "prelude_opt.isle", "prelude_lower.isle"] {
        std::fs::write(src.join(f), "").unwrap();
    }
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"cranelift-codegen\"\nversion = \"0.120.0\"\n")
        .unwrap();
    let out = saffron(&["verify", "--unit", "opt", "--cranelift", &dir.path().to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("version 0.135.8 (it is 0.120.0)"), "{}", stderr(&out));
}

#[test]
fn cranelift_path_that_is_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let out = saffron(&["verify", "--unit", "opt", "--cranelift", &file.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a directory"), "{}", stderr(&out));
}
