//! Expressions to Z3 terms, one at a time in dependency order, with the
//! normal forms (rotates, shift chains, sums, factored shifts) and float
//! witnesses the encoder prepared.

use super::terms::*;
use super::types::{FloatEncoding, Term};
use super::{factor, lemmas, linear, rotate, shift, uninterpreted};
use crate::ir::{
    BvBinOp, BvCmpOp, BvUnOp, Const, Expr, ExprId, IntOp, Query, VarId,
};
use std::collections::HashMap;
use z3::ast::{Bool, Int, BV};

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

    pub(super) fn encode_one(&mut self, id: ExprId) -> Result<Term, String> {
        let e = self.q.expr(id);
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
            Expr::FpConst { .. }
            | Expr::FpUn(..)
            | Expr::FpBin(..)
            | Expr::FpCmp(..)
            | Expr::FpTest(..)
            | Expr::ToFp { .. }
            | Expr::FpToFp { .. }
            | Expr::FpToBv { .. } => self.encode_float(id)?,
        })
    }

    /// A rotate in normal form (see [`rotate`]).
    pub(super) fn rotate_form(&self, f: &rotate::Form) -> Result<BV, String> {
        let leaves = f.leaves.iter().map(|&(l, neg)| Ok((self.bv(l)?, neg))).collect::<Result<Vec<_>, String>>()?;
        Ok(rotate::encode(f, &self.bv(f.base)?, &leaves))
    }
}
