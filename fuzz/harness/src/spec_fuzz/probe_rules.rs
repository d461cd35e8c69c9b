//! Loading generated probe rules and turning their type instances into
//! cases: how both spec fuzzers get one query per instruction and width.

use saffron_verifier::expand::{expand, ExpandOptions, Expansion};
use saffron_verifier::front::instantiate::{instantiate, InstanceBody};
use saffron_verifier::ir::Query;
use saffron_verifier::load::{load, LoadOptions, Program};

/// Loads `opts` with the generated `rules` (written to a temporary file and
/// loaded like any extra ISLE file) and expands them from `roots`.
pub fn load_and_expand(rules: &str, file_name: &str, mut opts: LoadOptions, roots: Vec<String>) -> Result<(Program, Vec<Expansion>), String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
    let file = dir.path().join(file_name);
    std::fs::write(&file, rules).map_err(|e| format!("{}: {e}", file.display()))?;
    opts.extra_files.push(file);
    let program = load(&opts).map_err(|e| format!("loading the probe rules: {e}"))?;
    let expand_opts = ExpandOptions { roots, default_excludes: false, ..Default::default() };
    let expansions = expand(&program, &expand_opts).map_err(|e| format!("expanding the probe rules: {e}"))?;
    Ok((program, expansions))
}

/// The cases of every type instance of `expansions` (`case_of` gets the
/// instance's types and query); when there is none, why, instance by
/// instance.
pub fn cases_of<'a, C>(
    program: &Program,
    expansions: impl IntoIterator<Item = &'a Expansion>,
    mut case_of: impl FnMut(String, Query) -> Result<C, String>,
) -> Result<Vec<C>, String> {
    let mut cases = Vec::new();
    let mut reasons = Vec::new();
    for e in expansions {
        for i in instantiate(program, e) {
            match i.body {
                InstanceBody::Query(q) => match case_of(i.types.clone(), q) {
                    Ok(c) => cases.push(c),
                    Err(r) => reasons.push(format!("{}: {r}", i.types)),
                },
                InstanceBody::Unsupported { reason, .. } => reasons.push(format!("verifier: {reason}")),
                InstanceBody::Error { message, .. } => reasons.push(format!("verifier: {message}")),
                InstanceBody::Inapplicable { reason, .. } => reasons.push(format!("verifier: inapplicable: {reason}")),
            }
        }
    }
    if cases.is_empty() {
        if reasons.is_empty() {
            reasons.push("the probe rule has no expansion".into());
        }
        return Err(reasons.join("; "));
    }
    Ok(cases)
}
