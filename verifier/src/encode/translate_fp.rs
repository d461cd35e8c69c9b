//! Float operations to Z3 terms: IEEE operations in Z3's floating-point
//! theory, results read back as bits through witnesses, or (with
//! [`FloatEncoding::Uninterpreted`]) as uninterpreted functions.

use super::terms::*;
use super::translate::{Encoder, WitnessFact};
use super::types::{FloatEncoding, Term};
use super::uninterpreted;
use crate::ir::float::{float_format, fp_const_bits};
use crate::ir::{Expr, ExprId, FpBinOp, FpCmpOp, FpTestOp, FpUnOp};
use z3::ast::{Bool, Float, RoundingMode, BV};

impl Encoder<'_> {
    pub(super) fn fp(&self, id: ExprId) -> Result<Float, String> {
        fp_of_bits(&self.bv(id)?)
    }

    /// IEEE bits of a float result: a witness `w` with `to_fp(w) = r`.
    pub(super) fn bits_of_fp(&mut self, id: ExprId, r: &Float, width: u32) -> Result<BV, String> {
        let w = BV::new_const(format!("w{}", id.0), width);
        let back = fp_of_bits(&w)?;
        self.side_conditions.push(WitnessFact { expr: id, fact: back.eq(r), bitvector: false });
        self.witnesses.push((id, w.clone()));
        Ok(w)
    }

    /// `e` as an application of an uninterpreted function, whose result
    /// bits a witness takes (any NaN pattern for a NaN, as in
    /// [`Self::bits_of_fp`]).
    pub(super) fn uninterpreted(&mut self, id: ExprId, op: uninterpreted::Operation) -> Result<Term, String> {
        let e = self.q.expr(id);
        let (args, width) = match e {
            Expr::ToFp { width, signed, arg } => {
                let x = self.bv(*arg)?;
                let w = x.get_size();
                let target = w.max(uninterpreted::INT_ARG_WIDTH);
                let x = match (target - w, signed) {
                    (0, _) => x,
                    (k, true) => x.sign_ext(k),
                    (k, false) => x.zero_ext(k),
                };
                float_format(*width).ok_or_else(|| format!("no float format of width {width}"))?;
                (vec![x], *width)
            }
            Expr::FpToFp { width, arg } => {
                let x = self.bv(*arg)?;
                float_format(x.get_size()).ok_or_else(|| format!("no float format of width {}", x.get_size()))?;
                float_format(*width).ok_or_else(|| format!("no float format of width {width}"))?;
                (vec![x], *width)
            }
            _ => {
                let args = e.operands().into_iter().map(|a| self.bv(a)).collect::<Result<Vec<_>, _>>()?;
                let w = args[0].get_size();
                if let [x, y] = &args[..] {
                    Self::same_width(x, y)?;
                }
                float_format(w).ok_or_else(|| format!("no float format of width {w}"))?;
                (args, w)
            }
        };
        let u = self.functions.apply(id, op, &args, width);
        let w = BV::new_const(format!("w{}", id.0), width);
        self.side_conditions.push(WitnessFact { expr: id, fact: uninterpreted::same_float(&w, &u), bitvector: true });
        self.witnesses.push((id, w.clone()));
        Ok(Term::Bv(w))
    }

    /// A float expression (`encode_one` of every float operation): in the
    /// floating-point theory with witnesses, or abstracted.
    pub(super) fn encode_float(&mut self, id: ExprId) -> Result<Term, String> {
        let e = self.q.expr(id);
        if self.floats == FloatEncoding::Uninterpreted {
            if let Some(op) = uninterpreted::Operation::of(e) {
                return self.uninterpreted(id, op);
            }
            if let Expr::FpTest(op, a) = e {
                let x = self.bv(*a)?;
                float_format(x.get_size()).ok_or_else(|| format!("no float format of width {}", x.get_size()))?;
                let b = uninterpreted::Bits(&x);
                return Ok(Term::Bool(match op {
                    FpTestOp::IsZero => b.is_zero(),
                    FpTestOp::IsInfinite => b.is_infinite(),
                    FpTestOp::IsNaN => b.is_nan(),
                    FpTestOp::IsNegative => b.is_negative(),
                    FpTestOp::IsPositive => b.is_positive(),
                }));
            }
        }
        Ok(match e {
            Expr::FpConst { width, kind } => {
                let bits = fp_const_bits(*width, *kind)
                    .ok_or_else(|| format!("no float format of width {width}"))?;
                Term::Bv(bv_const(*width, bits))
            }
            Expr::FpUn(op, a) => {
                let x = self.bv(*a)?;
                let w = x.get_size();
                float_format(w).ok_or_else(|| format!("no float format of width {w}"))?;
                let sign = bv_const(w, 1u128 << (w - 1));
                match op {
                    FpUnOp::Neg => Term::Bv(x.bvxor(&sign)),
                    FpUnOp::Abs => Term::Bv(x.bvand(&sign.bvnot())),
                    _ => {
                        let f = fp_of_bits(&x)?;
                        let r = match op {
                            FpUnOp::Sqrt => f.sqrt_with_rounding_mode(&rne()),
                            FpUnOp::Ceil => f.round_to_integral_with_rounding_mode(&RoundingMode::round_towards_positive()),
                            FpUnOp::Floor => f.round_to_integral_with_rounding_mode(&RoundingMode::round_towards_negative()),
                            FpUnOp::Trunc => f.round_to_integral_with_rounding_mode(&RoundingMode::round_towards_zero()),
                            FpUnOp::Nearest => f.round_to_integral_with_rounding_mode(&rne()),
                            FpUnOp::Neg | FpUnOp::Abs => unreachable!("bit operations above"),
                        };
                        Term::Bv(self.bits_of_fp(id, &r, w)?)
                    }
                }
            }
            Expr::FpBin(op, a, b) => {
                let (xb, yb) = (self.bv(*a)?, self.bv(*b)?);
                Self::same_width(&xb, &yb)?;
                let w = xb.get_size();
                let (x, y) = (fp_of_bits(&xb)?, fp_of_bits(&yb)?);
                match op {
                    FpBinOp::Add | FpBinOp::Sub | FpBinOp::Mul | FpBinOp::Div => {
                        let rm = rne();
                        let r = match op {
                            FpBinOp::Add => x.add_with_rounding_mode(&y, &rm),
                            FpBinOp::Sub => x.sub_with_rounding_mode(&y, &rm),
                            FpBinOp::Mul => x.mul_with_rounding_mode(&y, &rm),
                            _ => x.div_with_rounding_mode(&y, &rm),
                        };
                        Term::Bv(self.bits_of_fp(id, &r, w)?)
                    }
                    FpBinOp::Min | FpBinOp::Max => {
                        // NaN if either is NaN; -0 < +0; otherwise the
                        // smaller/larger operand's own bits.
                        let is_min = *op == FpBinOp::Min;
                        let w_nan = BV::new_const(format!("w{}", id.0), w);
                        self.side_conditions.push(WitnessFact { expr: id, fact: fp_of_bits(&w_nan)?.is_nan(), bitvector: false });
                        self.witnesses.push((id, w_nan.clone()));
                        let any_nan = Bool::or(&[x.is_nan(), y.is_nan()]);
                        let both_zero = Bool::and(&[x.is_zero(), y.is_zero()]);
                        let zeros = if is_min { xb.bvor(&yb) } else { xb.bvand(&yb) };
                        let pick_x = if is_min { x.lt(&y) } else { x.gt(&y) };
                        let ordered = pick_x.ite(&xb, &yb);
                        Term::Bv(any_nan.ite(&w_nan, &both_zero.ite(&zeros, &ordered)))
                    }
                }
            }
            Expr::FpCmp(op, a, b) => {
                let (xb, yb) = (self.bv(*a)?, self.bv(*b)?);
                Self::same_width(&xb, &yb)?;
                let (x, y) = (fp_of_bits(&xb)?, fp_of_bits(&yb)?);
                Term::Bool(match op {
                    FpCmpOp::Eq => x.eq_fpa(&y),
                    FpCmpOp::Ne => x.eq_fpa(&y).not(),
                    FpCmpOp::Lt => x.lt(&y),
                    FpCmpOp::Le => x.le(&y),
                    FpCmpOp::Gt => x.gt(&y),
                    FpCmpOp::Ge => x.ge(&y),
                })
            }
            Expr::FpTest(op, a) => {
                let x = self.fp(*a)?;
                Term::Bool(match op {
                    FpTestOp::IsZero => x.is_zero(),
                    FpTestOp::IsInfinite => x.is_infinite(),
                    FpTestOp::IsNaN => x.is_nan(),
                    FpTestOp::IsNegative => x.is_negative(),
                    FpTestOp::IsPositive => x.is_positive(),
                })
            }
            Expr::ToFp { width, signed, arg } => {
                let x = self.bv(*arg)?;
                let r = fp_of_int_bits(&x, *signed, *width)?;
                Term::Bv(self.bits_of_fp(id, &r, *width)?)
            }
            Expr::FpToFp { width, arg } => {
                let x = self.fp(*arg)?;
                let (e, s) = float_format(*width).ok_or_else(|| format!("no float format of width {width}"))?;
                let r = x.to_fp_with_rounding_mode(&rne(), &z3::Sort::float(e, s));
                Term::Bv(self.bits_of_fp(id, &r, *width)?)
            }
            Expr::FpToBv { width, signed, arg } => {
                let x = self.fp(*arg)?;
                let n = *width;
                if n == 0 || n > 128 {
                    return Err(format!("float to {n}-bit integer"));
                }
                let t = x.round_to_integral_with_rounding_mode(&RoundingMode::round_towards_zero());
                // In range iff the truncated value is representable.
                let (lo, hi) = if *signed {
                    (-(2f64.powi(n as i32 - 1)), 2f64.powi(n as i32 - 1))
                } else {
                    (-1.0, 2f64.powi(n as i32))
                };
                let lo_ok = if *signed { t.ge(lo) } else { t.gt(lo) };
                let in_range = Bool::and(&[x.is_nan().not(), lo_ok, t.lt(hi)]);
                let rtz = RoundingMode::round_towards_zero();
                let conv = if *signed {
                    x.to_sbv_with_rounding_mode(&rtz, n)
                } else {
                    x.to_ubv_with_rounding_mode(&rtz, n)
                };
                let w = BV::new_const(format!("w{}", id.0), n);
                self.witnesses.push((id, w.clone()));
                Term::Bv(in_range.ite(&conv, &w))
            }
            _ => unreachable!("encode_one passes only float operations"),
        })
    }
}
