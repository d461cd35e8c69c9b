//! `saffron verify --module FILE`: translation validation of a user's
//! module. Each defined function that is loop-free and makes no calls is
//! compiled by the pinned wasmtime; its CLIF (read through Cranelift's CLIF
//! specs, control flow through `wasm_cfg_*` terms, see `clif_cfg`) must trap
//! iff Saffron's semantics of the function traps and otherwise return the
//! same value. Functions outside that fragment are `unsupported` with the
//! reason.
//!
//! ```text
//! $ saffron verify --module guarded.wat
//! verified  div_or_zero  (i32 i32) -> i32 [bv 32 ...]
//! unsupported  count  a loop (`loop`): only loop-free functions are read
//! ```

pub mod paths;

use crate::capture::capture;
use crate::catalog::ValType;
use crate::clif_isle::{result_expr, vmctx_input, Unsupported};
use crate::generated::{load_options, verify_generated, GeneratedRule, Root, RunOptions, WasmUnitError};
use crate::sym::{Bv, Fp, SpecDomain};
use paths::{paths, select, term};
use saffron_semantics::numerics::domain::BoolOps;
use saffron_semantics::numerics::instr::Val;
use saffron_verifier::load::load;
use saffron_verifier::report::{InstanceResult, UnitReport};
use saffron_verifier::solve::Outcome;
use saffron_verifier::span::Span;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Instant;

pub struct ModuleOptions {
    pub file: PathBuf,
    /// Only the function exported under this name.
    pub func: Option<String>,
    pub cranelift_dir: Option<PathBuf>,
    pub run: RunOptions,
}

/// A defined function of the module.
struct Func<'a> {
    /// Its export name, else `func[N]` (N: function index).
    name: String,
    params: Vec<wasmparser::ValType>,
    results: Vec<wasmparser::ValType>,
    body: wasmparser::FunctionBody<'a>,
    /// Index among the defined functions (wasmtime's CLIF file number).
    defined: u32,
}

fn val_type(t: wasmparser::ValType) -> Result<ValType, Unsupported> {
    match t {
        wasmparser::ValType::I32 => Ok(ValType::I32),
        wasmparser::ValType::I64 => Ok(ValType::I64),
        wasmparser::ValType::F32 => Ok(ValType::F32),
        wasmparser::ValType::F64 => Ok(ValType::F64),
        other => Err(Unsupported(format!("a value of type {other} (only i32, i64, f32 and f64 are read)"))),
    }
}

/// The module's bytes: a binary as is, text assembled.
fn read_module(file: &PathBuf) -> Result<Vec<u8>, WasmUnitError> {
    let bytes = std::fs::read(file).map_err(|e| WasmUnitError::BadModule(format!("{}: cannot read: {e}", file.display())))?;
    let wasm = wat::parse_bytes(&bytes).map_err(|e| {
        let mut e = e;
        e.set_path(file);
        WasmUnitError::BadModule(e.to_string())
    })?;
    wasmparser::Validator::new()
        .validate_all(&wasm)
        .map_err(|e| WasmUnitError::BadModule(format!("{}: invalid module: {e}", file.display())))?;
    Ok(wasm.into_owned())
}

fn functions(wasm: &[u8]) -> Result<Vec<Func<'_>>, WasmUnitError> {
    let bad = |e: wasmparser::BinaryReaderError| WasmUnitError::BadModule(e.to_string());
    let mut types: Vec<wasmparser::FuncType> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut imported = 0u32;
    let mut names: std::collections::HashMap<u32, String> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload.map_err(bad)? {
            wasmparser::Payload::TypeSection(r) => {
                for t in r.into_iter_err_on_gc_types() {
                    types.push(t.map_err(bad)?);
                }
            }
            wasmparser::Payload::ImportSection(r) => {
                for i in r.into_imports() {
                    if let wasmparser::TypeRef::Func(_) = i.map_err(bad)?.ty {
                        imported += 1;
                    }
                }
            }
            wasmparser::Payload::FunctionSection(r) => {
                for t in r {
                    func_types.push(t.map_err(bad)?);
                }
            }
            wasmparser::Payload::ExportSection(r) => {
                for e in r {
                    let e = e.map_err(bad)?;
                    if e.kind == wasmparser::ExternalKind::Func {
                        names.entry(e.index).or_insert_with(|| e.name.to_string());
                    }
                }
            }
            wasmparser::Payload::CodeSectionEntry(body) => {
                let defined = out.len() as u32;
                let index = imported + defined;
                let ty = func_types.get(defined as usize).and_then(|t| types.get(*t as usize));
                let ty = ty.ok_or_else(|| WasmUnitError::BadModule(format!("function {index} has no type")))?;
                let name = names.get(&index).cloned().unwrap_or_else(|| format!("func[{index}]"));
                out.push(Func { name, params: ty.params().to_vec(), results: ty.results().to_vec(), body, defined });
            }
            _ => {}
        }
    }
    Ok(out)
}

fn model(t: ValType) -> String {
    format!("(bv {})", t.bits())
}

