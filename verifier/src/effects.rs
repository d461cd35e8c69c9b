//! Which constructors can emit machine instructions.
//!
//! An instruction that reads the condition flags (a `TrapIf`, a `CCmp`)
//! sees the flags written by the instruction emitted just before it. The
//! front end connects the two only when nothing evaluated between the two
//! `emit`s can have emitted an instruction of its own; this module decides
//! which constructors are free of emission.
//!
//! A constructor is emission-free when it is
//! - an enum variant or struct, or declared `pure` (ISLE forbids side effects there);
//! - an external constructor whose Rust body never mentions `self`: the
//!   lowering context, the only way to emit, is reachable only through it;
//! - an internal constructor whose rules apply only emission-free
//!   constructors (a greatest fixpoint, so self-recursion is fine).
//!
//! Everything else may emit, including external constructors whose Rust
//! source is not found. Extractors are not considered: ISLE runs them while
//! choosing a rule, including for rules that then do not fire, so they
//! cannot emit code without miscompiling.

use cranelift_isle::sema::{ConstructorKind, Expr, Rule, TermEnv, TermId, TermKind, TypeEnv};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// For each Rust function name defined in `sources`, whether any definition
/// of that name mentions `self` in its body.
pub fn rust_functions_using_self<'a>(sources: impl IntoIterator<Item = &'a str>) -> HashMap<String, bool> {
    let mut out = HashMap::new();
    for text in sources {
        // A file that does not tokenize contributes nothing: its functions
        // stay unknown, which counts as "may emit".
        if let Ok(tokens) = text.parse::<TokenStream>() {
            scan_functions(tokens, &mut out);
        }
    }
    out
}

fn scan_functions(tokens: TokenStream, out: &mut HashMap<String, bool>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Ident(kw) if kw == "fn" => {
                if let Some(TokenTree::Ident(name)) = tokens.get(i + 1) {
                    // The body is the first brace group after the name; a `;`
                    // first means a declaration without a body.
                    let body = tokens[i + 2..]
                        .iter()
                        .take_while(|t| !matches!(t, TokenTree::Punct(p) if p.as_char() == ';'))
                        .find_map(|t| match t {
                            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => Some(g.stream()),
                            _ => None,
                        });
                    if let Some(body) = body {
                        let uses = mentions_self(body.clone());
                        *out.entry(name.to_string()).or_insert(false) |= uses;
                        // Nested functions are definitions too.
                        scan_functions(body, out);
                    }
                }
                i += 1;
            }
            TokenTree::Group(g) => {
                scan_functions(g.stream(), out);
                i += 1;
            }
            _ => i += 1,
        }
    }
}

fn mentions_self(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|t| match t {
        TokenTree::Ident(id) => id == "self",
        TokenTree::Group(g) => mentions_self(g.stream()),
        _ => false,
    })
}

/// The Rust sources that implement a Cranelift backend's external ISLE
/// constructors: the shared prelude implementations and the ISA's own
/// directory. Unreadable files are skipped (their functions stay unknown).
pub fn backend_rust_sources(codegen_dir: &Path, isa: &str) -> Vec<String> {
    let src = codegen_dir.join("src");
    let mut files = vec![src.join("isle_prelude.rs"), src.join("machinst").join("isle.rs")];
    collect_rs(&src.join("isa").join(isa), &mut files);
    files.iter().filter_map(|f| std::fs::read_to_string(f).ok()).collect()
}

