//! The `spectest` host module the official test suite imports from (see the suite's README):
//! `print*` functions with no observable effect, four immutable globals, a funcref table
//! (and its 64-bit twin) and a memory.

use crate::exec::store::*;
use crate::exec::value::*;
use crate::syntax::types::*;

fn func_type(store: &mut Store, params: Vec<ValType>) -> u32 {
    let sub = SubType { is_final: true, supertype: None, composite: CompositeType::Func(FuncType { params, results: vec![] }) };
    store.types.intern_module(&[sub], &[(0, 1)])[0]
}

/// Instantiates the `spectest` module in `store`.
pub fn instantiate(store: &mut Store) -> InstanceAddr {
    use ValType::*;
    let mut exports = Vec::new();
    let prints: [(&str, Vec<ValType>); 7] = [
        ("print", vec![]),
        ("print_i32", vec![I32]),
        ("print_i64", vec![I64]),
        ("print_f32", vec![F32]),
        ("print_f64", vec![F64]),
        ("print_i32_f32", vec![I32, F32]),
        ("print_f64_f64", vec![F64, F64]),
    ];
    for (name, params) in prints {
        let ty = func_type(store, params);
        store.funcs.push(FuncInst::Host { ty, host: HostFunc::Print });
        exports.push((name.to_string(), Extern::Func(FuncAddr(store.funcs.len() as u32 - 1))));
    }
    let globals: [(&str, ValType, u128); 4] = [
        ("global_i32", I32, 666),
        ("global_i64", I64, 666),
        ("global_f32", F32, 666.6f32.to_bits() as u128),
        ("global_f64", F64, 666.6f64.to_bits() as u128),
    ];
    for (name, content, value) in globals {
        store.globals.push(GlobalInst { ty: GlobalType { content, mutable: false }, value });
        exports.push((name.to_string(), Extern::Global(GlobalAddr(store.globals.len() as u32 - 1))));
    }
    let funcref = RefType { nullable: true, heap: HeapType::Func };
    for (name, is64) in [("table", false), ("table64", true)] {
        let ty = TableType { elem: funcref, limits: Limits { min: 10, max: Some(20) }, is64 };
        store.tables.push(TableInst { ty, elems: vec![crate::exec::value::Ref::null(HeapTop::Func).0; 10] });
        exports.push((name.to_string(), Extern::Table(TableAddr(store.tables.len() as u32 - 1))));
    }
    let ty = MemType { limits: Limits { min: 1, max: Some(2) }, is64: false, page_size_log2: 16 };
    store.mems.push(MemInst { ty, data: vec![0; 1 << 16] });
    exports.push(("memory".to_string(), Extern::Memory(MemAddr(store.mems.len() as u32 - 1))));
    store.instances.push(Instance { exports, ..Instance::default() });
    InstanceAddr(store.instances.len() as u32 - 1)
}
