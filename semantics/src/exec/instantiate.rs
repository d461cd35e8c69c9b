//! Instantiation and linking (spec §4.5.3 allocation, §4.5.4 instantiation, §3.x import matching).
//!
//! Everything is allocated in the store before segments are applied, so a trap while
//! initialising leaves earlier effects visible through imported tables and memories, as the
//! spec requires (the failed instance itself is never handed out).

use std::sync::Arc;

use super::eval::eval_const;
use super::store::*;
use super::trap::{InstantiationError, Trap, TrapKind};
use super::types::{map_ref, TypeRegistry};
use super::value::*;
use crate::binary::Module;
use crate::syntax::module::*;
use crate::syntax::types::*;

/// Implementation limits on initial sizes (the spec lets instantiation fail on resource limits).
const MAX_INITIAL_TABLE: u64 = 10_000_000;
const MAX_INITIAL_MEMORY_BYTES: u64 = 1 << 30;

fn incompatible() -> InstantiationError {
    InstantiationError::Unlinkable("incompatible import type".into())
}

fn limits_match(current: u64, actual_max: Option<u64>, expected: &Limits) -> bool {
    current >= expected.min
        && match expected.max {
            None => true,
            Some(em) => actual_max.is_some_and(|am| am <= em),
        }
}

fn canonical_val(v: ValType, types: &[u32]) -> ValType {
    match v {
        ValType::Ref(r) => ValType::Ref(map_ref(r, &|i| types[i as usize])),
        other => other,
    }
}

/// Checks one import against the module's declaration and records it in `inst`.
fn link_import(store: &Store, inst: &mut Instance, desc: &ImportDesc, ext: Extern) -> Result<(), InstantiationError> {
    let reg: &TypeRegistry = &store.types;
    match (desc, ext) {
        (ImportDesc::Func(t), Extern::Func(f)) => {
            let actual = store.funcs.get(f.0 as usize).ok_or_else(incompatible)?.type_id();
            if !reg.is_subtype(actual, inst.types[*t as usize]) {
                return Err(incompatible());
            }
            inst.funcs.push(f);
        }
        (ImportDesc::Table(tt), Extern::Table(a)) => {
            let actual = store.tables.get(a.0 as usize).ok_or_else(incompatible)?;
            let elem = map_ref(tt.elem, &|i| inst.types[i as usize]);
            let ok = actual.ty.is64 == tt.is64
                && actual.ty.elem == elem
                && limits_match(actual.elems.len() as u64, actual.ty.limits.max, &tt.limits);
            if !ok {
                return Err(incompatible());
            }
            inst.tables.push(a);
        }
        (ImportDesc::Memory(mt), Extern::Memory(a)) => {
            let actual = store.mems.get(a.0 as usize).ok_or_else(incompatible)?;
            let pages = (actual.data.len() as u64) >> actual.ty.page_size_log2;
            let ok = actual.ty.is64 == mt.is64
                && actual.ty.page_size_log2 == mt.page_size_log2
                && limits_match(pages, actual.ty.limits.max, &mt.limits);
            if !ok {
                return Err(incompatible());
            }
            inst.mems.push(a);
        }
        (ImportDesc::Global(gt), Extern::Global(a)) => {
            let actual = store.globals.get(a.0 as usize).ok_or_else(incompatible)?;
            let expected = canonical_val(gt.content, &inst.types);
            let ok = actual.ty.mutable == gt.mutable
                && if gt.mutable {
                    actual.ty.content == expected
                } else {
                    reg.val_matches(actual.ty.content, expected)
                };
            if !ok {
                return Err(incompatible());
            }
            inst.globals.push(a);
        }
        (ImportDesc::Tag(t), Extern::Tag(a)) => {
            let actual = store.tags.get(a.0 as usize).ok_or_else(incompatible)?;
            if actual.ty != inst.types[*t as usize] {
                return Err(incompatible());
            }
            inst.tags.push(a);
        }
        _ => return Err(incompatible()),
    }
    Ok(())
}

pub(crate) fn instantiate(store: &mut Store, module: &Module, imports: &[Extern]) -> Result<InstanceAddr, InstantiationError> {
    let m: &ModuleRepr = &module.repr;
    if imports.len() != m.imports.len() {
        return Err(InstantiationError::Unlinkable(format!(
            "unknown import: module needs {} imports, {} given",
            m.imports.len(),
            imports.len()
        )));
    }
    let types = store.types.intern_module(&m.types, &m.rec_groups);
    let mut inst = Instance { types, ..Instance::default() };
    for (import, ext) in m.imports.iter().zip(imports) {
        link_import(store, &mut inst, &import.desc, *ext)?;
    }
    let addr = InstanceAddr(store.instances.len() as u32);
    for (k, code) in m.code.iter().enumerate() {
        let ty = inst.types[m.func_types[m.num_imported_funcs as usize + k] as usize];
        let codes = Arc::make_mut(&mut store.codes);
        codes.push(code.clone());
        let code = codes.len() as u32 - 1;
        store.funcs.push(FuncInst::Wasm { ty, instance: addr, code });
        inst.funcs.push(FuncAddr(store.funcs.len() as u32 - 1));
    }
    for &t in &m.tags {
        store.tags.push(TagInst { ty: inst.types[t as usize] });
        inst.tags.push(TagAddr(store.tags.len() as u32 - 1));
    }
    inst.datas = m.datas.iter().map(|d| d.bytes.clone()).collect();
    let types = inst.types.clone();
    store.instances.push(inst);
    allocate(store, m, addr, &types).map_err(InstantiationError::Trap)?;
    initialise(store, m, addr).map_err(InstantiationError::Trap)?;
    Ok(addr)
}

