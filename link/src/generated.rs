//! The generated ISLE program both the `wasm` unit and `verify --module`
//! check: one root term per Wasm op instance or function, whose spec is
//! Saffron's semantics and whose one rule is the captured CLIF, and what
//! those rules need declared (borrowed and per-site specs, immediates, the
//! control-flow terms). Writing it, running the verifier on it and reading
//! the verdicts back is the same for both.

use crate::clif_isle::{float_const_term, offset32_term, Skeleton, TermTable, Translation, TrapSite, BORROWED_PREFIX};
use saffron_verifier::cache::Cache;
use saffron_verifier::certify::CertifyOptions;
use saffron_verifier::expand::{ExpandOptions, Filter, FilterItem};
use saffron_verifier::load::{AliasBorrows, LoadOptions, Program, SpecAlias, Unit};
use saffron_verifier::pipeline::{self, VerifyOptions};
use saffron_verifier::report::InstanceResult;
use saffron_verifier::solve::SolveOptions;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum WasmUnitError {
    #[error("unknown Wasm op `{0}`; the unit checks: {1}")]
    UnknownOp(String, String),
    #[error("{0}")]
    Verifier(String),
    #[error("cannot write the generated ISLE: {0}")]
    Io(String),
    #[error("{0}")]
    BadModule(String),
}

/// How the verifier runs on the generated program.
#[derive(Clone)]
pub struct RunOptions {
    pub solve: SolveOptions,
    pub jobs: usize,
    pub progress: bool,
    /// The verdict cache (keys are query contents, so the generated file's
    /// temporary name does not matter).
    pub cache: Option<Cache>,
    /// Re-check every verified instance with both solvers (`--certify`).
    pub certify: Option<CertifyOptions>,
}

/// One root term and its rule, as ISLE text, with what it uses.
#[derive(Clone)]
pub struct GeneratedRule {
    pub root: String,
    pub isle: String,
    /// Skeleton instructions read through borrowed specs.
    pub borrowed: BTreeMap<String, Skeleton>,
    /// `Offset32` immediates the rule uses.
    pub offsets: BTreeSet<i32>,
    /// Float immediates (width, bits) the rule uses.
    pub float_consts: BTreeSet<(u32, u64)>,
    /// Trapping instructions read through per-site copies of their spec.
    pub sites: Vec<TrapSite>,
}

/// The parts of a root's text.
pub struct Root<'a> {
    pub root: String,
    /// Comment lines above it (what it is, the captured CLIF).
    pub comment: String,
    pub params: Vec<String>,
    pub models: Vec<String>,
    pub ret: String,
    /// The body of its `provide`.
    pub spec: String,
    pub requires: Vec<String>,
    pub rhs: &'a Translation,
}

impl GeneratedRule {
    pub fn new(r: Root) -> GeneratedRule {
        let Root { root, comment, params, models, ret, spec, requires, rhs } = r;
        let values = vec!["Value"; params.len()].join(" ");
        let mut isle = comment;
        let mut expr = rhs.expr.clone();
        if !rhs.sites.is_empty() {
            // The function traps iff a reached site traps; the wrapper also
            // takes each site's value, so every site is read.
            let wrapper = format!("wasm_cfg_traps_{root}");
            let mut args = vec!["v".to_string()];
            let mut call = vec![expr];
            let mut cases = Vec::new();
            for (k, s) in rhs.sites.iter().enumerate() {
                args.extend([format!("r{k}"), format!("x{k}")]);
                call.extend([s.reach.clone(), s.value.clone()]);
                cases.push(format!("(and (= r{k} #b1) {})", s.state));
            }
            let trap = if cases.len() == 1 { cases.remove(0) } else { format!("(or {})", cases.join(" ")) };
            isle.push_str(&format!(
                "(decl {wrapper} ({}) Value)\n(extern constructor {wrapper} {wrapper})\n\
                 (spec ({wrapper} {})\n    (modifies clif_trap)\n    (provide (= result v) (= clif_trap {trap})))\n",
                vec!["Value"; args.len()].join(" "),
                args.join(" "),
            ));
            expr = format!("({wrapper} {})", call.join(" "));
        }
        let requires: String = requires.iter().map(|r| format!("\n    (require {r})")).collect();
        isle.push_str(&format!(
            "(decl {root} ({values}) Value)\n(spec ({root} {params})\n    (provide {spec}){requires})\n\
             (instantiate {root} ((args {models}) (ret {ret})))\n(rule {root} ({root} {params})\n    {expr})\n\n",
            params = params.join(" "),
            models = models.join(" "),
        ));
        GeneratedRule {
            root,
            isle,
            borrowed: rhs.borrowed.clone(),
            offsets: rhs.offsets.clone(),
            float_consts: rhs.float_consts.clone(),
            sites: rhs.sites.clone(),
        }
    }
}

