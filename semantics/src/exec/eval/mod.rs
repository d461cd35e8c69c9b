//! Evaluation (spec §4.4), as a loop over the translated code of the current frame.
//!
//! Calls never recurse on the host stack: the caller's frame is pushed on `frames` and the loop
//! continues in the callee, so deep wasm recursion ends in the "call stack exhausted" trap.
//! The operand stack holds untyped slots; locals are the first slots of a frame (`fp`).
//! Each `Instr` arm is the reduction rule of its instruction; the fused forms produced by the
//! translator's peephole pass (`BinLL`, `BrIfBin`, ...) are compositions of those rules.

mod calls;
mod data;
mod exceptions;
mod refs;
#[cfg(test)]
mod tests;

pub(crate) use calls::{eval_const, invoke};

use std::sync::Arc;

use super::code::{BrTarget, Code, Instr};
use super::memory;
use super::store::{FuncInst, Store};
use super::trap::{Trap, TrapKind};
use super::value::*;
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

/// A suspended caller.
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

/// Moves the `keep` topmost values down to `fp + drop_to` (the label's stack height).
#[inline]
fn unwind_to(stack: &mut Vec<u128>, fp: usize, t: &BrTarget) {
    let len = stack.len();
    let keep = t.keep as usize;
    let dst = fp + t.drop_to as usize;
    if dst + keep != len {
        if keep == 1 {
            stack[dst] = stack[len - 1];
        } else {
            stack.copy_within(len - keep..len, dst);
        }
        stack.truncate(dst + keep);
    }
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
        mut code: &'c Code,
        mut fp: usize,
        mut inst: usize,
    ) -> Result<(), Trap> {
        use Instr as I;
        let mut pc: usize = 0;
        let mut frames: Vec<Frame<'c>> = Vec::new();
        // Work on a stack owned by this frame (one indirection less per access); the guard
        // hands it back on every exit, including traps.
        let mut guard = StackGuard {
            slots: std::mem::take(home),
            home,
        };
        let stack = &mut guard.slots;
        let max_depth = self.store.config.max_call_depth;

        // Fuel is charged where execution can repeat: backward branches and calls. Every
        // unbounded run passes one of them, and straight-line code stays free of the check.
        macro_rules! charge {
            () => {{
                if *fuel == 0 {
                    return Err(trap(TrapKind::OutOfFuel));
                }
                *fuel -= 1;
            }};
        }
        // Enters function `$addr`: the arguments are already on the stack.
        macro_rules! call {
            ($addr:expr) => {{
                let addr: FuncAddr = $addr;
                charge!();
                match &self.store.funcs[addr.0 as usize] {
                    FuncInst::Wasm { instance, code: callee, .. } => {
                        let callee: &'c Code = &codes[*callee as usize];
                        if frames.len() + 1 >= max_depth || stack.len() + callee.local_defaults.len() > MAX_STACK_SLOTS {
                            return Err(trap(TrapKind::CallStackExhausted));
                        }
                        let new_inst = instance.0 as usize;
                        let new_fp = stack.len() - callee.num_params as usize;
                        // Skips the (out-of-line) copy for the many callees without declared locals.
                        if !callee.local_defaults.is_empty() {
                            stack.extend_from_slice(&callee.local_defaults);
                        }
                        frames.push(Frame { code, pc, fp, inst });
                        code = callee;
                        fp = new_fp;
                        pc = 0;
                        inst = new_inst;
                    }
                    FuncInst::Host { ty, host } => {
                        let (ty, host) = (*ty, *host);
                        self.call_host(stack, ty, host)?;
                    }
                }
            }};
        }
        // Leaves the current activation with its results on top of the stack.
        macro_rules! ret {
            () => {{
                let n = code.num_results as usize;
                let len = stack.len();
                if n == 1 {
                    stack[fp] = stack[len - 1];
                } else {
                    stack.copy_within(len - n..len, fp);
                }
                stack.truncate(fp + n);
                let Some(f) = frames.pop() else {
                    return Ok(());
                };
                code = f.code;
                pc = f.pc;
                fp = f.fp;
                inst = f.inst;
            }};
        }
        // Replaces the current activation by a call to `$addr` (tail call).
        macro_rules! tail_call {
            ($addr:expr) => {{
                let addr: FuncAddr = $addr;
                charge!();
                match &self.store.funcs[addr.0 as usize] {
                    FuncInst::Wasm {
                        instance,
                        code: callee,
                        ..
                    } => {
                        let callee: &'c Code = &codes[*callee as usize];
                        let n = callee.num_params as usize;
                        let len = stack.len();
                        stack.copy_within(len - n..len, fp);
                        stack.truncate(fp + n);
                        stack.extend_from_slice(&callee.local_defaults);
                        inst = instance.0 as usize;
                        code = callee;
                        pc = 0;
                    }
                    FuncInst::Host { ty, host } => {
                        let (ty, host) = (*ty, *host);
                        self.call_host(stack, ty, host)?;
                        ret!();
                    }
                }
            }};
        }
        macro_rules! branch {
            ($t:expr) => {{
                let t: BrTarget = $t;
                unwind_to(stack, fp, &t);
                if (t.pc as usize) < pc {
                    charge!();
                }
                pc = t.pc as usize;
            }};
        }
        // Raises the exception `$exn`: continues at the innermost matching handler.
        macro_rules! throw {
            ($exn:expr) => {{
                let resume = self.unwind(&mut frames, stack, $exn, Frame { code, pc, fp, inst })?;
                code = resume.code;
                pc = resume.pc;
                fp = resume.fp;
                inst = resume.inst;
            }};
        }

        loop {
            pc += 1;
            // Matching the place (not a copy) lets each arm read just its own fields.
            match code.instrs[pc - 1] {
                I::Unreachable => return Err(trap(TrapKind::Unreachable)),
                I::Jump(t) => {
                    if (t as usize) < pc {
                        charge!();
                    }
                    pc = t as usize
                }
                I::JumpIfZero(t) => {
                    if pop(stack) as u32 == 0 {
                        pc = t as usize;
                    }
                }
                I::Br(t) => branch!(t),
                I::BrToTest(t) => {
                    branch!(t);
                    // The header's own rule, as if dispatched at `t.pc`.
                    match code.instrs[pc] {
                        I::BrIfBinLL { h, f, a, b, target } => {
                            pc += 1;
                            if h.apply_bin(f, stack[fp + a as usize], stack[fp + b as usize])? as u32
                                != 0
                            {
                                branch!(code.br_tables[target as usize]);
                            }
                        }
                        I::BrIfBinLC32 { h, f, a, c, target } => {
                            pc += 1;
                            if h.apply_bin(f, stack[fp + a as usize], c as u128)? as u32 != 0 {
                                branch!(code.br_tables[target as usize]);
                            }
                        }
                        _ => {}
                    }
                }
                I::BrIf(t) => {
                    if pop(stack) as u32 != 0 {
                        branch!(t);
                    }
                }
                I::BrTable { first, len } => {
                    let i = (pop(stack) as u32).min(len);
                    let t = code.br_tables[(first + i) as usize];
                    branch!(t);
                }
                I::Return => ret!(),
                I::Call(f) => call!(self.instance(inst).funcs[f as usize]),
                I::ReturnCall(f) => tail_call!(self.instance(inst).funcs[f as usize]),
                I::CallIndirect { table, ty } => {
                    let f = self.indirect_target(stack, inst, table, ty)?;
                    call!(f)
                }
                I::ReturnCallIndirect { table, ty } => {
                    let f = self.indirect_target(stack, inst, table, ty)?;
                    tail_call!(f)
                }
                I::CallRef => {
                    let r = pop(stack);
                    if Ref::is_null_bits(r) {
                        return Err(null_trap("null function reference"));
                    }
                    call!(FuncAddr(Ref::payload_of(r) as u32))
                }
                I::ReturnCallRef => {
                    let r = pop(stack);
                    if Ref::is_null_bits(r) {
                        return Err(null_trap("null function reference"));
                    }
                    tail_call!(FuncAddr(Ref::payload_of(r) as u32))
                }
                I::Throw(tag) => {
                    let tag = self.instance(inst).tags[tag as usize];
                    let n = self
                        .store
                        .types
                        .func_type(self.store.tags[tag.0 as usize].ty)
                        .params
                        .len();
                    let fields = stack.split_off(stack.len() - n);
                    let exn = self.store.alloc_exn(tag, fields);
                    throw!(exn)
                }
                I::ThrowRef => {
                    let exn = pop(stack);
                    if Ref::is_null_bits(exn) {
                        return Err(null_trap("null exception reference"));
                    }
                    throw!(exn)
                }
                I::BrOnNull(t) => {
                    if Ref::is_null_bits(*top(stack)) {
                        pop(stack);
                        branch!(t);
                    }
                }
                I::BrOnNonNull(t) => {
                    if Ref::is_null_bits(*top(stack)) {
                        pop(stack);
                    } else {
                        branch!(t);
                    }
                }
                I::BrOnCast { target, rt } | I::BrOnCastFail { target, rt } => {
                    let rt = self.cast_type(code, inst, rt);
                    let ok = {
                        let v = *top(stack);
                        self.store.ref_matches(v, rt)
                    };
                    if ok == matches!(code.instrs[pc - 1], I::BrOnCast { .. }) {
                        branch!(code.br_tables[target as usize]);
                    }
                }
                I::Drop => {
                    pop(stack);
                }
                I::Select => {
                    let c = pop(stack) as u32;
                    let b = pop(stack);
                    if c == 0 {
                        *top(stack) = b;
                    }
                }
                I::LocalGet(i) => {
                    let v = stack[fp + i as usize];
                    stack.push(v);
                }
                I::LocalSet(i) => {
                    let v = pop(stack);
                    stack[fp + i as usize] = v;
                }
                I::LocalTee(i) => {
                    let v = *top(stack);
                    stack[fp + i as usize] = v;
                }
                I::GlobalGet(g) => {
                    let a = self.instance(inst).globals[g as usize];
                    let v = self.store.globals[a.0 as usize].value;
                    stack.push(v);
                }
                I::GlobalSet(g) => {
                    let a = self.instance(inst).globals[g as usize];
                    let v = pop(stack);
                    self.store.globals[a.0 as usize].value = v;
                }
                I::Load { op, mem, offset } => {
                    let m = self.mem_index(inst, mem);
                    let base = *top(stack) as u64;
                    *top(stack) = memory::load(&self.store.mems[m].data, base, offset, op)?;
                }
                I::LoadL {
                    op,
                    mem,
                    offset,
                    addr,
                } => {
                    let m = self.mem_index(inst, mem);
                    let base = stack[fp + addr as usize] as u64;
                    let v = memory::load(&self.store.mems[m].data, base, offset, op)?;
                    stack.push(v);
                }
                I::StoreLL {
                    bytes,
                    mem,
                    offset,
                    addr,
                    val,
                } => {
                    let m = self.mem_index(inst, mem);
                    let (base, v) = (stack[fp + addr as usize] as u64, stack[fp + val as usize]);
                    memory::store(
                        &mut self.store.mems[m].data,
                        base,
                        offset,
                        bytes as usize,
                        v,
                    )?;
                }
                I::StoreLC {
                    bytes,
                    mem,
                    offset,
                    addr,
                    c,
                } => {
                    let m = self.mem_index(inst, mem);
                    let base = stack[fp + addr as usize] as u64;
                    memory::store(
                        &mut self.store.mems[m].data,
                        base,
                        offset,
                        bytes as usize,
                        c as u128,
                    )?;
                }
                I::Store { bytes, mem, offset } => {
                    let m = self.mem_index(inst, mem);
                    let v = pop(stack);
                    let base = pop(stack) as u64;
                    memory::store(
                        &mut self.store.mems[m].data,
                        base,
                        offset,
                        bytes as usize,
                        v,
                    )?;
                }
                I::LoadLane {
                    bytes,
                    lane,
                    mem,
                    offset,
                } => {
                    let m = self.mem_index(inst, mem);
                    let v = pop(stack);
                    let base = *top(stack) as u64;
                    *top(stack) = memory::load_lane(
                        &self.store.mems[m].data,
                        base,
                        offset,
                        bytes as usize,
                        lane,
                        v,
                    )?;
                }
                I::StoreLane {
                    bytes,
                    lane,
                    mem,
                    offset,
                } => {
                    let m = self.mem_index(inst, mem);
                    let v = pop(stack);
                    let base = pop(stack) as u64;
                    memory::store_lane(
                        &mut self.store.mems[m].data,
                        base,
                        offset,
                        bytes as usize,
                        lane,
                        v,
                    )?;
                }
                I::Const32(v) => stack.push(v as u128),
                I::Const64(v) => stack.push(v as u128),
                I::ConstPool(p) => stack.push(code.imms[p as usize]),
                I::Un(h, f) => {
                    let a = *top(stack);
                    *top(stack) = h.apply_un(f, a)?;
                }
                I::Bin(h, f) => {
                    let b = pop(stack);
                    let a = *top(stack);
                    *top(stack) = h.apply_bin(f, a, b)?;
                }
                I::BinLL { h, f, a, b } => {
                    let v = h.apply_bin(f, stack[fp + a as usize], stack[fp + b as usize])?;
                    stack.push(v);
                }
                I::BinLC { h, f, a, c } => {
                    let v = h.apply_bin(f, stack[fp + a as usize], c as u128)?;
                    stack.push(v);
                }
                I::BinSC { h, f, c } => {
                    let a = *top(stack);
                    *top(stack) = h.apply_bin(f, a, c as u128)?;
                }
                I::BinSL { h, f, b } => {
                    let b = stack[fp + b as usize];
                    let a = *top(stack);
                    *top(stack) = h.apply_bin(f, a, b)?;
                }
                I::BinLS { h, f, a } => {
                    let b = *top(stack);
                    *top(stack) = h.apply_bin(f, stack[fp + a as usize], b)?;
                }
                I::BinLSSet { h, f, a, dst } => {
                    let b = pop(stack);
                    stack[fp + dst as usize] = h.apply_bin(f, stack[fp + a as usize], b)?;
                }
                I::UnL { h, f, a } => {
                    let v = h.apply_un(f, stack[fp + a as usize])?;
                    stack.push(v);
                }
                I::BinSet { h, f, dst } => {
                    let b = pop(stack);
                    let a = pop(stack);
                    stack[fp + dst as usize] = h.apply_bin(f, a, b)?;
                }
                I::BinLLSet { h, f, a, b, dst } => {
                    stack[fp + dst as usize] =
                        h.apply_bin(f, stack[fp + a as usize], stack[fp + b as usize])?;
                }
                I::BinSCSet { h, f, c, dst } => {
                    let a = pop(stack);
                    stack[fp + dst as usize] = h.apply_bin(f, a, c as u128)?;
                }
                I::BinSLSet { h, f, b, dst } => {
                    let a = pop(stack);
                    stack[fp + dst as usize] = h.apply_bin(f, a, stack[fp + b as usize])?;
                }
                I::BinLC32Set { h, f, a, c, dst } => {
                    stack[fp + dst as usize] = h.apply_bin(f, stack[fp + a as usize], c as u128)?;
                }
                I::BrIfBinLL { h, f, a, b, target } => {
                    if h.apply_bin(f, stack[fp + a as usize], stack[fp + b as usize])? as u32 != 0 {
                        branch!(code.br_tables[target as usize]);
                    }
                }
                I::BrIfBinLC32 { h, f, a, c, target } => {
                    if h.apply_bin(f, stack[fp + a as usize], c as u128)? as u32 != 0 {
                        branch!(code.br_tables[target as usize]);
                    }
                }
                I::JumpIfZeroBinLL { h, f, a, b, pc: t } => {
                    if h.apply_bin(f, stack[fp + a as usize], stack[fp + b as usize])? as u32 == 0 {
                        pc = t as usize;
                    }
                }
                I::JumpIfZeroBinLC32 { h, f, a, c, pc: t } => {
                    if h.apply_bin(f, stack[fp + a as usize], c as u128)? as u32 == 0 {
                        pc = t as usize;
                    }
                }
                I::JumpIfZeroUn { h, f, pc: t } => {
                    if h.apply_un(f, pop(stack))? as u32 == 0 {
                        pc = t as usize;
                    }
                }
                I::BrIfBin { h, f, t } => {
                    let b = pop(stack);
                    let a = pop(stack);
                    if h.apply_bin(f, a, b)? as u32 != 0 {
                        branch!(t);
                    }
                }
                I::Tern(f) => {
                    let c = pop(stack);
                    let b = pop(stack);
                    let a = *top(stack);
                    *top(stack) = f(a, b, c)?;
                }
                I::UnImm(f, p) => {
                    let a = *top(stack);
                    *top(stack) = f(a, code.imms[p as usize])?;
                }
                I::BinImm(f, p) => {
                    let b = pop(stack);
                    let a = *top(stack);
                    *top(stack) = f(a, b, code.imms[p as usize])?;
                }
                other => self.exec_cold(stack, code, inst, other)?,
            }
        }
    }
}
