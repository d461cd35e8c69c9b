//! The spec interpreter's operators: each `SpecOp` as graph nodes with
//! the type constraints it implies.

use super::graph::{Deferred, NodeId, NodeKind};
use super::types::{Info, Tv};
use super::walk::{Env, Stop, Walker, R};
use cranelift_isle::ast::{SpecExpr, SpecOp};
use cranelift_isle::lexer::Pos;

impl Walker<'_> {
    pub(super) fn spec_op(&mut self, op: &SpecOp, args: &[SpecExpr], env: &Env, pos: Pos) -> R<NodeId> {
        use SpecOp::*;
        if let Switch = op {
            let on = self.spec_expr(args.first().ok_or_else(|| self.err(pos, "empty switch"))?, env)?;
            let rtv = self.g.fresh_tv(Info::Unknown);
            let mut cases = Vec::new();
            for a in &args[1..] {
                let SpecExpr::Pair { l, r, .. } = a else {
                    return Err(self.err(a.pos(), "switch case must be a pair"));
                };
                let k = self.spec_expr(l, env)?;
                let v = self.spec_expr(r, env)?;
                self.unify(self.g.tv(k), self.g.tv(on), a.pos())?;
                self.unify(self.g.tv(v), rtv, a.pos())?;
                cases.push((k, v));
            }
            if cases.is_empty() {
                return Err(self.err(pos, "switch without cases"));
            }
            return Ok(self.node(NodeKind::Switch { on, cases }, rtv, pos));
        }
        if let Replicate = op {
            return self.replicate(args, env, pos);
        }
        let mut ns = Vec::new();
        for a in args {
            ns.push(self.spec_expr(a, env)?);
        }
        let tvs: Vec<Tv> = ns.iter().map(|n| self.g.tv(*n)).collect();
        let arity = |lo: usize, hi: usize| -> R<()> {
            if ns.len() < lo || ns.len() > hi {
                Err(Stop::Error(format!("`{op:?}` takes {lo}..{hi} arguments, given {}", ns.len()), self.span(pos)))
            } else {
                Ok(())
            }
        };
        const MANY: usize = usize::MAX;
        let result: Tv = match op {
            Eq => {
                arity(2, MANY)?;
                for t in &tvs[1..] {
                    self.unify(tvs[0], *t, pos)?;
                }
                self.g.fresh_tv(Info::Bool)
            }
            And | Or => {
                for t in &tvs {
                    self.constrain(*t, Info::Bool, pos)?;
                }
                self.g.fresh_tv(Info::Bool)
            }
            Not => {
                arity(1, 1)?;
                self.constrain(tvs[0], Info::Bool, pos)?;
                self.g.fresh_tv(Info::Bool)
            }
            Imp => {
                arity(2, 2)?;
                for t in &tvs {
                    self.constrain(*t, Info::Bool, pos)?;
                }
                self.g.fresh_tv(Info::Bool)
            }
            Add | Sub | Mul => {
                arity(1, MANY)?;
                for t in &tvs {
                    self.constrain(*t, Info::Int, pos)?;
                }
                self.g.fresh_tv(Info::Int)
            }
            Lt | Lte | Gt | Gte => {
                arity(2, 2)?;
                for t in &tvs {
                    self.constrain(*t, Info::Int, pos)?;
                }
                self.g.fresh_tv(Info::Bool)
            }
            BVNot | BVNeg | Popcnt | Clz | Cls | Rev | FPNeg | FPCeil | FPFloor | FPSqrt | FPTrunc | FPNearest => {
                arity(1, 1)?;
                self.constrain(tvs[0], Info::Bv(None), pos)?;
                tvs[0]
            }
            BVAnd | BVOr | BVXor | BVAdd | BVSub | BVMul | BVUdiv | BVUrem | BVSdiv | BVSrem | BVShl | BVLshr
            | BVAshr | Rotr | Rotl | FPAdd | FPSub | FPMul | FPDiv | FPMin | FPMax => {
                arity(2, MANY)?;
                self.constrain(tvs[0], Info::Bv(None), pos)?;
                for t in &tvs[1..] {
                    self.unify(tvs[0], *t, pos)?;
                }
                tvs[0]
            }
            BVUle | BVUlt | BVUgt | BVUge | BVSlt | BVSle | BVSgt | BVSge | BVSaddo | FPEq | FPNe | FPLt | FPGt
            | FPLe | FPGe => {
                arity(2, 2)?;
                self.constrain(tvs[0], Info::Bv(None), pos)?;
                self.unify(tvs[0], tvs[1], pos)?;
                self.g.fresh_tv(Info::Bool)
            }
            FPIsZero | FPIsInfinite | FPIsNaN | FPIsNegative | FPIsPositive => {
                arity(1, 1)?;
                self.constrain(tvs[0], Info::Bv(None), pos)?;
                self.g.fresh_tv(Info::Bool)
            }
            FPPositiveInfinity | FPNegativeInfinity | FPPositiveZero | FPNegativeZero | FPNaN => {
                arity(1, 1)?;
                self.constrain(tvs[0], Info::Int, pos)?;
                let r = self.g.fresh_tv(Info::Bv(None));
                self.g.deferred.push(Deferred::WidthIs { bv: r, int: ns[0] });
                r
            }
            ZeroExt | SignExt | ConvTo | Int2BV | ToFP | ToFPUnsigned | ToFPFromFP | FPToUBV | FPToSBV => {
                arity(2, 2)?;
                self.constrain(tvs[0], Info::Int, pos)?;
                let arg_info = if matches!(op, Int2BV) { Info::Int } else { Info::Bv(None) };
                self.constrain(tvs[1], arg_info, pos)?;
                let r = self.g.fresh_tv(Info::Bv(None));
                self.g.deferred.push(Deferred::WidthIs { bv: r, int: ns[0] });
                r
            }
            Extract => {
                arity(3, 3)?;
                self.constrain(tvs[0], Info::Int, pos)?;
                self.constrain(tvs[1], Info::Int, pos)?;
                self.constrain(tvs[2], Info::Bv(None), pos)?;
                let r = self.g.fresh_tv(Info::Bv(None));
                self.g.deferred.push(Deferred::Extract { result: r, hi: ns[0], lo: ns[1] });
                r
            }
            Concat => {
                arity(1, MANY)?;
                for t in &tvs {
                    self.constrain(*t, Info::Bv(None), pos)?;
                }
                let r = self.g.fresh_tv(Info::Bv(None));
                self.g.deferred.push(Deferred::Concat { result: r, parts: tvs.clone() });
                r
            }
            BV2Nat => {
                arity(1, 1)?;
                self.constrain(tvs[0], Info::Bv(None), pos)?;
                self.g.fresh_tv(Info::Int)
            }
            WidthOf => {
                arity(1, 1)?;
                self.constrain(tvs[0], Info::Bv(None), pos)?;
                self.g.fresh_tv(Info::Int)
            }
            If => {
                arity(3, 3)?;
                self.constrain(tvs[0], Info::Bool, pos)?;
                self.unify(tvs[1], tvs[2], pos)?;
                tvs[1]
            }
            Replicate | Switch => unreachable!("handled above"),
        };
        Ok(self.node(NodeKind::Op(op.clone(), ns), result, pos))
    }

    /// `(replicate x n)`: the bits of `x` repeated `n` times, `n` an integer
    /// literal; the same as `concat` of `n` copies.
    pub(super) fn replicate(&mut self, args: &[SpecExpr], env: &Env, pos: Pos) -> R<NodeId> {
        /// Far beyond any register (the widest models are 128 bits).
        const MAX_COUNT: i128 = 4096;
        let [x, count] = args else {
            return Err(self.err(pos, format!("`replicate` takes a value and a count, given {} arguments", args.len())));
        };
        let n = match count {
            SpecExpr::ConstInt { val, .. } if (1..=MAX_COUNT).contains(val) => *val as usize,
            _ => return Err(self.err(count.pos(), format!("`replicate` count must be an integer literal from 1 to {MAX_COUNT}"))),
        };
        let x = self.spec_expr(x, env)?;
        let tv = self.g.tv(x);
        self.constrain(tv, Info::Bv(None), pos)?;
        let r = self.g.fresh_tv(Info::Bv(None));
        self.g.deferred.push(Deferred::Concat { result: r, parts: vec![tv; n] });
        Ok(self.node(NodeKind::Op(SpecOp::Concat, vec![x; n]), r, pos))
    }
}
