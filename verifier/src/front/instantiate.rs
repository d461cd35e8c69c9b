//! Type instantiation: choose a signature for every term application that
//! has `instantiate`s, infer the remaining widths, and lower each consistent
//! type assignment of an expansion into one [`ir::Query`].

use crate::expand::Expansion;
use crate::front::graph::{Graph, TypeFail};
use crate::front::lower::lower;
use crate::front::types::RTy;
use crate::front::walk::{build, Stop};
use crate::ir;
use crate::load::Program;
use crate::span::Span;
use std::collections::HashSet;

pub use crate::load::unit_default_root;

/// Upper bound on signature combinations explored per expansion.
const MAX_TYPE_INSTANCES: usize = 256;

#[derive(Clone, Debug)]
pub struct Instance {
    pub types: String,
    pub body: InstanceBody,
}

#[derive(Clone, Debug)]
pub enum InstanceBody {
    Query(ir::Query),
    Unsupported { reason: String, span: Span },
    Error { message: String, span: Span },
    /// Decided without the solver: the left side's constants contradict
    /// each other at every type instance the signatures allow.
    Inapplicable { reason: String, span: Span },
}

fn stop_body(s: Stop) -> InstanceBody {
    match s {
        Stop::Unsupported(reason, span) => InstanceBody::Unsupported { reason, span },
        Stop::Error(message, span) => InstanceBody::Error { message, span },
    }
}