/// The opt unit's typed value terms: `(decl op (Type …) Value)`.
impl TermTable for Program {
    fn value_term(&self, op: &str, operands: usize) -> bool {
        let Some(t) = self.term_by_name(op) else { return false };
        let term = &self.termenv.terms[t.index()];
        term.arg_tys.len() == operands + 1
            && self.type_name(term.arg_tys[0]) == "Type"
            && self.type_name(term.ret_ty) == "Value"
    }

    fn has_spec(&self, op: &str) -> bool {
        self.term_by_name(op).is_some_and(|t| self.specs.contains_key(&t))
    }

    fn modifies_trap(&self, op: &str) -> bool {
        let spec = self.term_by_name(op).and_then(|t| self.specs.get(&t));
        spec.is_some_and(|s| s.modifies.iter().any(|m| m.state.0 == "clif_trap"))
    }

    fn skeleton(&self, op: &str, operands: usize) -> Option<Skeleton> {
        let t = self.term_by_name(op)?;
        let term = &self.termenv.terms[t.index()];
        let spec = self.specs.get(&t)?;
        if term.arg_tys.len() != operands || self.type_name(term.ret_ty) != "Inst" {
            return None;
        }
        let typed = match spec.args.len() {
            n if n == operands + 1 => true,
            n if n == operands => false,
            _ => return None,
        };
        Some(Skeleton { arg_tys: term.arg_tys.iter().map(|&a| self.type_name(a).to_string()).collect(), typed })
    }
}

/// Saffron's corrections of shipped CLIF specs (see the file).
const OVERRIDES_NAME: &str = "wasm_overrides.isle";
const OVERRIDES: &str = include_str!("../../isle-rules/specs/wasm_overrides.isle");

/// The opt unit with Saffron's corrections and additions: the CLIF terms and
/// specs generated rules are read through.
pub fn load_options(cranelift_dir: Option<PathBuf>) -> LoadOptions {
    LoadOptions {
        unit: Some(Unit::Opt),
        cranelift_dir,
        spec_overrides: vec![(OVERRIDES_NAME.into(), OVERRIDES.into())],
        spec_additions: vec![saffron_verifier::load::clif_spec_additions()],
        ..Default::default()
    }
}

