//! The loads and stores of a loop-free function's Wasm side: which
//! instruction accesses what, and the one access a path may make.

use super::paths::{pop, term, HeapAccess, State};
use crate::catalog::{Access, MemArg, ValType};
use crate::clif_isle::Unsupported;
use crate::memory;
use crate::sym::{Bv, Fp, SBool, SpecDomain};
use saffron_semantics::numerics::domain::BoolOps;
use saffron_semantics::numerics::instr::Val;
use wasmparser::Operator;

/// A load or store of memory 0: what it accesses and its value type.
pub(super) fn memory_op(op: &Operator) -> Result<Option<(MemArg, ValType)>, Unsupported> {
    use Operator as O;
    use ValType::*;
    let load = |bytes, signed| Access::Load { bytes, signed };
    let store = |bytes| Access::Store { bytes };
    let (m, access, ty) = match op {
        O::I32Load { memarg } => (memarg, load(4, false), I32),
        O::I64Load { memarg } => (memarg, load(8, false), I64),
        O::F32Load { memarg } => (memarg, load(4, false), F32),
        O::F64Load { memarg } => (memarg, load(8, false), F64),
        O::I32Load8S { memarg } => (memarg, load(1, true), I32),
        O::I32Load8U { memarg } => (memarg, load(1, false), I32),
        O::I32Load16S { memarg } => (memarg, load(2, true), I32),
        O::I32Load16U { memarg } => (memarg, load(2, false), I32),
        O::I64Load8S { memarg } => (memarg, load(1, true), I64),
        O::I64Load8U { memarg } => (memarg, load(1, false), I64),
        O::I64Load16S { memarg } => (memarg, load(2, true), I64),
        O::I64Load16U { memarg } => (memarg, load(2, false), I64),
        O::I64Load32S { memarg } => (memarg, load(4, true), I64),
        O::I64Load32U { memarg } => (memarg, load(4, false), I64),
        O::I32Store { memarg } => (memarg, store(4), I32),
        O::I64Store { memarg } => (memarg, store(8), I64),
        O::F32Store { memarg } => (memarg, store(4), F32),
        O::F64Store { memarg } => (memarg, store(8), F64),
        O::I32Store8 { memarg } => (memarg, store(1), I32),
        O::I32Store16 { memarg } => (memarg, store(2), I32),
        O::I64Store8 { memarg } => (memarg, store(1), I64),
        O::I64Store16 { memarg } => (memarg, store(2), I64),
        O::I64Store32 { memarg } => (memarg, store(4), I64),
        _ => return Ok(None),
    };
    match m.target {
        wasmparser::MemArgTarget::Memory(0) => {}
        other => return Err(Unsupported(format!("an access to {other:?} (only memory 0 is read)"))),
    }
    if m.ordering.is_some() {
        return Err(Unsupported("an atomic access".into()));
    }
    Ok(Some((MemArg { access, offset: m.offset }, ty)))
}

/// The heap access: at most one per path. Out of bounds is a trap; a load's
/// value is the bytes the CLIF side reads (`loaded_value`), extended as
/// Wasm extends them.
pub(super) fn heap_access(d: &SpecDomain, mem: MemArg, ty: ValType, st: &mut State) -> Result<(), Unsupported> {
    if st.access.is_some() {
        return Err(Unsupported("a second heap access on one path (one access of each kind is read)".into()));
    }
    let stored = match mem.access {
        Access::Store { .. } => Some(term(&pop(st)?)),
        Access::Load { .. } => None,
    };
    let Val::I32(addr) = pop(st)? else { return Err(Unsupported("a 64-bit address (memory64 is not read)".into())) };
    let oob = SBool(d.bind(memory::out_of_bounds(&mem, &addr.0)));
    st.trap = d.bor(&st.trap, &oob);
    if let Access::Load { .. } = mem.access {
        let v = d.bind(memory::loaded_value(&mem, ty));
        st.stack.push(match ty {
            ValType::I32 => Val::I32(Bv(v)),
            ValType::I64 => Val::I64(Bv(v)),
            ValType::F32 => Val::F32(Fp(v)),
            ValType::F64 => Val::F64(Fp(v)),
        });
    }
    st.access = Some(HeapAccess { mem, addr: addr.0, stored });
    Ok(())
}