/// All type instances of an expansion.
pub fn instantiate(p: &Program, e: &Expansion) -> Vec<Instance> {
    let mut g = match build(p, e) {
        Ok(g) => g,
        Err(s) => return whole(stop_body(s)),
    };
    match g.propagate(p) {
        Ok(()) => {}
        Err(TypeFail::Inapplicable(m)) => return whole(InstanceBody::Inapplicable { reason: m, span: e.span.clone() }),
        Err(TypeFail::Ill(m)) => {
            return whole(InstanceBody::Error { message: format!("type error: {m}"), span: e.span.clone() })
        }
    }
    let mut solutions = Vec::new();
    let mut last_failure = None;
    let mut contradiction = None;
    search(p, &mut g, 0, &mut solutions, &mut last_failure, &mut contradiction);
    if solutions.is_empty() {
        // Some signature choice was consistent, and only the left side's
        // constants ruled it out: the expansion never matches.
        if let Some(m) = contradiction {
            return whole(InstanceBody::Inapplicable { reason: m, span: e.span.clone() });
        }
        let reason = match last_failure {
            Some(m) => format!("no type instance satisfies the term signatures ({m})"),
            None => "no type instance satisfies the term signatures".into(),
        };
        return whole(InstanceBody::Unsupported { reason, span: e.span.clone() });
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (store, deferred) in solutions {
        g.store = store;
        g.deferred = deferred;
        default_literals(&mut g);
        let sol = &g;
        // Every node's type, not just the leaves': two instances may agree on
        // all inputs and the result yet differ in an intermediate width
        // (`ireduce` of a `uextend`), and each is its own obligation.
        let key: Vec<Option<RTy>> = (0..sol.nodes.len()).map(|n| sol.store.resolve(sol.tv(n))).collect();
        if !seen.insert(key) {
            continue;
        }
        let types = type_summary(p, sol);
        let body = match lower(p, sol, e.rule.clone(), e.chain.clone(), types.clone(), e.span.clone()) {
            Ok(q) => InstanceBody::Query(q),
            Err(s) => stop_body(s),
        };
        out.push(Instance { types, body });
    }
    out
}

/// The one result of an expansion decided before any type instance exists.
fn whole(body: InstanceBody) -> Vec<Instance> {
    vec![Instance { types: "-".into(), body }]
}

/// Integer literals whose type nothing constrained are mathematical integers.
fn default_literals(g: &mut Graph) {
    use crate::front::graph::Deferred;
    use crate::front::types::Info;
    let tvs: Vec<_> = g.deferred.iter().filter_map(|d| if let Deferred::Numeric { tv } = d { Some(*tv) } else { None }).collect();
    for tv in tvs {
        if *g.store.info(tv) == Info::Unknown {
            let _ = g.store.constrain(tv, Info::Int);
        }
    }
}

fn type_summary(p: &Program, g: &Graph) -> String {
    let show = |n: usize| g.store.resolve(g.tv(n)).map(|t| t.show(p)).unwrap_or_else(|| "?".into());
    let args: Vec<String> = g.root_args.iter().map(|a| show(*a)).collect();
    let ret = g.root_result.map(show).unwrap_or_else(|| "?".into());
    format!("({}) -> {}", args.join(", "), ret)
}

/// Depth-first over signature choices; only the type state is copied, the
/// nodes are shared.
fn search(
    p: &Program,
    g: &mut Graph,
    i: usize,
    out: &mut Vec<TypeState>,
    failure: &mut Option<String>,
    contradiction: &mut Option<String>,
) {
    if out.len() >= MAX_TYPE_INSTANCES {
        return;
    }
    if i == g.sig_choices.len() {
        out.push((g.store.clone(), g.deferred.clone()));
        return;
    }
    let choice = g.sig_choices[i].clone();
    for sig in &choice.sigs {
        let saved = (g.store.clone(), g.deferred.clone());
        match apply_sig(p, g, &choice, sig) {
            Ok(()) => search(p, g, i + 1, out, failure, contradiction),
            Err(TypeFail::Inapplicable(m)) => *contradiction = Some(format!("`{}`: {m}", choice.term)),
            Err(TypeFail::Ill(m)) => *failure = Some(format!("`{}`: {m}", choice.term)),
        }
        (g.store, g.deferred) = saved;
    }
}

type TypeState = (crate::front::types::TypeStore, Vec<crate::front::graph::Deferred>);

fn apply_sig(
    p: &Program,
    g: &mut Graph,
    choice: &crate::front::graph::SigChoice,
    sig: &cranelift_isle::ast::Signature,
) -> Result<(), TypeFail> {
    if sig.args.len() != choice.args.len() {
        return Err(TypeFail::Ill("signature arity differs from the term".into()));
    }
    for (m, &tv) in sig.args.iter().zip(&choice.args) {
        let t = g.sig_tv(p, m)?;
        g.store.unify(tv, t)?;
    }
    let t = g.sig_tv(p, &sig.ret)?;
    g.store.unify(choice.ret, t)?;
    g.propagate(p)
}

/// The pipeline instantiates expansions on worker threads.
#[allow(dead_code)]
fn assert_thread_safe() {
    fn check<T: Send + Sync>() {}
    check::<Program>();
    check::<Expansion>();
    check::<Instance>();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expand::{expand, ExpandOptions};
    use crate::ir::{Expr, Sort};
    use crate::load::load_sources;

    const PRELUDE: &str = r#"
(model u8 (type (bv 8)))
(type Value (primitive Value))
(model Value (type (bv)))
(decl simplify (Value) Value)
(spec (simplify x) (provide (= result x)))
(instantiate simplify ((args (bv 8)) (ret (bv 8))) ((args (bv 32)) (ret (bv 32))))
(decl iadd (Value Value) Value)
(extern extractor iadd iadd)
(extern constructor iadd iadd)
(spec (iadd x y) (provide (= result (bvadd x y))))
"#;

    fn run(extra: &str) -> Vec<Instance> {
        let src = format!("{PRELUDE}{extra}");
        let p = load_sources(vec![("t.isle".into(), src)], None).unwrap_or_else(|e| panic!("{e}"));
        let exps = expand(&p, &ExpandOptions::default()).unwrap();
        exps.iter().flat_map(|e| instantiate(&p, e)).collect()
    }

    /// Runs `rest` after declaring `name` as a `(Value) Value` term with an
    /// external constructor, and an external extractor when `extractor`.
    fn run_with_unary_term(name: &str, extractor: bool, rest: &str) -> Vec<Instance> {
        let extract = if extractor { format!("(extern extractor {name} {name})\n") } else { String::new() };
        run(&format!("(decl {name} (Value) Value)\n{extract}(extern constructor {name} {name})\n{rest}"))
    }

    fn queries(insts: &[Instance]) -> Vec<&ir::Query> {
        insts.iter().filter_map(|i| if let InstanceBody::Query(q) = &i.body { Some(q) } else { None }).collect()
    }

    #[test]
    fn one_query_per_signature() {
        let insts = run("(rule comm (simplify (iadd x y)) (iadd y x))");
        let qs = queries(&insts);
        assert_eq!(qs.len(), 2, "{insts:?}");
        let mut types: Vec<&str> = qs.iter().map(|q| q.types.as_str()).collect();
        types.sort();
        assert_eq!(types, vec!["(bv 32) -> bv 32", "(bv 8) -> bv 8"]);
        for q in qs {
            assert_eq!(q.rule, "comm");
            // The root contract is the only obligation; LHS iadd provide is a condition.
            assert_eq!(q.obligations.len(), 1);
            assert!(q.lhs_conditions.iter().any(|c| c.what.contains("iadd")));
            assert!(q.rhs_assumptions.iter().any(|c| c.what.contains("iadd")));
            let sides: Vec<_> = q.terms.iter().map(|t| (t.term.as_str(), t.side)).collect();
            assert!(sides.contains(&("iadd", ir::Side::Lhs)) && sides.contains(&("iadd", ir::Side::Rhs)));
            let w = if q.types.contains("32") { 32 } else { 8 };
            assert!(q.vars.iter().filter(|v| v.name == "x" || v.name == "y").all(|v| v.sort == Sort::BitVec(w)));
        }
    }

    #[test]
    fn widths_flow_through_zero_ext() {
        let insts = run_with_unary_term(
            "uext",
            true,
            r#"
(spec (uext x) (provide (= result (zero_ext 32 x))))
(instantiate uext ((args (bv 8)) (ret (bv 32))) ((args (bv 16)) (ret (bv 32))))
(rule keep (simplify (uext x)) (uext x))
"#,
        );
        let qs = queries(&insts);
        // bv 8 root signature is inconsistent with a 32-bit uext result.
        assert_eq!(qs.len(), 2, "{insts:?}");
        for q in &qs {
            assert_eq!(q.types, "(bv 32) -> bv 32");
            assert!(q.exprs.iter().any(|e| matches!(e, Expr::ZeroExt { width: 32, .. })));
        }
    }

    #[test]
    fn underconstrained_width_is_unsupported() {
        let insts = run_with_unary_term(
            "opaque",
            false,
            r#"
(spec (opaque x) (provide (with (t) (= result (zero_ext 32 t)))))
(rule (simplify x) (opaque x))
"#,
        );
        // Nothing fixes the width of the fresh `t`: reported, not guessed.
        assert!(queries(&insts).is_empty(), "{insts:?}");
        assert!(insts.iter().any(|i| matches!(&i.body,
            InstanceBody::Unsupported { reason, .. } if reason.contains("`t`") && reason.contains("underconstrained"))), "{insts:?}");
    }

    #[test]
    fn enum_match_lowers_to_tag_tests() {
        let insts = run(
            r#"
(type CC (enum (Eq) (Ne)))
(decl cmp (CC Value Value) Value)
(extern extractor cmp cmp)
(extern constructor cmp cmp)
(spec (cmp c x y)
    (provide (= result (if (match c ((Eq) (= x y)) ((Ne) (not (= x y)))) #x01 #x00))))
(instantiate cmp ((args (named CC) (bv 8) (bv 8)) (ret (bv 8))))
(rule swap (simplify (cmp (CC.Eq) x y)) (cmp (CC.Eq) y x))
"#,
        );
        let qs = queries(&insts);
        assert_eq!(qs.len(), 1, "{insts:?}");
        let q = qs[0];
        assert_eq!(q.types, "(bv 8) -> bv 8");
        assert!(q.vars.iter().any(|v| v.name.ends_with(".tag") && v.sort == Sort::BitVec(1)));
        assert!(q.exprs.iter().any(|e| matches!(e, Expr::Ite(..))));
        assert!(q.lhs_conditions.iter().any(|c| c.what.contains("match `CC.Eq`")));
    }

    #[test]
    fn missing_spec_is_reported_not_dropped() {
        let insts = run_with_unary_term(
            "nospec",
            false,
            r#"
(rule (simplify x) (nospec x))
"#,
        );
        assert_eq!(insts.len(), 1);
        match &insts[0].body {
            InstanceBody::Unsupported { reason, span } => {
                assert!(reason.contains("nospec"), "{reason}");
                assert_eq!(span.file.as_ref(), "t.isle");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn chained_rules_are_inlined() {
        let insts = run(
            r#"
(decl double (Value) Value)
(attr double (veri chain))
(rule d1 (double x) (iadd x x))
(rule top (simplify x) (double x))
"#,
        );
        let qs = queries(&insts);
        assert_eq!(qs.len(), 2, "{insts:?}");
        assert!(qs.iter().all(|q| q.chain == vec!["d1".to_string()]));
        assert!(qs.iter().all(|q| q.terms.iter().any(|t| t.term == "double")));
    }
}
