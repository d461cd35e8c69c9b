//! The numerics' domain traits over the verifier's IR: every value is an [`ExprId`] in one
//! growing arena, so a trap query is that arena plus two conditions, and the verifier's
//! encoder, its z3/cvc5 race and its model reading apply unchanged.
//!
//! Floats are IR bitvectors holding IEEE encodings (the IR's convention), so `to_bits` and
//! `from_bits` are free. Results the spec leaves open (the bits of a NaN) become fresh
//! variables constrained by a *fact*; facts hold of every query built from this arena.

use crate::machine::{Fresh, Machine, NumType};
use crate::solve::{decide, Decision};
use saffron_semantics::numerics::domain::{
    BoolOps, Domain, FloatConvert, FloatOps, IntFloatOps, IntOps, RoundMode, Types,
};
use saffron_semantics::numerics::instr::Val;
use saffron_verifier::ir::{
    BvBinOp, BvCmpOp, BvUnOp, Const, Expr, ExprId, FpBinOp, FpCmpOp, FpTestOp, FpUnOp, Sort, Var,
    VarId, VarRole,
};
use saffron_verifier::span::Span;
use std::cell::RefCell;
use saffron_verifier::solve::SolveOptions;
use std::collections::HashMap;

/// A boolean term.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Term(pub ExprId);
/// Bitvector terms, one type per width (the domain identifies a width by its type).
#[derive(Clone, Copy, Debug)]
pub struct Bv32(pub ExprId);
#[derive(Clone, Copy, Debug)]
pub struct Bv64(pub ExprId);
/// Float terms (IEEE bits).
#[derive(Clone, Copy, Debug)]
pub struct Fp32(pub ExprId);
#[derive(Clone, Copy, Debug)]
pub struct Fp64(pub ExprId);

/// The arena of expressions and variables, and the facts about fresh variables.
#[derive(Default)]
pub struct Smt {
    exprs: RefCell<Vec<Expr>>,
    vars: RefCell<Vec<Var>>,
    // Hash-consing: equal expressions share one id, so the arena stays small when the
    // executor rebuilds the same term on several paths.
    interned: RefCell<HashMap<Expr, ExprId>>,
    facts: RefCell<Vec<ExprId>>,
    /// The solver's answer for each condition asked about (see `solve::decide`), with the
    /// number of facts the arena had when it was given.
    answers: RefCell<HashMap<ExprId, (usize, Decision)>>,
    /// The solver budget for [`Machine::impossible`] during exploration; `None`: never ask.
    early: Option<SolveOptions>,
}

impl Smt {
    pub fn new() -> Smt {
        Smt::default()
    }

    /// An arena whose [`Machine::impossible`] asks the solver (within `opts`), so the
    /// executor can keep path conditions short past sites that cannot trap.
    pub fn with_early_checks(opts: SolveOptions) -> Smt {
        Smt { early: Some(opts), ..Smt::default() }
    }

    /// The answer recorded for `c`, if it still holds. Facts only ever get added, so an
    /// unsatisfiable condition stays so for the rest of the arena's life; any other answer
    /// holds only while the facts are those it was given with.
    pub fn answer(&self, c: Term) -> Option<Decision> {
        let facts = self.facts.borrow().len();
        match self.answers.borrow().get(&c.0) {
            Some((_, Decision::Impossible)) => Some(Decision::Impossible),
            Some((given_with, d)) if *given_with == facts => Some(d.clone()),
            _ => None,
        }
    }

    /// Records the solver's answer for `c` under the arena's current facts.
    pub fn record_answer(&self, c: Term, d: Decision) {
        let facts = self.facts.borrow().len();
        self.answers.borrow_mut().insert(c.0, (facts, d));
    }

    pub fn expr(&self, e: Expr) -> ExprId {
        if let Some(id) = self.interned.borrow().get(&e) {
            return *id;
        }
        let mut exprs = self.exprs.borrow_mut();
        let id = ExprId(exprs.len() as u32);
        exprs.push(e.clone());
        self.interned.borrow_mut().insert(e, id);
        id
    }

    fn get(&self, id: ExprId) -> Expr {
        self.exprs.borrow()[id.0 as usize].clone()
    }