/// Saffron's semantics of `f` as the root's spec body: `clif_trap` holds
/// iff the path taken traps, else `result` is that path's value.
fn wasm_spec(f: &Func, params: &[ValType], result: ValType) -> Result<String, Unsupported> {
    // One operation's NaN choice may be read off the CLIF result; in a
    // chain it cannot (see `SpecDomain::propagating`).
    let d = SpecDomain::propagating();
    let _ = result;
    let args: Vec<Val<SpecDomain>> = params
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let n: Rc<str> = Rc::from(format!("a{i}"));
            match t {
                ValType::I32 => Val::I32(Bv(n)),
                ValType::I64 => Val::I64(Bv(n)),
                ValType::F32 => Val::F32(Fp(n)),
                ValType::F64 => Val::F64(Fp(n)),
            }
        })
        .collect();
    let mut locals = Vec::new();
    let reader = f.body.get_locals_reader().map_err(|e| Unsupported(e.to_string()))?;
    for l in reader {
        let (n, t) = l.map_err(|e| Unsupported(e.to_string()))?;
        let t = val_type(t)?;
        locals.extend(std::iter::repeat_n(t, n as usize));
    }
    let mut ops = Vec::new();
    let mut reader = f.body.get_operators_reader().map_err(|e| Unsupported(e.to_string()))?;
    while !reader.eof() {
        ops.push(reader.read().map_err(|e| Unsupported(e.to_string()))?);
    }
    let ends = paths(&d, &ops, args, &locals, 1)?;
    let mut trap = d.bool_lit(false);
    let mut value: Option<Val<SpecDomain>> = None;
    // Later paths first, so the first path's value is the outermost case.
    for p in ends.iter().rev() {
        let t = d.band(&p.cond, &p.trap);
        trap = d.bor(&trap, &t);
        if let Some(v) = &p.result {
            value = Some(match value {
                None => v.clone(),
                Some(rest) => select(&d, &p.cond, v, &rest)?,
            });
        }
    }
    let body = match value {
        Some(v) => format!("(and (= clif_trap {}) (=> (not clif_trap) (= result {})))", trap.0, term(&v)),
        None => format!("(= clif_trap {})", trap.0),
    };
    Ok(d.finish(&body))
}

fn unsupported_result(name: &str, types: String, reason: String) -> InstanceResult {
    InstanceResult::new(name.to_string(), vec![], types, Span::new("<module>", 1, 1), Outcome::Unsupported(reason), 0)
}

fn signature(f: &Func) -> String {
    let list = |ts: &[wasmparser::ValType]| ts.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ");
    format!("({}) -> {}", list(&f.params), list(&f.results))
}

/// The root rule of one function, or why it is not read.
fn generate(f: &Func, clif: Option<&cranelift_codegen::ir::Function>, index: usize, terms: &saffron_verifier::load::Program) -> Result<GeneratedRule, Unsupported> {
    let params: Vec<ValType> = f.params.iter().map(|t| val_type(*t)).collect::<Result<_, _>>()?;
    let result = match f.results.as_slice() {
        [r] => val_type(*r)?,
        [] => return Err(Unsupported("the function returns nothing (only functions with one result are read)".into())),
        _ => return Err(Unsupported("the function returns several values".into())),
    };
    let spec = wasm_spec(f, &params, result)?;
    let clif = clif.ok_or_else(|| Unsupported("wasmtime emitted no CLIF for the function".into()))?;
    let rhs = result_expr(clif, params.len(), terms)?;
    let extra: Vec<String> = rhs.vmctx_fields.iter().map(|&o| vmctx_input(o)).collect();
    let mut names: Vec<String> = (0..params.len()).map(|i| format!("a{i}")).collect();
    names.extend(extra.iter().cloned());
    let mut models: Vec<String> = params.iter().map(|t| model(*t)).collect();
    models.extend(extra.iter().map(|_| "(bv 64)".to_string()));
    let text: String = clif.display().to_string().lines().map(|l| format!(";;   {l}\n")).collect();
    Ok(GeneratedRule::new(Root {
        root: format!("wasm_func_{index}"),
        comment: format!(";; function {} {}\n{text}", f.name, signature(f)),
        params: names,
        models,
        ret: model(result),
        spec,
        requires: vec![],
        rhs: &rhs,
    }))
}

/// Verifies every (or the named) function of the module; one result per
/// function × type instance, `rule` = the function's name.
pub fn verify_module(o: &ModuleOptions) -> Result<UnitReport, WasmUnitError> {
    let start = Instant::now();
    let wasm = read_module(&o.file)?;
    let mut funcs = functions(&wasm)?;
    if let Some(name) = &o.func {
        funcs.retain(|f| &f.name == name);
        if funcs.is_empty() {
            return Err(WasmUnitError::BadModule(format!("{}: no function exported as `{name}`", o.file.display())));
        }
    }
    let clif = capture(&wasm).map_err(|e| WasmUnitError::BadModule(e.to_string()))?;
    let load_opts = load_options(o.cranelift_dir.clone());
    let terms = load(&load_opts).map_err(|e| WasmUnitError::Verifier(e.to_string()))?;
    let mut results = Vec::new();
    let mut rules: Vec<(String, String, GeneratedRule)> = Vec::new();
    for (i, f) in funcs.iter().enumerate() {
        let captured = clif.iter().find(|(d, _)| *d == f.defined).map(|(_, c)| c);
        match generate(f, captured, i, &terms) {
            Ok(g) => rules.push((f.name.clone(), signature(f), g)),
            Err(Unsupported(reason)) => results.push(unsupported_result(&f.name, signature(f), reason)),
        }
    }
    let generated: Vec<GeneratedRule> = rules.iter().map(|(_, _, g)| g.clone()).collect();
    let (expansions, verdicts) = verify_generated(&generated, &terms, &load_opts, &o.run)?;
    for mut r in verdicts {
        let Some((name, sig, _)) = rules.iter().find(|(_, _, g)| g.root == r.rule) else {
            return Err(WasmUnitError::Verifier(format!("result for `{}`, which is no generated root", r.rule)));
        };
        r.rule = name.clone();
        r.types = format!("{sig} [{}]", r.types);
        results.push(r);
    }
    Ok(UnitReport::new("module".into(), expansions, results, start.elapsed().as_millis() as u64))
}
