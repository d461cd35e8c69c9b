//! Evaluation (spec §4.4), as a loop over the translated code of the current frame.
//!
//! Calls never recurse on the host stack: the caller's frame is pushed on `frames` and the loop
//! continues in the callee, so deep wasm recursion ends in the "call stack exhausted" trap.
//! The operand stack holds untyped slots; locals are the first slots of a frame (`fp`).
//! The loop only dispatches: each instruction's reduction rule is a small handler, grouped by
//! category in the submodules; the fused forms produced by the translator's peephole pass
//! (`fused`) are compositions of those rules.

mod calls;
mod control;
mod data;
mod exceptions;
mod fused;
mod load_store;
mod numeric;
mod refs;
mod tee;
#[cfg(test)]
mod tests;

pub(crate) use calls::{eval_const, invoke};

use std::sync::Arc;

use super::code::{Code, Instr};
use super::store::Store;
use super::trap::{Trap, TrapKind};
use crate::syntax::types::*;

/// Operand-stack slots (locals included) beyond which a call traps as exhausted: frames with
/// many locals would otherwise exhaust host memory well before `max_call_depth`.
const MAX_STACK_SLOTS: usize = 1 << 24;

struct StackGuard<'h> {
    slots: Vec<u128>,
    home: &'h mut Vec<u128>,
}

impl Drop for StackGuard<'_> {
    fn drop(&mut self) {
        std::mem::swap(self.home, &mut self.slots);
    }
}

/// An activation: its code, next instruction, first local and instance.
#[derive(Clone, Copy)]
struct Frame<'c> {
    code: &'c Code,
    pc: usize,
    fp: usize,
    inst: usize,
}

pub(crate) struct Machine<'s> {
    store: &'s mut Store,
    stack: Vec<u128>,
    /// Instructions left; `u64::MAX` when unlimited (never reached in practice).
    fuel: u64,
}

#[inline]
fn pop(stack: &mut Vec<u128>) -> u128 {
    stack.pop().expect("validation guarantees operands")
}

#[inline]
fn top(stack: &mut [u128]) -> &mut u128 {
    stack.last_mut().expect("validation guarantees operands")
}

fn trap(kind: TrapKind) -> Trap {
    Trap::of(kind)
}

fn null_trap(what: &str) -> Trap {
    Trap::new(TrapKind::NullReference, what)
}

impl<'s> Machine<'s> {
    fn new(store: &'s mut Store, stack: Vec<u128>) -> Self {
        let fuel = store.fuel.unwrap_or(u64::MAX);
        Machine { store, stack, fuel }
    }

    fn finish(&mut self) {
        if self.store.fuel.is_some() {
            self.store.fuel = Some(self.fuel);
        }
    }

    fn instance(&self, inst: usize) -> &super::store::Instance {
        &self.store.instances[inst]
    }

    fn mem_index(&self, inst: usize, mem: u32) -> usize {
        self.store.instances[inst].mems[mem as usize].0 as usize
    }

    fn table_index(&self, inst: usize, table: u32) -> usize {
        self.store.instances[inst].tables[table as usize].0 as usize
    }

    /// Cast target of `code.ref_types[rt]` with the instance's canonical type ids.
    fn cast_type(&self, code: &Code, inst: usize, rt: u32) -> RefType {
        let types = &self.store.instances[inst].types;
        super::types::map_ref(code.ref_types[rt as usize], &|i| types[i as usize])
    }

    /// Runs `code` as a new activation at `fp` until that activation returns.
    pub(crate) fn run(&mut self, code: &Code, fp: usize, inst: usize) -> Result<(), Trap> {
        // The stack and fuel live in locals while running so they can stay in registers.
        let mut stack = std::mem::take(&mut self.stack);
        let mut fuel = self.fuel;
        let codes = self.store.codes.clone();
        let result = self.run_loop(&codes, &mut stack, &mut fuel, code, fp, inst);
        self.stack = stack;
        self.fuel = fuel;
        result
    }