    fn bool_const(&self, id: ExprId) -> Option<bool> {
        match self.get(id) {
            Expr::Const(Const::Bool(b)) => Some(b),
            _ => None,
        }
    }

    fn bv_const(&self, id: ExprId) -> Option<u128> {
        match self.get(id) {
            Expr::Const(Const::BitVec { value, .. }) => Some(value),
            _ => None,
        }
    }

    pub fn var(&self, name: String, sort: Sort, role: VarRole) -> ExprId {
        let mut vars = self.vars.borrow_mut();
        let v = VarId(vars.len() as u32);
        vars.push(Var { name, sort, role, span: Span::new("prove", 1, 1) });
        drop(vars);
        self.expr(Expr::Var(v))
    }

    /// Records `fact` as true of every query over this arena.
    pub fn assume_fact(&self, fact: Term) {
        self.facts.borrow_mut().push(fact.0);
    }

    pub fn facts(&self) -> Vec<ExprId> {
        self.facts.borrow().clone()
    }
    pub fn exprs(&self) -> Vec<Expr> {
        self.exprs.borrow().clone()
    }
    pub fn vars(&self) -> Vec<Var> {
        self.vars.borrow().clone()
    }

    fn bv(&self, width: u32, value: u128) -> ExprId {
        let mask = if width >= 128 { u128::MAX } else { (1u128 << width) - 1 };
        self.expr(Expr::Const(Const::BitVec { width, value: value & mask }))
    }

    fn ite(&self, c: Term, a: ExprId, b: ExprId) -> ExprId {
        match self.bool_const(c.0) {
            Some(true) => a,
            Some(false) => b,
            None if a == b => a,
            None => self.expr(Expr::Ite(c.0, a, b)),
        }
    }
}

impl BoolOps for Smt {
    type Bool = Term;
    fn bool_lit(&self, b: bool) -> Term {
        Term(self.expr(Expr::Const(Const::Bool(b))))
    }
    fn bnot(&self, a: &Term) -> Term {
        match (self.bool_const(a.0), self.get(a.0)) {
            (Some(b), _) => self.bool_lit(!b),
            (None, Expr::Not(inner)) => Term(inner),
            _ => Term(self.expr(Expr::Not(a.0))),
        }
    }
    fn band(&self, a: &Term, b: &Term) -> Term {
        match (self.bool_const(a.0), self.bool_const(b.0)) {
            (Some(false), _) | (_, Some(false)) => self.bool_lit(false),
            (Some(true), _) => *b,
            (_, Some(true)) => *a,
            _ if a == b => *a,
            _ => Term(self.expr(Expr::And(vec![a.0, b.0]))),
        }
    }
    fn bor(&self, a: &Term, b: &Term) -> Term {
        match (self.bool_const(a.0), self.bool_const(b.0)) {
            (Some(true), _) | (_, Some(true)) => self.bool_lit(true),
            (Some(false), _) => *b,
            (_, Some(false)) => *a,
            _ if a == b => *a,
            _ => Term(self.expr(Expr::Or(vec![a.0, b.0]))),
        }
    }
}

