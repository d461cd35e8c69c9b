//! The encoder's data: encoded terms and queries, and the choices an
//! encoding is made with.

use crate::ir::{
    ExprId, VarId,
};
use z3::ast::{Bool, Int, BV};

/// An encoded expression.
#[derive(Clone, Debug)]
pub enum Term {
    Bool(Bool),
    Int(Int),
    Bv(BV),
}

#[derive(Debug, thiserror::Error)]
#[error("cannot encode expression {expr}: {message}")]
pub struct EncodeError {
    pub expr: u32,
    pub message: String,
}

/// A query as Z3 terms, in the current thread's context.
pub struct Encoded {
    /// One constant per `ir::Var`, indexed by `VarId.0`.
    pub vars: Vec<Term>,
    pub lhs_conditions: Vec<Bool>,
    pub rhs_assumptions: Vec<Bool>,
    pub obligations: Vec<Bool>,
    /// Facts about witnesses (`to_fp(w) = r`) of live expressions and
    /// valid lemmas; always asserted.
    pub side_conditions: Vec<Bool>,
    /// (canonical expression id, witness bitvector).
    pub witnesses: Vec<(ExprId, BV)>,
    /// Witnesses of float results no asserted fact depends on (in `ite`
    /// branches that constants rule out): their facts are not asserted,
    /// because Z3 would bit-blast the float operation anyway, and a model
    /// may give them any value. Replay reads them as the quiet NaN, a legal
    /// value for every such witness.
    pub dead_witnesses: std::collections::HashSet<ExprId>,
    /// After substitution and folding, only bitvector and Boolean terms
    /// remain: Z3's dedicated QF_BV strategy applies.
    pub pure_bv: bool,
    /// Symbolic shift and rotate amounts (expression, width of the shifted
    /// value): where a case split helps (see `solve::split`).
    pub amounts: Vec<(ExprId, u32)>,
    /// Float operations encoded as uninterpreted functions (only with
    /// [`FloatEncoding::Uninterpreted`]): the query is an abstraction.
    pub uninterpreted: usize,
}

/// How float arithmetic is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatEncoding {
    /// Z3's floating-point theory: exact, bit-blasted.
    Full,
    /// Rounding operations as uninterpreted functions with IEEE lemmas (see
    /// [`uninterpreted`]): sound for unsat, its models mean nothing.
    Uninterpreted,
}

/// Which asserted facts may fix variables before encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Facts {
    /// Only `lhs_conditions`: for the applicability query.
    Lhs,
    /// `lhs_conditions` and `rhs_assumptions`: for the correctness query,
    /// which asserts both.
    LhsAndRhs,
}

/// The low `bits` bits of a bitvector variable fixed to `value`: one case of
/// a case split (the variable becomes `concat(fresh high bits, value)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pin {
    pub var: VarId,
    pub bits: u32,
    pub value: u128,
}
