//! wasmi 2 (an interpreter) as a second reference engine.

use super::{read_exports, Engine, ExportReader};
use crate::module_info::ModuleInfo;
use crate::value::{Exhaustion, FinalState, Instantiation, Outcome, TrapKind, Val};

pub struct WasmiEngine {
    engine: wasmi::Engine,
    live: Option<(wasmi::Store<()>, wasmi::Instance)>,
}

impl WasmiEngine {
    pub fn new() -> Self {
        let mut config = wasmi::Config::default();
        config
            .consume_fuel(true)
            .wasm_simd(true)
            .wasm_relaxed_simd(false)
            .wasm_multi_memory(true)
            .wasm_memory64(true)
            .wasm_tail_call(true)
            .wasm_extended_const(true)
            .wasm_reference_types(true)
            .wasm_bulk_memory(true)
            .wasm_multi_value(true)
            .wasm_wide_arithmetic(false)
            .wasm_custom_page_sizes(false);
        WasmiEngine { engine: wasmi::Engine::new(&config), live: None }
    }
}

impl Default for WasmiEngine {
    fn default() -> Self {
        Self::new()
    }
}

fn trap_of_code(code: wasmi::TrapCode) -> Outcome {
    use wasmi::TrapCode as C;
    Outcome::Trapped(match code {
        C::OutOfFuel => return Outcome::Exhausted(Exhaustion::Fuel),
        C::StackOverflow => return Outcome::Exhausted(Exhaustion::Stack),
        C::UnreachableCodeReached => TrapKind::Unreachable,
        C::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
        C::TableOutOfBounds => TrapKind::TableOutOfBounds,
        C::IndirectCallToNull => TrapKind::UninitializedElement,
        C::IntegerDivisionByZero => TrapKind::IntegerDivideByZero,
        C::IntegerOverflow => TrapKind::IntegerOverflow,
        C::BadConversionToInteger => TrapKind::InvalidConversionToInteger,
        C::BadSignature => TrapKind::IndirectCallTypeMismatch,
        other => TrapKind::Other(format!("{other:?}")),
    })
}

fn outcome_of_error(err: &wasmi::Error) -> Outcome {
    match err.as_trap_code() {
        Some(code) => trap_of_code(code),
        None => Outcome::Trapped(TrapKind::Other(err.to_string())),
    }
}

fn to_wasmi(v: &Val) -> wasmi::Val {
    match *v {
        Val::I32(x) => wasmi::Val::I32(x),
        Val::I64(x) => wasmi::Val::I64(x),
        Val::F32(x) => wasmi::Val::F32(wasmi::F32::from_bits(x)),
        Val::F64(x) => wasmi::Val::F64(wasmi::F64::from_bits(x)),
        Val::V128(x) => wasmi::Val::V128(x.into()),
        // Only null references are ever generated as arguments.
        Val::FuncRef { .. } => wasmi::Val::FuncRef(wasmi::Nullable::Null),
        Val::ExternRef { .. } => wasmi::Val::ExternRef(wasmi::Nullable::Null),
    }
}

fn from_wasmi(v: &wasmi::Val) -> Val {
    match v {
        wasmi::Val::I32(x) => Val::I32(*x),
        wasmi::Val::I64(x) => Val::I64(*x),
        wasmi::Val::F32(x) => Val::F32(x.to_bits()),
        wasmi::Val::F64(x) => Val::F64(x.to_bits()),
        wasmi::Val::V128(x) => Val::V128(x.as_u128()),
        wasmi::Val::FuncRef(r) => Val::FuncRef { null: r.is_null() },
        wasmi::Val::ExternRef(r) => Val::ExternRef { null: r.is_null() },
    }
}

fn ref_to_val(r: &wasmi::Ref) -> Val {
    match r {
        wasmi::Ref::Func(f) => Val::FuncRef { null: f.is_null() },
        wasmi::Ref::Extern(e) => Val::ExternRef { null: e.is_null() },
    }
}

impl Engine for WasmiEngine {
    fn name(&self) -> &'static str {
        "wasmi"
    }

    fn instantiate(&mut self, wasm: &[u8], _info: &ModuleInfo, fuel: u64) -> Instantiation {
        self.live = None;
        let module = match wasmi::Module::new(&self.engine, wasm) {
            Ok(m) => m,
            Err(e) => return Instantiation::Rejected(e.to_string()),
        };
        let mut store = wasmi::Store::new(&self.engine, ());
        store.set_fuel(fuel).expect("fuel is enabled");
        let linker = wasmi::Linker::<()>::new(&self.engine);
        match linker.instantiate_and_start(&mut store, &module) {
            Ok(instance) => {
                self.live = Some((store, instance));
                Instantiation::Ready
            }
            Err(e) => match e.as_trap_code() {
                Some(code) => Instantiation::Failed(trap_of_code(code)),
                None => match e.kind() {
                    // Active segments out of bounds are reported as memory /
                    // table errors rather than trap codes.
                    wasmi::errors::ErrorKind::Memory(_) => {
                        Instantiation::Failed(Outcome::Trapped(TrapKind::MemoryOutOfBounds))
                    }
                    wasmi::errors::ErrorKind::Table(_) => {
                        Instantiation::Failed(Outcome::Trapped(TrapKind::TableOutOfBounds))
                    }
                    // Out-of-bounds active segments with 64-bit offsets come
                    // back as instantiation errors (found by diff_module).
                    _ if e.to_string().contains("out of bounds table access") => {
                        Instantiation::Failed(Outcome::Trapped(TrapKind::TableOutOfBounds))
                    }
                    _ if e.to_string().contains("out of bounds memory access") => {
                        Instantiation::Failed(Outcome::Trapped(TrapKind::MemoryOutOfBounds))
                    }
                    _ => Instantiation::Rejected(e.to_string()),
                },
            },
        }
    }

    fn call(&mut self, name: &str, args: &[Val], fuel: u64) -> Outcome {
        let (store, instance) = self.live.as_mut().expect("call after successful instantiate");
        let Some(func) = instance.get_func(&*store, name) else {
            return Outcome::Trapped(TrapKind::Other(format!("no exported function `{name}`")));
        };
        store.set_fuel(fuel).expect("fuel is enabled");
        let params: Vec<wasmi::Val> = args.iter().map(to_wasmi).collect();
        let n_results = func.ty(&*store).results().len();
        let mut results = vec![wasmi::Val::I32(0); n_results];
        match func.call(&mut *store, &params, &mut results) {
            Ok(()) => Outcome::Returned(results.iter().map(from_wasmi).collect()),
            Err(e) => outcome_of_error(&e),
        }
    }

    fn final_state(&mut self, info: &ModuleInfo) -> FinalState {
        read_exports(info, self.live.as_mut().expect("state after successful instantiate"))
    }
}

impl ExportReader for (wasmi::Store<()>, wasmi::Instance) {
    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        let (store, instance) = self;
        instance.get_memory(&*store, name).map(|m| m.data(&*store).to_vec())
    }

    fn global(&mut self, name: &str) -> Option<Val> {
        let (store, instance) = self;
        instance.get_global(&*store, name).map(|g| from_wasmi(&g.get(&*store)))
    }

    fn table(&mut self, name: &str) -> Option<Vec<Val>> {
        let (store, instance) = self;
        let t = instance.get_table(&*store, name)?;
        let size = t.size(&*store);
        Some((0..size).map(|i| t.get(&*store, i).map(|r| ref_to_val(&r)).unwrap_or(Val::FuncRef { null: true })).collect())
    }
}