macro_rules! smt_int {
    ($t:ident, $w:expr) => {
        impl IntOps<$t> for Smt {
            const WIDTH: u32 = $w;
            fn lit(&self, v: u64) -> $t {
                $t(self.bv($w, v as u128))
            }
            fn select(&self, c: &Term, a: &$t, b: &$t) -> $t {
                $t(self.ite(*c, a.0, b.0))
            }
            fn add(&self, a: &$t, b: &$t) -> $t {
                $t(self.bin(BvBinOp::Add, a.0, b.0))
            }
            fn sub(&self, a: &$t, b: &$t) -> $t {
                $t(self.bin(BvBinOp::Sub, a.0, b.0))
            }
            fn mul(&self, a: &$t, b: &$t) -> $t {
                $t(self.bin(BvBinOp::Mul, a.0, b.0))
            }
            fn udiv(&self, a: &$t, b: &$t) -> $t {
                $t(self.bin(BvBinOp::Udiv, a.0, b.0))
            }
            fn urem(&self, a: &$t, b: &$t) -> $t {
                $t(self.bin(BvBinOp::Urem, a.0, b.0))
            }
            fn sdiv(&self, a: &$t, b: &$t) -> $t {
                $t(self.bin(BvBinOp::Sdiv, a.0, b.0))
            }
            fn srem(&self, a: &$t, b: &$t) -> $t {
                $t(self.bin(BvBinOp::Srem, a.0, b.0))
            }
            fn and(&self, a: &$t, b: &$t) -> $t {
                $t(self.bin(BvBinOp::And, a.0, b.0))
            }
            fn or(&self, a: &$t, b: &$t) -> $t {
                $t(self.bin(BvBinOp::Or, a.0, b.0))
            }
            fn xor(&self, a: &$t, b: &$t) -> $t {
                $t(self.bin(BvBinOp::Xor, a.0, b.0))
            }
            fn not(&self, a: &$t) -> $t {
                $t(self.expr(Expr::BvUn(BvUnOp::Not, a.0)))
            }
            fn shl(&self, a: &$t, k: &$t) -> $t {
                $t(self.bin(BvBinOp::Shl, a.0, k.0))
            }
            fn lshr(&self, a: &$t, k: &$t) -> $t {
                $t(self.bin(BvBinOp::Lshr, a.0, k.0))
            }
            fn ashr(&self, a: &$t, k: &$t) -> $t {
                $t(self.bin(BvBinOp::Ashr, a.0, k.0))
            }
            fn rotl(&self, a: &$t, k: &$t) -> $t {
                $t(self.bin(BvBinOp::Rotl, a.0, k.0))
            }
            fn rotr(&self, a: &$t, k: &$t) -> $t {
                $t(self.bin(BvBinOp::Rotr, a.0, k.0))
            }
            fn clz(&self, a: &$t) -> $t {
                $t(self.expr(Expr::BvUn(BvUnOp::Clz, a.0)))
            }
            fn ctz(&self, a: &$t) -> $t {
                // The IR has no ctz: trailing zeros are the leading zeros of the bit reversal.
                let rev = self.expr(Expr::BvUn(BvUnOp::Rev, a.0));
                $t(self.expr(Expr::BvUn(BvUnOp::Clz, rev)))
            }
            fn popcnt(&self, a: &$t) -> $t {
                $t(self.expr(Expr::BvUn(BvUnOp::Popcnt, a.0)))
            }
            fn sext_low(&self, a: &$t, bits: u32) -> $t {
                if bits >= $w {
                    return *a;
                }
                let low = self.expr(Expr::Extract { hi: bits - 1, lo: 0, arg: a.0 });
                $t(self.expr(Expr::SignExt { width: $w, arg: low }))
            }
            fn eq(&self, a: &$t, b: &$t) -> Term {
                match (self.bv_const(a.0), self.bv_const(b.0)) {
                    (Some(x), Some(y)) => self.bool_lit(x == y),
                    _ if a.0 == b.0 => self.bool_lit(true),
                    _ => Term(self.expr(Expr::Eq(a.0, b.0))),
                }
            }
            fn ult(&self, a: &$t, b: &$t) -> Term {
                match (self.bv_const(a.0), self.bv_const(b.0)) {
                    (Some(x), Some(y)) => self.bool_lit(x < y),
                    _ => self.cmp(BvCmpOp::Ult, a.0, b.0),
                }
            }
            fn ule(&self, a: &$t, b: &$t) -> Term {
                match (self.bv_const(a.0), self.bv_const(b.0)) {
                    (Some(x), Some(y)) => self.bool_lit(x <= y),
                    _ => self.cmp(BvCmpOp::Ule, a.0, b.0),
                }
            }
            fn slt(&self, a: &$t, b: &$t) -> Term {
                self.cmp(BvCmpOp::Slt, a.0, b.0)
            }
            fn sle(&self, a: &$t, b: &$t) -> Term {
                self.cmp(BvCmpOp::Sle, a.0, b.0)
            }
        }
    };
}

impl Smt {
    fn bin(&self, op: BvBinOp, a: ExprId, b: ExprId) -> ExprId {
        self.expr(Expr::BvBin(op, a, b))
    }
    fn cmp(&self, op: BvCmpOp, a: ExprId, b: ExprId) -> Term {
        Term(self.expr(Expr::BvCmp(op, a, b)))
    }
}

