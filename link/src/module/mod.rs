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

mod heap;
pub mod paths;

use crate::capture::capture;
use crate::catalog::ValType;
use crate::clif_isle::{result_expr, vmctx_input, Unsupported};
use crate::generated::{load_options, verify_generated, GeneratedRule, Root, RunOptions, WasmUnitError};
use crate::memory;
use crate::sym::SpecDomain;
use paths::{paths, select, term};
use saffron_semantics::numerics::domain::BoolOps;
use saffron_semantics::numerics::instr::Val;
use saffron_verifier::load::load;
use saffron_verifier::report::{InstanceResult, UnitReport};
use saffron_verifier::solve::Outcome;
use saffron_verifier::span::Span;
use std::path::PathBuf;
use std::time::Instant;

pub struct ModuleOptions {
    pub file: PathBuf,
    /// Only the function exported under this name.
    pub func: Option<String>,
    pub cranelift_dir: Option<PathBuf>,
    pub run: RunOptions,
}

/// The module's memories, as far as the heap access of a function needs.
#[derive(Default)]
struct Memories {
    imported: u32,
    /// Limits of each defined memory.
    defined: Vec<wasmparser::MemoryType>,
}

impl Memories {
    /// The heap base input and the memory size's limits, for an access to
    /// memory 0, or why it is not read.
    fn heap(&self) -> Result<(i32, Vec<String>), Unsupported> {
        if self.imported > 0 {
            return Err(Unsupported("an access to an imported memory (only a defined memory is read)".into()));
        }
        let Some(m) = self.defined.first() else { return Err(Unsupported("an access without a memory".into())) };
        if m.memory64 || m.shared || m.page_size_log2.is_some_and(|p| p != 16) {
            return Err(Unsupported("an access to a 64-bit, shared or custom-page-size memory".into()));
        }
        let offset = memory::heap_base_offset_in(self.imported, self.defined.len() as u32);
        Ok((offset, memory::mem_size_requires_in(m.initial, m.maximum)))
    }
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
    /// Whether `name` is an export name (the replay calls it).
    exported: bool,
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

fn functions(wasm: &[u8]) -> Result<(Vec<Func<'_>>, Memories), WasmUnitError> {
    let mut memories = Memories::default();
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
                    match i.map_err(bad)?.ty {
                        wasmparser::TypeRef::Func(_) => imported += 1,
                        wasmparser::TypeRef::Memory(_) => memories.imported += 1,
                        _ => {}
                    }
                }
            }
            wasmparser::Payload::MemorySection(r) => {
                for m in r {
                    memories.defined.push(m.map_err(bad)?);
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
                let exported = names.contains_key(&index);
                let name = names.get(&index).cloned().unwrap_or_else(|| format!("func[{index}]"));
                out.push(Func { name, params: ty.params().to_vec(), results: ty.results().to_vec(), body, defined, exported });
            }
            _ => {}
        }
    }
    Ok((out, memories))
}

fn model(t: ValType) -> String {
    format!("(bv {})", t.bits())
}

/// Saffron's semantics of `f` as the root's spec body: `clif_trap` holds
/// iff the path taken traps, else `result` is that path's value. With a heap
/// access (`heap`: the heap base input and the memory size's limits), the
/// CLIF access must be Wasm's, within the reservation, and Wasm traps iff
/// CLIF traps explicitly or its access faults (see `crate::memory`).
fn wasm_spec(f: &Func, params: &[ValType], result: Option<ValType>, heap: &dyn Fn() -> Result<(i32, Vec<String>), Unsupported>) -> Result<WasmSide, Unsupported> {
    // A function is a chain of operations: each NaN is chosen by
    // propagation, not read off the CLIF result (see `SpecDomain::propagating`).
    let d = SpecDomain::propagating();
    let args = crate::sym_val::params(params);
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
    let ends = paths(&d, &ops, args, &locals, result.map_or(0, |_| 1))?;
    let accesses = ends.iter().filter(|p| p.access.is_some()).count();
    if accesses != 0 && accesses != ends.len() {
        return Err(Unsupported("the heap access is not on every path (one unconditional access is read)".into()));
    }
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
    let returned = value.map(|v| format!("(= result {})", term(&v)));
    let Some(access) = ends.first().and_then(|p| p.access.clone()) else {
        let body = match returned {
            Some(r) => format!("(and (= clif_trap {}) (=> (not clif_trap) {r}))", trap.0),
            None => return Err(Unsupported("the function returns nothing and stores nothing".into())),
        };
        return Ok(WasmSide { spec: d.finish(&body), heap: None });
    };
    if ends.iter().any(|p| p.access.as_ref().is_some_and(|a| a.addr != access.addr || a.mem != access.mem)) {
        return Err(Unsupported("different heap accesses on different paths".into()));
    }
    let (base_offset, requires) = heap()?;
    let base = vmctx_input(base_offset);
    let a = memory::access_terms(&access.mem, &access.addr, &base);
    let effect = match (&access.stored, returned) {
        (None, Some(r)) => r,
        (Some(v), None) => memory::stored_value(&access.mem, v),
        _ => return Err(Unsupported("a function that stores and returns a value (one effect is read)".into())),
    };
    let body = format!(
        "(and {facts} (= {trap} (or clif_trap {fault})) (=> (not {trap}) {effect}))",
        facts = a.facts,
        trap = trap.0,
        fault = a.fault
    );
    Ok(WasmSide { spec: d.finish(&body), heap: Some((base_offset, requires)) })
}

