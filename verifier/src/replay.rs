//! Concrete evaluation of the IR, independent of the SMT encoding: replays a
//! solver model to confirm a counterexample.
//!
//! Semantics follow SMT-LIB (division by zero, shifts by >= width) and IEEE
//! 754 with round-to-nearest-even via Rust floats. Where the encoding leaves
//! a result open (a NaN's bit pattern, an out-of-range float-to-int
//! conversion), the solver's witness for that expression is used and checked
//! to be a legal choice.

pub mod bits;
pub mod explain;

use crate::encode::dag;
use crate::encode::fp_const_bits;
use crate::ir::{
    BvBinOp, BvCmpOp, BvUnOp, Const, Expr, ExprId, FpBinOp, FpCmpOp, FpTestOp, FpUnOp, IntOp,
    Query,
};
pub use bits::Bits;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

/// A concrete value of a variable or expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    Int(i128),
    Bv(Bits),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Bv(b) => {
                // Small values also in decimal, and as signed numbers when
                // the top bit is set (#x80 is 128 or -128): easier to read.
                let unsigned = b.to_u128().filter(|v| b.width() > 4 && *v < 1 << 16);
                let signed = b
                    .to_u128()
                    .filter(|_| (5..=128).contains(&b.width()))
                    .map(|v| (v as i128).wrapping_shl(128 - b.width()) >> (128 - b.width()))
                    .filter(|s| *s < 0 && *s >= -(1 << 15));
                match (unsigned, signed) {
                    (Some(u), Some(s)) => write!(f, "{b} ({u} or {s})"),
                    (Some(u), None) => write!(f, "{b} ({u})"),
                    (None, Some(s)) => write!(f, "{b} ({s})"),
                    (None, None) => write!(f, "{b}"),
                }
            }
        }
    }
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_str(&i.to_string()),
            Value::Bv(b) => s.serialize_str(&b.to_string()),
        }
    }
}

/// The solver's model, as concrete values.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Indexed by `VarId.0`.
    pub vars: Vec<Value>,
    /// Witness values, keyed by canonical expression id.
    pub witnesses: HashMap<ExprId, Bits>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayError {
    /// The evaluator cannot compute this (e.g. Int overflow of i128).
    Unsupported(String),
    /// The model is inconsistent with the IR's semantics.
    Mismatch(String),
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Unsupported(m) => write!(f, "replay unsupported: {m}"),
            ReplayError::Mismatch(m) => write!(f, "replay mismatch: {m}"),
        }
    }
}

/// Truth values of every condition under a model.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// The value of every expression, by `ExprId.0`.
    pub values: Vec<Option<Value>>,
    pub lhs_conditions: Vec<bool>,
    pub rhs_assumptions: Vec<bool>,
    pub obligations: Vec<bool>,
}

impl Evaluation {
    /// A genuine counterexample: everything assumed holds, some obligation fails.
    pub fn is_counterexample(&self) -> bool {
        self.lhs_conditions.iter().all(|&b| b)
            && self.rhs_assumptions.iter().all(|&b| b)
            && self.obligations.iter().any(|&b| !b)
    }
}

/// Evaluates every condition of `q` under `m`.
pub fn evaluate(q: &Query, m: &Model) -> Result<Evaluation, ReplayError> {
    let order = dag::topo_order(q).map_err(ReplayError::Unsupported)?;
    let canon = dag::canonical_ids(q, &order);
    let mut ev = Evaluator { q, m, canon: &canon, values: vec![None; q.exprs.len()] };
    for &id in &order {
        let v = ev.eval_one(id).map_err(|e| match e {
            ReplayError::Unsupported(s) => ReplayError::Unsupported(format!("expression {}: {s}", id.0)),
            ReplayError::Mismatch(s) => ReplayError::Mismatch(format!("expression {}: {s}", id.0)),
        })?;
        ev.values[id.0 as usize] = Some(v);
    }
    let truth = |cs: &[crate::ir::Condition]| -> Result<Vec<bool>, ReplayError> {
        cs.iter().map(|c| ev.bool(c.expr)).collect()
    };
    let (lhs_conditions, rhs_assumptions, obligations) =
        (truth(&q.lhs_conditions)?, truth(&q.rhs_assumptions)?, truth(&q.obligations)?);
    Ok(Evaluation { values: ev.values, lhs_conditions, rhs_assumptions, obligations })
}