    fn run_loop<'c>(
        &mut self,
        codes: &'c [Arc<Code>],
        home: &mut Vec<u128>,
        fuel: &mut u64,
        code: &'c Code,
        fp: usize,
        inst: usize,
    ) -> Result<(), Trap> {
        use Instr as I;
        let mut at = Frame { code, pc: 0, fp, inst };
        let mut frames: Vec<Frame<'c>> = Vec::new();
        // Work on a stack owned by this frame (one indirection less per access); the guard
        // hands it back on every exit, including traps.
        let mut guard = StackGuard {
            slots: std::mem::take(home),
            home,
        };
        let stack = &mut guard.slots;

        loop {
            at.pc += 1;
            let (fp, inst) = (at.fp, at.inst);
            // Matching the place (not a copy) lets each arm read just its own fields.
            match at.code.instrs[at.pc - 1] {
                I::Unreachable => return Err(trap(TrapKind::Unreachable)),
                I::Jump(t) => control::jump(&mut at, fuel, t)?,
                I::JumpIfZero(t) => control::jump_if_zero(stack, &mut at, t),
                I::Br(t) => control::branch(stack, &mut at, fuel, t)?,
                I::BrToTest(t) => fused::br_to_test(stack, &mut at, fuel, t)?,
                I::BrIf(t) => control::br_if(stack, &mut at, fuel, t)?,
                I::BrTable { first, len } => control::br_table(stack, &mut at, fuel, first, len)?,
                I::BrOnNull(t) => control::br_on_null(stack, &mut at, fuel, t)?,
                I::BrOnNonNull(t) => control::br_on_non_null(stack, &mut at, fuel, t)?,
                I::BrOnCast { target, rt } => self.br_on_cast(stack, &mut at, fuel, (target, rt, true))?,
                I::BrOnCastFail { target, rt } => self.br_on_cast(stack, &mut at, fuel, (target, rt, false))?,
                I::Return => {
                    if !calls::leave(stack, &mut frames, &mut at) {
                        return Ok(());
                    }
                }
                I::Call(f) => {
                    let f = self.instance(inst).funcs[f as usize];
                    self.enter(codes, (stack, &mut frames), &mut at, fuel, f)?
                }
                I::CallIndirect { table, ty } => {
                    let f = self.indirect_target(stack, inst, table, ty)?;
                    self.enter(codes, (stack, &mut frames), &mut at, fuel, f)?
                }
                I::CallRef => {
                    let f = Self::ref_target(stack)?;
                    self.enter(codes, (stack, &mut frames), &mut at, fuel, f)?
                }
                I::ReturnCall(f) => {
                    let f = self.instance(inst).funcs[f as usize];
                    if !self.tail_call(codes, (stack, &mut frames), &mut at, fuel, f)? {
                        return Ok(());
                    }
                }
                I::ReturnCallIndirect { table, ty } => {
                    let f = self.indirect_target(stack, inst, table, ty)?;
                    if !self.tail_call(codes, (stack, &mut frames), &mut at, fuel, f)? {
                        return Ok(());
                    }
                }
                I::ReturnCallRef => {
                    let f = Self::ref_target(stack)?;
                    if !self.tail_call(codes, (stack, &mut frames), &mut at, fuel, f)? {
                        return Ok(());
                    }
                }
                I::Throw(tag) => self.throw_tag((stack, &mut frames), &mut at, tag)?,
                I::ThrowRef => self.throw_ref((stack, &mut frames), &mut at)?,
                I::Drop => {
                    pop(stack);
                }
                I::Select => numeric::select(stack),
                I::LocalGet(i) => numeric::local_get(stack, fp, i),
                I::LocalSet(i) => numeric::local_set(stack, fp, i),
                I::LocalTee(i) => numeric::local_tee(stack, fp, i),
                I::GlobalGet(g) => self.global_get(stack, inst, g),
                I::GlobalSet(g) => self.global_set(stack, inst, g),
                I::Load { op, mem, offset } => self.load(stack, inst, op, (mem, offset))?,
                I::LoadL { op, mem, offset, addr } => self.load_l(stack, (fp, inst), op, (mem, offset), addr)?,
                I::LoadLA { op, mem, offset, addr, add } => {
                    let base = (stack[fp + addr as usize] as u32).wrapping_add(add);
                    let v = self.load_at(inst, op, (mem, offset), base)?;
                    stack.push(v)
                }
                I::LoadSA { op, mem, offset, add } => {
                    let base = (*top(stack) as u32).wrapping_add(add);
                    *top(stack) = self.load_at(inst, op, (mem, offset), base)?
                }
                I::Store { bytes, mem, offset } => self.store(stack, inst, bytes, (mem, offset))?,
                I::StoreLL { bytes, mem, offset, addr, val } => {
                    let (base, v) = (stack[fp + addr as usize], stack[fp + val as usize]);
                    self.store_l(base, inst, bytes, (mem, offset), v)?
                }
                I::StoreLC { bytes, mem, offset, addr, c } => {
                    let base = stack[fp + addr as usize];
                    self.store_l(base, inst, bytes, (mem, offset), c as u128)?
                }
                I::LoadLane { bytes, lane, mem, offset } => self.load_lane(stack, inst, (bytes, lane), (mem, offset))?,
                I::StoreLane { bytes, lane, mem, offset } => self.store_lane(stack, inst, (bytes, lane), (mem, offset))?,
                I::Const32(v) => stack.push(v as u128),
                I::Const64(v) => stack.push(v as u128),
                I::ConstPool(p) => stack.push(at.code.imms[p as usize]),
                I::Un(h, f) => numeric::un(stack, h, f)?,
                I::Bin(h, f) => numeric::bin(stack, h, f)?,
                I::Tern(f) => numeric::tern(stack, f)?,
                I::UnImm(f, p) => numeric::un_imm(stack, f, at.code.imms[p as usize])?,
                I::BinImm(f, p) => numeric::bin_imm(stack, f, at.code.imms[p as usize])?,
                I::BinLL { h, f, a, b } => fused::bin_ll(stack, fp, (h, f), a, b)?,
                I::BinLC { h, f, a, c } => fused::bin_lc(stack, fp, (h, f), a, c)?,
                I::BinSC { h, f, c } => fused::bin_sc(stack, (h, f), c)?,
                I::BinSL { h, f, b } => fused::bin_sl(stack, fp, (h, f), b)?,
                I::BinLS { h, f, a } => fused::bin_ls(stack, fp, (h, f), a)?,
                I::UnL { h, f, a } => fused::un_l(stack, fp, (h, f), a)?,
                I::BinLSSet { h, f, a, dst } => fused::bin_ls_set(stack, fp, (h, f), a, dst)?,
                I::BinSet { h, f, dst } => fused::bin_set(stack, fp, (h, f), dst)?,
                I::BinLLSet { h, f, a, b, dst } => fused::bin_ll_set(stack, fp, (h, f), (a, b), dst)?,
                I::BinSCSet { h, f, c, dst } => fused::bin_sc_set(stack, fp, (h, f), c, dst)?,
                I::BinSLSet { h, f, b, dst } => fused::bin_sl_set(stack, fp, (h, f), b, dst)?,
                I::BinLC32Set { h, f, a, c, dst } => fused::bin_lc_set(stack, fp, (h, f), (a, c), dst)?,
                I::BrIfBinLL { h, f, a, b, target } => fused::br_if_bin_ll(stack, &mut at, fuel, (h, f), (a, b), target)?,
                I::BrIfBinLC32 { h, f, a, c, target } => fused::br_if_bin_lc(stack, &mut at, fuel, (h, f), (a, c as u128), target)?,
                I::BrIfBinLP { h, f, a, p, target } => {
                    let c = at.code.imms[p as usize];
                    fused::br_if_bin_lc(stack, &mut at, fuel, (h, f), (a, c), target)?
                }
                I::BinTee { h, f, dst } => tee::bin_tee(stack, fp, (h, f), dst)?,
                I::BinLLTee { h, f, a, b, dst } => tee::bin_ll_tee(stack, fp, (h, f), (a, b), dst)?,
                I::BinLC32Tee { h, f, a, c, dst } => tee::bin_lc_tee(stack, fp, (h, f), (a, c), dst)?,
                I::BinSLTee { h, f, b, dst } => tee::bin_sl_tee(stack, fp, (h, f), b, dst)?,
                I::BinLSTee { h, f, a, dst } => tee::bin_ls_tee(stack, fp, (h, f), a, dst)?,
                I::LocalCopy { src, dst } => stack[fp + dst as usize] = stack[fp + src as usize],
                I::BrIfBin { h, f, t } => fused::br_if_bin(stack, &mut at, fuel, (h, f), t)?,
                I::JumpIfZeroBinLL { h, f, a, b, pc } => fused::jump_if_zero_bin_ll(stack, &mut at, (h, f), (a, b), pc)?,
                I::JumpIfZeroBinLC32 { h, f, a, c, pc } => fused::jump_if_zero_bin_lc(stack, &mut at, (h, f), (a, c), pc)?,
                I::JumpIfZeroUn { h, f, pc } => fused::jump_if_zero_un(stack, &mut at, (h, f), pc)?,
                other => self.exec_cold(stack, at.code, inst, other)?,
            }
        }
    }
}
