//! Replaying a counterexample twice: the one-function module on Saffron's
//! interpreter and on wasmtime (the real compiled code), with the inputs the
//! solver found; the note says which side disagrees with the CLIF specs.

use crate::catalog::ValType;
use saffron_semantics::script::LoadedModule;
use saffron_semantics::{Extern, Store, Value};

/// What one engine did with the inputs: the result's raw bits, or the trap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    Returned(u64),
    Trapped(String),
    Failed(String),
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Run::Returned(v) => write!(f, "returns {v:#x}"),
            Run::Trapped(m) => write!(f, "traps ({m})"),
            Run::Failed(m) => write!(f, "could not run: {m}"),
        }
    }
}

/// One argument: raw bits read at its parameter's type (floats as bits), the
/// one conversion both engines' argument lists are built from.
#[derive(Clone, Copy, Debug)]
enum Arg {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
}

fn typed_args(params: &[ValType], args: &[u64]) -> Vec<Arg> {
    params
        .iter()
        .zip(args)
        .map(|(t, &a)| match t {
            ValType::I32 => Arg::I32(a as u32 as i32),
            ValType::I64 => Arg::I64(a as i64),
            ValType::F32 => Arg::F32(a as u32),
            ValType::F64 => Arg::F64(a),
        })
        .collect()
}

impl From<Arg> for Value {
    fn from(a: Arg) -> Value {
        match a {
            Arg::I32(v) => Value::I32(v),
            Arg::I64(v) => Value::I64(v),
            Arg::F32(v) => Value::F32(v),
            Arg::F64(v) => Value::F64(v),
        }
    }
}

impl From<Arg> for wasmtime::Val {
    fn from(a: Arg) -> wasmtime::Val {
        match a {
            Arg::I32(v) => wasmtime::Val::I32(v),
            Arg::I64(v) => wasmtime::Val::I64(v),
            Arg::F32(v) => wasmtime::Val::F32(v),
            Arg::F64(v) => wasmtime::Val::F64(v),
        }
    }
}

/// Runs export `export` of `wasm` on Saffron's interpreter with raw argument bits.
pub fn on_saffron(wasm: &[u8], export: &str, params: &[ValType], args: &[u64]) -> Run {
    // The interpreter loads modules from files (binary recognised by its magic).
    let file = match tempfile::Builder::new().suffix(".wasm").tempfile() {
        Ok(f) => f,
        Err(e) => return Run::Failed(e.to_string()),
    };
    if let Err(e) = std::fs::write(file.path(), wasm) {
        return Run::Failed(e.to_string());
    }
    let module: LoadedModule = match saffron_semantics::script::load_module_file(file.path()) {
        Ok(m) => m,
        Err(e) => return Run::Failed(e.to_string()),
    };
    let mut store = Store::new();
    let instance = match saffron_semantics::script::instantiate_with_spectest(&mut store, &module) {
        Ok(i) => i,
        Err(e) => return Run::Failed(format!("{e:?}")),
    };
    let Some(Extern::Func(func)) = store.export(instance, export) else { return Run::Failed(format!("no export `{export}`")) };
    let values: Vec<Value> = typed_args(params, args).into_iter().map(Value::from).collect();
    match store.invoke(func, &values) {
        Ok(results) => match results.first() {
            Some(Value::I32(v)) => Run::Returned(*v as u32 as u64),
            Some(Value::I64(v)) => Run::Returned(*v as u64),
            Some(Value::F32(v)) => Run::Returned(*v as u64),
            Some(Value::F64(v)) => Run::Returned(*v),
            other => Run::Failed(format!("unexpected result {other:?}")),
        },
        Err(trap) => Run::Trapped(trap.message.to_string()),
    }
}