/// Values of the expressions that are determined by `known` variable values
/// alone (`None` elsewhere, including nondeterministic float results).
/// Indexed by `ExprId.0`; meaningful for the ids in `order`.
pub fn partial_values(
    q: &Query,
    order: &[ExprId],
    canon: &[ExprId],
    known: &HashMap<crate::ir::VarId, Value>,
) -> Vec<Option<Value>> {
    let empty = Model::default();
    let mut ev = Evaluator { q, m: &empty, canon, values: vec![None; q.exprs.len()] };
    for &id in order {
        let v = match q.expr(id) {
            Expr::Var(v) => known.get(v).cloned(),
            e => {
                let known = |a: &ExprId| ev.values[canon[a.0 as usize].0 as usize].is_some();
                // An `ite` whose condition is known needs only the branch it
                // takes (the other may be a NaN without a witness).
                let ready = match e {
                    Expr::Ite(c, a, b) => match &ev.values[canon[c.0 as usize].0 as usize] {
                        Some(Value::Bool(true)) => known(a),
                        Some(Value::Bool(false)) => known(b),
                        _ => false,
                    },
                    _ => dag::operands(e).iter().all(known),
                };
                if ready {
                    ev.eval_one(id).ok()
                } else {
                    None
                }
            }
        };
        ev.values[id.0 as usize] = v;
    }
    ev.values
}

struct Evaluator<'a> {
    q: &'a Query,
    m: &'a Model,
    canon: &'a [ExprId],
    values: Vec<Option<Value>>,
}

fn unsupported<T>(msg: impl Into<String>) -> Result<T, ReplayError> {
    Err(ReplayError::Unsupported(msg.into()))
}

/// Binary32 / binary64 through one interface.
#[derive(Clone, Copy, Debug)]
enum Float {
    S(f32),
    D(f64),
}

impl Float {
    fn from_bits(b: &Bits) -> Result<Float, ReplayError> {
        let v = b.to_u128().unwrap_or(0);
        match b.width() {
            32 => Ok(Float::S(f32::from_bits(v as u32))),
            64 => Ok(Float::D(f64::from_bits(v as u64))),
            w => unsupported(format!("floats of width {w}")),
        }
    }
    fn to_bits(self) -> Bits {
        match self {
            Float::S(x) => Bits::new(32, x.to_bits() as u128),
            Float::D(x) => Bits::new(64, x.to_bits() as u128),
        }
    }
    fn is_nan(self) -> bool {
        match self {
            Float::S(x) => x.is_nan(),
            Float::D(x) => x.is_nan(),
        }
    }
    fn as_f64(self) -> f64 {
        match self {
            Float::S(x) => x as f64,
            Float::D(x) => x,
        }
    }
    fn map(self, f32op: impl Fn(f32) -> f32, f64op: impl Fn(f64) -> f64) -> Float {
        match self {
            Float::S(x) => Float::S(f32op(x)),
            Float::D(x) => Float::D(f64op(x)),
        }
    }
    fn zip(self, o: Float, f32op: impl Fn(f32, f32) -> f32, f64op: impl Fn(f64, f64) -> f64) -> Float {
        match (self, o) {
            (Float::S(x), Float::S(y)) => Float::S(f32op(x, y)),
            (Float::D(x), Float::D(y)) => Float::D(f64op(x, y)),
            _ => unreachable!("widths checked by the caller"),
        }
    }
    /// IEEE comparison (NaN unordered); exact for f32 through f64.
    fn partial_cmp(self, o: Float) -> Option<Ordering> {
        self.as_f64().partial_cmp(&o.as_f64())
    }
}

