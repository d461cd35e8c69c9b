//! Expressions of the IR: sorts, constants, operators and the one
//! traversal of an expression's operands every pass uses.

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

impl Expr {
    /// The operands of an expression, in order.
    pub fn operands(&self) -> Vec<ExprId> {
        // Read through a copy so that which variant holds which operand is
        // written once, in `operand_slots`.
        let mut copy = self.clone();
        copy.operand_slots().into_iter().map(|a| *a).collect()
    }

    /// Rebuilds the expression with every operand replaced through `f`.
    pub fn map_operands(&self, f: impl Fn(ExprId) -> ExprId) -> Expr {
        let mut out = self.clone();
        for a in out.operand_slots() {
            *a = f(*a);
        }
        out
    }

    /// The operand fields of an expression, in order.
    fn operand_slots(&mut self) -> Vec<&mut ExprId> {
        match self {
            Expr::Var(_) | Expr::Const(_) | Expr::FpConst { .. } => vec![],
            Expr::Not(a)
            | Expr::BvUn(_, a)
            | Expr::Extract { arg: a, .. }
            | Expr::ZeroExt { arg: a, .. }
            | Expr::SignExt { arg: a, .. }
            | Expr::Int2Bv { arg: a, .. }
            | Expr::Bv2Int(a)
            | Expr::FpUn(_, a)
            | Expr::FpTest(_, a)
            | Expr::ToFp { arg: a, .. }
            | Expr::FpToFp { arg: a, .. }
            | Expr::FpToBv { arg: a, .. } => vec![a],
            Expr::And(xs) | Expr::Or(xs) => xs.iter_mut().collect(),
            Expr::Imp(a, b)
            | Expr::Eq(a, b)
            | Expr::Int(_, a, b)
            | Expr::BvBin(_, a, b)
            | Expr::BvCmp(_, a, b)
            | Expr::Concat(a, b)
            | Expr::FpBin(_, a, b)
            | Expr::FpCmp(_, a, b) => vec![a, b],
            Expr::Ite(c, a, b) => vec![c, a, b],
        }
    }
}
