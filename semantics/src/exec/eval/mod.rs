//! Evaluation (spec §4.4), as a loop over the translated code of the current frame.
//!
//! Calls never recurse on the host stack: the caller's frame is pushed on `frames` and the loop
//! continues in the callee, so deep wasm recursion ends in the "call stack exhausted" trap.
//! The stack is one register file of untyped slots; a frame's registers start at its first
//! local (`fp`) and instructions name them (see `code`). The loop only dispatches, once per
//! instruction: each reduction rule is a small handler, grouped by category in the
//! submodules; the hot numeric rows are evaluated inline from the operator table.

mod calls;
mod control;
mod cursor;
mod dispatch;
mod data;
mod exceptions;
mod load_store;
mod memory0;
mod numeric;
mod refs;
mod registers;
#[cfg(test)]
mod hot_tests;
#[cfg(test)]
mod tests;

pub(crate) use calls::{eval_const, invoke};

use std::sync::Arc;

use super::code::{Code, Instr, LoadOp};
use super::memory;
use cursor::Cursor;
use dispatch::{dispatch, hot_row};
// The dispatch's hot arms name these where they expand.
use crate::numerics::ops::raw::{concrete_ty, raw_result, Raw};
use registers::FrameRegs;
use crate::numerics::ops::table::scalar_ops;
use super::store::Store;
use super::trap::{Trap, TrapKind};
use crate::exec::value::Ref;
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
        let regs = &mut guard.slots;
        // The running activation's next instruction, fp and code live in locals (registers);
        // `at` is brought up to date around the handlers that take the whole frame.
        let (mut pc, mut fp, mut code) = (Cursor::new(code, 0), fp, code);
        // The running frame's registers, reached without bounds checks (see `registers`);
        // taken again after every handler that may move or cut the register vector.
        let mut frame = FrameRegs::new(regs, fp, code);
        let mut mem0 = self.memory0(inst);
        macro_rules! with_frame {
            ($handler:expr) => {{
                at.pc = pc.pc();
                let result = $handler;
                (fp, code) = (at.fp, at.code);
                if registers::Continues::continues(&result) {
                    pc = Cursor::new(code, at.pc);
                    frame = FrameRegs::new(regs, fp, code);
                    mem0 = self.memory0(at.inst);
                }
                result
            }};
        }

        // A load of memory 0: the load's width of bytes read at the address, then extended to
        // the slot encoding, both as the generic load does (`memory::load_width`,
        // `memory::extend_bytes`), folded for the constant `LoadOp`.
        // The address is a register, or `(a << shift) + b` (a fused `i32.add`, and `i32.shl`
        // of its first operand when `shift` is not zero; see `Instr::Load32Sum`). A store
        // writes the low bytes of `val` as `$t`.
        macro_rules! load0 {
            ($dst:ident, $addr:tt, $offset:ident, $op:ident) => {{
                const OP: LoadOp = LoadOp::$op;
                let bytes = mem0.read::<{ memory::load_width(OP) }>(address!($addr), $offset)?;
                frame.set($dst, memory::extend_bytes(OP, &bytes))
            }};
        }
        macro_rules! store0 {
            ($addr:tt, $val:ident, $offset:ident, $t:ident) => {{
                let v = frame.get($val) as $t;
                mem0.write(address!($addr), $offset, v.to_le_bytes())?
            }};
        }
        macro_rules! address {
            (($a:ident << $shift:ident + $b:ident)) => {
                frame.get_as::<u32>($a).wrapping_shl($shift as u32).wrapping_add(frame.get_as::<u32>($b)) as u64
            };
            ($addr:ident) => {
                frame.get($addr) as u64
            };
        }

        loop {
            let instr = pc.fetch();
            // Matching the place (not a copy) lets each arm read just its own fields.
            scalar_ops!(dispatch, { *instr, (frame, pc, fuel, code), {
                I::Unreachable => return Err(trap(TrapKind::Unreachable)),
                I::Jump(t) => control::jump(&mut pc, fuel, t)?,
                I::JumpIfZero { cond, pc: target } => {
                    if frame.get(cond) as u32 == 0 {
                        pc.jump(target);
                    }
                }
                I::Br(t) => control::branch(frame, &mut pc, fuel, t)?,
                I::BrIf { cond, t } => {
                    if frame.get(cond) as u32 != 0 {
                        control::branch(frame, &mut pc, fuel, t)?
                    }
                }
                I::BrTable { index, first, len } => {
                    let i = (frame.get(index) as u32).min(len);
                    let t = code.br_tables[(first + i) as usize];
                    control::branch(frame, &mut pc, fuel, t)?
                }
                I::BrOnNull { r, t } => {
                    if Ref::is_null_bits(frame.get(r)) {
                        control::branch(frame, &mut pc, fuel, t)?
                    }
                }
                I::BrOnNonNull { r, t } => {
                    if !Ref::is_null_bits(frame.get(r)) {
                        control::branch(frame, &mut pc, fuel, t)?
                    }
                }
                I::BrOnCast { r, target, rt } => {
                    if self.ref_is(frame.get(r), &at, rt) {
                        control::branch(frame, &mut pc, fuel, code.br_tables[target as usize])?
                    }
                }
                I::BrOnCastFail { r, target, rt } => {
                    if !self.ref_is(frame.get(r), &at, rt) {
                        control::branch(frame, &mut pc, fuel, code.br_tables[target as usize])?
                    }
                }
                I::Return { from } => {
                    if !with_frame!(calls::leave(regs, &mut frames, &mut at, from)) {
                        return Ok(());
                    }
                }
                I::Call { func, base } => {
                    let f = self.instance(at.inst).funcs[func as usize];
                    with_frame!(self.enter(codes, (regs, &mut frames), &mut at, fuel, (f, base)))?
                }
                I::CallIndirect { table, ty, index, base } => {
                    let f = self.indirect_target(frame.get(index), at.inst, table, ty)?;
                    with_frame!(self.enter(codes, (regs, &mut frames), &mut at, fuel, (f, base)))?
                }
                I::CallRef { func, base } => {
                    let f = Self::ref_target(frame.get(func))?;
                    with_frame!(self.enter(codes, (regs, &mut frames), &mut at, fuel, (f, base)))?
                }
                I::ReturnCall { func, base } => {
                    let f = self.instance(at.inst).funcs[func as usize];
                    if !with_frame!(self.tail_call(codes, (regs, &mut frames), &mut at, fuel, (f, base)))? {
                        return Ok(());
                    }
                }
                I::ReturnCallIndirect { table, ty, index, base } => {
                    let f = self.indirect_target(frame.get(index), at.inst, table, ty)?;
                    if !with_frame!(self.tail_call(codes, (regs, &mut frames), &mut at, fuel, (f, base)))? {
                        return Ok(());
                    }
                }
                I::ReturnCallRef { func, base } => {
                    let f = Self::ref_target(frame.get(func))?;
                    if !with_frame!(self.tail_call(codes, (regs, &mut frames), &mut at, fuel, (f, base)))? {
                        return Ok(());
                    }
                }
                I::Throw { tag, height } => {
                    regs.truncate(fp + height as usize);
                    with_frame!(self.throw_tag((regs, &mut frames), &mut at, tag))?
                }
                I::ThrowRef { exn, height } => {
                    let exn = frame.get(exn);
                    regs.truncate(fp + height as usize);
                    with_frame!(self.throw_ref((regs, &mut frames), &mut at, exn))?
                }
                I::Copy { dst, src } => frame.copy_operand(src, dst),
                I::CopyPair { dst, src, then_dst, then_src } => {
                    frame.copy_operand(src, dst);
                    frame.copy_operand(then_src, then_dst)
                }
                I::Const32 { dst, c } => frame.set(dst, c as u128),
                I::Const64 { dst, c } => frame.set(dst, c as u128),
                I::ConstPool { dst, p } => frame.set(dst, code.imms[p as usize]),
                I::Select { dst, cond, a, b } => {
                    let pick = if frame.get(cond) as u32 != 0 { a } else { b };
                    frame.set(dst, frame.get(pick))
                }
                I::GlobalGet { dst, g } => frame.set(dst, self.global(at.inst, g)),
                I::GlobalSet { src, g } => self.set_global(at.inst, g, frame.get(src)),
                I::Load { op, mem, offset, dst, addr } => {
                    let v = self.load_at(at.inst, op, (mem, offset), frame.get(addr) as u64)?;
                    frame.set(dst, v)
                }
                I::Store { bytes, mem, offset, addr, val } => {
                    let (base, v) = (frame.get(addr) as u64, frame.get(val));
                    self.store_at(at.inst, bytes, (mem, offset), base, v)?
                }
                I::Load32 { dst, addr, offset } => load0!(dst, addr, offset, I32),
                I::Load64 { dst, addr, offset } => load0!(dst, addr, offset, I64),
                I::Load8U { dst, addr, offset } => load0!(dst, addr, offset, I32U8),
                I::Load8S32 { dst, addr, offset } => load0!(dst, addr, offset, I32S8),
                I::Load8S64 { dst, addr, offset } => load0!(dst, addr, offset, I64S8),
                I::Load16U { dst, addr, offset } => load0!(dst, addr, offset, I32U16),
                I::Load16S32 { dst, addr, offset } => load0!(dst, addr, offset, I32S16),
                I::Load16S64 { dst, addr, offset } => load0!(dst, addr, offset, I64S16),
                I::Load32S64 { dst, addr, offset } => load0!(dst, addr, offset, I64S32),
                I::Store8 { addr, val, offset } => store0!(addr, val, offset, u8),
                I::Store16 { addr, val, offset } => store0!(addr, val, offset, u16),
                I::Store32 { addr, val, offset } => store0!(addr, val, offset, u32),
                I::Store64 { addr, val, offset } => store0!(addr, val, offset, u64),
                I::Load32Sum { dst, a, b, shift, offset } => load0!(dst, (a << shift + b), offset, I32),
                I::Load64Sum { dst, a, b, shift, offset } => load0!(dst, (a << shift + b), offset, I64),
                I::Load8USum { dst, a, b, shift, offset } => load0!(dst, (a << shift + b), offset, I32U8),
                I::Load8S32Sum { dst, a, b, shift, offset } => load0!(dst, (a << shift + b), offset, I32S8),
                I::Load8S64Sum { dst, a, b, shift, offset } => load0!(dst, (a << shift + b), offset, I64S8),
                I::Load16USum { dst, a, b, shift, offset } => load0!(dst, (a << shift + b), offset, I32U16),
                I::Load16S32Sum { dst, a, b, shift, offset } => load0!(dst, (a << shift + b), offset, I32S16),
                I::Load16S64Sum { dst, a, b, shift, offset } => load0!(dst, (a << shift + b), offset, I64S16),
                I::Load32S64Sum { dst, a, b, shift, offset } => load0!(dst, (a << shift + b), offset, I64S32),
                I::Store8Sum { a, b, shift, val, offset } => store0!((a << shift + b), val, offset, u8),
                I::Store16Sum { a, b, shift, val, offset } => store0!((a << shift + b), val, offset, u16),
                I::Store32Sum { a, b, shift, val, offset } => store0!((a << shift + b), val, offset, u32),
                I::Store64Sum { a, b, shift, val, offset } => store0!((a << shift + b), val, offset, u64),
                I::Un { f, dst, a } => frame.set(dst, f(frame.get(a))?),
                I::Bin { f, dst, a, b } => {
                    frame.set(dst, f(frame.get(a), frame.get(b))?)
                }
                I::Stacked { height, i } => with_frame!(self.run_stacked(regs, &at, height, i))?,
                // SAFETY: stack-form instructions only occur in `Code::stacked`, never in
                // `Code::instrs` (`Code::check`). Telling the compiler so removes a range check
                // from the dispatch, which then ends in its jump and is copied into every arm:
                // a dispatch per arm predicts far better than one shared by all.
                _ => unsafe { std::hint::unreachable_unchecked() },
            }});
        }
    }
}

