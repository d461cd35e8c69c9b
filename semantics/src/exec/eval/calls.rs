//! Entering the machine from the host (`invoke`, constant expressions), host functions, and
//! the callee checks of `call_indirect`. Wasm-to-wasm calls themselves stay in the main loop
//! (an explicit frame stack, no host recursion).

use std::sync::Arc;

use super::{pop, trap, Machine};
use crate::exec::code::Code;
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
    let mut m = Machine::new(store, Vec::with_capacity(8));
    m.fuel = u64::MAX; // constant expressions are tiny and do not count against fuel
    m.run(code, 0, inst.0 as usize)?;
    Ok(m.stack.pop().unwrap_or(0))
}

impl Machine<'_> {
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
                self.stack.extend_from_slice(&code.local_defaults);
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
        stack: &mut Vec<u128>,
        inst: usize,
        table: u32,
        ty: u32,
    ) -> Result<FuncAddr, Trap> {
        let t = self.table_index(inst, table);
        let i = pop(stack) as u64;
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
