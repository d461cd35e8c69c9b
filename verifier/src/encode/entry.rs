//! Encoding a query: the passes that prepare it (aliases, folding, normal
//! forms, narrowing), then the translation, then the facts to assert.

use super::facts::{asserted_equations, determined_vars};
use super::terms::*;
use super::translate::Encoder;
use super::types::{EncodeError, Encoded, Facts, FloatEncoding, Pin, Term};
use super::{alias, factor, lemmas, linear, narrow, rotate, shift, uninterpreted};
use crate::ir::{
    Const, Expr, ExprId,
    FpUnOp, Query, Sort, VarId,
};
use crate::ir::{dag, eval};
use std::collections::HashMap;
use z3::ast::{Bool, BV};

/// Encodes `q` for the correctness query.
pub fn encode(q: &Query) -> Result<Encoded, EncodeError> {
    encode_with(q, Facts::LhsAndRhs)
}

/// Encodes `q`, fixing variables from `facts` (see [`determined_vars`]) and
/// folding every expression they and constants determine.
pub fn encode_with(q: &Query, facts: Facts) -> Result<Encoded, EncodeError> {
    encode_pinned(q, facts, &[])
}


/// [`encode_with`], with some variables' low bits fixed by `pins`.
pub fn encode_pinned(q: &Query, facts: Facts, pins: &[Pin]) -> Result<Encoded, EncodeError> {
    encode_as(q, facts, pins, FloatEncoding::Full)
}

/// Whether `q` has float operations [`FloatEncoding::Uninterpreted`] abstracts.
pub fn has_rounding_operations(q: &Query) -> bool {
    q.exprs.iter().any(|e| uninterpreted::Operation::of(e).is_some())
}

