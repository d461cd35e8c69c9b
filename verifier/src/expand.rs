//! Rule expansion: pick the rules to verify and inline the rules of terms
//! marked `(attr T (veri chain))` wherever such a term is applied.
//!
//! An expansion is a root rule plus, for every application of a chained term
//! (in the order the instantiator walks the rule), the rule chosen for it,
//! recursively. Terms that are not chained are described by their specs.

use crate::load::{unit_default_root, Program};
use crate::span::Span;
use cranelift_isle::sema::{Expr, Pattern, RuleId, TermId, TermKind};
use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// Maximum nesting of chained rules; deeper chains become unsupported
/// expansions instead of looping on recursive terms.
const MAX_CHAIN_DEPTH: usize = 6;
/// Maximum expansions produced from one root rule.
const MAX_EXPANSIONS_PER_RULE: usize = 4096;

/// Tags that upstream tooling does not verify by default: vector, atomics,
/// Spectre guards, narrow floats, constant addressing modes, i128, slow
/// instantiations, stack-category Wasm ops, rules still marked TODO, and
/// the x64 unit's scope tags.
/// As upstream, an expansion carries the tags of every rule in it and of
/// every term those rules mention, chained and macro terms included, and is
/// dropped when one of them is excluded.
pub const DEFAULT_EXCLUDED_TAGS: &[&str] = &[
    "vector",
    "atomics",
    "spectre",
    "narrowfloat",
    "amode_const",
    "i128",
    "slow",
    "wasm_category_stack",
    "TODO",
    // x64 lowerings through XMM registers (scalar float, vector), control
    // flow and calls, and CLIF instructions no Wasm core operation lowers to;
    // tagged by isle-rules/specs/x64/scope.isle, used by no shipped ISLE.
    "xmm",
    "control",
    "clif_only",
];

/// The default-excluded tags that mark a family of operations outside a
/// unit's scope, rather than a cost (`slow`) or a known gap of the model
/// (`TODO`, `amode_const`, `spectre`, `wasm_category_stack`). An expansion
/// carrying one that is checked anyway (no `--default-excludes`) and uses
/// something the verifier cannot model is reported as `out_of_scope`, with
/// these tags named, instead of `unsupported`.
pub const SCOPE_TAGS: &[&str] = &["vector", "atomics", "narrowfloat", "i128", "xmm", "control", "clif_only"];