smt_int!(Bv32, 32);
smt_int!(Bv64, 64);

macro_rules! smt_float {
    ($f:ident, $bits:ident, $w:expr, $e:expr, $m:expr) => {
        impl FloatOps<$f> for Smt {
            type Bits = $bits;
            const WIDTH: u32 = $w;
            const EXP_BITS: u32 = $e;
            const MANT_BITS: u32 = $m;
            fn to_bits(&self, a: &$f) -> $bits {
                $bits(a.0)
            }
            fn from_bits(&self, a: &$bits) -> $f {
                $f(a.0)
            }
            fn flit(&self, bits: u64) -> $f {
                $f(self.bv($w, bits as u128))
            }
            fn fselect(&self, c: &Term, a: &$f, b: &$f) -> $f {
                $f(self.ite(*c, a.0, b.0))
            }
            fn fadd(&self, a: &$f, b: &$f) -> $f {
                $f(self.expr(Expr::FpBin(FpBinOp::Add, a.0, b.0)))
            }
            fn fsub(&self, a: &$f, b: &$f) -> $f {
                $f(self.expr(Expr::FpBin(FpBinOp::Sub, a.0, b.0)))
            }
            fn fmul(&self, a: &$f, b: &$f) -> $f {
                $f(self.expr(Expr::FpBin(FpBinOp::Mul, a.0, b.0)))
            }
            fn fdiv(&self, a: &$f, b: &$f) -> $f {
                $f(self.expr(Expr::FpBin(FpBinOp::Div, a.0, b.0)))
            }
            fn fsqrt(&self, a: &$f) -> $f {
                $f(self.expr(Expr::FpUn(FpUnOp::Sqrt, a.0)))
            }
            fn fround(&self, a: &$f, mode: RoundMode) -> $f {
                let op = match mode {
                    RoundMode::NearestEven => FpUnOp::Nearest,
                    RoundMode::TowardPositive => FpUnOp::Ceil,
                    RoundMode::TowardNegative => FpUnOp::Floor,
                    RoundMode::TowardZero => FpUnOp::Trunc,
                };
                $f(self.expr(Expr::FpUn(op, a.0)))
            }
            fn fis_nan(&self, a: &$f) -> Term {
                Term(self.expr(Expr::FpTest(FpTestOp::IsNaN, a.0)))
            }
            fn fis_zero(&self, a: &$f) -> Term {
                Term(self.expr(Expr::FpTest(FpTestOp::IsZero, a.0)))
            }
            fn fis_negative(&self, a: &$f) -> Term {
                // The sign bit itself: IEEE `isNegative` is false for NaNs, the domain's is not.
                let sign = self.expr(Expr::Extract { hi: $w - 1, lo: $w - 1, arg: a.0 });
                let one = self.bv(1, 1);
                Term(self.expr(Expr::Eq(sign, one)))
            }
            fn feq(&self, a: &$f, b: &$f) -> Term {
                Term(self.expr(Expr::FpCmp(FpCmpOp::Eq, a.0, b.0)))
            }
            fn flt(&self, a: &$f, b: &$f) -> Term {
                Term(self.expr(Expr::FpCmp(FpCmpOp::Lt, a.0, b.0)))
            }
            fn fle(&self, a: &$f, b: &$f) -> Term {
                Term(self.expr(Expr::FpCmp(FpCmpOp::Le, a.0, b.0)))
            }
            fn fis_noncanonical_nan(&self, a: &$f) -> Term {
                // NaN, and neither of the two canonical encodings (exponent
                // all ones, only the quiet bit of the significand, either sign).
                let canonical: u64 = (((1u64 << $e) - 1) << $m) | (1u64 << ($m - 1));
                let negative = canonical | (1u64 << ($w - 1));
                let bits = self.to_bits(a);
                let pos = IntOps::<$bits>::eq(self, &bits, &IntOps::<$bits>::lit(self, canonical));
                let neg = IntOps::<$bits>::eq(self, &bits, &IntOps::<$bits>::lit(self, negative));
                let canon = self.bor(&pos, &neg);
                self.band(&self.fis_nan(a), &self.bnot(&canon))
            }
            fn fnan_allowed(&self, _arithmetic_allowed: &Term) -> $f {
                // Any NaN: a superset of the NaNs the spec allows (canonical,
                // or arithmetic when allowed), which is enough for trap
                // conditions: a site safe for every NaN is safe for the
                // allowed ones.
                let n = self.vars.borrow().len();
                let v = $f(self.var(format!("nan{n}"), Sort::BitVec($w), VarRole::Internal));
                let fact = self.fis_nan(&v);
                self.assume_fact(fact);
                v
            }
        }
    };
}