/// Declarations every generated program shares. The `wasm_cfg_*` terms
/// are Saffron's reading of control flow (no CLIF instructions): a block is
/// reached when one of its incoming edges is taken (`#b1`), a block
/// parameter is the argument of the edge taken.
const PRELUDE: &str = "\
;; Generated by saffron-link: Wasm (spec: Saffron's semantics) against the CLIF
;; wasmtime compiled for it (rule: read through Cranelift's CLIF specs).
(decl wasm_any_mem_flags () MemFlags)
(extern constructor wasm_any_mem_flags wasm_any_mem_flags)
(spec (wasm_any_mem_flags) (provide true))
(decl wasm_cfg_true () Value)
(extern constructor wasm_cfg_true wasm_cfg_true)
(spec (wasm_cfg_true) (provide (= result #b1)))
(decl wasm_cfg_nonzero (Value) Value)
(extern constructor wasm_cfg_nonzero wasm_cfg_nonzero)
(spec (wasm_cfg_nonzero c) (provide (= result (if (bv_is_zero! c) #b0 #b1))))
(decl wasm_cfg_zero (Value) Value)
(extern constructor wasm_cfg_zero wasm_cfg_zero)
(spec (wasm_cfg_zero c) (provide (= result (if (bv_is_zero! c) #b1 #b0))))
(decl wasm_cfg_and (Value Value) Value)
(extern constructor wasm_cfg_and wasm_cfg_and)
(spec (wasm_cfg_and a b) (provide (= (widthof a) 1) (= result (bvand a b))))
(decl wasm_cfg_or (Value Value) Value)
(extern constructor wasm_cfg_or wasm_cfg_or)
(spec (wasm_cfg_or a b) (provide (= (widthof a) 1) (= result (bvor a b))))
(decl wasm_cfg_ite (Value Value Value) Value)
(extern constructor wasm_cfg_ite wasm_cfg_ite)
(spec (wasm_cfg_ite r a b) (provide (= result (if (= r #b1) a b))))

";

/// `text` with every whole-word `from` replaced by `to` (words end at
/// white space and parentheses).
fn rename_word(text: &str, from: &str, to: &str) -> String {
    let boundary = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || c == '(' || c == ')');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(from) {
        out.push_str(&rest[..i]);
        let whole = boundary(out.chars().last()) && boundary(rest[i + from.len()..].chars().next());
        out.push_str(if whole { to } else { from });
        rest = &rest[i + from.len()..];
    }
    out.push_str(rest);
    out
}

/// The shipped spec of `site.op`, copied for the site: its term renamed to
/// the site's term and its `clif_trap` to the site's state.
fn site_spec(terms: &Program, site: &TrapSite) -> Result<String, String> {
    let t = terms.term_by_name(&site.op).ok_or_else(|| format!("no term `{}`", site.op))?;
    let text = terms.spec_source(t).ok_or_else(|| format!("`{}` has no spec source", site.op))?;
    // A macro may name `clif_trap` itself, out of the renaming's reach.
    if let Some((name, _)) = terms.macro_sources().find(|(_, m)| rename_word(m, "clif_trap", "") != *m) {
        return Err(format!("spec macro `{name}` names `clif_trap`, so a per-site copy of `{}` cannot be made", site.op));
    }
    let head = format!("(spec ({} ", site.op);
    let at = text.find(&head).ok_or_else(|| format!("cannot find the head of the spec of `{}`", site.op))?;
    let renamed = format!("{}(spec ({} {}", &text[..at], site.term, &text[at + head.len()..]);
    Ok(rename_word(&renamed, "clif_trap", &site.state))
}

/// Writes the program, verifies every root, and returns the expansion count
/// and one result per root × type instance (`rule` = the root).
pub fn verify_generated(
    rules: &[GeneratedRule],
    terms: &Program,
    load_opts: &LoadOptions,
    run: &RunOptions,
) -> Result<(usize, Vec<InstanceResult>), WasmUnitError> {
    if rules.is_empty() {
        return Ok((0, Vec::new()));
    }
    let mut text = PRELUDE.to_string();
    let mut spec_aliases = Vec::new();
    let borrowed: BTreeMap<&String, &Skeleton> = rules.iter().flat_map(|g| &g.borrowed).collect();
    for (op, sk) in borrowed {
        let term = format!("{BORROWED_PREFIX}{op}");
        text.push_str(&format!(";; `{op}` as a value term, read through the shipped spec of `{op}`\n"));
        text.push_str(&decl(&term, sk));
        spec_aliases.push(SpecAlias { term, spec_of: op.clone(), borrow: AliasBorrows::SpecAndInstantiations });
    }
    // A site's copy depends only on its number and instruction, so roots
    // with the same site share one declaration (each root is its own query).
    let sites: BTreeMap<&String, &TrapSite> = rules.iter().flat_map(|g| &g.sites).map(|s| (&s.term, s)).collect();
    let states: BTreeSet<&String> = sites.values().map(|s| &s.state).collect();
    for state in states {
        text.push_str(&format!(";; a trap site's own trap state\n(state {state} (type Bool) (default (not {state})))\n"));
    }
    for site in sites.values() {
        let spec = site_spec(terms, site).map_err(WasmUnitError::Verifier)?;
        text.push_str(&format!(
            ";; `{op}` at one trap site: the shipped spec with `clif_trap` renamed `{state}`\n{decl}{spec}\n",
            op = site.op,
            state = site.state,
            decl = decl(&site.term, &site.skeleton),
        ));
        spec_aliases.push(SpecAlias { term: site.term.clone(), spec_of: site.op.clone(), borrow: AliasBorrows::InstantiationsOnly });
    }
    let offsets: BTreeSet<i32> = rules.iter().flat_map(|g| g.offsets.iter().copied()).collect();
    for o in offsets {
        let term = offset32_term(o);
        text.push_str(&format!(
            "(decl {term} () Offset32)\n(extern constructor {term} {term})\n(spec ({term}) (provide (= result {})))\n",
            crate::sym::bv_lit(32, o as u32 as u64)
        ));
    }
    let floats: BTreeSet<(u32, u64)> = rules.iter().flat_map(|g| g.float_consts.iter().copied()).collect();
    for (width, bits) in floats {
        let term = float_const_term(width, bits);
        text.push_str(&format!(
            "(decl {term} () Ieee{width})\n(extern constructor {term} {term})\n(spec ({term}) (provide (= result {})))\n",
            crate::sym::bv_lit(width, bits)
        ));
    }
    text.push('\n');
    for g in rules {
        text.push_str(&g.isle);
    }
    let file = tempfile::Builder::new()
        .prefix("saffron-wasm-unit-")
        .suffix(".isle")
        .tempfile()
        .map_err(|e| WasmUnitError::Io(e.to_string()))?;
    std::fs::write(file.path(), &text).map_err(|e| WasmUnitError::Io(e.to_string()))?;
    if let Ok(dir) = std::env::var("SAFFRON_WASM_UNIT_DUMP") {
        let _ = std::fs::write(PathBuf::from(dir).join("wasm_unit.isle"), &text);
    }
    let opts = VerifyOptions {
        load: LoadOptions { extra_files: vec![file.path().to_path_buf()], spec_aliases, ..load_opts.clone() },
        expand: ExpandOptions {
            roots: rules.iter().map(|g| g.root.clone()).collect(),
            // Only the generated roots: the opt unit's own constructor rules
            // of the CLIF terms applied here (which the verifier would
            // cascade into) are no verdicts of ours.
            filters: rules.iter().map(|g| Filter::Include(FilterItem::Root(g.root.clone()))).collect(),
            ..Default::default()
        },
        solve: run.solve.clone(),
        jobs: run.jobs,
        progress: run.progress,
        cache: run.cache.clone(),
        shard: None,
        certify: run.certify.clone(),
    };
    let report = pipeline::verify("wasm", &opts).map_err(|e| WasmUnitError::Verifier(e.to_string()))?;
    Ok((report.expansions, report.instantiations))
}

/// The typed value term reading a skeleton instruction.
fn decl(term: &str, sk: &Skeleton) -> String {
    let ty = if sk.typed { "Type " } else { "" };
    format!("(decl {term} ({ty}{}) Value)\n(extern constructor {term} {term})\n", sk.arg_tys.join(" "))
}

#[cfg(test)]
mod tests {
    use super::rename_word;

    #[test]
    fn renames_whole_words_only() {
        let t = "(modifies clif_trap) (= clif_trap (or clif_trap_x a.clif_trap)) clif_trap";
        assert_eq!(rename_word(t, "clif_trap", "T"), "(modifies T) (= T (or clif_trap_x a.clif_trap)) T");
    }
}
