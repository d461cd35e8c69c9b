//! Translation-time peephole fusion: operand pushes folded into the numeric instruction,
//! memory access or store that consumes them (see the fused forms in `code`).

use super::{mem, Translator};
use crate::exec::code::*;
use crate::numerics::ops::Hot;
use wasmparser::MemArg;

/// The fused form of the numeric instruction `i` followed by `local.set dst` (`tee`:
/// `local.tee dst`), if there is one.
pub(super) fn into_local(i: Instr, dst: u32, tee: bool) -> Option<Instr> {
    use Instr as I;
    Some(match (i, tee) {
        (I::Bin(h, f), false) => I::BinSet { h, f, dst },
        (I::Bin(h, f), true) => I::BinTee { h, f, dst },
        (I::BinLL { h, f, a, b }, false) => I::BinLLSet { h, f, a, b, dst },
        (I::BinLL { h, f, a, b }, true) => I::BinLLTee { h, f, a, b, dst },
        (I::BinSC { h, f, c }, false) => I::BinSCSet { h, f, c, dst },
        (I::BinSL { h, f, b }, false) => I::BinSLSet { h, f, b, dst },
        (I::BinSL { h, f, b }, true) => I::BinSLTee { h, f, b, dst },
        (I::BinLS { h, f, a }, false) => I::BinLSSet { h, f, a, dst },
        (I::BinLS { h, f, a }, true) => I::BinLSTee { h, f, a, dst },
        (I::BinLC { h, f, a, c }, tee) => {
            let c = u32::try_from(c).ok()?;
            if tee {
                I::BinLC32Tee { h, f, a, c, dst }
            } else {
                I::BinLC32Set { h, f, a, c, dst }
            }
        }
        _ => return None,
    })
}

impl Translator<'_> {
    /// Marks the current pc as a branch target (or handler boundary).
    pub(super) fn set_barrier(&mut self) {
        self.barrier = self.code.instrs.len();
    }

    /// The instruction `back` places from the end, if it may be fused with what follows.
    pub(super) fn fusable(&self, back: usize) -> Option<Instr> {
        let len = self.code.instrs.len();
        if len < back || len - back < self.barrier {
            return None;
        }
        Some(self.code.instrs[len - back])
    }

    pub(super) fn replace_last(&mut self, i: Instr) {
        self.pop_instrs(1);
        self.emit(i);
    }

    pub(super) fn pop_instrs(&mut self, n: usize) {
        let len = self.code.instrs.len();
        self.code.instrs.truncate(len - n);
    }

    /// Emits a numeric instruction, fusing it with the operand pushes right before it.
    pub(super) fn emit_numeric(&mut self, i: Instr) {
        fn constant(i: Option<Instr>) -> Option<u64> {
            match i {
                Some(Instr::Const32(c)) => Some(c as u64),
                Some(Instr::Const64(c)) => Some(c),
                _ => None,
            }
        }
        /// Pushes exactly one value, pops none and writes no local.
        fn pushes_one_pure(i: &Instr) -> bool {
            matches!(
                i,
                Instr::BinLL { .. }
                    | Instr::BinLC { .. }
                    | Instr::UnL { .. }
                    | Instr::LoadL { .. }
                    | Instr::Const32(_)
                    | Instr::Const64(_)
                    | Instr::ConstPool(_)
                    | Instr::GlobalGet(_)
            )
        }
        /// Replaces the stack top by a function of it (and of constants or locals only).
        fn modifies_top_pure(i: &Instr) -> bool {
            matches!(
                i,
                Instr::BinSC { .. } | Instr::BinSL { .. } | Instr::Un(..) | Instr::UnImm(..)
            )
        }
        fn local(i: Option<Instr>) -> Option<u32> {
            match i {
                Some(Instr::LocalGet(l)) => Some(l),
                _ => None,
            }
        }
        let fused = match i {
            Instr::Bin(h, f) => {
                let (first, last) = (self.fusable(2), self.fusable(1));
                if let (Some(a), Some(b)) = (local(first), local(last)) {
                    Some((2, Instr::BinLL { h, f, a, b }))
                } else if let (Some(a), Some(c)) = (local(first), constant(last)) {
                    Some((2, Instr::BinLC { h, f, a, c }))
                } else if let Some(c) = constant(last) {
                    Some((1, Instr::BinSC { h, f, c }))
                } else if let Some(b) = local(last) {
                    Some((1, Instr::BinSL { h, f, b }))
                } else if let (Some(a), Some(push)) = (local(first), last.filter(pushes_one_pure)) {
                    // Drop the `local.get a` below the push; `BinLS` reads `a` itself.
                    self.pop_instrs(2);
                    self.emit(push);
                    Some((0, Instr::BinLS { h, f, a }))
                } else if let (Some(a), Some(push), Some(modify)) = (
                    local(self.fusable(3)),
                    self.fusable(2).filter(pushes_one_pure),
                    last.filter(modifies_top_pure),
                ) {
                    // Same with the pushed value transformed in place before the `bin`.
                    self.pop_instrs(3);
                    self.emit(push);
                    self.emit(modify);
                    Some((0, Instr::BinLS { h, f, a }))
                } else {
                    None
                }
            }
            Instr::Un(h, f) => local(self.fusable(1)).map(|a| (1, Instr::UnL { h, f, a })),
            _ => None,
        };
        match fused {
            Some((n, fused)) => {
                self.pop_instrs(n);
                self.emit(fused);
            }
            None => self.emit(i),
        }
    }

    pub(super) fn load(&mut self, op: LoadOp, memarg: &MemArg) {
        let (mem, offset) = mem(memarg);
        match self.fusable(1) {
            Some(Instr::LocalGet(addr)) => self.replace_last(Instr::LoadL {
                op,
                mem,
                offset,
                addr,
            }),
            // Only an `i32.add` (a 32-bit address) with a constant: the fused form wraps at 32 bits.
            Some(Instr::BinLC { h: Hot::I32Add, a, c, .. }) => self.replace_last(Instr::LoadLA {
                op,
                mem,
                offset,
                addr: a,
                add: c as u32,
            }),
            Some(Instr::BinSC { h: Hot::I32Add, c, .. }) => self.replace_last(Instr::LoadSA {
                op,
                mem,
                offset,
                add: c as u32,
            }),
            _ => self.emit(Instr::Load { op, mem, offset }),
        }
    }

    pub(super) fn store(&mut self, bytes: u8, memarg: &MemArg) {
        let (mem, offset) = mem(memarg);
        let fused = match (self.fusable(2), self.fusable(1)) {
            (Some(Instr::LocalGet(addr)), Some(Instr::LocalGet(val))) => Some(Instr::StoreLL {
                bytes,
                mem,
                offset,
                addr,
                val,
            }),
            (Some(Instr::LocalGet(addr)), Some(Instr::Const32(c))) => Some(Instr::StoreLC {
                bytes,
                mem,
                offset,
                addr,
                c,
            }),
            _ => None,
        };
        match fused {
            Some(i) => {
                self.pop_instrs(2);
                self.emit(i)
            }
            None => self.emit(Instr::Store { bytes, mem, offset }),
        }
    }
}

#[cfg(test)]
mod tests;
