//! Concrete float operations, IEEE 754 with round-to-nearest-even via Rust
//! floats; where the encoding leaves a result open (a NaN's bit pattern,
//! an out-of-range float-to-int conversion) the solver's witness is used
//! and checked to be a legal choice.

use super::{unsupported, EvalError, Evaluator};
use crate::ir::bits::Bits;
use crate::ir::expr::{Expr, ExprId, FpBinOp, FpCmpOp, FpTestOp, FpUnOp};
use crate::ir::float::{fp_const_bits, Float};
use crate::ir::value::Value;
use std::cmp::Ordering;

impl<'a> Evaluator<'a> {
    pub(super) fn float(&self, id: ExprId) -> Result<Float, EvalError> {
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
    /// One float expression, its operands already evaluated.
    pub(super) fn eval_float(&self, id: ExprId, e: &Expr) -> Result<Value, EvalError> {
        Ok(match e {
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
            _ => unreachable!("eval_one hands only float expressions here"),
        })
    }
}