smt_float!(Fp32, Bv32, 32, 8, 23);
smt_float!(Fp64, Bv64, 64, 11, 52);

macro_rules! smt_int_float {
    ($i:ident, $iw:expr, $f:ident, $fw:expr) => {
        impl IntFloatOps<$i, $f> for Smt {
            fn sint_to_float(&self, a: &$i) -> $f {
                $f(self.expr(Expr::ToFp { width: $fw, signed: true, arg: a.0 }))
            }
            fn uint_to_float(&self, a: &$i) -> $f {
                $f(self.expr(Expr::ToFp { width: $fw, signed: false, arg: a.0 }))
            }
            fn float_to_sint(&self, a: &$f) -> $i {
                $i(self.expr(Expr::FpToBv { width: $iw, signed: true, arg: a.0 }))
            }
            fn float_to_uint(&self, a: &$f) -> $i {
                $i(self.expr(Expr::FpToBv { width: $iw, signed: false, arg: a.0 }))
            }
        }
    };
}

smt_int_float!(Bv32, 32, Fp32, 32);
smt_int_float!(Bv32, 32, Fp64, 64);
smt_int_float!(Bv64, 64, Fp32, 32);
smt_int_float!(Bv64, 64, Fp64, 64);

impl FloatConvert<Fp32, Fp64> for Smt {
    fn fconvert(&self, a: &Fp32) -> Fp64 {
        Fp64(self.expr(Expr::FpToFp { width: 64, arg: a.0 }))
    }
}
impl FloatConvert<Fp64, Fp32> for Smt {
    fn fconvert(&self, a: &Fp64) -> Fp32 {
        Fp32(self.expr(Expr::FpToFp { width: 32, arg: a.0 }))
    }
}

impl Types for Smt {
    type I32 = Bv32;
    type I64 = Bv64;
    type F32 = Fp32;
    type F64 = Fp64;
}

impl Domain for Smt {
    fn wrap_64_32(&self, a: &Bv64) -> Bv32 {
        Bv32(self.expr(Expr::Extract { hi: 31, lo: 0, arg: a.0 }))
    }
    fn zext_32_64(&self, a: &Bv32) -> Bv64 {
        Bv64(self.expr(Expr::ZeroExt { width: 64, arg: a.0 }))
    }
    fn sext_32_64(&self, a: &Bv32) -> Bv64 {
        Bv64(self.expr(Expr::SignExt { width: 64, arg: a.0 }))
    }
}

impl Machine for Smt {
    fn fresh(&self, ty: NumType, what: Fresh) -> Val<Smt> {
        let role = match what {
            Fresh::Argument(_) => VarRole::Input,
            Fresh::Unknown => VarRole::Internal,
        };
        let name = match what {
            Fresh::Argument(i) => format!("arg{i}"),
            Fresh::Unknown => format!("v{}", self.vars.borrow().len()),
        };
        let var = |w| self.var(name.clone(), Sort::BitVec(w), role.clone());
        match ty {
            NumType::I32 => Val::I32(Bv32(var(32))),
            NumType::I64 => Val::I64(Bv64(var(64))),
            NumType::F32 => Val::F32(Fp32(var(32))),
            NumType::F64 => Val::F64(Fp64(var(64))),
        }
    }

    fn known(&self, c: &Term) -> Option<bool> {
        self.bool_const(c.0)
    }

    fn assume(&self, fact: &Term) {
        self.assume_fact(*fact);
    }

    fn impossible(&self, c: &Term) -> bool {
        if let Some(known) = self.known(c) {
            return !known;
        }
        // The answer is recorded, so judging the site later does not ask again.
        let decision = match &self.early {
            Some(opts) => Some(decide(self, *c, 0, opts)),
            None => self.answer(*c),
        };
        matches!(decision, Some(Decision::Impossible))
    }
}