fn instance(store: &mut Store, addr: InstanceAddr) -> &mut Instance {
    &mut store.instances[addr.0 as usize]
}

/// Allocates globals, tables, memories and element segments; their initialisers may refer
/// to what was allocated before them.
fn allocate(store: &mut Store, m: &ModuleRepr, addr: InstanceAddr, types: &[u32]) -> Result<(), Trap> {
    for g in &m.globals {
        let value = eval_const(store, addr, &g.init)?;
        let ty = GlobalType { content: canonical_val(g.ty.content, types), mutable: g.ty.mutable };
        store.globals.push(GlobalInst { ty, value });
        let a = GlobalAddr(store.globals.len() as u32 - 1);
        instance(store, addr).globals.push(a);
    }
    for t in &m.tables {
        let ty = TableType { elem: map_ref(t.ty.elem, &|i| types[i as usize]), ..t.ty };
        let init = match &t.init {
            Some(e) => eval_const(store, addr, e)?,
            None => Ref::null_bits(store.types.top(ty.elem.heap)),
        };
        if t.ty.limits.min > MAX_INITIAL_TABLE {
            return Err(Trap::new(TrapKind::ResourceExhausted, "table too large for this implementation"));
        }
        store.tables.push(TableInst { ty, elems: vec![init; t.ty.limits.min as usize] });
        let a = TableAddr(store.tables.len() as u32 - 1);
        instance(store, addr).tables.push(a);
    }
    for mt in &m.mems {
        let bytes = mt.limits.min.checked_shl(mt.page_size_log2).filter(|b| b >> mt.page_size_log2 == mt.limits.min);
        let bytes = bytes.filter(|&b| b <= MAX_INITIAL_MEMORY_BYTES).ok_or_else(|| {
            Trap::new(TrapKind::ResourceExhausted, "memory too large for this implementation")
        })?;
        store.mems.push(MemInst { ty: *mt, data: vec![0; bytes as usize] });
        let a = MemAddr(store.mems.len() as u32 - 1);
        instance(store, addr).mems.push(a);
    }
    for e in &m.elems {
        let refs = e.items.iter().map(|item| eval_const(store, addr, item)).collect::<Result<Vec<_>, _>>()?;
        instance(store, addr).elems.push(refs);
    }
    let exports = m
        .exports
        .iter()
        .map(|e| {
            let i = &store.instances[addr.0 as usize];
            let x = e.index as usize;
            let ext = match e.kind {
                ExternKind::Func => Extern::Func(i.funcs[x]),
                ExternKind::Table => Extern::Table(i.tables[x]),
                ExternKind::Memory => Extern::Memory(i.mems[x]),
                ExternKind::Global => Extern::Global(i.globals[x]),
                ExternKind::Tag => Extern::Tag(i.tags[x]),
            };
            (e.name.clone(), ext)
        })
        .collect();
    instance(store, addr).exports = exports;
    Ok(())
}

/// Applies active segments (as `table.init`/`memory.init` followed by a drop), drops
/// declarative segments, then runs the start function.
fn initialise(store: &mut Store, m: &ModuleRepr, addr: InstanceAddr) -> Result<(), Trap> {
    for (i, e) in m.elems.iter().enumerate() {
        match &e.mode {
            ElemMode::Passive => continue,
            ElemMode::Declarative => {}
            ElemMode::Active { table, offset } => {
                let d = eval_const(store, addr, offset)? as u64;
                let inst = &store.instances[addr.0 as usize];
                let seg = &inst.elems[i];
                let t = inst.tables[*table as usize].0 as usize;
                let elems = &mut store.tables[t].elems;
                let n = seg.len() as u64;
                if (d as u128) + (n as u128) > elems.len() as u128 {
                    return Err(Trap::of(TrapKind::TableOutOfBounds));
                }
                elems[d as usize..(d + n) as usize].copy_from_slice(seg);
            }
        }
        instance(store, addr).elems[i] = Vec::new();
    }
    for (i, seg) in m.datas.iter().enumerate() {
        if let DataMode::Active { memory, offset } = &seg.mode {
            let d = eval_const(store, addr, offset)? as u64;
            let mi = store.instances[addr.0 as usize].mems[*memory as usize].0 as usize;
            let data = &mut store.mems[mi].data;
            let n = seg.bytes.len() as u64;
            if (d as u128) + (n as u128) > data.len() as u128 {
                return Err(Trap::of(TrapKind::MemoryOutOfBounds));
            }
            data[d as usize..(d + n) as usize].copy_from_slice(&seg.bytes);
            instance(store, addr).datas[i] = Arc::from(Vec::new());
        }
    }
    if let Some(start) = m.start {
        let f = store.instances[addr.0 as usize].funcs[start as usize];
        store.invoke(f, &[])?;
    }
    Ok(())
}
