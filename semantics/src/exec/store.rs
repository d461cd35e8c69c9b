//! The store (spec §4.2.3): all instances, owned in vectors and referred to by address.
//!
//! GC objects and exception packages live in arenas that are never collected: this is a
//! reference semantics whose runs are short, so observable behaviour never depends on
//! reclamation, and addresses stay stable for the embedder.

use std::sync::Arc;

use super::code::Code;
use super::trap::{InstantiationError, Trap};
use super::types::TypeRegistry;
use super::value::*;
use crate::binary::Module;
use crate::syntax::types::{FuncTypeInfo, GlobalType, MemType, TableType};

/// Execution limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Maximum number of active frames; deeper calls trap with "call stack exhausted".
    pub max_call_depth: usize,
    /// Budget before the "out of fuel" trap (`None`: unlimited). One unit is charged per call
    /// (including tail calls) and per taken backward branch, the only ways execution can
    /// repeat, so any non-terminating run exhausts it; straight-line code is free.
    pub fuel: Option<u64>,
}

impl Default for Config {
    fn default() -> Config {
        Config { max_call_depth: 20_000, fuel: None }
    }
}

/// Host functions the semantics itself provides (the `spectest` module).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostFunc {
    /// The `spectest.print*` functions: observable only as "no effect".
    Print,
}

#[derive(Debug, Clone)]
pub enum FuncInst {
    /// `code` indexes `Store::codes`.
    Wasm { ty: u32, instance: InstanceAddr, code: u32 },
    Host { ty: u32, host: HostFunc },
}

impl FuncInst {
    /// Canonical type id of this function.
    pub fn type_id(&self) -> u32 {
        match self {
            FuncInst::Wasm { ty, .. } | FuncInst::Host { ty, .. } => *ty,
        }
    }
}

#[derive(Debug, Clone)]
pub struct TableInst {
    /// Element type with canonical heap type ids.
    pub ty: TableType,
    pub elems: Vec<u128>,
}

#[derive(Debug, Clone)]
pub struct MemInst {
    pub ty: MemType,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct GlobalInst {
    /// Content type with canonical heap type ids.
    pub ty: GlobalType,
    pub value: u128,
}

#[derive(Debug, Clone)]
pub struct TagInst {
    pub ty: u32,
}

/// A struct or array (its `ty` tells which); packed fields hold unextended bits.
#[derive(Debug, Clone)]
pub struct GcObject {
    pub ty: u32,
    pub fields: Vec<u128>,
}

/// An exception package: tag and payload.
#[derive(Debug, Clone)]
pub struct ExnObject {
    pub tag: TagAddr,
    pub fields: Vec<u128>,
}

/// A module instance: maps module-level indices to store addresses.
#[derive(Debug, Clone, Default)]
pub struct Instance {
    /// Canonical type id of each module type index.
    pub types: Vec<u32>,
    pub funcs: Vec<FuncAddr>,
    pub tables: Vec<TableAddr>,
    pub mems: Vec<MemAddr>,
    pub globals: Vec<GlobalAddr>,
    pub tags: Vec<TagAddr>,
    /// Element segments (emptied by `elem.drop`).
    pub elems: Vec<Vec<u128>>,
    /// Data segments (emptied by `data.drop`).
    pub datas: Vec<Arc<[u8]>>,
    pub exports: Vec<(String, Extern)>,
}

/// The store.
#[derive(Debug, Default)]
pub struct Store {
    pub(crate) config: Config,
    pub(crate) types: TypeRegistry,
    pub(crate) funcs: Vec<FuncInst>,
    /// Translated bodies of all wasm functions. Shared so that a running machine holds one
    /// snapshot and follows plain references on calls instead of counting references.
    pub(crate) codes: Arc<Vec<Arc<Code>>>,
    pub(crate) tables: Vec<TableInst>,
    pub(crate) mems: Vec<MemInst>,
    pub(crate) globals: Vec<GlobalInst>,
    pub(crate) tags: Vec<TagInst>,
    pub(crate) instances: Vec<Instance>,
    pub(crate) gc: Vec<GcObject>,
    pub(crate) exns: Vec<ExnObject>,
    pub(crate) fuel: Option<u64>,
}

impl Store {
    pub fn new() -> Store {
        Store::with_config(Config::default())
    }

    pub fn with_config(config: Config) -> Store {
        Store { fuel: config.fuel, config, ..Store::default() }
    }

    /// Instantiates `module` with `imports` given in the order of the module's imports.
    pub fn instantiate(&mut self, module: &Module, imports: &[Extern]) -> Result<InstanceAddr, InstantiationError> {
        super::instantiate::instantiate(self, module, imports)
    }

    pub fn export(&self, instance: InstanceAddr, name: &str) -> Option<Extern> {
        let inst = self.instances.get(instance.0 as usize)?;
        inst.exports.iter().find(|(n, _)| n == name).map(|(_, e)| *e)
    }

    pub fn exports(&self, instance: InstanceAddr) -> Vec<(String, Extern)> {
        self.instances.get(instance.0 as usize).map(|i| i.exports.clone()).unwrap_or_default()
    }

    /// Invokes a function (spec §4.5.5). Argument types must match the signature.
    pub fn invoke(&mut self, func: FuncAddr, args: &[Value]) -> Result<Vec<Value>, Trap> {
        super::eval::invoke(self, func, args)
    }

    pub fn func_type(&self, func: FuncAddr) -> FuncTypeInfo {
        let ty = self.funcs[func.0 as usize].type_id();
        let f = self.types.func_type(ty);
        FuncTypeInfo { params: f.params.clone(), results: f.results.clone() }
    }

    pub fn global_get(&self, global: GlobalAddr) -> Value {
        let g = &self.globals[global.0 as usize];
        Value::from_bits(g.value, g.ty.content)
    }

    pub fn memory_data(&self, mem: MemAddr) -> &[u8] {
        &self.mems[mem.0 as usize].data
    }

    pub fn table_size(&self, table: TableAddr) -> u64 {
        self.tables[table.0 as usize].elems.len() as u64
    }

    pub fn table_get(&self, table: TableAddr, index: u64) -> Option<Value> {
        let t = self.tables.get(table.0 as usize)?;
        let bits = *t.elems.get(usize::try_from(index).ok()?)?;
        Some(Value::Ref(Ref(bits)))
    }

    pub fn ref_kind(&self, r: &Ref) -> RefKind {
        r.kind()
    }

    pub fn set_fuel(&mut self, fuel: Option<u64>) {
        self.fuel = fuel;
    }

    /// Fuel left, if limited.
    pub fn fuel(&self) -> Option<u64> {
        self.fuel
    }
}