impl<'a> Evaluator<'a> {
    fn value(&self, id: ExprId) -> &Value {
        self.values[self.canon[id.0 as usize].0 as usize]
            .as_ref()
            .expect("operands evaluated first")
    }
    fn bool(&self, id: ExprId) -> Result<bool, ReplayError> {
        match self.value(id) {
            Value::Bool(b) => Ok(*b),
            v => unsupported(format!("expected Bool, got {v}")),
        }
    }
    fn int(&self, id: ExprId) -> Result<i128, ReplayError> {
        match self.value(id) {
            Value::Int(i) => Ok(*i),
            v => unsupported(format!("expected Int, got {v}")),
        }
    }
    fn bv(&self, id: ExprId) -> Result<Bits, ReplayError> {
        match self.value(id) {
            Value::Bv(b) => Ok(b.clone()),
            v => unsupported(format!("expected a bitvector, got {v}")),
        }
    }
    fn float(&self, id: ExprId) -> Result<Float, ReplayError> {
        Float::from_bits(&self.bv(id)?)
    }

    /// The solver's witness for the (canonical) expression `id`.
    fn witness(&self, id: ExprId) -> Result<Bits, ReplayError> {
        let c = self.canon[id.0 as usize];
        self.m
            .witnesses
            .get(&c)
            .cloned()
            .ok_or_else(|| ReplayError::Unsupported(format!("no witness value for expression {}", c.0)))
    }

    /// Bits of a float result; a NaN takes the solver's pattern, which must be a NaN.
    fn float_result(&self, id: ExprId, r: Float) -> Result<Value, ReplayError> {
        if !r.is_nan() {
            return Ok(Value::Bv(r.to_bits()));
        }
        let w = self.witness(id)?;
        if Float::from_bits(&w)?.is_nan() {
            Ok(Value::Bv(w))
        } else {
            Err(ReplayError::Mismatch(format!("result is NaN but the solver chose {w}")))
        }
    }

