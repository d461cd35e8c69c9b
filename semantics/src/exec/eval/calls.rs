//! Calls and returns (spec §4.4.10): entering the machine from the host (`invoke`, constant
//! expressions), host functions, the callee checks of `call_indirect`, and wasm-to-wasm calls,
//! which never recurse on the host: the caller's activation is pushed on an explicit frame
//! stack and the main loop continues in the callee, so deep wasm recursion ends in the
//! "call stack exhausted" trap.

use std::sync::Arc;

use super::control::charge;
use super::{trap, Frame, Machine, MAX_STACK_SLOTS};
use crate::exec::code::{Code, Reg};
use crate::exec::store::{FuncInst, HostFunc, Store};
use crate::exec::trap::{Trap, TrapKind};
use crate::exec::value::*;
use crate::syntax::types::*;

/// Converts a host-supplied value, checking it against the parameter type.
fn arg_bits(v: &Value, ty: ValType) -> Option<u128> {
    let ok = matches!(
        (v, ty),
        (Value::I32(_), ValType::I32)
            | (Value::I64(_), ValType::I64)
            | (Value::F32(_), ValType::F32)
            | (Value::F64(_), ValType::F64)
            | (Value::V128(_), ValType::V128)
            | (Value::Ref(_), ValType::Ref(_))
    );
    ok.then(|| v.to_bits())
}

pub(crate) fn invoke(
    store: &mut Store,
    func: FuncAddr,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    let fty = match store.funcs.get(func.0 as usize) {
        Some(f) => store.types.func_type(f.type_id()).clone(),
        None => {
            return Err(Trap::new(
                TrapKind::InvalidInvocation,
                "invalid function address",
            ))
        }
    };
    let mut stack = Vec::with_capacity(1024);
    if args.len() != fty.params.len() {
        return Err(Trap::new(
            TrapKind::InvalidInvocation,
            "argument count mismatch",
        ));
    }
    for (a, t) in args.iter().zip(&fty.params) {
        stack.push(
            arg_bits(a, *t)
                .ok_or_else(|| Trap::new(TrapKind::InvalidInvocation, "argument type mismatch"))?,
        );
    }
    let mut m = Machine::new(store, stack);
    let result = m.call_from_host(func);
    m.finish();
    result?;
    Ok(m.stack
        .iter()
        .zip(&fty.results)
        .map(|(b, t)| Value::from_bits(*b, *t))
        .collect())
}

/// Evaluates a constant expression in instance `inst`.
pub(crate) fn eval_const(
    store: &mut Store,
    inst: InstanceAddr,
    code: &Arc<Code>,
) -> Result<u128, Trap> {
    let mut m = Machine::new(store, vec![0; code.frame_size as usize]);
    m.fuel = u64::MAX; // constant expressions are tiny and do not count against fuel
    m.run(code, 0, inst.0 as usize)?;
    Ok(m.stack.pop().unwrap_or(0))
}

/// Gives the activation at `fp` all its registers (a stack-form instruction or a callee may
/// have cut the stack below them).
#[inline(always)]
pub(super) fn fit_frame(regs: &mut Vec<u128>, fp: usize, code: &Code) {
    let need = fp + code.frame_size as usize;
    if regs.len() < need {
        regs.resize(need, 0);
    }
}

/// Starts activation `code` at `fp`, its arguments in place: its locals and constants get
/// their initial bits.
#[inline(always)]
fn start_frame(regs: &mut Vec<u128>, fp: usize, code: &Code) {
    fit_frame(regs, fp, code);
    // Skips the (out-of-line) copy for the many callees without declared locals or constants.
    if !code.frame_init.is_empty() {
        let first = fp + code.num_params as usize;
        regs[first..first + code.frame_init.len()].copy_from_slice(&code.frame_init);
    }
}

/// Leaves the current activation with its results in registers `from..`, which go to its
/// first registers, resuming the caller; `false` when the activation was the outermost one
/// (the run is over, the stack holds just the results).
#[inline(always)]
pub(super) fn leave<'c>(regs: &mut Vec<u128>, frames: &mut Vec<Frame<'c>>, at: &mut Frame<'c>, from: Reg) -> bool {
    let n = at.code.num_results as usize;
    let (fp, src) = (at.fp, at.fp + from as usize);
    if n == 1 {
        regs[fp] = regs[src];
    } else if src != fp {
        regs.copy_within(src..src + n, fp);
    }
    match frames.pop() {
        Some(caller) => {
            *at = caller;
            fit_frame(regs, at.fp, at.code);
            true
        }
        None => {
            regs.truncate(fp + n);
            false
        }
    }
}

