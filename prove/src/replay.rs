//! Confirming a solver's input on Saffron's interpreter: the export is invoked on a fresh
//! instance (with the `spectest` imports `saffron run` offers).

use crate::machine::NumType;
use saffron_semantics::script::{instantiate_with_spectest, LoadedModule};
use saffron_semantics::{Extern, Store, TrapKind, Value};

/// Enough for any loop the unrolled search explores; a run out of fuel is not a trap.
const FUEL: u64 = 50_000_000;

/// What happened when the interpreter ran the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Run {
    Trapped(String),
    Returned,
    /// Instantiation failed, or the run ran out of fuel.
    NotRun(String),
}

pub fn run(module: &LoadedModule, export: &str, args: &[Value]) -> Run {
    let mut store = Store::new();
    let instance = match instantiate_with_spectest(&mut store, module) {
        Ok(i) => i,
        Err(e) => return Run::NotRun(format!("instantiation: {e}")),
    };
    let Some(Extern::Func(f)) = store.export(instance, export) else {
        return Run::NotRun(format!("no exported function {export:?}"));
    };
    store.set_fuel(Some(FUEL));
    match store.invoke(f, args) {
        Ok(_) => Run::Returned,
        Err(t) if t.kind == TrapKind::OutOfFuel => Run::NotRun("out of fuel".into()),
        Err(t) => Run::Trapped(t.message),
    }
}

/// An argument from a model's bits (`None`: the model does not care, 0 is as good).
pub fn value(ty: NumType, bits: Option<u128>) -> Value {
    let b = bits.unwrap_or(0);
    match ty {
        NumType::I32 => Value::I32(b as u32 as i32),
        NumType::I64 => Value::I64(b as u64 as i64),
        NumType::F32 => Value::F32(b as u32),
        NumType::F64 => Value::F64(b as u64),
    }
}

/// The argument as `saffron run` parses it: integers in decimal, floats as raw bits.
pub fn text(v: &Value) -> String {
    match v {
        Value::I32(x) => x.to_string(),
        Value::I64(x) => x.to_string(),
        Value::F32(b) => format!("0x{b:08x}"),
        Value::F64(b) => format!("0x{b:016x}"),
        other => format!("{other:?}"),
    }
}