impl Expansion {
    /// The expansion's tags that are [`SCOPE_TAGS`], sorted.
    pub fn scope_tags(&self) -> Vec<String> {
        self.tags.iter().filter(|t| SCOPE_TAGS.contains(&t.as_str())).cloned().collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FilterItem {
    Tag(String),
    Rule(String),
    Root(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    Include(FilterItem),
    Exclude(FilterItem),
}

impl FromStr for Filter {
    type Err = String;
    /// `include:tag:T`, `exclude:rule:R`, `include:root:T`, ...
    fn from_str(s: &str) -> Result<Filter, String> {
        let mut parts = s.splitn(3, ':');
        let (mode, kind, value) = (parts.next(), parts.next(), parts.next());
        let value = match value {
            Some(v) if !v.is_empty() => v.to_string(),
            _ => return Err(format!("bad filter `{s}`: expected include|exclude:tag|rule|root:NAME")),
        };
        let item = match kind {
            Some("tag") => FilterItem::Tag(value),
            Some("rule") => FilterItem::Rule(value),
            Some("root") => FilterItem::Root(value),
            _ => return Err(format!("bad filter `{s}`: kind must be tag, rule or root")),
        };
        match mode {
            Some("include") => Ok(Filter::Include(item)),
            Some("exclude") => Ok(Filter::Exclude(item)),
            _ => Err(format!("bad filter `{s}`: must start with include: or exclude:")),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct ExpandOptions {
    pub roots: Vec<String>,
    pub rule: Option<String>,
    pub filters: Vec<Filter>,
    pub default_excludes: bool,
}

#[derive(Debug, Clone)]
pub struct ExpandError(pub String);

impl fmt::Display for ExpandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for ExpandError {}

/// The rule used at one chained application, with the choices made inside it.
#[derive(Clone, Debug)]
pub(crate) struct ChainTree {
    pub rule: RuleId,
    pub children: Vec<ChainTree>,
    /// The chain went deeper than [`MAX_CHAIN_DEPTH`] below this rule.
    pub truncated: bool,
}

#[derive(Clone, Debug)]
pub struct Expansion {
    /// Name (or file:line) of the root rule.
    pub rule: String,
    /// Names of the chained rules, outermost first.
    pub chain: Vec<String>,
    pub span: Span,
    /// Tags of all terms and rules involved.
    pub tags: BTreeSet<String>,
    pub(crate) root_term: TermId,
    pub(crate) tree: ChainTree,
    /// Tags excluded in this run; tagged `instantiate`s with them are inactive.
    pub(crate) excluded_tags: Arc<HashSet<String>>,
}

/// Applications of chained terms in a rule, in instantiation walk order.
pub(crate) fn chained_apps(p: &Program, rule: RuleId) -> Vec<TermId> {
    let r = &p.termenv.rules[rule.index()];
    let mut out = Vec::new();
    for il in &r.iflets {
        chained_in_expr(p, &il.rhs, &mut out);
    }
    chained_in_expr(p, &r.rhs, &mut out);
    out
}

/// Whether applications of `t` are expanded through its rules: terms marked
/// `(veri chain)` and spec-less macro terms (see `Program::macro_terms`).
pub(crate) fn is_chained(p: &Program, t: TermId) -> bool {
    // Macro terms have their one rule by construction.
    p.macro_terms.contains(&t) || (p.chain_terms.contains(&t) && p.termenv.rules.iter().any(|r| r.root_term == t))
}

fn has_internal_constructor(p: &Program, t: TermId) -> bool {
    matches!(
        &p.termenv.terms[t.index()].kind,
        TermKind::Decl { constructor_kind: Some(cranelift_isle::sema::ConstructorKind::InternalConstructor), .. }
    )
}

pub(crate) fn chained_in_expr(p: &Program, e: &Expr, out: &mut Vec<TermId>) {
    match e {
        Expr::Term(_, t, args) => {
            for a in args {
                chained_in_expr(p, a, out);
            }
            if is_chained(p, *t) {
                out.push(*t);
            }
        }
        Expr::Let { bindings, body, .. } => {
            for (_, _, b) in bindings {
                chained_in_expr(p, b, out);
            }
            chained_in_expr(p, body, out);
        }
        _ => {}
    }
}

fn trees(p: &Program, rule: RuleId, depth: usize, budget: &mut usize) -> Vec<ChainTree> {
    let apps = chained_apps(p, rule);
    if apps.is_empty() {
        return vec![ChainTree { rule, children: vec![], truncated: false }];
    }
    if depth >= MAX_CHAIN_DEPTH {
        return vec![ChainTree { rule, children: vec![], truncated: true }];
    }
    let mut partial: Vec<Vec<ChainTree>> = vec![vec![]];
    for app in apps {
        let mut options = Vec::new();
        for r in p.rules_of(app) {
            options.extend(trees(p, r, depth + 1, budget));
        }
        let mut next = Vec::new();
        for prefix in &partial {
            for o in &options {
                if next.len() >= *budget {
                    break;
                }
                let mut v = prefix.clone();
                v.push(o.clone());
                next.push(v);
            }
        }
        partial = next;
    }
    *budget = budget.saturating_sub(partial.len());
    partial.into_iter().map(|children| ChainTree { rule, children, truncated: false }).collect()
}

fn tree_rules(t: &ChainTree, out: &mut Vec<RuleId>) {
    out.push(t.rule);
    for c in &t.children {
        tree_rules(c, out);
    }
}

fn pattern_terms(p: &Pattern, out: &mut BTreeSet<TermId>) {
    match p {
        Pattern::BindPattern(_, _, sub) => pattern_terms(sub, out),
        Pattern::Term(_, t, args) => {
            out.insert(*t);
            args.iter().for_each(|a| pattern_terms(a, out));
        }
        Pattern::And(_, ps) => ps.iter().for_each(|a| pattern_terms(a, out)),
        _ => {}
    }
}

fn expr_terms(e: &Expr, out: &mut BTreeSet<TermId>) {
    match e {
        Expr::Term(_, t, args) => {
            out.insert(*t);
            args.iter().for_each(|a| expr_terms(a, out));
        }
        Expr::Let { bindings, body, .. } => {
            bindings.iter().for_each(|(_, _, b)| expr_terms(b, out));
            expr_terms(body, out);
        }
        _ => {}
    }
}

/// Extractors a rule matches with (in its arguments and `if-let`s).
fn rule_pattern_terms(p: &Program, rule: RuleId, out: &mut BTreeSet<TermId>) {
    let r = &p.termenv.rules[rule.index()];
    r.args.iter().for_each(|a| pattern_terms(a, out));
    for il in &r.iflets {
        pattern_terms(&il.lhs, out);
    }
}

/// Constructors a rule calls (in `if-let`s and its right-hand side).
fn rule_constructor_calls(p: &Program, rule: RuleId, out: &mut BTreeSet<TermId>) {
    let r = &p.termenv.rules[rule.index()];
    for il in &r.iflets {
        expr_terms(&il.rhs, out);
    }
    expr_terms(&r.rhs, out);
}

fn has_constructor(p: &Program, t: TermId) -> bool {
    match &p.termenv.terms[t.index()].kind {
        TermKind::Decl { constructor_kind, .. } => constructor_kind.is_some(),
        _ => false,
    }
}

pub fn expand(p: &Program, o: &ExpandOptions) -> Result<Vec<Expansion>, ExpandError> {
    // Seeds.
    let mut roots: Vec<TermId> = Vec::new();
    for name in &o.roots {
        roots.push(p.term_by_name(name).ok_or_else(|| ExpandError(format!("unknown root term `{name}`")))?);
    }
    if roots.is_empty() {
        if let Some(rule) = &o.rule {
            let r = p
                .termenv
                .rules
                .iter()
                .find(|r| rule_name_matches(&p.rule_name(r.id), rule))
                .ok_or_else(|| ExpandError(format!("unknown rule `{rule}`")))?;
            // A rule of a term that is inlined (chained, or a macro without
            // a spec) is checked inside the expansions of the unit's root
            // that apply it (the name filter below keeps those).
            match p.unit {
                Some(unit) if is_chained(p, r.root_term) && !p.specs.contains_key(&r.root_term) => {
                    let name = unit_default_root(unit);
                    roots.push(p.term_by_name(name).ok_or_else(|| ExpandError(format!("unknown root term `{name}`")))?);
                }
                _ => roots.push(r.root_term),
            }
        } else if let Some(unit) = p.unit {
            let name = unit_default_root(unit);
            roots.push(p.term_by_name(name).ok_or_else(|| ExpandError(format!("unknown root term `{name}`")))?);
        } else {
            let mut seen = HashSet::new();
            for r in &p.termenv.rules {
                if has_constructor(p, r.root_term) && !is_chained(p, r.root_term) && seen.insert(r.root_term) {
                    roots.push(r.root_term);
                }
            }
        }
    }

    let mut excluded: HashSet<String> = HashSet::new();
    if o.default_excludes {
        excluded.extend(DEFAULT_EXCLUDED_TAGS.iter().map(|s| s.to_string()));
    }
    for f in &o.filters {
        if let Filter::Exclude(FilterItem::Tag(t)) = f {
            excluded.insert(t.clone());
        }
    }
    let excluded = Arc::new(excluded);
    let mut filters = o.filters.clone();
    filters.extend(excluded.iter().map(|t| Filter::Exclude(FilterItem::Tag(t.clone()))));

    let mut out = Vec::new();
    // Roots cascade: a constructor with a spec and rules of its own that an
    // expansion calls (rather than inlines) is described there by its spec,
    // so its rules must be checked against that spec as roots in their own
    // right. Cascading happens before filtering, as the call is there either way.
    let mut queued: HashSet<TermId> = roots.iter().copied().collect();
    let mut next_root = 0;
    while next_root < roots.len() {
        let root = roots[next_root];
        next_root += 1;
        for rule in p.rules_of(root) {
            let mut budget = MAX_EXPANSIONS_PER_RULE;
            for tree in trees(p, rule, 0, &mut budget) {
                let mut rules = Vec::new();
                tree_rules(&tree, &mut rules);
                // Terms left after chaining: every extractor matched, and every
                // constructor called that is not inlined.
                let (mut matched, mut called) = (BTreeSet::new(), BTreeSet::new());
                for r in &rules {
                    rule_pattern_terms(p, *r, &mut matched);
                    rule_constructor_calls(p, *r, &mut called);
                }
                called.retain(|t| !is_chained(p, *t));
                for &t in &called {
                    if has_internal_constructor(p, t) && p.specs.contains_key(&t) && queued.insert(t) {
                        roots.push(t);
                    }
                }
                // Tags: the root's, every applied rule's, and the remaining terms'.
                let mut tags = p.term_tags.get(&root).cloned().unwrap_or_default();
                for t in matched.iter().chain(&called) {
                    tags.extend(p.term_tags.get(t).into_iter().flatten().cloned());
                }
                for r in &rules {
                    tags.extend(p.rule_tags.get(r).into_iter().flatten().cloned());
                }
                let names: Vec<String> = rules.iter().map(|r| p.rule_name(*r)).collect();
                if let Some(want) = &o.rule {
                    if !names.iter().any(|n| rule_name_matches(n, want)) {
                        continue;
                    }
                }
                let root_name = p.term_name(root).to_string();
                if !keep(&filters, &tags, &names, &root_name) {
                    continue;
                }
                out.push(Expansion {
                    rule: names[0].clone(),
                    chain: names[1..].to_vec(),
                    span: p.span(p.termenv.rules[rule.index()].pos),
                    tags,
                    root_term: root,
                    tree,
                    excluded_tags: excluded.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// A rule is named by its name, or (unnamed rules) by `file:line`, where
/// any trailing part of the path will do: `bitops.isle:164`.
fn rule_name_matches(name: &str, want: &str) -> bool {
    name == want || (name.ends_with(want) && name[..name.len() - want.len()].ends_with('/'))
}

fn item_matches(item: &FilterItem, tags: &BTreeSet<String>, rules: &[String], root: &str) -> bool {
    match item {
        FilterItem::Tag(t) => tags.contains(t),
        FilterItem::Rule(r) => rules.iter().any(|n| rule_name_matches(n, r)),
        FilterItem::Root(t) => root == t,
    }
}

/// Included when no include filter exists or one matches, and no exclude matches.
fn keep(filters: &[Filter], tags: &BTreeSet<String>, rules: &[String], root: &str) -> bool {
    let mut any_include = false;
    let mut included = false;
    for f in filters {
        match f {
            Filter::Include(i) => {
                any_include = true;
                included |= item_matches(i, tags, rules, root);
            }
            Filter::Exclude(i) => {
                if item_matches(i, tags, rules, root) {
                    return false;
                }
            }
        }
    }
    !any_include || included
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_parsing() {
        assert_eq!("include:tag:foo".parse::<Filter>(), Ok(Filter::Include(FilterItem::Tag("foo".into()))));
        assert_eq!("exclude:rule:r1".parse::<Filter>(), Ok(Filter::Exclude(FilterItem::Rule("r1".into()))));
        assert!("exclude:bogus:x".parse::<Filter>().is_err());
        assert!("maybe:tag:x".parse::<Filter>().is_err());
        assert!("include:tag:".parse::<Filter>().is_err());
    }

    const CASCADE: &str = r#"
(type Value (primitive Value))
(model Value (type (bv)))
(decl top (Value) Value)
(spec (top x) (provide (= result x)))
(decl neg (Value) Value)
(spec (neg x) (provide (= result (bvneg x))))
(decl sub (Value Value) Value)
(extern constructor sub sub)
(spec (sub x y) (provide (= result (bvsub x y))))
(decl zero () Value)
(extern constructor zero zero)
(spec (zero) (provide (= result (zero_ext (widthof result) #b0))))
(decl wrap (Value) Value)
(attr wrap (tag excluded_tag))
(rule wrap_rule (wrap x) (neg x))
(rule top_rule (top x) (wrap x))
(rule neg_rule (neg x) (sub (zero) x))
"#;

    fn names(p: &Program, o: &ExpandOptions) -> Vec<(String, Vec<String>)> {
        expand(p, o).unwrap().into_iter().map(|e| (e.rule, e.chain)).collect()
    }

    #[test]
    fn spec_terms_called_by_an_expansion_become_roots() {
        let p = crate::load::load_sources(vec![("t.isle".into(), CASCADE.into())], None).unwrap();
        // `wrap` is a macro (no spec, one unconditional rule): inlined.
        assert!(p.macro_terms.contains(&p.term_by_name("wrap").unwrap()));
        let o = ExpandOptions { roots: vec!["top".into()], ..Default::default() };
        // `neg` has a spec and rules: the expansion of `top` uses its spec,
        // and its own rule is checked against it as a cascaded root.
        assert_eq!(
            names(&p, &o),
            vec![("top_rule".to_string(), vec!["wrap_rule".to_string()]), ("neg_rule".to_string(), vec![])]
        );
        // The inlined `wrap`'s tag is gone with it.
        let o = ExpandOptions {
            roots: vec!["top".into()],
            filters: vec![Filter::Exclude(FilterItem::Tag("excluded_tag".into()))],
            ..Default::default()
        };
        assert_eq!(names(&p, &o).len(), 2);
    }

    /// Tags reach an expansion through inlined macro terms, so a default
    /// exclusion drops a rule whose helper builds a `vector` instruction.
    #[test]
    fn macro_terms_are_chained_and_carry_tags() {
        let src = "(type Value (primitive Value))\n(model Value (type (bv)))\n\
                   (decl test (Value) Value)\n(spec (test x) (provide (= result x)))\n\
                   (decl vop (Value) Value)\n(extern constructor vop vop)\n(attr vop (tag vector))\n\
                   (spec (vop x) (provide (= result x)))\n\
                   (decl helper (Value) Value)\n(rule (helper x) (vop x))\n\
                   (decl picky (Value bool) Value)\n(rule (picky x true) (vop x))\n\
                   (rule r1 (test x) (helper x))\n";
        let p = crate::load::load_sources(vec![("t.isle".into(), src.into())], None).unwrap();
        let helper = p.term_by_name("helper").unwrap();
        assert!(is_chained(&p, helper), "single unconstrained rule: a macro");
        assert!(!is_chained(&p, p.term_by_name("picky").unwrap()), "constant pattern: not a macro");
        let o = ExpandOptions { roots: vec!["test".into()], ..Default::default() };
        let all = expand(&p, &o).unwrap();
        assert_eq!(all.len(), 1);
        assert!(all[0].tags.contains("vector"), "{:?}", all[0].tags);
        let o = ExpandOptions { default_excludes: true, ..o };
        assert!(expand(&p, &o).unwrap().is_empty());
    }

    #[test]
    fn keep_semantics() {
        let tags: BTreeSet<String> = ["a".to_string()].into();
        let inc_b = Filter::Include(FilterItem::Tag("b".into()));
        let exc_a = Filter::Exclude(FilterItem::Tag("a".into()));
        assert!(keep(&[], &tags, &[], "r"));
        assert!(!keep(&[inc_b.clone()], &tags, &[], "r"));
        assert!(!keep(&[exc_a], &tags, &[], "r"));
        assert!(keep(&[Filter::Include(FilterItem::Root("r".into()))], &tags, &[], "r"));
    }
}
