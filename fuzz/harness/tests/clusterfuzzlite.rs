//! `.clusterfuzzlite/build.sh` must build exactly the cargo-fuzz targets in
//! `fuzz/fuzz_targets/` (each also a `[[bin]]` of `fuzz/Cargo.toml`), each with
//! its options file and, where it names one, its dictionary. The build itself
//! is not run here (it needs cargo-fuzz and minutes); its dry run prints the
//! plan the real run follows.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn dry_run(root: &Path) -> Output {
    let out = tempfile::tempdir().unwrap();
    Command::new("bash")
        .arg(repo().join(".clusterfuzzlite/build.sh"))
        .env("DRY_RUN", "1")
        .env("OUT", out.path())
        .env("SAFFRON_ROOT", root)
        .output()
        .expect("bash runs")
}

/// Target names the dry run plans to build.
fn planned(output: &Output) -> BTreeSet<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("target "))
        .map(|rest| rest.split_whitespace().next().unwrap().to_string())
        .collect()
}

fn stems(dir: &Path, ext: &str) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension().and_then(|x| x.to_str()) == Some(ext)).then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect()
}

/// `name = "..."` of every `[[bin]]` table in fuzz/Cargo.toml.
fn cargo_bins() -> BTreeSet<String> {
    let text = std::fs::read_to_string(repo().join("fuzz/Cargo.toml")).unwrap();
    let mut bins = BTreeSet::new();
    let mut in_bin = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if let (true, Some(v)) = (in_bin, line.strip_prefix("name = ")) {
            bins.insert(v.trim_matches('"').to_string());
        }
    }
    bins
}

#[test]
fn build_sh_covers_exactly_the_fuzz_targets() {
    let root = repo();
    let output = dry_run(&root);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let targets = stems(&root.join("fuzz/fuzz_targets"), "rs");
    assert!(!targets.is_empty());
    assert_eq!(planned(&output), targets, "build.sh plan vs fuzz/fuzz_targets/");
    assert_eq!(cargo_bins(), targets, "fuzz/Cargo.toml [[bin]]s vs fuzz/fuzz_targets/");
    let cfl = root.join(".clusterfuzzlite");
    assert_eq!(stems(&cfl.join("options"), "options"), targets, "one options file per target");
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (name, dict) = (fields[1], fields[2].strip_prefix("dict=").unwrap());
        let options = std::fs::read_to_string(cfl.join(format!("options/{name}.options"))).unwrap();
        if dict == "none" {
            assert!(!options.contains("dict ="), "{name}: options name a dictionary build.sh does not copy");
        } else {
            assert!(cfl.join("dictionaries").join(dict).is_file(), "{name}: missing dictionary {dict}");
            assert!(options.contains(&format!("dict = {name}.dict")), "{name}: options must name {name}.dict");
        }
    }
}

#[test]
fn build_sh_refuses_a_target_it_has_no_plan_for() {
    // A repository copy with one extra target: the build must stop, naming it,
    // rather than skip it.
    let root = tempfile::tempdir().unwrap();
    let targets = root.path().join("fuzz/fuzz_targets");
    std::fs::create_dir_all(&targets).unwrap();
    for name in stems(&repo().join("fuzz/fuzz_targets"), "rs") {
        std::fs::write(targets.join(format!("{name}.rs")), "").unwrap();
    }
    std::fs::write(targets.join("brand_new_target.rs"), "").unwrap();
    let output = dry_run(root.path());
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("brand_new_target"), "{output:?}");
}
