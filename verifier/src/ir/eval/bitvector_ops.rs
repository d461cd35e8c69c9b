//! Concrete bitvector operations (SMT-LIB semantics: division by zero,
//! shifts by the width or more) and the conversions between bitvectors
//! and integers.

use super::{unsupported, EvalError, Evaluator};
use crate::ir::bits::Bits;
use crate::ir::expr::{BvBinOp, BvCmpOp, BvUnOp, Expr};
use crate::ir::value::Value;

impl<'a> Evaluator<'a> {
    /// One bitvector expression, its operands already evaluated.
    pub(super) fn eval_bitvector(&self, e: &Expr) -> Result<Value, EvalError> {
        Ok(match e {
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
            _ => unreachable!("eval_one hands only bitvector expressions here"),
        })
    }
}
