//! Lowering of spec operators (`bvadd`, `fp.lt`, `zero_ext`, `extract`, ...)
//! into IR expressions, with the width checks each needs.

use super::value::Sym;
use super::{Lowerer, R};
use crate::front::graph::NodeId;
use crate::front::types::RTy;
use crate::front::walk::Stop;
use crate::ir::{self, Const, Expr, Sort, VarRole};
use crate::span::Span;
use cranelift_isle::ast::SpecOp;

impl<'a> Lowerer<'a> {
    fn int_const(&self, n: NodeId) -> R<i128> {
        self.g.int_value(n).ok_or_else(|| {
            Stop::Unsupported("operand must be a constant integer".into(), self.g.nodes[n].span.clone())
        })
    }

    /// The width operand of an extension or conversion must denote the
    /// width type inference chose for the result: an operand whose value is
    /// unknown (e.g. a rule variable) cannot be trusted to agree, so it is
    /// unsupported rather than silently ignored.
    fn check_width_operand(&self, w: NodeId, target: u32, span: &Span) -> R<()> {
        if matches!(self.rty(w)?, RTy::Bv(_)) {
            // `(conv_to ty x)`-style operands given as a typed value carry their
            // width in their type, which inference already unified.
            return Ok(());
        }
        let value = self.g.int_value(w).ok_or_else(|| {
            Stop::Unsupported("extension width operand is not a constant".into(), self.g.nodes[w].span.clone())
        })?;
        if value != target as i128 {
            return Err(Stop::Error(format!("width operand is {value} but the result has {target} bits"), span.clone()));
        }
        Ok(())
    }

    fn width(&self, n: NodeId) -> R<u32> {
        match self.rty(n)? {
            RTy::Bv(w) => Ok(w),
            _ => Err(Stop::Error("expected a bitvector".into(), self.g.nodes[n].span.clone())),
        }
    }