impl Machine<'_> {
    /// Enters function `addr` with its arguments in registers `base..`: a wasm callee becomes
    /// the current activation there (the caller is pushed on `frames`), a host function runs
    /// now and leaves its results there.
    #[inline(always)]
    pub(super) fn enter<'c>(
        &mut self,
        codes: &'c [Arc<Code>],
        (regs, frames): (&mut Vec<u128>, &mut Vec<Frame<'c>>),
        at: &mut Frame<'c>,
        fuel: &mut u64,
        (addr, base): (FuncAddr, Reg),
    ) -> Result<(), Trap> {
        charge(fuel)?;
        let fp = at.fp + base as usize;
        match &self.store.funcs[addr.0 as usize] {
            FuncInst::Wasm { instance, code, .. } => {
                let callee: &'c Code = &codes[*code as usize];
                if frames.len() + 1 >= self.store.config.max_call_depth
                    || fp + callee.frame_size as usize > MAX_STACK_SLOTS
                {
                    return Err(trap(TrapKind::CallStackExhausted));
                }
                start_frame(regs, fp, callee);
                let caller = std::mem::replace(at, Frame { code: callee, pc: 0, fp, inst: instance.0 as usize });
                frames.push(caller);
                Ok(())
            }
            FuncInst::Host { ty, host } => {
                let (ty, host) = (*ty, *host);
                self.call_host_at(regs, fp, ty, host)?;
                fit_frame(regs, at.fp, at.code);
                Ok(())
            }
        }
    }

    /// Replaces the current activation by a call to `addr` with its arguments in registers
    /// `base..` (tail call); `false` when a host callee returned from the outermost activation.
    #[inline(always)]
    pub(super) fn tail_call<'c>(
        &mut self,
        codes: &'c [Arc<Code>],
        (regs, frames): (&mut Vec<u128>, &mut Vec<Frame<'c>>),
        at: &mut Frame<'c>,
        fuel: &mut u64,
        (addr, base): (FuncAddr, Reg),
    ) -> Result<bool, Trap> {
        charge(fuel)?;
        let args = at.fp + base as usize;
        match &self.store.funcs[addr.0 as usize] {
            FuncInst::Wasm { instance, code, .. } => {
                let callee: &'c Code = &codes[*code as usize];
                let n = callee.num_params as usize;
                regs.copy_within(args..args + n, at.fp);
                start_frame(regs, at.fp, callee);
                at.inst = instance.0 as usize;
                at.code = callee;
                at.pc = 0;
                Ok(true)
            }
            FuncInst::Host { ty, host } => {
                let (ty, host) = (*ty, *host);
                self.call_host_at(regs, args, ty, host)?;
                fit_frame(regs, at.fp, at.code);
                Ok(leave(regs, frames, at, base))
            }
        }
    }

    /// Runs a host function on the arguments in `regs[args..]` (the stack cut after them);
    /// its results replace them.
    fn call_host_at(&mut self, regs: &mut Vec<u128>, args: usize, ty: u32, host: HostFunc) -> Result<(), Trap> {
        let n = self.store.types.func_type(ty).params.len();
        regs.truncate(args + n);
        self.call_host(regs, ty, host)
    }

    /// The function a `call_ref` calls.
    #[inline(always)]
    pub(super) fn ref_target(r: u128) -> Result<FuncAddr, Trap> {
        if Ref::is_null_bits(r) {
            return Err(super::null_trap("null function reference"));
        }
        Ok(FuncAddr(Ref::payload_of(r) as u32))
    }

    pub(super) fn call_from_host(&mut self, func: FuncAddr) -> Result<(), Trap> {
        match self.store.funcs[func.0 as usize].clone() {
            FuncInst::Host { ty, host } => {
                let mut stack = std::mem::take(&mut self.stack);
                let r = self.call_host(&mut stack, ty, host);
                self.stack = stack;
                r
            }
            FuncInst::Wasm { instance, code, .. } => {
                let code = self.store.codes[code as usize].clone();
                let fp = self.stack.len() - code.num_params as usize;
                start_frame(&mut self.stack, fp, &code);
                self.run(&code, fp, instance.0 as usize)
            }
        }
    }

    #[inline(never)]
    pub(super) fn call_host(
        &mut self,
        stack: &mut Vec<u128>,
        ty: u32,
        host: HostFunc,
    ) -> Result<(), Trap> {
        let f = self.store.types.func_type(ty);
        match host {
            HostFunc::Print => {
                let n = f.params.len();
                stack.truncate(stack.len() - n);
            }
        }
        Ok(())
    }

    /// Resolves the callee of `call_indirect` (spec: undefined / uninitialized / type mismatch).
    #[inline(never)]
    pub(super) fn indirect_target(
        &mut self,
        index: u128,
        inst: usize,
        table: u32,
        ty: u32,
    ) -> Result<FuncAddr, Trap> {
        let t = self.table_index(inst, table);
        let i = index as u64;
        let tab = &self.store.tables[t];
        // The reference interpreter names the offending index; the suite matches by prefix.
        let r = *tab
            .elems
            .get(i as usize)
            .filter(|_| i < tab.elems.len() as u64)
            .ok_or_else(|| {
                Trap::new(
                    TrapKind::UndefinedElement,
                    &format!("undefined element {i}"),
                )
            })?;
        if Ref::is_null_bits(r) {
            return Err(Trap::new(
                TrapKind::UninitializedElement,
                &format!("uninitialized element {i}"),
            ));
        }
        let f = FuncAddr(Ref::payload_of(r) as u32);
        let expected = self.instance(inst).types[ty as usize];
        if !self
            .store
            .types
            .is_subtype(self.store.funcs[f.0 as usize].type_id(), expected)
        {
            return Err(trap(TrapKind::IndirectCallTypeMismatch));
        }
        Ok(f)
    }
}
