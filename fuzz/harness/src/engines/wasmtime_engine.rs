//! wasmtime 48 (Cranelift) as a reference engine.

use super::{read_exports, Engine, ExportReader};
use crate::module_info::ModuleInfo;
use crate::value::{Exhaustion, FinalState, Instantiation, Outcome, TrapKind, Val};

pub struct WasmtimeEngine {
    engine: wasmtime::Engine,
    live: Option<(wasmtime::Store<()>, wasmtime::Instance)>,
}

impl WasmtimeEngine {
    pub fn new() -> Self {
        let mut config = wasmtime::Config::new();
        config
            .consume_fuel(true)
            // NaN results are judged by the module itself (see
            // `nan_oracle`), so Cranelift's own canonicalisation stays off:
            // we test the code Cranelift really emits for wasm.
            .cranelift_nan_canonicalization(false)
            .wasm_simd(true)
            .wasm_relaxed_simd(false)
            .wasm_multi_memory(true)
            .wasm_memory64(true)
            .wasm_tail_call(true)
            .wasm_extended_const(true)
            .wasm_reference_types(true)
            .wasm_bulk_memory(true)
            .wasm_multi_value(true)
            .wasm_threads(false)
            .wasm_gc(false)
            .wasm_function_references(false)
            .wasm_exceptions(false)
            .wasm_wide_arithmetic(false)
            .wasm_custom_page_sizes(false)
            // Small virtual reservations: fuzz memories are tiny, and mapping
            // 4 GiB per instance costs time on every module.
            .memory_reservation(1 << 24)
            .memory_guard_size(1 << 16)
            .memory_reservation_for_growth(0);
        let engine = wasmtime::Engine::new(&config).expect("wasmtime config is valid");
        WasmtimeEngine { engine, live: None }
    }
}

impl Default for WasmtimeEngine {
    fn default() -> Self {
        Self::new()
    }
}

fn outcome_of_error(err: &wasmtime::Error) -> Outcome {
    use wasmtime::Trap as T;
    let Some(trap) = err.downcast_ref::<wasmtime::Trap>() else {
        return Outcome::Trapped(TrapKind::Other(format!("{err:#}")));
    };
    Outcome::Trapped(match trap {
        T::OutOfFuel => return Outcome::Exhausted(Exhaustion::Fuel),
        T::StackOverflow => return Outcome::Exhausted(Exhaustion::Stack),
        T::UnreachableCodeReached => TrapKind::Unreachable,
        T::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
        T::TableOutOfBounds => TrapKind::TableOutOfBounds,
        T::IndirectCallToNull => TrapKind::UninitializedElement,
        T::BadSignature => TrapKind::IndirectCallTypeMismatch,
        T::IntegerOverflow => TrapKind::IntegerOverflow,
        T::IntegerDivisionByZero => TrapKind::IntegerDivideByZero,
        T::BadConversionToInteger => TrapKind::InvalidConversionToInteger,
        T::NullReference => TrapKind::NullReference,
        other => TrapKind::Other(other.to_string()),
    })
}

fn to_wasmtime(v: &Val) -> wasmtime::Val {
    match *v {
        Val::I32(x) => wasmtime::Val::I32(x),
        Val::I64(x) => wasmtime::Val::I64(x),
        Val::F32(x) => wasmtime::Val::F32(x),
        Val::F64(x) => wasmtime::Val::F64(x),
        Val::V128(x) => wasmtime::Val::V128(x.into()),
        // Only null references are ever generated as arguments.
        Val::FuncRef { .. } => wasmtime::Val::FuncRef(None),
        Val::ExternRef { .. } => wasmtime::Val::ExternRef(None),
    }
}

fn from_wasmtime(v: &wasmtime::Val) -> Val {
    match v {
        wasmtime::Val::I32(x) => Val::I32(*x),
        wasmtime::Val::I64(x) => Val::I64(*x),
        wasmtime::Val::F32(x) => Val::F32(*x),
        wasmtime::Val::F64(x) => Val::F64(*x),
        wasmtime::Val::V128(x) => Val::V128(x.as_u128()),
        wasmtime::Val::FuncRef(f) => Val::FuncRef { null: f.is_none() },
        wasmtime::Val::ExternRef(r) => Val::ExternRef { null: r.is_none() },
        // GC is disabled in the generator; report what we can.
        wasmtime::Val::AnyRef(r) => Val::ExternRef { null: r.is_none() },
        wasmtime::Val::ExnRef(r) => Val::ExternRef { null: r.is_none() },
        wasmtime::Val::ContRef(r) => Val::ExternRef { null: r.is_none() },
    }
}

fn ref_to_val(r: &wasmtime::Ref) -> Val {
    match r {
        wasmtime::Ref::Func(f) => Val::FuncRef { null: f.is_none() },
        wasmtime::Ref::Extern(e) => Val::ExternRef { null: e.is_none() },
        other => Val::ExternRef { null: other.is_null() },
    }
}

impl Engine for WasmtimeEngine {
    fn name(&self) -> &'static str {
        "wasmtime"
    }

    fn instantiate(&mut self, wasm: &[u8], _info: &ModuleInfo, fuel: u64) -> Instantiation {
        self.live = None;
        let module = match wasmtime::Module::new(&self.engine, wasm) {
            Ok(m) => m,
            Err(e) => return Instantiation::Rejected(format!("{e:#}")),
        };
        let mut store = wasmtime::Store::new(&self.engine, ());
        store.set_fuel(fuel).expect("fuel is enabled");
        match wasmtime::Instance::new(&mut store, &module, &[]) {
            Ok(instance) => {
                self.live = Some((store, instance));
                Instantiation::Ready
            }
            Err(e) if e.is::<wasmtime::Trap>() => Instantiation::Failed(outcome_of_error(&e)),
            Err(e) => Instantiation::Rejected(format!("{e:#}")),
        }
    }

    fn call(&mut self, name: &str, args: &[Val], fuel: u64) -> Outcome {
        let (store, instance) = self.live.as_mut().expect("call after successful instantiate");
        let Some(func) = instance.get_func(&mut *store, name) else {
            return Outcome::Trapped(TrapKind::Other(format!("no exported function `{name}`")));
        };
        store.set_fuel(fuel).expect("fuel is enabled");
        let params: Vec<wasmtime::Val> = args.iter().map(to_wasmtime).collect();
        let n_results = func.ty(&*store).results().len();
        let mut results = vec![wasmtime::Val::I32(0); n_results];
        match func.call(&mut *store, &params, &mut results) {
            Ok(()) => Outcome::Returned(results.iter().map(from_wasmtime).collect()),
            Err(e) => outcome_of_error(&e),
        }
    }

    fn final_state(&mut self, info: &ModuleInfo) -> FinalState {
        read_exports(info, self.live.as_mut().expect("state after successful instantiate"))
    }
}

impl ExportReader for (wasmtime::Store<()>, wasmtime::Instance) {
    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        let (store, instance) = self;
        let m = instance.get_memory(&mut *store, name)?;
        Some(m.data(&*store).to_vec())
    }

    fn global(&mut self, name: &str) -> Option<Val> {
        let (store, instance) = self;
        let g = instance.get_global(&mut *store, name)?;
        Some(from_wasmtime(&g.get(&mut *store)))
    }

    fn table(&mut self, name: &str) -> Option<Vec<Val>> {
        let (store, instance) = self;
        let t = instance.get_table(&mut *store, name)?;
        let size = t.size(&*store);
        Some((0..size).map(|i| t.get(&mut *store, i).map(|r| ref_to_val(&r)).unwrap_or(Val::FuncRef { null: true })).collect())
    }
}
