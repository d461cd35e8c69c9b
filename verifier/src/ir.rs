//! The verification-condition language: the contract between type
//! instantiation (which produces a [`Query`] per expansion and type instance)
//! and encoding/solving/replay (which consume it).
//!
//! Everything here is first-order, flat and fully typed: structs, enums,
//! macros, `let`, `match` and `switch` are gone, every bitvector has a known
//! width. That keeps the SMT encoder and the concrete replay evaluator small
//! and lets both interpret exactly the same thing.

use crate::span::Span;
use serde::Serialize;

/// The sort of a variable or expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Sort {
    Bool,
    /// Mathematical integer (SMT-LIB `Int`).
    Int,
    /// Bitvector of the given width (1..=128... or wider for concatenations).
    BitVec(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct VarId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ExprId(pub u32);

/// Where a variable comes from; drives how a counterexample is shown.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum VarRole {
    /// A free input of the rule (a pattern variable bound on the left side).
    Input,
    /// The value of a term application (see [`TermApp`]).
    TermResult,
    /// A fresh variable introduced by a spec (`with`), or other internal value.
    Internal,
    /// A state element (e.g. the trap flag) before or after a side.
    State,
}

#[derive(Clone, Debug, Serialize)]
pub struct Var {
    pub name: String,
    pub sort: Sort,
    pub role: VarRole,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Const {
    Bool(bool),
    Int(i128),
    /// Little-endian limbs are unnecessary: widths above 128 are built by
    /// `Concat`, constants fit in 128 bits.
    BitVec { width: u32, value: u128 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum IntOp { Add, Sub, Mul, Lt, Le, Gt, Ge }

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum BvUnOp { Not, Neg, Popcnt, Clz, Cls, Rev }

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum BvBinOp { And, Or, Xor, Add, Sub, Mul, Udiv, Urem, Sdiv, Srem, Shl, Lshr, Ashr, Rotl, Rotr }

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum BvCmpOp { Ult, Ule, Ugt, Uge, Slt, Sle, Sgt, Sge, /// signed add overflows
    Saddo }

/// IEEE 754 operations on bitvectors holding binary32/binary64 values
/// (width 32 or 64); rounding is round-to-nearest-even.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum FpUnOp { Neg, Abs, Sqrt, Ceil, Floor, Trunc, Nearest }
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum FpBinOp { Add, Sub, Mul, Div, Min, Max }
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum FpCmpOp { Eq, Ne, Lt, Le, Gt, Ge }
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum FpTestOp { IsZero, IsInfinite, IsNaN, IsNegative, IsPositive }

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Expr {
    Var(VarId),
    Const(Const),
    Not(ExprId),
    And(Vec<ExprId>),
    Or(Vec<ExprId>),
    Imp(ExprId, ExprId),
    /// Equality at any sort (both sides the same sort).
    Eq(ExprId, ExprId),
    Ite(ExprId, ExprId, ExprId),
    Int(IntOp, ExprId, ExprId),
    BvUn(BvUnOp, ExprId),
    BvBin(BvBinOp, ExprId, ExprId),
    BvCmp(BvCmpOp, ExprId, ExprId),
    /// Bits `hi..=lo` of the operand.
    Extract { hi: u32, lo: u32, arg: ExprId },
    /// Extend to `width` bits.
    ZeroExt { width: u32, arg: ExprId },
    SignExt { width: u32, arg: ExprId },
    /// `hi` supplies the most significant bits.
    Concat(ExprId, ExprId),
    /// Integer to bitvector of `width` (modulo 2^width).
    Int2Bv { width: u32, arg: ExprId },
    /// Unsigned value of a bitvector as an integer.
    Bv2Int(ExprId),
    FpConst { width: u32, kind: FpConstKind },
    FpUn(FpUnOp, ExprId),
    FpBin(FpBinOp, ExprId, ExprId),
    FpCmp(FpCmpOp, ExprId, ExprId),
    FpTest(FpTestOp, ExprId),
    /// Signed (`signed`) or unsigned bitvector to float of `width`.
    ToFp { width: u32, signed: bool, arg: ExprId },
    /// Float to float of another width.
    FpToFp { width: u32, arg: ExprId },
    /// Float to (un)signed bitvector of `width`, rounding toward zero.
    FpToBv { width: u32, signed: bool, arg: ExprId },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum FpConstKind { PosInf, NegInf, PosZero, NegZero, NaN }

/// Which side of the rule a term application or condition comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Side { Lhs, Rhs }

/// One application of an ISLE term in the expansion, kept for display: a
/// counterexample prints the value of every one.
#[derive(Clone, Debug, Serialize)]
pub struct TermApp {
    pub term: String,
    pub side: Side,
    pub span: Span,
    pub args: Vec<VarId>,
    pub result: VarId,
}

/// A boolean fact with the ISLE location it was instantiated from.
#[derive(Clone, Debug, Serialize)]
pub struct Condition {
    pub expr: ExprId,
    pub span: Span,
    /// Short human description, e.g. "require of `sdiv`" or "result equality".
    pub what: String,
}

/// One verification query: one expansion at one type instance.
///
/// - applicable  iff  `lhs_conditions` are satisfiable together;
/// - verified    iff  `lhs_conditions ∧ rhs_assumptions ∧ ¬(∧ obligations)` is unsat.
///
/// `obligations` contains the result equality (and state equalities) as well
/// as every `require` of a right-hand-side term.
#[derive(Clone, Debug, Serialize)]
pub struct Query {
    /// Name (or file:line) of the root rule of the expansion.
    pub rule: String,
    /// Rule names (or file:line) of the chain, outermost first.
    pub chain: Vec<String>,
    /// The type instance, human-readable, e.g. "(bv 32, bv 32) -> bv 32".
    pub types: String,
    pub span: Span,
    pub vars: Vec<Var>,
    pub exprs: Vec<Expr>,
    pub terms: Vec<TermApp>,
    /// Match conditions, provides and requires of left-hand-side terms.
    pub lhs_conditions: Vec<Condition>,
    /// Provides of right-hand-side terms.
    pub rhs_assumptions: Vec<Condition>,
    pub obligations: Vec<Condition>,
}

impl Query {
    pub fn expr(&self, id: ExprId) -> &Expr {
        &self.exprs[id.0 as usize]
    }
    pub fn var(&self, id: VarId) -> &Var {
        &self.vars[id.0 as usize]
    }
}