/// The Wasm side of a function: its spec body and, with a heap access, the
/// heap base's vmctx offset and the memory size's limits.
struct WasmSide {
    spec: String,
    heap: Option<(i32, Vec<String>)>,
}

fn unsupported_result(name: &str, types: String, reason: String) -> InstanceResult {
    InstanceResult::new(name.to_string(), vec![], types, Span::new("<module>", 1, 1), Outcome::Unsupported(reason), 0)
}

fn signature(f: &Func) -> String {
    let list = |ts: &[wasmparser::ValType]| ts.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ");
    format!("({}) -> ({})", list(&f.params), list(&f.results))
}

/// The root rule of one function, or why it is not read.
fn generate(
    f: &Func,
    clif: Option<&cranelift_codegen::ir::Function>,
    index: usize,
    memories: &Memories,
    terms: &saffron_verifier::load::Program,
) -> Result<GeneratedRule, Unsupported> {
    let (params, result) = value_types(f)?;
    let wasm = wasm_spec(f, &params, result, &|| memories.heap())?;
    let clif = clif.ok_or_else(|| Unsupported("wasmtime emitted no CLIF for the function".into()))?;
    let rhs = result_expr(clif, params.len(), terms)?;
    // Free inputs besides the parameters: the vmctx fields the CLIF reads,
    // and with a heap access the heap base and the memory size.
    let mut vmctx = rhs.vmctx_fields.clone();
    let mut requires = Vec::new();
    if let Some((base, limits)) = &wasm.heap {
        vmctx.insert(*base);
        requires = limits.clone();
    }
    let mut extra: Vec<String> = vmctx.iter().map(|&o| vmctx_input(o)).collect();
    if wasm.heap.is_some() {
        extra.push(memory::MEM_SIZE.to_string());
    }
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
        // A store's result is the store instruction's (a 1-bit placeholder
        // in the shipped spec).
        ret: result.map_or("(bv 1)".to_string(), model),
        spec: wasm.spec,
        requires,
        rhs: &rhs,
    }))
}

/// The parameter types of `f` and its result type, if it has one.
fn value_types(f: &Func) -> Result<(Vec<ValType>, Option<ValType>), Unsupported> {
    let params: Vec<ValType> = f.params.iter().map(|t| val_type(*t)).collect::<Result<_, _>>()?;
    let result = match f.results.as_slice() {
        [r] => Some(val_type(*r)?),
        [] => None,
        _ => return Err(Unsupported("the function returns several values".into())),
    };
    Ok((params, result))
}

/// The counterexample run on both engines, for an exported function
/// without a heap access (the replay sets up no memory contents).
fn replay_note(wasm: &[u8], f: &Func, cx: &saffron_verifier::replay::Counterexample) -> String {
    if !f.exported {
        return "; not replayed on the engines: the function is not exported".into();
    }
    if cx.inputs.iter().any(|b| b.name == memory::MEM_SIZE) {
        return "; not replayed on the engines: the counterexample names a heap base, memory size and \
                memory contents the replay does not set up"
            .into();
    }
    match value_types(f) {
        Ok((params, result)) => crate::replay::replay_note(wasm, &f.name, &params, result, cx),
        Err(Unsupported(why)) => format!("; not replayed on the engines: {why}"),
    }
}

/// Verifies every (or the named) function of the module; one result per
/// function × type instance, `rule` = the function's name.
pub fn verify_module(o: &ModuleOptions) -> Result<UnitReport, WasmUnitError> {
    let start = Instant::now();
    let wasm = read_module(&o.file)?;
    let (mut funcs, memories) = functions(&wasm)?;
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
    let mut rules: Vec<(&Func, GeneratedRule)> = Vec::new();
    for (i, f) in funcs.iter().enumerate() {
        let captured = clif.iter().find(|(d, _)| *d == f.defined).map(|(_, c)| c);
        match generate(f, captured, i, &memories, &terms) {
            Ok(g) => rules.push((f, g)),
            Err(Unsupported(reason)) => results.push(unsupported_result(&f.name, signature(f), reason)),
        }
    }
    let generated: Vec<GeneratedRule> = rules.iter().map(|(_, g)| g.clone()).collect();
    let (expansions, verdicts) = verify_generated(&generated, &terms, &load_opts, &o.run)?;
    for mut r in verdicts {
        let Some((f, _)) = rules.iter().find(|(_, g)| g.root == r.rule) else {
            return Err(WasmUnitError::Verifier(format!("result for `{}`, which is no generated root", r.rule)));
        };
        r.rule = f.name.clone();
        r.types = format!("{} [{}]", signature(f), r.types);
        if let (Some(cx), Some(reason)) = (&r.counterexample, &mut r.reason) {
            reason.push_str(&replay_note(&wasm, f, cx));
        }
        results.push(r);
    }
    Ok(UnitReport::new("module".into(), expansions, results, start.elapsed().as_millis() as u64))
}
