//! Saffron's reference interpreter (Contract A) as the engine under test.

use super::{read_exports, Engine, ExportReader};
use crate::module_info::ModuleInfo;
use crate::value::{classify_trap_message, FinalState, Instantiation, Outcome, Val};
use saffron_semantics as sem;

/// Call depth limit given to Saffron. Small on purpose: deep recursion is
/// inconclusive anyway (every engine has a different limit), and a small
/// limit keeps a natively-recursing interpreter far from the thread's stack.
const MAX_CALL_DEPTH: usize = 1_000;

pub struct SaffronEngine {
    live: Option<(sem::Store, sem::InstanceAddr)>,
}

impl SaffronEngine {
    pub fn new() -> Self {
        SaffronEngine { live: None }
    }
}

impl Default for SaffronEngine {
    fn default() -> Self {
        Self::new()
    }
}

fn outcome_of_trap(trap: &sem::Trap) -> Outcome {
    match classify_trap_message(&trap.message) {
        Ok(kind) => Outcome::Trapped(kind),
        Err(exhaustion) => Outcome::Exhausted(exhaustion),
    }
}

fn ref_val(r: &sem::Ref) -> Val {
    match r.kind() {
        sem::RefKind::Null => match r.null_top() {
            Some(sem::HeapTop::Func) => Val::FuncRef { null: true },
            _ => Val::ExternRef { null: true },
        },
        sem::RefKind::Func(_) => Val::FuncRef { null: false },
        _ => Val::ExternRef { null: false },
    }
}

fn from_saffron(v: &sem::Value) -> Val {
    match v {
        sem::Value::I32(x) => Val::I32(*x),
        sem::Value::I64(x) => Val::I64(*x),
        sem::Value::F32(x) => Val::F32(*x),
        sem::Value::F64(x) => Val::F64(*x),
        sem::Value::V128(x) => Val::V128(*x),
        sem::Value::Ref(r) => ref_val(r),
    }
}

fn to_saffron(v: &Val) -> sem::Value {
    match *v {
        Val::I32(x) => sem::Value::I32(x),
        Val::I64(x) => sem::Value::I64(x),
        Val::F32(x) => sem::Value::F32(x),
        Val::F64(x) => sem::Value::F64(x),
        Val::V128(x) => sem::Value::V128(x),
        // Only null references are ever generated as arguments.
        Val::FuncRef { .. } => sem::Value::Ref(sem::Ref::null(sem::HeapTop::Func)),
        Val::ExternRef { .. } => sem::Value::Ref(sem::Ref::null(sem::HeapTop::Extern)),
    }
}

impl Engine for SaffronEngine {
    fn name(&self) -> &'static str {
        "saffron"
    }

    fn instantiate(&mut self, wasm: &[u8], _info: &ModuleInfo, fuel: u64) -> Instantiation {
        self.live = None;
        let module = match sem::Module::from_binary(wasm) {
            Ok(m) => m,
            Err(e) => return Instantiation::Rejected(e.message),
        };
        let config = sem::Config { max_call_depth: MAX_CALL_DEPTH, fuel: Some(fuel) };
        let mut store = sem::Store::with_config(config);
        match store.instantiate(&module, &[]) {
            Ok(instance) => {
                self.live = Some((store, instance));
                Instantiation::Ready
            }
            Err(sem::InstantiationError::Trap(trap)) => Instantiation::Failed(outcome_of_trap(&trap)),
            Err(sem::InstantiationError::Unlinkable(msg)) => Instantiation::Rejected(msg),
        }
    }

    fn call(&mut self, name: &str, args: &[Val], fuel: u64) -> Outcome {
        let (store, instance) = self.live.as_mut().expect("call after successful instantiate");
        let Some(sem::Extern::Func(func)) = store.export(*instance, name) else {
            return Outcome::Trapped(crate::value::TrapKind::Other(format!("no exported function `{name}`")));
        };
        store.set_fuel(Some(fuel));
        let args: Vec<sem::Value> = args.iter().map(to_saffron).collect();
        match store.invoke(func, &args) {
            Ok(results) => Outcome::Returned(results.iter().map(from_saffron).collect()),
            Err(trap) => outcome_of_trap(&trap),
        }
    }

    fn fuel_unit(&self) -> super::FuelUnit {
        super::FuelUnit::Iteration
    }

    fn final_state(&mut self, info: &ModuleInfo) -> FinalState {
        read_exports(info, self.live.as_mut().expect("state after successful instantiate"))
    }
}

impl ExportReader for (sem::Store, sem::InstanceAddr) {
    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        let (store, instance) = self;
        match store.export(*instance, name) {
            Some(sem::Extern::Memory(m)) => Some(store.memory_data(m).to_vec()),
            _ => None,
        }
    }

    fn global(&mut self, name: &str) -> Option<Val> {
        let (store, instance) = self;
        match store.export(*instance, name) {
            Some(sem::Extern::Global(g)) => Some(from_saffron(&store.global_get(g))),
            _ => None,
        }
    }

    fn table(&mut self, name: &str) -> Option<Vec<Val>> {
        let (store, instance) = self;
        let Some(sem::Extern::Table(t)) = store.export(*instance, name) else {
            return None;
        };
        let size = store.table_size(t);
        Some(
            (0..size)
                .map(|i| match store.table_get(t, i) {
                    Some(sem::Value::Ref(r)) => ref_val(&r),
                    _ => Val::FuncRef { null: true },
                })
                .collect(),
        )
    }
}
