//! Type instantiation: choose a signature for every term application that
//! has `instantiate`s, infer the remaining widths, and lower each consistent
//! type assignment of an expansion into one [`ir::Query`].

use crate::expand::Expansion;
use crate::front::graph::Graph;
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
        Err(s) => return vec![Instance { types: "-".into(), body: stop_body(s) }],
    };
    if let Err(m) = g.propagate(p) {
        return vec![Instance { types: "-".into(), body: InstanceBody::Error { message: format!("type error: {m}"), span: e.span.clone() } }];
    }
    let mut solutions = Vec::new();
    let mut last_failure = None;
    search(p, &mut g, 0, &mut solutions, &mut last_failure);
    if solutions.is_empty() {
        let reason = match last_failure {
            Some(m) => format!("no type instance satisfies the term signatures ({m})"),
            None => "no type instance satisfies the term signatures".into(),
        };
        return vec![Instance { types: "-".into(), body: InstanceBody::Unsupported { reason, span: e.span.clone() } }];
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (store, deferred) in solutions {
        g.store = store;
        g.deferred = deferred;
        default_literals(&mut g);
        let sol = &g;
        let key: Vec<Option<RTy>> = (0..sol.nodes.len())
            .filter(|&n| matches!(sol.nodes[n].kind, crate::front::graph::NodeKind::Leaf { .. }))
            .map(|n| sol.store.resolve(sol.tv(n)))
            .collect();
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
fn search(p: &Program, g: &mut Graph, i: usize, out: &mut Vec<TypeState>, failure: &mut Option<String>) {
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
            Ok(()) => search(p, g, i + 1, out, failure),
            Err(m) => *failure = Some(format!("`{}`: {m}", choice.term)),
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
) -> Result<(), String> {
    if sig.args.len() != choice.args.len() {
        return Err("signature arity differs from the term".into());
    }
    for (m, &tv) in sig.args.iter().zip(&choice.args) {
        let t = g.sig_tv(p, m)?;
        g.store.unify(tv, t)?;
    }
    let t = g.sig_tv(p, &sig.ret)?;
    g.store.unify(choice.ret, t)?;
    g.propagate(p)
}