    fn float_width(&self, n: NodeId) -> R<u32> {
        let w = self.width(n)?;
        if w == 32 || w == 64 {
            Ok(w)
        } else {
            Err(Stop::Unsupported(format!("floating-point operation at width {w}"), self.g.nodes[n].span.clone()))
        }
    }
    pub(super) fn lower_op(&mut self, n: NodeId, op: &SpecOp, args: &[NodeId], span: &Span) -> R<Sym> {
        use ir::{BvBinOp as B, BvCmpOp as C, BvUnOp as U, FpBinOp as FB, FpCmpOp as FC, FpTestOp as FT, FpUnOp as FU, IntOp as I};
        use SpecOp::*;
        let e = match op {
            Eq => {
                let first = self.lower(args[0])?;
                let mut parts = Vec::new();
                for a in &args[1..] {
                    let s = self.lower(*a)?;
                    parts.push(self.eq_sym(&first, &s, span)?);
                }
                self.and(parts)
            }
            And | Or => {
                let mut xs = Vec::new();
                for a in args {
                    xs.push(self.sc(*a)?);
                }
                if matches!(op, And) {
                    self.and(xs)
                } else if xs.is_empty() {
                    self.konst(Const::Bool(false))
                } else if xs.len() == 1 {
                    xs[0]
                } else {
                    self.mk(Expr::Or(xs))
                }
            }
            Not => {
                let x = self.sc(args[0])?;
                self.mk(Expr::Not(x))
            }
            Imp => {
                let (a, b) = (self.sc(args[0])?, self.sc(args[1])?);
                self.mk(Expr::Imp(a, b))
            }
            Add | Sub | Mul => {
                let iop = match op {
                    Add => I::Add,
                    Sub => I::Sub,
                    _ => I::Mul,
                };
                let mut acc = self.sc(args[0])?;
                if args.len() == 1 && matches!(op, Sub) {
                    let z = self.konst(Const::Int(0));
                    acc = self.mk(Expr::Int(I::Sub, z, acc));
                }
                for a in &args[1..] {
                    let x = self.sc(*a)?;
                    acc = self.mk(Expr::Int(iop, acc, x));
                }
                acc
            }
            Lt | Lte | Gt | Gte => {
                let iop = match op {
                    Lt => I::Lt,
                    Lte => I::Le,
                    Gt => I::Gt,
                    _ => I::Ge,
                };
                let (a, b) = (self.sc(args[0])?, self.sc(args[1])?);
                self.mk(Expr::Int(iop, a, b))
            }
            BVNot | BVNeg | Popcnt | Clz | Cls | Rev => {
                let u = match op {
                    BVNot => U::Not,
                    BVNeg => U::Neg,
                    Popcnt => U::Popcnt,
                    Clz => U::Clz,
                    Cls => U::Cls,
                    _ => U::Rev,
                };
                let x = self.sc(args[0])?;
                self.mk(Expr::BvUn(u, x))
            }
            BVAnd | BVOr | BVXor | BVAdd | BVSub | BVMul | BVUdiv | BVUrem | BVSdiv | BVSrem | BVShl | BVLshr
            | BVAshr | Rotr | Rotl => {
                let b = match op {
                    BVAnd => B::And,
                    BVOr => B::Or,
                    BVXor => B::Xor,
                    BVAdd => B::Add,
                    BVSub => B::Sub,
                    BVMul => B::Mul,
                    BVUdiv => B::Udiv,
                    BVUrem => B::Urem,
                    BVSdiv => B::Sdiv,
                    BVSrem => B::Srem,
                    BVShl => B::Shl,
                    BVLshr => B::Lshr,
                    BVAshr => B::Ashr,
                    Rotr => B::Rotr,
                    _ => B::Rotl,
                };
                let mut acc = self.sc(args[0])?;
                for a in &args[1..] {
                    let x = self.sc(*a)?;
                    acc = self.mk(Expr::BvBin(b, acc, x));
                }
                acc
            }
            BVUle | BVUlt | BVUgt | BVUge | BVSlt | BVSle | BVSgt | BVSge | BVSaddo => {
                let c = match op {
                    BVUle => C::Ule,
                    BVUlt => C::Ult,
                    BVUgt => C::Ugt,
                    BVUge => C::Uge,
                    BVSlt => C::Slt,
                    BVSle => C::Sle,
                    BVSgt => C::Sgt,
                    BVSge => C::Sge,
                    _ => C::Saddo,
                };
                let (a, b) = (self.sc(args[0])?, self.sc(args[1])?);
                self.mk(Expr::BvCmp(c, a, b))
            }
            FPEq | FPNe | FPLt | FPGt | FPLe | FPGe => {
                self.float_width(args[0])?;
                let c = match op {
                    FPEq => FC::Eq,
                    FPNe => FC::Ne,
                    FPLt => FC::Lt,
                    FPGt => FC::Gt,
                    FPLe => FC::Le,
                    _ => FC::Ge,
                };
                let (a, b) = (self.sc(args[0])?, self.sc(args[1])?);
                self.mk(Expr::FpCmp(c, a, b))
            }
            FPAdd | FPSub | FPMul | FPDiv | FPMin | FPMax => {
                self.float_width(args[0])?;
                let f = match op {
                    FPAdd => FB::Add,
                    FPSub => FB::Sub,
                    FPMul => FB::Mul,
                    FPDiv => FB::Div,
                    FPMin => FB::Min,
                    _ => FB::Max,
                };
                let (a, b) = (self.sc(args[0])?, self.sc(args[1])?);
                self.mk(Expr::FpBin(f, a, b))
            }
            FPNeg | FPCeil | FPFloor | FPSqrt | FPTrunc | FPNearest => {
                self.float_width(args[0])?;
                let f = match op {
                    FPNeg => FU::Neg,
                    FPCeil => FU::Ceil,
                    FPFloor => FU::Floor,
                    FPSqrt => FU::Sqrt,
                    FPTrunc => FU::Trunc,
                    _ => FU::Nearest,
                };
                let x = self.sc(args[0])?;
                self.mk(Expr::FpUn(f, x))
            }
            FPIsZero | FPIsInfinite | FPIsNaN | FPIsNegative | FPIsPositive => {
                self.float_width(args[0])?;
                let t = match op {
                    FPIsZero => FT::IsZero,
                    FPIsInfinite => FT::IsInfinite,
                    FPIsNaN => FT::IsNaN,
                    FPIsNegative => FT::IsNegative,
                    _ => FT::IsPositive,
                };
                let x = self.sc(args[0])?;
                self.mk(Expr::FpTest(t, x))
            }
            FPPositiveInfinity | FPNegativeInfinity | FPPositiveZero | FPNegativeZero | FPNaN => {
                let width = self.float_width(n)?;
                let kind = match op {
                    FPPositiveInfinity => ir::FpConstKind::PosInf,
                    FPNegativeInfinity => ir::FpConstKind::NegInf,
                    FPPositiveZero => ir::FpConstKind::PosZero,
                    FPNegativeZero => ir::FpConstKind::NegZero,
                    _ => ir::FpConstKind::NaN,
                };
                self.mk(Expr::FpConst { width, kind })
            }
            ZeroExt | SignExt | ConvTo => {
                let target = self.width(n)?;
                self.check_width_operand(args[0], target, span)?;
                let from = self.width(args[1])?;
                let x = self.sc(args[1])?;
                if target == from {
                    x
                } else if target > from {
                    match op {
                        SignExt => self.mk(Expr::SignExt { width: target, arg: x }),
                        ZeroExt => self.mk(Expr::ZeroExt { width: target, arg: x }),
                        // Widening `conv_to` only fixes the low bits: the new
                        // high bits are unconstrained.
                        _ => {
                            let pad = self.var("conv_to_padding".into(), Sort::BitVec(target - from), VarRole::Internal, span);
                            self.mk(Expr::Concat(pad, x))
                        }
                    }
                } else if matches!(op, ConvTo) {
                    self.mk(Expr::Extract { hi: target - 1, lo: 0, arg: x })
                } else {
                    return Err(Stop::Error(format!("extension from {from} bits to fewer ({target})"), span.clone()));
                }
            }
            Int2BV => {
                let width = self.width(n)?;
                let x = self.sc(args[1])?;
                self.mk(Expr::Int2Bv { width, arg: x })
            }
            BV2Nat => {
                let x = self.sc(args[0])?;
                self.mk(Expr::Bv2Int(x))
            }
            WidthOf => {
                let w = self.width(args[0])?;
                self.konst(Const::Int(w as i128))
            }
            ToFP | ToFPUnsigned => {
                let width = self.float_width(n)?;
                let x = self.sc(args[1])?;
                self.mk(Expr::ToFp { width, signed: matches!(op, ToFP), arg: x })
            }
            ToFPFromFP => {
                let width = self.float_width(n)?;
                self.float_width(args[1])?;
                let x = self.sc(args[1])?;
                self.mk(Expr::FpToFp { width, arg: x })
            }
            FPToUBV | FPToSBV => {
                let width = self.width(n)?;
                self.float_width(args[1])?;
                let x = self.sc(args[1])?;
                self.mk(Expr::FpToBv { width, signed: matches!(op, FPToSBV), arg: x })
            }
            Extract => {
                let (hi, lo) = (self.int_const(args[0])?, self.int_const(args[1])?);
                let w = self.width(args[2])? as i128;
                if !(0 <= lo && lo <= hi && hi < w) {
                    return Err(Stop::Error(format!("extract {hi}..{lo} out of range for width {w}"), span.clone()));
                }
                let x = self.sc(args[2])?;
                self.mk(Expr::Extract { hi: hi as u32, lo: lo as u32, arg: x })
            }
            Concat => {
                let mut acc = self.sc(args[0])?;
                for a in &args[1..] {
                    let x = self.sc(*a)?;
                    acc = self.mk(Expr::Concat(acc, x));
                }
                acc
            }
            If => {
                let c = self.sc(args[0])?;
                let (t, e) = (self.lower(args[1])?, self.lower(args[2])?);
                return self.ite_sym(c, &t, &e, span);
            }
            // The walker turns `replicate` into `concat` and builds `switch`
            // nodes of their own.
            Replicate | Switch => {
                return Err(Stop::Error(format!("internal: spec operator {op:?} left for lowering"), span.clone()));
            }
        };
        Ok(Sym::S(e))
    }
}
