//! Loop invariants from the interval domain: the executor runs the function over
//! [`Intervals`] with loops iterated to a fixpoint (joins at the header, widening to the
//! constants of the module, facts of the back-edge conditions applied), and the ranges of
//! the locals each loop writes at its header are its invariant. The SMT run assumes them for
//! the havocked locals; they hold in every iteration because each step over-approximates.

mod domain;

pub use domain::{AbsBool, AnyFloat, Fact, Int, Intervals};

use crate::exec::{Exec, Invariants, LoopMode};
use crate::machine::{Fresh, Lattice, Machine, NumType};
use crate::module::{ModuleInfo, Node};
use saffron_semantics::numerics::instr::Val;
use wasmparser::Operator;

impl Machine for Intervals {
    fn fresh(&self, ty: NumType, _: Fresh) -> Val<Intervals> {
        match ty {
            NumType::I32 => Val::I32(self.fresh_int(0, u32::MAX as u64)),
            NumType::I64 => Val::I64(self.fresh_int(0, u64::MAX)),
            NumType::F32 => Val::F32(AnyFloat),
            NumType::F64 => Val::F64(AnyFloat),
        }
    }
    fn known(&self, c: &AbsBool) -> Option<bool> {
        match (c.may_true, c.may_false) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            // Neither: no state reaches here.
            (false, false) => Some(false),
            (true, true) => None,
        }
    }
    fn assume(&self, _: &AbsBool) {}
    fn refine(&self, pc: &AbsBool, v: &Val<Intervals>) -> Val<Intervals> {
        match v {
            Val::I32(x) => Val::I32(pc.when_true.iter().fold(x.clone(), |x, f| x.refined(f))),
            Val::I64(x) => Val::I64(pc.when_true.iter().fold(x.clone(), |x, f| x.refined(f))),
            other => other.clone(),
        }
    }
    fn lattice(&self) -> Option<&dyn Lattice<Intervals>> {
        Some(self)
    }
}

/// Widens a bound to the next threshold beyond it (the module's constants, then the end).
fn widen_range(thresholds: &[u64], max: u64, old: (u64, u64), new: (u64, u64)) -> (u64, u64) {
    let lo = if new.0 < old.0 { thresholds.iter().rev().find(|t| **t <= new.0).copied().unwrap_or(0) } else { old.0 };
    let hi = if new.1 > old.1 { thresholds.iter().find(|t| **t >= new.1 && **t <= max).copied().unwrap_or(max) } else { old.1 };
    (lo, hi)
}

impl Lattice<Intervals> for Intervals {
    fn widen(&self, old: &Val<Intervals>, new: &Val<Intervals>) -> Val<Intervals> {
        match (old, new) {
            (Val::I32(a), Val::I32(b)) => {
                let (lo, hi) = widen_range(&self.thresholds, u32::MAX as u64, (a.lo, a.hi), (b.lo, b.hi));
                Val::I32(Int::range(lo, hi))
            }
            (Val::I64(a), Val::I64(b)) => {
                let (lo, hi) = widen_range(&self.thresholds, u64::MAX, (a.lo, a.hi), (b.lo, b.hi));
                Val::I64(Int::range(lo, hi))
            }
            (_, n) => n.clone(),
        }
    }
    fn join(&self, a: &Val<Intervals>, b: &Val<Intervals>) -> Val<Intervals> {
        let hull = |a: &Int<32>, b: &Int<32>| Int::range(a.lo.min(b.lo), a.hi.max(b.hi));
        let hull64 = |a: &Int<64>, b: &Int<64>| Int::range(a.lo.min(b.lo), a.hi.max(b.hi));
        match (a, b) {
            (Val::I32(a), Val::I32(b)) => Val::I32(hull(a, b)),
            (Val::I64(a), Val::I64(b)) => Val::I64(hull64(a, b)),
            (_, b) => b.clone(),
        }
    }
    fn leq(&self, a: &Val<Intervals>, b: &Val<Intervals>) -> bool {
        match (a, b) {
            (Val::I32(a), Val::I32(b)) => b.lo <= a.lo && a.hi <= b.hi,
            (Val::I64(a), Val::I64(b)) => b.lo <= a.lo && a.hi <= b.hi,
            _ => true,
        }
    }
    fn reseed(&self, v: &Val<Intervals>) -> Val<Intervals> {
        match v {
            Val::I32(x) => Val::I32(self.fresh_int(x.lo, x.hi)),
            Val::I64(x) => Val::I64(self.fresh_int(x.lo, x.hi)),
            other => other.clone(),
        }
    }
    fn range(&self, v: &Val<Intervals>) -> Option<(u64, u64)> {
        match v {
            Val::I32(x) => Some((x.lo, x.hi)),
            Val::I64(x) => Some((x.lo, x.hi)),
            _ => None,
        }
    }
}

/// Integer constants of every body, and their neighbours: where loop bounds usually are.
fn thresholds(info: &ModuleInfo) -> Vec<u64> {
    fn walk(nodes: &[Node], out: &mut Vec<u64>) {
        for n in nodes {
            match n {
                Node::Op(_, Operator::I32Const { value }) => {
                    let v = *value as u32 as u64;
                    out.extend([v.wrapping_sub(1) & u32::MAX as u64, v, (v + 1) & u32::MAX as u64]);
                }
                Node::Op(_, Operator::I64Const { value }) => {
                    let v = *value as u64;
                    out.extend([v.wrapping_sub(1), v, v.wrapping_add(1)]);
                }
                Node::Op(..) => {}
                Node::Block { body, els, .. } => {
                    walk(body, out);
                    walk(els, out);
                }
            }
        }
    }
    let mut out = vec![0, i32::MAX as u64, u32::MAX as u64, i64::MAX as u64];
    for b in &info.bodies {
        walk(&b.code, &mut out);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Invariants for the loops `func` reaches (through inlined calls too). When the interval
/// run cannot follow the function, there are none (havocked locals stay unconstrained).
pub fn invariants(info: &ModuleInfo, func: u32) -> Invariants {
    let d = Intervals::with_thresholds(thresholds(info));
    let none = Invariants::new();
    match Exec::new(&d, info, LoopMode::Fixpoint, &none).run_export(func) {
        Ok(explored) => explored.invariants,
        Err(_) => Invariants::new(),
    }
}
