//! Expressions to Z3 terms, one at a time in dependency order, with the
//! normal forms (rotates, shift chains, sums, factored shifts) and float
//! witnesses the encoder prepared.

use super::terms::*;
use super::types::{FloatEncoding, Term};
use super::{factor, lemmas, linear, rotate, shift, uninterpreted};
use crate::ir::{
    BvBinOp, BvCmpOp, BvUnOp, Const, Expr, ExprId, FpBinOp, FpCmpOp, FpTestOp,
    FpUnOp, IntOp, Query, VarId,
};
use crate::ir::float::{float_format, fp_const_bits};
use std::collections::HashMap;
use z3::ast::{Bool, Float, Int, RoundingMode, BV};

pub(super) struct Encoder<'a> {
    pub(super) q: &'a Query,
    pub(super) canon: &'a [ExprId],
    pub(super) vars: &'a [Term],
    /// Int variables read only through `int2bv`, as bitvectors (see [`narrow`]).
    pub(super) narrowed: &'a HashMap<VarId, BV>,
    /// Rotates of power-of-two widths in normal form (see [`rotate`]).
    pub(super) forms: &'a HashMap<ExprId, rotate::Form>,
    /// Chains of shifts of one kind (see [`shift`]).
    pub(super) chains: &'a HashMap<ExprId, shift::Chain>,
    /// Nested equalities of sums in normal form (see [`linear`]).
    pub(super) sums: &'a HashMap<ExprId, linear::Form>,
    /// Operations of two shifts by one amount, factored (see [`factor`]).
    pub(super) factored: &'a HashMap<ExprId, factor::Factored>,
    pub(super) terms: Vec<Option<Term>>,
    pub(super) side_conditions: Vec<WitnessFact>,
    pub(super) witnesses: Vec<(ExprId, BV)>,
    pub(super) amounts: Vec<(ExprId, u32)>,
    pub(super) divisions: Vec<lemmas::Division>,
    pub(super) floats: FloatEncoding,
    pub(super) functions: uninterpreted::Functions,
}

/// A fact about the witness of expression `expr`'s result.
pub(super) struct WitnessFact {
    pub(super) expr: ExprId,
    pub(super) fact: Bool,
    /// Bitvector-only (else it uses the floating-point theory).
    pub(super) bitvector: bool,
}

impl<'a> Encoder<'a> {
    pub(super) fn term(&self, id: ExprId) -> Result<&Term, String> {
        let c = self.canon[id.0 as usize];
        self.terms[c.0 as usize]
            .as_ref()
            .ok_or_else(|| format!("operand {} not encoded", id.0))
    }
    pub(super) fn bool(&self, id: ExprId) -> Result<Bool, String> {
        match self.term(id)? {
            Term::Bool(b) => Ok(b.clone()),
            t => Err(format!("expected Bool, found {}", sort_name(t))),
        }
    }
    pub(super) fn int(&self, id: ExprId) -> Result<Int, String> {
        match self.term(id)? {
            Term::Int(b) => Ok(b.clone()),
            t => Err(format!("expected Int, found {}", sort_name(t))),
        }
    }
    pub(super) fn bv(&self, id: ExprId) -> Result<BV, String> {
        match self.term(id)? {
            Term::Bv(b) => Ok(b.clone()),
            t => Err(format!("expected a bitvector, found {}", sort_name(t))),
        }
    }
    pub(super) fn same_width(a: &BV, b: &BV) -> Result<(), String> {
        if a.get_size() == b.get_size() {
            Ok(())
        } else {
            Err(format!("width mismatch: {} vs {}", a.get_size(), b.get_size()))
        }
    }
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

    /// A narrowed variable or its `int2bv`: plain bitvector terms.
    pub(super) fn narrowed_use(&self, id: ExprId) -> bool {
        match self.q.expr(id) {
            Expr::Var(v) => self.narrowed.contains_key(v),
            _ => self.narrowed_int2bv(id).is_some(),
        }
    }