    fn eval_one(&self, id: ExprId) -> Result<Value, ReplayError> {
        let e = self.q.expr(id);
        Ok(match e {
            Expr::Var(v) => self
                .m
                .vars
                .get(v.0 as usize)
                .cloned()
                .ok_or_else(|| ReplayError::Unsupported(format!("no value for variable {}", v.0)))?,
            Expr::Const(Const::Bool(b)) => Value::Bool(*b),
            Expr::Const(Const::Int(i)) => Value::Int(*i),
            Expr::Const(Const::BitVec { width, value }) => Value::Bv(Bits::new(*width, *value)),
            Expr::Not(a) => Value::Bool(!self.bool(*a)?),
            Expr::And(xs) => Value::Bool(xs.iter().map(|x| self.bool(*x)).collect::<Result<Vec<_>, _>>()?.into_iter().all(|b| b)),
            Expr::Or(xs) => Value::Bool(xs.iter().map(|x| self.bool(*x)).collect::<Result<Vec<_>, _>>()?.into_iter().any(|b| b)),
            Expr::Imp(a, b) => Value::Bool(!self.bool(*a)? || self.bool(*b)?),
            Expr::Eq(a, b) => Value::Bool(self.value(*a) == self.value(*b)),
            Expr::Ite(c, a, b) => {
                if self.bool(*c)? {
                    self.value(*a).clone()
                } else {
                    self.value(*b).clone()
                }
            }
            Expr::Int(op, a, b) => {
                let (x, y) = (self.int(*a)?, self.int(*b)?);
                let arith = |r: Option<i128>| {
                    r.map(Value::Int).ok_or_else(|| ReplayError::Unsupported("Int overflows i128".into()))
                };
                match op {
                    IntOp::Add => arith(x.checked_add(y))?,
                    IntOp::Sub => arith(x.checked_sub(y))?,
                    IntOp::Mul => arith(x.checked_mul(y))?,
                    IntOp::Lt => Value::Bool(x < y),
                    IntOp::Le => Value::Bool(x <= y),
                    IntOp::Gt => Value::Bool(x > y),
                    IntOp::Ge => Value::Bool(x >= y),
                }
            }
            Expr::BvUn(op, a) => {
                let x = self.bv(*a)?;
                let w = x.width();
                Value::Bv(match op {
                    BvUnOp::Not => x.not(),
                    BvUnOp::Neg => x.neg(),
                    BvUnOp::Popcnt => Bits::new(w, x.count_ones() as u128),
                    BvUnOp::Clz => Bits::new(w, x.leading_zeros() as u128),
                    BvUnOp::Cls => {
                        let sign = x.msb();
                        let n = (0..w.saturating_sub(1)).rev().take_while(|&i| x.bit(i) == sign).count();
                        Bits::new(w, n as u128)
                    }
                    BvUnOp::Rev => x.reverse_bits(),
                })
            }
            Expr::BvBin(op, a, b) => {
                let (x, y) = (self.bv(*a)?, self.bv(*b)?);
                let w = x.width();
                let need = |r: Option<Bits>| {
                    r.ok_or_else(|| ReplayError::Unsupported(format!("{op:?} at width {w}")))
                };
                Value::Bv(match op {
                    BvBinOp::Shl => x.shl(y.saturating_u32()),
                    BvBinOp::Lshr => x.lshr(y.saturating_u32()),
                    BvBinOp::Ashr => x.ashr(y.saturating_u32()),
                    BvBinOp::Rotl | BvBinOp::Rotr => {
                        let k = y.mod_small(w);
                        let k = if *op == BvBinOp::Rotl { k } else { (w - k) % w };
                        if k == 0 {
                            x
                        } else {
                            x.shl(k).or(&x.lshr(w - k))
                        }
                    }
                    _ => {
                        if y.width() != w {
                            return unsupported(format!("{op:?} of widths {w} and {}", y.width()));
                        }
                        match op {
                            BvBinOp::And => x.and(&y),
                            BvBinOp::Or => x.or(&y),
                            BvBinOp::Xor => x.xor(&y),
                            BvBinOp::Add => x.add(&y),
                            BvBinOp::Sub => x.sub(&y),
                            BvBinOp::Mul => need(x.mul(&y))?,
                            BvBinOp::Udiv => need(x.udiv(&y))?,
                            BvBinOp::Urem => need(x.urem(&y))?,
                            BvBinOp::Sdiv => need(x.sdiv(&y))?,
                            BvBinOp::Srem => need(x.srem(&y))?,
                            _ => unreachable!("handled above"),
                        }
                    }
                })
            }
            Expr::BvCmp(op, a, b) => {
                let (x, y) = (self.bv(*a)?, self.bv(*b)?);
                let (u, s) = (x.cmp_unsigned(&y), x.cmp_signed(&y));
                Value::Bool(match op {
                    BvCmpOp::Ult => u.is_lt(),
                    BvCmpOp::Ule => u.is_le(),
                    BvCmpOp::Ugt => u.is_gt(),
                    BvCmpOp::Uge => u.is_ge(),
                    BvCmpOp::Slt => s.is_lt(),
                    BvCmpOp::Sle => s.is_le(),
                    BvCmpOp::Sgt => s.is_gt(),
                    BvCmpOp::Sge => s.is_ge(),
                    // Same sign operands, different sign result.
                    BvCmpOp::Saddo => {
                        let r = x.add(&y);
                        x.msb() == y.msb() && r.msb() != x.msb()
                    }
                })
            }
            Expr::Extract { hi, lo, arg } => {
                let x = self.bv(*arg)?;
                if hi < lo || *hi >= x.width() {
                    return unsupported("extract out of range");
                }
                Value::Bv(x.extract(*hi, *lo))
            }
            Expr::ZeroExt { width, arg } => Value::Bv(self.bv(*arg)?.zero_ext(*width)),
            Expr::SignExt { width, arg } => Value::Bv(self.bv(*arg)?.sign_ext(*width)),
            Expr::Concat(hi, lo) => Value::Bv(self.bv(*hi)?.concat(&self.bv(*lo)?)),
            Expr::Int2Bv { width, arg } => {
                let i = self.int(*arg)?;
                // Two's complement of i modulo 2^width.
                Value::Bv(Bits::new(128, i as u128).sign_ext((*width).max(128)).extract(width - 1, 0))
            }
            Expr::Bv2Int(a) => {
                let x = self.bv(*a)?;
                match x.to_u128().and_then(|v| i128::try_from(v).ok()) {
                    Some(v) => Value::Int(v),
                    None => return unsupported("bv2int above i128"),
                }
            }
            Expr::FpConst { width, kind } => match fp_const_bits(*width, *kind) {
                Some(b) => Value::Bv(Bits::new(*width, b)),
                None => return unsupported(format!("float constant of width {width}")),
            },
            Expr::FpUn(op, a) => {
                let xb = self.bv(*a)?;
                let w = xb.width();
                let sign = Bits::new(w, 1).shl(w - 1);
                match op {
                    FpUnOp::Neg => Value::Bv(xb.xor(&sign)),
                    FpUnOp::Abs => Value::Bv(xb.and(&sign.not())),
                    _ => {
                        let x = Float::from_bits(&xb)?;
                        let r = match op {
                            FpUnOp::Sqrt => x.map(f32::sqrt, f64::sqrt),
                            FpUnOp::Ceil => x.map(f32::ceil, f64::ceil),
                            FpUnOp::Floor => x.map(f32::floor, f64::floor),
                            FpUnOp::Trunc => x.map(f32::trunc, f64::trunc),
                            FpUnOp::Nearest => x.map(f32::round_ties_even, f64::round_ties_even),
                            FpUnOp::Neg | FpUnOp::Abs => unreachable!("bit operations above"),
                        };
                        self.float_result(id, r)?
                    }
                }
            }
            Expr::FpBin(op, a, b) => {
                let (xb, yb) = (self.bv(*a)?, self.bv(*b)?);
                if xb.width() != yb.width() {
                    return unsupported("float operands of different widths");
                }
                let (x, y) = (Float::from_bits(&xb)?, Float::from_bits(&yb)?);
                match op {
                    FpBinOp::Add => self.float_result(id, x.zip(y, |a, b| a + b, |a, b| a + b))?,
                    FpBinOp::Sub => self.float_result(id, x.zip(y, |a, b| a - b, |a, b| a - b))?,
                    FpBinOp::Mul => self.float_result(id, x.zip(y, |a, b| a * b, |a, b| a * b))?,
                    FpBinOp::Div => self.float_result(id, x.zip(y, |a, b| a / b, |a, b| a / b))?,
                    FpBinOp::Min | FpBinOp::Max => {
                        let min = *op == FpBinOp::Min;
                        if x.is_nan() || y.is_nan() {
                            self.float_result(id, x.zip(y, |_, _| f32::NAN, |_, _| f64::NAN))?
                        } else if x.as_f64() == 0.0 && y.as_f64() == 0.0 {
                            Value::Bv(if min { xb.or(&yb) } else { xb.and(&yb) })
                        } else {
                            let pick_x = if min { x.as_f64() < y.as_f64() } else { x.as_f64() > y.as_f64() };
                            Value::Bv(if pick_x { xb } else { yb })
                        }
                    }
                }
            }
            Expr::FpCmp(op, a, b) => {
                let (x, y) = (self.float(*a)?, self.float(*b)?);
                let c = x.partial_cmp(y);
                Value::Bool(match op {
                    FpCmpOp::Eq => c == Some(Ordering::Equal),
                    FpCmpOp::Ne => c != Some(Ordering::Equal),
                    FpCmpOp::Lt => c == Some(Ordering::Less),
                    FpCmpOp::Le => matches!(c, Some(Ordering::Less | Ordering::Equal)),
                    FpCmpOp::Gt => c == Some(Ordering::Greater),
                    FpCmpOp::Ge => matches!(c, Some(Ordering::Greater | Ordering::Equal)),
                })
            }
            Expr::FpTest(op, a) => {
                let x = self.float(*a)?;
                let v = x.as_f64();
                Value::Bool(match op {
                    FpTestOp::IsZero => v == 0.0,
                    FpTestOp::IsInfinite => v.is_infinite(),
                    FpTestOp::IsNaN => v.is_nan(),
                    FpTestOp::IsNegative => !v.is_nan() && v.is_sign_negative(),
                    FpTestOp::IsPositive => !v.is_nan() && v.is_sign_positive(),
                })
            }
            Expr::ToFp { width, signed, arg } => {
                let x = self.bv(*arg)?;
                if x.width() > 128 {
                    return unsupported("int-to-float from more than 128 bits");
                }
                // Rust's int-to-float casts round to nearest, ties to even.
                let r = if *signed {
                    let v = x.sign_ext(128).to_u128().unwrap_or(0) as i128;
                    match width {
                        32 => Float::S(v as f32),
                        64 => Float::D(v as f64),
                        w => return unsupported(format!("floats of width {w}")),
                    }
                } else {
                    let v = x.to_u128().unwrap_or(0);
                    match width {
                        32 => Float::S(v as f32),
                        64 => Float::D(v as f64),
                        w => return unsupported(format!("floats of width {w}")),
                    }
                };
                self.float_result(id, r)?
            }
            Expr::FpToFp { width, arg } => {
                let x = self.float(*arg)?;
                let r = match (x, width) {
                    (Float::S(v), 64) => Float::D(v as f64),
                    (Float::D(v), 32) => Float::S(v as f32),
                    (v, 32 | 64) if v.to_bits().width() == *width => v,
                    (_, w) => return unsupported(format!("conversion to float width {w}")),
                };
                self.float_result(id, r)?
            }
            Expr::FpToBv { width, signed, arg } => {
                let x = self.float(*arg)?;
                let n = *width;
                if n == 0 || n > 128 {
                    return unsupported(format!("float to {n}-bit integer"));
                }
                let t = x.as_f64().trunc();
                let (lo_ok, hi_ok) = if *signed {
                    (t >= -(2f64.powi(n as i32 - 1)), t < 2f64.powi(n as i32 - 1))
                } else {
                    (t > -1.0, t < 2f64.powi(n as i32))
                };
                if !x.is_nan() && lo_ok && hi_ok {
                    let v = if *signed { t as i128 as u128 } else { t as u128 };
                    Value::Bv(Bits::new(n, v))
                } else {
                    Value::Bv(self.witness(id)?)
                }
            }
        })
    }
}

