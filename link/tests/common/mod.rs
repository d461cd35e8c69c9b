//! Helpers the link tests share.

/// A copy of the pinned tree with `original` replaced by `mutated` in the
/// CLIF specs (exactly once).
pub fn mutated_tree(original: &str, mutated: &str) -> tempfile::TempDir {
    let pinned = saffron_verifier::load::cranelift_codegen_dir(None).expect("pinned cranelift-codegen");
    let dir = tempfile::tempdir().expect("tempdir");
    saffron_verifier::cranelift_dir::copy_isle_tree(&pinned, dir.path()).expect("copy the ISLE tree");
    let file = dir.path().join("src/spec/inst_specs.isle");
    let text = std::fs::read_to_string(&file).expect("inst_specs.isle");
    assert_eq!(text.matches(original).count(), 1, "mutation site `{original}` must be unique");
    std::fs::write(&file, text.replace(original, mutated)).expect("write mutant");
    dir
}