/// [`encode_pinned`] with float arithmetic encoded as `floats` says.
pub fn encode_as(q: &Query, facts: Facts, pins: &[Pin], floats: FloatEncoding) -> Result<Encoded, EncodeError> {
    let order = dag::topo_order(q).map_err(|message| EncodeError { expr: 0, message })?;
    // Replay's canonical ids (it must not assume the equations it checks);
    // the encoder merges equal variables on top (see [`alias`]).
    let replay_canon = dag::canonical_ids(q, &order);
    let equations = asserted_equations(q, facts);
    let known = determined_vars(q, &order, &replay_canon, &equations);
    let folded = eval::partial_values(q, &order, &replay_canon, &known);
    let rep = alias::representatives(q, &replay_canon, &equations);
    let canon = dag::canonical_ids_with(q, &order, |v| rep[v.0 as usize]);
    let known = alias::share_known(&rep, known);
    // Rotates in normal form, when the order they need exists.
    let forms = rotate::Forms::new(q, &order, &canon, &folded, &equations);
    // Likewise chains of shifts (see [`shift`]); without an order for both,
    // rotates alone, then neither.
    let chains = shift::Chains::new(q, &order, &canon, &folded, &equations);
    // And nested equalities of sums (see [`linear`]).
    // And operations of two shifts by one amount (see [`factor`]), which
    // equalities of sums keep whole.
    let factored = factor::Forms::new(q, &order, &canon, &folded, &equations);
    let opaque = factored.0.keys().copied().collect();
    let sums = linear::Forms::new(q, &order, &canon, &folded, &equations, &opaque);
    let order0 = order.clone();
    let mut edges = HashMap::new();
    forms.add_edges(&mut edges);
    chains.add_edges(&mut edges);
    sums.add_edges(&mut edges);
    factored.add_edges(&mut edges);
    let none = || (HashMap::new(), HashMap::new(), HashMap::new());
    let (order, forms, (chains, sums, factored)) = match rotate::order_with(q, &canon, &edges) {
        Some(o) => (o, forms.0, (chains.0, sums.0, factored.0)),
        None => match forms.order(q, &canon) {
            Some(o) => (o, forms.0, none()),
            None => (order, HashMap::new(), none()),
        },
    };
    // What the solver call asserts: the other conditions are encoded too
    // (callers read them) but must not decide the logic or the narrowing.
    let roots: Vec<ExprId> = match facts {
        Facts::Lhs => q.lhs_conditions.iter().map(|c| c.expr).collect(),
        Facts::LhsAndRhs => dag::roots(q).collect(),
    };
    let asserted = narrow::asserted(q, &canon, &folded, &roots);
    let narrowed = narrow::int2bv_only_vars(q, &canon, &folded, &asserted, &roots);
    let mut narrowed_bv: HashMap<VarId, BV> = HashMap::new();
    let mut vars: Vec<Term> = Vec::with_capacity(q.vars.len());
    for (i, v) in q.vars.iter().enumerate() {
        let var = VarId(i as u32);
        let r = rep[i];
        let t = match (known.get(&var), narrowed.get(&var)) {
            (Some(value), _) => const_term(value),
            (None, Some(&w)) => {
                let b = BV::new_const(format!("v{i}"), w);
                narrowed_bv.insert(var, b.clone());
                Term::Int(b.to_int(false))
            }
            // Representatives come first (smallest id).
            (None, None) if r != var => vars[r.0 as usize].clone(),
            // A pin on any variable of the class pins the representative.
            (None, None) => match (pins.iter().find(|p| rep[p.var.0 as usize] == var), v.sort) {
                (Some(p), Sort::BitVec(w)) if p.bits > 0 && p.bits <= w => {
                    let low = bv_const(p.bits, p.value);
                    Term::Bv(if p.bits == w { low } else { BV::new_const(format!("v{i}_hi"), w - p.bits).concat(&low) })
                }
                _ => var_const(i as u32, v.sort),
            },
        };
        vars.push(t);
    }
    let mut enc = Encoder {
        q,
        canon: &canon,
        vars: &vars,
        narrowed: &narrowed_bv,
        forms: &forms,
        chains: &chains,
        sums: &sums,
        factored: &factored,
        terms: vec![None; q.exprs.len()],
        side_conditions: Vec::new(),
        witnesses: Vec::new(),
        amounts: Vec::new(),
        divisions: Vec::new(),
        floats,
        functions: uninterpreted::Functions::default(),
    };
    let mut pure_bv = true;
    for &id in &order {
        if canon[id.0 as usize] != id {
            continue;
        }
        if let Some(v) = &folded[id.0 as usize] {
            enc.terms[id.0 as usize] = Some(const_term(v));
            continue;
        }
        if asserted[id.0 as usize] && needs_int_or_fp(q, id, floats) && !enc.narrowed_use(id) {
            pure_bv = false;
        }
        let t = enc.encode_one(id).map_err(|message| EncodeError { expr: id.0, message })?;
        enc.terms[id.0 as usize] = Some(t);
    }
    let conds = |cs: &[crate::ir::Condition]| -> Result<Vec<Bool>, EncodeError> {
        cs.iter()
            .map(|c| {
                enc.bool(c.expr)
                    .map_err(|message| EncodeError { expr: c.expr.0, message })
            })
            .collect()
    };
    let lhs_conditions = conds(&q.lhs_conditions)?;
    let rhs_assumptions = conds(&q.rhs_assumptions)?;
    let obligations = conds(&q.obligations)?;
    // Only facts about live expressions: a witness fact mentions its float
    // operation outside any `ite`, so Z3 would bit-blast the operations of
    // branches that constants rule out (the other `match` arms of an
    // instruction spec). A dead witness is fresh and used nowhere else, so
    // dropping its fact keeps the query equisatisfiable.
    let live = narrow::live(q, &canon, &folded, &roots);
    let mut side_conditions = Vec::new();
    let mut dead_witnesses = std::collections::HashSet::new();
    let mut fp_facts = false;
    for f in std::mem::take(&mut enc.side_conditions) {
        if live[f.expr.0 as usize] {
            fp_facts |= !f.bitvector;
            side_conditions.push(f.fact);
        } else {
            dead_witnesses.insert(f.expr);
        }
    }
    // The uninterpreted functions' witness facts are bitvector facts.
    let pure_bv = pure_bv && !fp_facts;
    // Replay looks witnesses up under its own canonical ids.
    let by_id: HashMap<ExprId, BV> = enc.witnesses.iter().cloned().collect();
    for &id in &order0 {
        let (r, c) = (replay_canon[id.0 as usize], canon[id.0 as usize]);
        if r == id && c != id {
            if let Some(w) = by_id.get(&c) {
                enc.witnesses.push((id, w.clone()));
                if dead_witnesses.contains(&c) {
                    dead_witnesses.insert(id);
                }
            }
        }
    }
    // Valid lemmas are asserted with them (they keep a query bitvector-only).
    side_conditions.extend(enc.functions.lemmas(&live));
    let uninterpreted = enc.functions.live_applications(&live);
    // Likewise only about live divisions.
    if !enc.divisions.is_empty() {
        enc.divisions.retain(|d| live[d.expr.0 as usize]);
        side_conditions.extend(lemmas::narrowing(&enc.divisions));
    }
    Ok(Encoded {
        lhs_conditions,
        rhs_assumptions,
        obligations,
        side_conditions,
        witnesses: enc.witnesses,
        dead_witnesses,
        pure_bv,
        amounts: enc.amounts,
        uninterpreted,
        vars,
    })
}

/// Whether encoding `id` (not folded) involves the Int or floating-point theories.
fn needs_int_or_fp(q: &Query, id: ExprId, floats: FloatEncoding) -> bool {
    if floats == FloatEncoding::Uninterpreted
        && (uninterpreted::Operation::of(q.expr(id)).is_some() || matches!(q.expr(id), Expr::FpTest(..)))
    {
        return false;
    }
    match q.expr(id) {
        Expr::Var(v) => q.var(*v).sort == Sort::Int,
        Expr::Const(Const::Int(_))
        | Expr::Int(..)
        | Expr::Int2Bv { .. }
        | Expr::Bv2Int(_)
        | Expr::FpBin(..)
        | Expr::FpCmp(..)
        | Expr::FpTest(..)
        | Expr::ToFp { .. }
        | Expr::FpToFp { .. }
        | Expr::FpToBv { .. } => true,
        Expr::FpUn(op, _) => !matches!(op, FpUnOp::Neg | FpUnOp::Abs),
        _ => false,
    }
}