/// How the concrete evaluator judged the solver's model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "detail", rename_all = "lowercase")]
pub enum ReplayStatus {
    /// The evaluator agrees: all assumptions hold and an obligation fails.
    Replayed,
    /// The evaluator disagrees with the solver: a bug in one of them.
    Mismatch(String),
    /// The evaluator cannot evaluate this query.
    Unsupported(String),
}

#[derive(Clone, Debug, Serialize)]
pub struct Binding {
    pub name: String,
    pub value: String,
    /// Shown by default: a pattern variable, or state one of the failed
    /// comparisons reads (see [`explain`]).
    pub relevant: bool,
}

/// One ISLE term application and its values under the counterexample.
#[derive(Clone, Debug, Serialize)]
pub struct TermValue {
    pub term: String,
    pub side: crate::ir::Side,
    pub span: String,
    pub args: Vec<String>,
    pub result: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FailedCondition {
    pub what: String,
    pub span: String,
}

/// A solver model made readable and checked by replay.
#[derive(Clone, Debug, Serialize)]
pub struct Counterexample {
    /// What differs between the two sides, in words.
    pub differs: Vec<explain::Difference>,
    pub inputs: Vec<Binding>,
    pub terms: Vec<TermValue>,
    /// The obligations that evaluate to false.
    pub failed: Vec<FailedCondition>,
    pub replay: ReplayStatus,
}

impl Counterexample {
    /// The solver said sat but its model could not be read.
    pub fn unreadable(_q: &Query, why: String) -> Counterexample {
        Counterexample {
            differs: vec![],
            inputs: vec![],
            terms: vec![],
            failed: vec![],
            replay: ReplayStatus::Unsupported(format!("model unreadable: {why}")),
        }
    }
}

/// Builds the counterexample display of model `m` and replays it.
pub fn counterexample(q: &Query, m: Model) -> Counterexample {
    use crate::ir::VarRole;
    let show = |v: crate::ir::VarId| {
        m.vars.get(v.0 as usize).map(|x| x.to_string()).unwrap_or_else(|| "?".into())
    };
    let mut inputs: Vec<Binding> = q
        .vars
        .iter()
        .enumerate()
        .filter(|(_, v)| matches!(v.role, VarRole::Input | VarRole::State))
        .map(|(i, v)| Binding {
            name: v.name.clone(),
            value: show(crate::ir::VarId(i as u32)),
            relevant: v.role == VarRole::Input && explain::is_pattern_variable(&v.name),
        })
        .collect();
    let mut terms: Vec<TermValue> = q
        .terms
        .iter()
        .map(|t| TermValue {
            term: t.term.clone(),
            side: t.side,
            span: t.span.to_string(),
            args: t.args.iter().map(|a| show(*a)).collect(),
            result: show(t.result),
        })
        .collect();
    // LHS applications first, then RHS, each in order of appearance.
    terms.sort_by_key(|t| t.side == crate::ir::Side::Rhs);
    let mut differs = Vec::new();
    let (failed, replay) = match evaluate(q, &m) {
        Ok(ev) => {
            let false_ones: Vec<crate::ir::ExprId> =
                q.obligations.iter().zip(&ev.obligations).filter(|(_, ok)| !**ok).map(|(c, _)| c.expr).collect();
            differs = explain::differences(q, &ev.values, &false_ones);
            let failed: Vec<FailedCondition> = q
                .obligations
                .iter()
                .zip(&ev.obligations)
                .filter(|(_, ok)| !**ok)
                .map(|(c, _)| FailedCondition { what: c.what.clone(), span: c.span.to_string() })
                .collect();
            let status = if ev.is_counterexample() {
                ReplayStatus::Replayed
            } else {
                ReplayStatus::Mismatch(disagreement(q, &ev))
            };
            (failed, status)
        }
        Err(ReplayError::Mismatch(s)) => (vec![], ReplayStatus::Mismatch(s)),
        Err(ReplayError::Unsupported(s)) => (vec![], ReplayStatus::Unsupported(s)),
    };
    // State the failed comparisons read is relevant too; a name bound twice
    // to one value (`ty.bits` of several terms) is shown once.
    let compared: std::collections::HashSet<&str> =
        differs.iter().flat_map(|d| d.vars.iter().map(|v| q.var(*v).name.as_str())).collect();
    let mut seen = std::collections::HashSet::new();
    for b in &mut inputs {
        b.relevant = (b.relevant || compared.contains(b.name.as_str())) && seen.insert((b.name.clone(), b.value.clone()));
    }
    Counterexample { differs, inputs, terms, failed, replay }
}

/// Why a model the solver calls a counterexample is not one concretely.
fn disagreement(q: &Query, ev: &Evaluation) -> String {
    let first_false = |cs: &[crate::ir::Condition], vals: &[bool]| {
        cs.iter().zip(vals).find(|(_, ok)| !**ok).map(|(c, _)| format!("{} at {}", c.what, c.span))
    };
    if let Some(c) = first_false(&q.lhs_conditions, &ev.lhs_conditions) {
        format!("left-hand-side condition `{c}` is false under the model")
    } else if let Some(c) = first_false(&q.rhs_assumptions, &ev.rhs_assumptions) {
        format!("right-hand-side assumption `{c}` is false under the model")
    } else {
        "every obligation holds under the model".into()
    }
}