/// Runs export `export` of `wasm` compiled by wasmtime (default configuration).
pub fn on_wasmtime(wasm: &[u8], export: &str, params: &[ValType], args: &[u64]) -> Run {
    use wasmtime::Val;
    let engine = wasmtime::Engine::default();
    let module = match wasmtime::Module::new(&engine, wasm) {
        Ok(m) => m,
        Err(e) => return Run::Failed(format!("{e:#}")),
    };
    let mut store = wasmtime::Store::new(&engine, ());
    let instance = match wasmtime::Instance::new(&mut store, &module, &[]) {
        Ok(i) => i,
        Err(e) => return Run::Failed(format!("{e:#}")),
    };
    let Some(func) = instance.get_func(&mut store, export) else { return Run::Failed(format!("no export `{export}`")) };
    let vals: Vec<Val> = typed_args(params, args).into_iter().map(Val::from).collect();
    let mut out = [Val::I32(0)];
    match func.call(&mut store, &vals, &mut out) {
        Ok(()) => match out[0] {
            Val::I32(v) => Run::Returned(v as u32 as u64),
            Val::I64(v) => Run::Returned(v as u64),
            Val::F32(v) => Run::Returned(v as u64),
            Val::F64(v) => Run::Returned(v),
            ref other => Run::Failed(format!("unexpected result {other:?}")),
        },
        Err(e) => Run::Trapped(format!("{e}")),
    }
}

/// Parses a counterexample value as printed by the verifier (`#x…`, `#b…`).
pub fn parse_bits(s: &str) -> Option<u64> {
    // `#x0000002a (42)`: the bits, then a decimal reading.
    let s = s.split_whitespace().next()?;
    if let Some(h) = s.strip_prefix("#x") {
        u64::from_str_radix(h, 16).ok()
    } else if let Some(b) = s.strip_prefix("#b") {
        u64::from_str_radix(b, 2).ok()
    } else {
        s.parse().ok()
    }
}

/// Whether two runs agree (the same bits, or both trap).
pub fn same(a: &Run, b: &Run) -> bool {
    match (a, b) {
        (Run::Returned(x), Run::Returned(y)) => x == y,
        (Run::Trapped(_), Run::Trapped(_)) => true,
        _ => false,
    }
}

/// Both runs returned a NaN of the float type `result`.
fn both_nan(a: &Run, b: &Run, result: Option<ValType>) -> bool {
    let is_nan = |bits: u64| match result {
        Some(ValType::F32) => f32::from_bits(bits as u32).is_nan(),
        Some(ValType::F64) => f64::from_bits(bits).is_nan(),
        _ => false,
    };
    matches!((a, b), (Run::Returned(x), Run::Returned(y)) if is_nan(*x) && is_nan(*y))
}

/// The counterexample's inputs run on Saffron's interpreter and on wasmtime
/// (export `export`, parameters `params` named `a0, a1, …` in the query):
/// the note a counterexample's reason gets.
/// `result` is the function's result type, if it has one.
pub fn replay_note(
    wasm: &[u8],
    export: &str,
    params: &[ValType],
    result: Option<ValType>,
    cx: &saffron_verifier::replay::Counterexample,
) -> String {
    let mut args = Vec::new();
    for i in 0..params.len() {
        let names = [format!("arg{i}"), format!("a{i}")];
        let Some(b) = cx.inputs.iter().find(|b| names.contains(&b.name)) else {
            return format!("; not replayed on the engines: no value for argument {i}");
        };
        let Some(v) = parse_bits(&b.value) else {
            return format!("; not replayed on the engines: cannot read `{}`", b.value);
        };
        args.push(v);
    }
    let saffron = on_saffron(wasm, export, params, &args);
    let wasmtime = on_wasmtime(wasm, export, params, &args);
    let shown: Vec<String> = args.iter().map(|a| format!("{a:#x}")).collect();
    let verdict = if same(&saffron, &wasmtime) {
        "the engines agree, so the CLIF side as read through the specs is what disagrees"
    } else if both_nan(&saffron, &wasmtime, result) {
        // Wasm lets each engine pick its NaN within an allowed set, so
        // different bits are no disagreement by themselves.
        "both return a NaN, whose bits Wasm lets engines choose differently: the engines do not decide it"
    } else {
        "wasmtime disagrees with Saffron's semantics"
    };
    format!("; replay {export}({}): Saffron {saffron}, wasmtime {wasmtime}: {verdict}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nans_of_different_bits_are_no_disagreement() {
        let canonical = Run::Returned(0x7ff8_0000_0000_0000);
        let payload = Run::Returned(0x7fff_0679_6000_0000);
        assert!(both_nan(&canonical, &payload, Some(ValType::F64)));
        // The same bits read as an i64 result are two different integers.
        assert!(!both_nan(&canonical, &payload, Some(ValType::I64)));
        assert!(!both_nan(&Run::Returned(0x7fc0_0000), &Run::Returned(0x3f80_0000), Some(ValType::F32)));
        assert!(!both_nan(&canonical, &Run::Trapped("unreachable".into()), Some(ValType::F64)));
    }
}
