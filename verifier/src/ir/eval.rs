//! Concrete evaluation of the IR, independent of the SMT encoding: replay
//! checks a solver model with it, and the encoder folds what known values
//! determine.
//!
//! Semantics follow SMT-LIB (division by zero, shifts by >= width) and IEEE
//! 754 with round-to-nearest-even via Rust floats. Where the encoding leaves
//! a result open (a NaN's bit pattern, an out-of-range float-to-int
//! conversion), the solver's witness for that expression is used and checked
//! to be a legal choice.

use super::bits::Bits;
use super::dag;
use super::expr::{
    BvBinOp, BvCmpOp, BvUnOp, Const, Expr, ExprId, FpBinOp, FpCmpOp, FpTestOp, FpUnOp, IntOp, VarId,
};
use super::float::{fp_const_bits, Float};
use super::query::{Condition, Query};
use super::value::{Model, Value};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvalError {
    /// The evaluator cannot compute this (e.g. Int overflow of i128).
    Unsupported(String),
    /// The model is inconsistent with the IR's semantics.
    Mismatch(String),
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Unsupported(m) => write!(f, "replay unsupported: {m}"),
            EvalError::Mismatch(m) => write!(f, "replay mismatch: {m}"),
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
pub fn evaluate(q: &Query, m: &Model) -> Result<Evaluation, EvalError> {
    let order = dag::topo_order(q).map_err(EvalError::Unsupported)?;
    let canon = dag::canonical_ids(q, &order);
    let mut ev = Evaluator { q, m, canon: &canon, values: vec![None; q.exprs.len()] };
    for &id in &order {
        let v = ev.eval_one(id).map_err(|e| match e {
            EvalError::Unsupported(s) => EvalError::Unsupported(format!("expression {}: {s}", id.0)),
            EvalError::Mismatch(s) => EvalError::Mismatch(format!("expression {}: {s}", id.0)),
        })?;
        ev.values[id.0 as usize] = Some(v);
    }
    let truth = |cs: &[Condition]| -> Result<Vec<bool>, EvalError> {
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
    known: &HashMap<VarId, Value>,
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
                    _ => e.operands().iter().all(known),
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

fn unsupported<T>(msg: impl Into<String>) -> Result<T, EvalError> {
    Err(EvalError::Unsupported(msg.into()))
}

impl<'a> Evaluator<'a> {
    fn value(&self, id: ExprId) -> &Value {
        self.values[self.canon[id.0 as usize].0 as usize]
            .as_ref()
            .expect("operands evaluated first")
    }
    fn bool(&self, id: ExprId) -> Result<bool, EvalError> {
        match self.value(id) {
            Value::Bool(b) => Ok(*b),
            v => unsupported(format!("expected Bool, got {v}")),
        }
    }
    fn int(&self, id: ExprId) -> Result<i128, EvalError> {
        match self.value(id) {
            Value::Int(i) => Ok(*i),
            v => unsupported(format!("expected Int, got {v}")),
        }
    }
    fn bv(&self, id: ExprId) -> Result<Bits, EvalError> {
        match self.value(id) {
            Value::Bv(b) => Ok(b.clone()),
            v => unsupported(format!("expected a bitvector, got {v}")),
        }
    }
    fn float(&self, id: ExprId) -> Result<Float, EvalError> {
        Float::from_bits(&self.bv(id)?).map_err(EvalError::Unsupported)
    }

    /// The solver's witness for the (canonical) expression `id`.
    fn witness(&self, id: ExprId) -> Result<Bits, EvalError> {
        let c = self.canon[id.0 as usize];
        self.m
            .witnesses
            .get(&c)
            .cloned()
            .ok_or_else(|| EvalError::Unsupported(format!("no witness value for expression {}", c.0)))
    }

    /// Bits of a float result; a NaN takes the solver's pattern, which must be a NaN.
    fn float_result(&self, id: ExprId, r: Float) -> Result<Value, EvalError> {
        if !r.is_nan() {
            return Ok(Value::Bv(r.to_bits()));
        }
        let w = self.witness(id)?;
        if Float::from_bits(&w).map_err(EvalError::Unsupported)?.is_nan() {
            Ok(Value::Bv(w))
        } else {
            Err(EvalError::Mismatch(format!("result is NaN but the solver chose {w}")))
        }
    }

    fn eval_one(&self, id: ExprId) -> Result<Value, EvalError> {
        let e = self.q.expr(id);
        Ok(match e {
            Expr::Var(v) => self
                .m
                .vars
                .get(v.0 as usize)
                .cloned()
                .ok_or_else(|| EvalError::Unsupported(format!("no value for variable {}", v.0)))?,
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
                    r.map(Value::Int).ok_or_else(|| EvalError::Unsupported("Int overflows i128".into()))
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
                    r.ok_or_else(|| EvalError::Unsupported(format!("{op:?} at width {w}")))
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
                        let x = Float::from_bits(&xb).map_err(EvalError::Unsupported)?;
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
                let (x, y) = (Float::from_bits(&xb).map_err(EvalError::Unsupported)?, Float::from_bits(&yb).map_err(EvalError::Unsupported)?);
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
