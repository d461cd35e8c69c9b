//! The correctness query with float arithmetic abstracted (see
//! `encode::uninterpreted`): tried before the full query, whose verdict it
//! can only confirm as unsat. Any other answer (a model of the abstraction,
//! a timeout) says nothing, and the full query decides.

use super::solver::{assert_all, dump, new_solver_for};
use crate::encode::{self, Facts, FloatEncoding};
use crate::ir::Query;
use std::time::Duration;
use z3::ast::Bool;
use z3::SatResult;

/// Whether the abstracted correctness query of `q` is unsat within `budget`.
pub(super) fn proves(q: &Query, budget: Duration, rlimit: Option<u32>) -> bool {
    if budget.is_zero() {
        return false;
    }
    let Some(s) = solver(q, budget, rlimit) else { return false };
    dump(q, "abstraction", &s);
    s.check() == SatResult::Unsat
}

/// The abstracted correctness query as SMT-LIB text (for certificates), if
/// `q` encodes.
pub(super) fn smt2(q: &Query) -> Option<String> {
    solver(q, Duration::from_secs(1), None).map(|s| s.to_smt2())
}

fn solver(q: &Query, budget: Duration, rlimit: Option<u32>) -> Option<z3::Solver> {
    // An encoding error here is reported by the full encoding, if it has it too.
    let enc = encode::encode_as(q, Facts::LhsAndRhs, &[], FloatEncoding::Uninterpreted).ok()?;
    // Bitvectors and uninterpreted functions only: Z3 eliminates the
    // functions (Ackermann) and bit-blasts what is left.
    let logic = match (enc.pure_bv, enc.uninterpreted > 0) {
        (true, true) => Some("QF_UFBV"),
        (true, false) => Some("QF_BV"),
        (false, _) => None,
    };
    let s = new_solver_for(logic, budget, rlimit);
    assert_all(&s, &enc.side_conditions);
    assert_all(&s, &enc.lhs_conditions);
    assert_all(&s, &enc.rhs_assumptions);
    s.assert(Bool::and(&enc.obligations).not());
    Some(s)
}