fn collect_rs(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect_rs(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The constructors of a program (its terms and types) that cannot emit an
/// instruction, given which Rust functions mention `self` (see
/// [`rust_functions_using_self`]). It reads ISLE's own environments, not the
/// loaded `Program`, so that loading can call it.
pub fn emission_free_terms(termenv: &TermEnv, tyenv: &TypeEnv, rust_uses_self: &HashMap<String, bool>) -> HashSet<TermId> {
    let mut free = HashSet::new();
    let mut internal = Vec::new();
    for term in &termenv.terms {
        match &term.kind {
            TermKind::EnumVariant { .. } | TermKind::Struct => {
                free.insert(term.id);
            }
            TermKind::Decl { flags, constructor_kind, .. } => match constructor_kind {
                _ if flags.pure => {
                    free.insert(term.id);
                }
                Some(ConstructorKind::ExternalConstructor { name }) => {
                    if rust_uses_self.get(tyenv.syms[name.index()].as_str()) == Some(&false) {
                        free.insert(term.id);
                    }
                }
                Some(ConstructorKind::InternalConstructor) => {
                    free.insert(term.id);
                    internal.push(term.id);
                }
                None => {}
            },
        }
    }
    let mut rules: HashMap<TermId, Vec<&Rule>> = HashMap::new();
    for r in &termenv.rules {
        rules.entry(r.root_term).or_default().push(r);
    }
    loop {
        let before = free.len();
        for &t in &internal {
            let rules = rules.get(&t).map(Vec::as_slice).unwrap_or_default();
            if free.contains(&t) && !rules.iter().all(|r| rule_applies_only(r, &free)) {
                free.remove(&t);
            }
        }
        if free.len() == before {
            return free;
        }
    }
}

fn rule_applies_only(rule: &Rule, free: &HashSet<TermId>) -> bool {
    applies_only(&rule.rhs, free) && rule.iflets.iter().all(|il| applies_only(&il.rhs, free))
}

fn applies_only(e: &Expr, free: &HashSet<TermId>) -> bool {
    match e {
        Expr::Term(_, t, args) => free.contains(t) && args.iter().all(|a| applies_only(a, free)),
        Expr::Let { bindings, body, .. } => {
            bindings.iter().all(|(_, _, b)| applies_only(b, free)) && applies_only(body, free)
        }
        Expr::Var(..) | Expr::ConstBool(..) | Expr::ConstInt(..) | Expr::ConstPrim(..) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_sources;

    #[test]
    fn rust_bodies_that_reach_the_context_may_emit() {
        let rust = r#"
            impl Ctx {
                fn imm5(&mut self, x: u8) -> UImm5 { UImm5::new(x).unwrap() }
                fn load_const(&mut self, x: u64) -> Reg { self.lower_ctx.emit(mov(x)); r() }
                fn decl_only(&self) -> u8;
            }
            macro_rules! prelude { () => { fn zero(&mut self) -> Reg { zero_reg() } }; }
        "#;
        let uses = rust_functions_using_self([rust]);
        assert_eq!(uses.get("imm5"), Some(&false));
        assert_eq!(uses.get("load_const"), Some(&true));
        assert_eq!(uses.get("zero"), Some(&false));
        assert_eq!(uses.get("decl_only"), None);
    }

    #[test]
    fn internal_constructors_inherit_emission_from_their_rules() {
        let isle = r#"
            (type Unit (primitive Unit))
            (decl imm5 (u8) u8)
            (extern constructor imm5 imm5)
            (decl emit (u8) Unit)
            (extern constructor emit emit)
            (decl unknown (u8) u8)
            (extern constructor unknown unknown)
            (decl pure helper (u8) u8)
            (extern constructor helper helper)
            (decl data (u8) u8)
            (rule (data x) (imm5 (helper x)))
            (decl effect (u8) Unit)
            (rule (effect x) (emit (data x)))
            (decl again (u8) u8)
            (rule (again x) (again (imm5 x)))
        "#;
        let p = load_sources(vec![("t.isle".into(), isle.into())], None).unwrap();
        let rust: HashMap<String, bool> = [("imm5".to_string(), false), ("emit".to_string(), true)].into();
        let free = emission_free_terms(&p.termenv, &p.tyenv, &rust);
        let is_free = |n: &str| free.contains(&p.term_by_name(n).unwrap());
        assert!(is_free("imm5") && is_free("helper") && is_free("data") && is_free("again"));
        assert!(!is_free("emit") && !is_free("unknown") && !is_free("effect"));
    }
}
