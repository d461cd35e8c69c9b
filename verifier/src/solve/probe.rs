//! A concrete witness of applicability (or non-vacuity), found without a
//! solver.
//!
//! Most left-hand sides hold for plain inputs: a CLIF instruction's spec
//! defines its result from its operands, so with every input set to one
//! value the asserted equations fix the rest, and the concrete evaluator
//! (`replay`, the semantics the encoder also follows) shows every left-hand
//! condition true. That assignment is a model of the applicability query,
//! so no solver call (which for a float operation means bit-blasting it) is
//! needed. When no candidate works, the solver decides as before: the probe
//! can only say "applicable".

use crate::encode::{self, Facts};
use crate::ir::{dag, eval};
use crate::ir::{Query, Sort, VarId, VarRole};
use crate::ir::{Bits, Value};
use std::collections::HashMap;

/// Fill values tried for the variables the equations leave open: numbers
/// (bitvectors and integers) 0 or 1, flags false or true. Both matter:
/// `0 / 0` is a NaN that needs the `relax_nan` flag set, while a trap flag
/// must stay clear.
#[derive(Clone, Copy)]
struct Fill {
    number: u8,
    flag: bool,
}

const FILLS: [Fill; 4] = [
    Fill { number: 0, flag: false },
    Fill { number: 1, flag: false },
    Fill { number: 1, flag: true },
    Fill { number: 0, flag: true },
];

/// Defined variables filled one at a time (each followed by propagation)
/// before the rest are filled at once.
const MAX_ONE_BY_ONE: usize = 8;

fn value(fill: Fill, sort: Sort) -> Value {
    match sort {
        Sort::Bool => Value::Bool(fill.flag),
        Sort::Int => Value::Int(i128::from(fill.number)),
        Sort::BitVec(w) => Value::Bv(Bits::new(w, u128::from(fill.number))),
    }
}

/// Whether some concrete assignment makes every condition `facts` names
/// evaluate to true: the left-hand conditions (then the left side can match
/// at this type instance), and with [`Facts::LhsAndRhs`] the right side's
/// assumptions too (then the instance is not vacuous).
pub(super) fn holds_somewhere(q: &Query, facts: Facts) -> bool {
    let Ok(order) = dag::topo_order(q) else { return false };
    let canon = dag::canonical_ids(q, &order);
    let equations = encode::asserted_equations(q, facts);
    let conditions: Vec<_> = match facts {
        Facts::Lhs => q.lhs_conditions.iter().collect(),
        Facts::LhsAndRhs => q.lhs_conditions.iter().chain(&q.rhs_assumptions).collect(),
    };
    let determined = encode::determined_vars_from(q, &order, &canon, &equations, HashMap::new());
    // Variables an equation `v = e` may define: filled only if the
    // equations leave them open after everything else is filled.
    let defined: std::collections::HashSet<VarId> = equations
        .iter()
        .flat_map(|&(a, b)| [a, b])
        .filter_map(|e| match q.expr(e) {
            crate::ir::Expr::Var(v) => Some(*v),
            _ => None,
        })
        .collect();
    // Which open defined variable to fill next: the first (smallest id), or
    // the last input (the deepest leaf of the pattern: filling the root's
    // result first contradicts the operation that defines it, e.g. an
    // `fdiv` whose operands come from `f64const` immediates).
    let strategies: [fn(&Query, &[VarId]) -> Option<VarId>; 2] = [
        |_, open| open.first().copied(),
        |q, open| open.iter().rev().find(|v| q.var(**v).role == VarRole::Input).or(open.first()).copied(),
    ];
    let tries = strategies.into_iter().flat_map(|s| FILLS.into_iter().map(move |f| (s, f)));
    tries.into_iter().any(|(next, fill)| {
        let mut known = determined.clone();
        // Inputs first, so the equations can fix what depends on them;
        // then the other undefined variables; then the defined ones the
        // equations could not fix, a few at a time.
        let passes: [&dyn Fn(VarId) -> bool; 2] = [
            &|v| q.var(v).role == VarRole::Input && !defined.contains(&v),
            &|v| !defined.contains(&v),
        ];
        for pick in passes {
            let open: Vec<VarId> = (0..q.vars.len() as u32).map(VarId).filter(|v| !known.contains_key(v) && pick(*v)).collect();
            for v in open {
                known.insert(v, value(fill, q.var(v).sort));
            }
            known = encode::determined_vars_from(q, &order, &canon, &equations, known);
        }
        for round in 0..MAX_ONE_BY_ONE {
            let open: Vec<VarId> = (0..q.vars.len() as u32).map(VarId).filter(|v| !known.contains_key(v)).collect();
            let Some(first) = next(q, &open) else { break };
            let now = if round + 1 == MAX_ONE_BY_ONE { &open[..] } else { &[first][..] };
            for &v in now {
                known.insert(v, value(fill, q.var(v).sort));
            }
            known = encode::determined_vars_from(q, &order, &canon, &equations, known);
        }
        let values = eval::partial_values(q, &order, &canon, &known);
        let holds = |c: &&crate::ir::Condition| matches!(values[canon[c.expr.0 as usize].0 as usize], Some(Value::Bool(true)));
        // SAFFRON_VERIFY_PROBE_TRACE=1: which condition defeats each fill.
        if std::env::var_os("SAFFRON_VERIFY_PROBE_TRACE").is_some() {
            if let Some(c) = conditions.iter().find(|c| !holds(c)) {
                eprintln!("probe {} {}: `{}` at {} is {:?}", q.span, q.types, c.what, c.span, values[canon[c.expr.0 as usize].0 as usize]);
            }
        }
        conditions.iter().all(holds)
    })
}
