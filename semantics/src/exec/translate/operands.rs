//! The translator's view of the operand stack: where each value is.
//!
//! A value is the register it can be read from: its own stack slot (`stack_base + d` for
//! position `d`), a local (`local.get` emits nothing; the local is read by the consumer), or
//! a constant register. A value is *materialized* by copying it to its own slot, which is
//! needed before the local it names is written, at control-flow merges (labels, branches),
//! before calls (arguments) and before stack-form instructions.

use wasmparser::{FunctionBody, Operator};

use super::{Translator, MAX_CONST_REGS};
use crate::exec::code::*;

impl Translator<'_> {
    /// The register of stack position `d`.
    pub(super) fn slot(&self, d: usize) -> Reg {
        self.stack_base + d as u32
    }

    pub(super) fn pc(&self) -> u32 {
        self.code.instrs.len() as u32
    }

    pub(super) fn emit(&mut self, i: Instr) {
        self.code.instrs.push(i);
    }

    /// The last instruction emitted, unless a branch may land after it (the barrier): the
    /// one instruction the translator may still rewrite.
    pub(super) fn last_instr(&mut self) -> Option<&mut Instr> {
        let last = self.code.instrs.len().checked_sub(1).filter(|&i| i >= self.barrier)?;
        self.code.instrs.get_mut(last)
    }

    /// Copies register `src` to `dst`, joining a copy just emitted into a `CopyPair`.
    pub(super) fn emit_copy(&mut self, dst: Reg, src: Reg) {
        if let Some(last) = self.last_instr() {
            if let Instr::Copy { dst: first_dst, src: first_src } = *last {
                *last = Instr::CopyPair { dst: first_dst, src: first_src, then_dst: dst, then_src: src };
                return;
            }
        }
        self.emit(Instr::Copy { dst, src });
    }

    /// Pushes a value read from register `r`.
    pub(super) fn push(&mut self, r: Reg) {
        self.operands.push(r);
        self.max_height = self.max_height.max(self.operands.len() as u32);
    }

    pub(super) fn pop(&mut self) -> Reg {
        self.operands.pop().expect("validation guarantees operands")
    }

    /// The register the next pushed value gets as its own slot.
    pub(super) fn next_slot(&self) -> Reg {
        self.slot(self.operands.len())
    }

    /// Emits an instruction whose result goes to the next slot, and pushes that slot.
    pub(super) fn emit_result(&mut self, make: impl FnOnce(Reg) -> Instr) {
        let dst = self.next_slot();
        self.emit(make(dst));
        self.push(dst);
    }

    /// Copies the values at positions `from..` into their own slots.
    pub(super) fn materialize_from(&mut self, from: usize) {
        for d in from..self.operands.len() {
            let own = self.slot(d);
            if self.operands[d] != own {
                self.emit_copy(own, self.operands[d]);
                self.operands[d] = own;
            }
        }
    }

    pub(super) fn materialize_all(&mut self) {
        self.materialize_from(0);
    }

    /// Materializes the top `n` values; returns the register of the first of them.
    pub(super) fn materialize_top(&mut self, n: usize) -> Reg {
        let from = self.operands.len() - n;
        self.materialize_from(from);
        self.slot(from)
    }

    /// Materializes every value read from local `x` (about to be written).
    fn materialize_local(&mut self, x: Reg) {
        for d in 0..self.operands.len() {
            if self.operands[d] == x {
                let own = self.slot(d);
                self.emit_copy(own, x);
                self.operands[d] = own;
            }
        }
    }

    /// `local.set x` (`local.tee x` when `tee`). The instruction that computed the value
    /// writes `x` directly when it is the last one and nothing else still reads its slot.
    pub(super) fn set_local(&mut self, x: Reg, tee: bool) {
        let v = self.pop();
        self.materialize_local(x);
        let own = self.next_slot();
        let retarget = self.last_instr().filter(|_| v == own).and_then(|last| {
            last.result_reg().filter(|dst| **dst == own)
        });
        match retarget {
            Some(dst) => *dst = x,
            None if v != x => self.emit_copy(x, v),
            None => {}
        }
        if tee {
            self.push(x);
        }
    }

    /// Marks the current pc as a branch target (or handler boundary).
    pub(super) fn set_barrier(&mut self) {
        self.barrier = self.code.instrs.len();
    }

    /// Emits the stack-form instruction `i`: every value goes to its own slot first, and
    /// the values `i` leaves (`next_height` in all) are in their own slots after it.
    pub(super) fn stacked(&mut self, i: Instr) {
        self.materialize_all();
        let height = self.next_slot();
        self.code.stacked.push(i);
        let i = (self.code.stacked.len() - 1) as u32;
        self.emit(Instr::Stacked { height, i });
        self.reset_operands(self.next_height as usize);
    }

    /// All `n` values in their own slots (after a stack-form instruction or a merge).
    pub(super) fn reset_operands(&mut self, n: usize) {
        self.operands.clear();
        for d in 0..n {
            let own = self.slot(d);
            self.push(own);
        }
    }

    /// A constant: its register, or an instruction writing it to the next slot.
    pub(super) fn constant(&mut self, bits: u128, wide: bool) {
        if let Some(&r) = self.consts.get(&bits) {
            return self.push(r);
        }
        self.emit_result(|dst| {
            if wide {
                Instr::Const64 { dst, c: bits as u64 }
            } else {
                Instr::Const32 { dst, c: bits as u32 }
            }
        });
    }

    /// Gives the first `MAX_CONST_REGS` distinct scalar constants of the body a register
    /// after the declared locals, and zero one if the body shifts (a read error is left for
    /// the translation proper).
    pub(super) fn keep_constants(&mut self, body: &FunctionBody) {
        let Ok(mut reader) = body.get_operators_reader() else {
            return;
        };
        let first = self.code.num_params + self.code.frame_init.len() as u32;
        while !reader.eof() && self.consts.len() < MAX_CONST_REGS {
            let bits = match reader.read() {
                Ok(Operator::I32Const { value }) => value as u32 as u128,
                // An address that is just a shifted register is fused as `(a << k) + 0`.
                Ok(Operator::I32Shl) => 0,
                Ok(Operator::I64Const { value }) => value as u64 as u128,
                Ok(Operator::F32Const { value }) => value.bits() as u128,
                Ok(Operator::F64Const { value }) => value.bits() as u128,
                Ok(_) => continue,
                Err(_) => return,
            };
            let next = first + self.consts.len() as u32;
            if *self.consts.entry(bits).or_insert(next) == next {
                self.code.frame_init.push(bits);
            }
        }
    }

    /// How many values a constant-expression operator pops and pushes (there is no
    /// validator to ask; `end` needs the one result).
    pub(super) fn const_effect(&self, op: &Operator) -> (u32, u32) {
        use Operator as O;
        match *op {
            O::End => (1, 1),
            O::I32Add | O::I32Sub | O::I32Mul | O::I64Add | O::I64Sub | O::I64Mul => (2, 1),
            O::ArrayNew { .. } => (2, 1),
            O::RefI31 | O::AnyConvertExtern | O::ExternConvertAny | O::ArrayNewDefault { .. } => {
                (1, 1)
            }
            O::ArrayNewFixed { array_size, .. } => (array_size, 1),
            O::StructNew { struct_type_index } => {
                let fields = match self.module.types.get(struct_type_index as usize) {
                    Some(s) => match &s.composite {
                        crate::syntax::types::CompositeType::Struct(f) => f.len() as u32,
                        _ => 0,
                    },
                    None => 0,
                };
                (fields, 1)
            }
            _ => (0, 1),
        }
    }
}