    /// `int2bv_w(v)` of a narrowed variable `v`: the low `w` bits of its bitvector.
    pub(super) fn narrowed_int2bv(&self, id: ExprId) -> Option<BV> {
        let Expr::Int2Bv { width, arg } = self.q.expr(id) else { return None };
        let Expr::Var(v) = self.q.expr(self.canon[arg.0 as usize]) else { return None };
        let b = self.narrowed.get(v)?;
        Some(if b.get_size() == *width { b.clone() } else { b.extract(width - 1, 0) })
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

    pub(super) fn encode_one(&mut self, id: ExprId) -> Result<Term, String> {
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
            Expr::Var(VarId(v)) => self.vars[*v as usize].clone(),
            Expr::Const(Const::Bool(b)) => Term::Bool(Bool::from_bool(*b)),
            Expr::Const(Const::Int(i)) => Term::Int(Int::from_i128(*i)),
            Expr::Const(Const::BitVec { width, value }) => {
                if *width == 0 {
                    return Err("zero-width bitvector".into());
                }
                Term::Bv(bv_const(*width, *value))
            }
            Expr::Not(a) => Term::Bool(self.bool(*a)?.not()),
            Expr::And(xs) => {
                let xs = xs.iter().map(|x| self.bool(*x)).collect::<Result<Vec<_>, _>>()?;
                Term::Bool(Bool::and(&xs))
            }
            Expr::Or(xs) => {
                let xs = xs.iter().map(|x| self.bool(*x)).collect::<Result<Vec<_>, _>>()?;
                Term::Bool(Bool::or(&xs))
            }
            Expr::Imp(a, b) => Term::Bool(self.bool(*a)?.implies(&self.bool(*b)?)),
            Expr::Eq(..) if self.sums.contains_key(&id) => {
                let f = &self.sums[&id];
                let leaves = f.leaves.keys().map(|&l| self.bv(l)).collect::<Result<Vec<_>, _>>()?;
                if let Some(bad) = leaves.iter().find(|l| l.get_size() != f.width) {
                    return Err(format!("width mismatch: {} vs {}", bad.get_size(), f.width));
                }
                Term::Bool(linear::encode(f, &leaves))
            }
            Expr::Eq(a, b) => Term::Bool(match (self.term(*a)?, self.term(*b)?) {
                (Term::Bool(x), Term::Bool(y)) => x.eq(y),
                (Term::Int(x), Term::Int(y)) => x.eq(y),
                (Term::Bv(x), Term::Bv(y)) => {
                    Self::same_width(x, y)?;
                    x.eq(y)
                }
                (x, y) => return Err(format!("= of {} and {}", sort_name(x), sort_name(y))),
            }),
            Expr::Ite(c, a, b) => {
                let c = self.bool(*c)?;
                match (self.term(*a)?, self.term(*b)?) {
                    (Term::Bool(x), Term::Bool(y)) => Term::Bool(c.ite(x, y)),
                    (Term::Int(x), Term::Int(y)) => Term::Int(c.ite(x, y)),
                    (Term::Bv(x), Term::Bv(y)) => {
                        Self::same_width(x, y)?;
                        Term::Bv(c.ite(x, y))
                    }
                    (x, y) => return Err(format!("ite of {} and {}", sort_name(x), sort_name(y))),
                }
            }
            Expr::Int(op, a, b) => {
                let (x, y) = (self.int(*a)?, self.int(*b)?);
                match op {
                    IntOp::Add => Term::Int(Int::add(&[&x, &y])),
                    IntOp::Sub => Term::Int(Int::sub(&[&x, &y])),
                    IntOp::Mul => Term::Int(Int::mul(&[&x, &y])),
                    IntOp::Lt => Term::Bool(x.lt(&y)),
                    IntOp::Le => Term::Bool(x.le(&y)),
                    IntOp::Gt => Term::Bool(x.gt(&y)),
                    IntOp::Ge => Term::Bool(x.ge(&y)),
                }
            }
            Expr::BvUn(op, a) => {
                let x = self.bv(*a)?;
                let w = x.get_size();
                Term::Bv(match op {
                    BvUnOp::Not => x.bvnot(),
                    BvUnOp::Neg => x.bvneg(),
                    BvUnOp::Popcnt => popcnt(&x),
                    BvUnOp::Clz => clz(&x),
                    // Leading bits equal to the sign bit, not counting it:
                    // clz(x ^ (x >>s 1)) - 1.
                    BvUnOp::Cls => {
                        let y = x.bvxor(&x.bvashr(&BV::from_u64(1, w)));
                        clz(&y).bvsub(&BV::from_u64(1, w))
                    }
                    BvUnOp::Rev => bit_reverse(&x),
                })
            }
            Expr::BvBin(..) if self.factored.contains_key(&id) => {
                let f = &self.factored[&id];
                let (x, y) = (self.bv(f.x)?, self.bv(f.y)?);
                Self::same_width(&x, &y)?;
                Term::Bv(factor::encode(f, &x, &y, &self.bv(f.amount)?))
            }
            Expr::BvBin(op, a, b) => {
                let (x, y) = (self.bv(*a)?, self.bv(*b)?);
                let w = x.get_size();
                let shift = matches!(op, BvBinOp::Shl | BvBinOp::Lshr | BvBinOp::Ashr | BvBinOp::Rotl | BvBinOp::Rotr);
                if shift && y.as_u64().is_none() && y.get_size() <= 128 {
                    self.amounts.push((*b, w));
                }
                match op {
                    BvBinOp::Shl | BvBinOp::Lshr | BvBinOp::Ashr if self.chains.contains_key(&id) => {
                        let ch = &self.chains[&id];
                        let amounts = ch.amounts.iter().map(|&a| self.bv(a)).collect::<Result<Vec<_>, _>>()?;
                        Term::Bv(shift::encode(ch.op, &self.bv(ch.base)?, &amounts))
                    }
                    BvBinOp::Shl | BvBinOp::Lshr | BvBinOp::Ashr => {
                        let n = shift_amount(&y, w);
                        Term::Bv(match op {
                            BvBinOp::Shl => x.bvshl(&n),
                            BvBinOp::Lshr => x.bvlshr(&n),
                            _ => x.bvashr(&n),
                        })
                    }
                    BvBinOp::Rotl | BvBinOp::Rotr => Term::Bv(match self.forms.get(&id) {
                        Some(f) => self.rotate_form(f)?,
                        None => rotate::rotate_any(&x, &y, *op == BvBinOp::Rotl),
                    }),
                    BvBinOp::Udiv | BvBinOp::Urem | BvBinOp::Sdiv | BvBinOp::Srem => {
                        Self::same_width(&x, &y)?;
                        let result = lemmas::apply(*op, &x, &y);
                        self.divisions.push(lemmas::Division { expr: id, op: *op, x, y, result: result.clone() });
                        Term::Bv(result)
                    }
                    _ => {
                        Self::same_width(&x, &y)?;
                        Term::Bv(match op {
                            BvBinOp::And => x.bvand(&y),
                            BvBinOp::Or => x.bvor(&y),
                            BvBinOp::Xor => x.bvxor(&y),
                            BvBinOp::Add => x.bvadd(&y),
                            BvBinOp::Sub => x.bvsub(&y),
                            BvBinOp::Mul => x.bvmul(&y),
                            _ => unreachable!("handled above"),
                        })
                    }
                }
            }
            Expr::BvCmp(op, a, b) => {
                let (x, y) = (self.bv(*a)?, self.bv(*b)?);
                Self::same_width(&x, &y)?;
                Term::Bool(match op {
                    BvCmpOp::Ult => x.bvult(&y),
                    BvCmpOp::Ule => x.bvule(&y),
                    BvCmpOp::Ugt => x.bvugt(&y),
                    BvCmpOp::Uge => x.bvuge(&y),
                    BvCmpOp::Slt => x.bvslt(&y),
                    BvCmpOp::Sle => x.bvsle(&y),
                    BvCmpOp::Sgt => x.bvsgt(&y),
                    BvCmpOp::Sge => x.bvsge(&y),
                    // Sign-extend by one bit and add: overflow iff the top two bits differ.
                    BvCmpOp::Saddo => {
                        let w = x.get_size();
                        let s = x.sign_ext(1).bvadd(&y.sign_ext(1));
                        s.extract(w, w).eq(s.extract(w - 1, w - 1)).not()
                    }
                })
            }
            Expr::Extract { hi, lo, arg } => {
                let x = self.bv(*arg)?;
                if hi < lo || *hi >= x.get_size() {
                    return Err(format!("extract {hi}..{lo} of a {}-bit vector", x.get_size()));
                }
                Term::Bv(x.extract(*hi, *lo))
            }
            Expr::ZeroExt { width, arg } | Expr::SignExt { width, arg } => {
                let x = self.bv(*arg)?;
                let w = x.get_size();
                if *width < w {
                    return Err(format!("extension of a {w}-bit vector to {width} bits"));
                }
                Term::Bv(match (e, *width - w) {
                    (_, 0) => x,
                    (Expr::ZeroExt { .. }, k) => x.zero_ext(k),
                    (_, k) => x.sign_ext(k),
                })
            }
            Expr::Concat(hi, lo) => Term::Bv(self.bv(*hi)?.concat(&self.bv(*lo)?)),
            Expr::Int2Bv { width, arg } => match self.narrowed_int2bv(id) {
                Some(b) => Term::Bv(b),
                None => Term::Bv(BV::from_int(&self.int(*arg)?, *width)),
            },
            Expr::Bv2Int(a) => Term::Int(self.bv(*a)?.to_int(false)),
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
        })
    }

    /// A rotate in normal form (see [`rotate`]).
    pub(super) fn rotate_form(&self, f: &rotate::Form) -> Result<BV, String> {
        let leaves = f.leaves.iter().map(|&(l, neg)| Ok((self.bv(l)?, neg))).collect::<Result<Vec<_>, String>>()?;
        Ok(rotate::encode(f, &self.bv(f.base)?, &leaves))
    }
}
