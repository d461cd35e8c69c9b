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

use crate::encode::{self, dag, Facts};
use crate::ir::{Query, Sort, VarId, VarRole};
use crate::replay::{self, Bits, Value};
use std::collections::HashMap;

/// Fill values tried for the variables the equations leave open.
#[derive(Clone, Copy)]
enum Fill {
    Zero,
    One,
}

fn value(fill: Fill, sort: Sort) -> Value {
    let one = matches!(fill, Fill::One);
    match sort {
        Sort::Bool => Value::Bool(one),
        Sort::Int => Value::Int(i128::from(one)),
        Sort::BitVec(w) => Value::Bv(Bits::new(w, u128::from(one))),
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
    [Fill::Zero, Fill::One].into_iter().any(|fill| {
        let mut known = determined.clone();
        // Inputs first, so the equations can fix what depends on them;
        // then whatever is still open.
        for pass in [true, false] {
            let open: Vec<VarId> = (0..q.vars.len() as u32)
                .map(VarId)
                .filter(|v| !known.contains_key(v) && (!pass || q.var(*v).role == VarRole::Input))
                .collect();
            for v in open {
                known.insert(v, value(fill, q.var(v).sort));
            }
            known = encode::determined_vars_from(q, &order, &canon, &equations, known);
        }
        let values = replay::partial_values(q, &order, &canon, &known);
        conditions
            .iter()
            .all(|c| matches!(values[canon[c.expr.0 as usize].0 as usize], Some(Value::Bool(true))))
    })
}
