//! `saffron run`: instantiate one module and optionally invoke an export.
use anyhow::{anyhow, bail, Context};
use saffron_semantics::script::{self, LoadedModule};
use saffron_semantics::{
    Extern, HeapTop, HeapType, InstantiationError, Ref, Store, ValType, Value,
};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Arguments are parsed against the export's parameter types: integers in decimal \
or 0x-hex (e.g. 42, -1, 0xff), floats in decimal (1.5, inf, nan) or 0x-prefixed raw bits, \
v128 as a 0x-hex 128-bit number, references only as `null`.\n\n\
Exit status: 0 on success, 1 when execution traps, 2 for unreadable, malformed or invalid input."
)]
pub struct Args {
    /// The module: binary (.wasm) or text (.wat).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Export to invoke after instantiation (default: `_start` if exported, else none).
    #[arg(long, value_name = "NAME")]
    pub invoke: Option<String>,
    /// Arguments of the invoked function.
    #[arg(
        value_name = "ARGS",
        allow_hyphen_values = true,
        trailing_var_arg = true
    )]
    pub args: Vec<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // Load errors already start with the file name (and line/col or offset).
    let module: LoadedModule = script::load_module_file(&args.file).map_err(|e| anyhow!(e))?;
    let mut store = Store::new();
    let instance = match script::instantiate_with_spectest(&mut store, &module) {
        Ok(instance) => instance,
        Err(InstantiationError::Unlinkable(message)) => {
            bail!("{}: unlinkable: {message}", args.file.display())
        }
        Err(InstantiationError::Trap(trap)) => {
            eprintln!("trap: {} (during instantiation)", trap.message);
            return Ok(ExitCode::from(1));
        }
    };
    let name = match &args.invoke {
        Some(name) => name.clone(),
        None if matches!(store.export(instance, "_start"), Some(Extern::Func(_))) => {
            "_start".to_string()
        }
        None if args.args.is_empty() => return Ok(ExitCode::SUCCESS),
        None => bail!("arguments given but no --invoke NAME"),
    };
    let func = match store.export(instance, &name) {
        Some(Extern::Func(f)) => f,
        Some(_) => bail!(
            "{}: export \"{name}\" is not a function",
            args.file.display()
        ),
        None => bail!("{}: no export named \"{name}\"", args.file.display()),
    };
    let ty = store.func_type(func);
    if ty.params.len() != args.args.len() {
        bail!(
            "\"{name}\" takes {} argument(s) {:?}, {} given",
            ty.params.len(),
            ty.params,
            args.args.len()
        );
    }
    let values = ty
        .params
        .iter()
        .zip(&args.args)
        .enumerate()
        .map(|(i, (ty, text))| {
            parse_value(*ty, text).with_context(|| format!("argument {}", i + 1))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    match store.invoke(func, &values) {
        Ok(results) => {
            for value in results {
                println!("{}", format_value(&value));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(trap) => {
            eprintln!("trap: {}", trap.message);
            Ok(ExitCode::from(1))
        }
    }
}

fn parse_value(ty: ValType, text: &str) -> anyhow::Result<Value> {
    let bad = || anyhow!("cannot parse {text:?} as {ty:?}");
    Ok(match ty {
        ValType::I32 => {
            let v = parse_int(text).ok_or_else(bad)?;
            if !(i32::MIN as i128..=u32::MAX as i128).contains(&v) {
                return Err(bad());
            }
            Value::I32(v as i32)
        }
        ValType::I64 => {
            let v = parse_int(text).ok_or_else(bad)?;
            if !(i64::MIN as i128..=u64::MAX as i128).contains(&v) {
                return Err(bad());
            }
            Value::I64(v as i64)
        }
        ValType::F32 => Value::F32(match hex_bits(text) {
            Some(bits) => u32::try_from(bits).map_err(|_| bad())?,
            None => text.parse::<f32>().map_err(|_| bad())?.to_bits(),
        }),
        ValType::F64 => Value::F64(match hex_bits(text) {
            Some(bits) => u64::try_from(bits).map_err(|_| bad())?,
            None => text.parse::<f64>().map_err(|_| bad())?.to_bits(),
        }),
        ValType::V128 => Value::V128(match hex_bits(text) {
            Some(bits) => bits,
            None => text.parse::<u128>().map_err(|_| bad())?,
        }),
        ValType::Ref(r) if r.nullable && text == "null" => Value::Ref(Ref::null(match r.heap {
            HeapType::Func | HeapType::NoFunc => HeapTop::Func,
            HeapType::Extern | HeapType::NoExtern => HeapTop::Extern,
            HeapType::Exn | HeapType::NoExn => HeapTop::Exn,
            HeapType::Concrete(_) => {
                bail!("null of a concrete reference type is not supported here")
            }
            _ => HeapTop::Any,
        })),
        ValType::Ref(_) => bail!("only `null` can be passed for a nullable reference parameter"),
    })
}

/// Decimal (optionally negative) or 0x-hex integer, underscores allowed.
fn parse_int(text: &str) -> Option<i128> {
    let text = text.replace('_', "");
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => i128::from_str_radix(hex, 16).ok()?,
        None => digits.parse::<i128>().ok()?,
    };
    Some(if negative { -magnitude } else { magnitude })
}

fn hex_bits(text: &str) -> Option<u128> {
    let hex = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))?;
    u128::from_str_radix(&hex.replace('_', ""), 16).ok()
}

fn format_value(value: &Value) -> String {
    match value {
        Value::I32(v) => v.to_string(),
        Value::I64(v) => v.to_string(),
        // NaNs print with their bit pattern: payloads matter in WebAssembly.
        Value::F32(bits) if f32::from_bits(*bits).is_nan() => format!("nan (0x{bits:08x})"),
        Value::F32(bits) => format!("{:?}", f32::from_bits(*bits)),
        Value::F64(bits) if f64::from_bits(*bits).is_nan() => format!("nan (0x{bits:016x})"),
        Value::F64(bits) => format!("{:?}", f64::from_bits(*bits)),
        Value::V128(v) => format!("0x{v:032x}"),
        Value::Ref(r) => format!("{:?}", r.kind()),
    }
}
