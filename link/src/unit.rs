//! The `wasm` verification unit: for each Wasm op × type instance, Saffron's
//! semantics of the op (the generic numerics over [`SpecDomain`]) is the spec
//! of a root term whose one rule is the CLIF wasmtime compiled for the op.
//! The verifier then proves, with Cranelift's CLIF specs read from the opt
//! unit, that CLIF traps iff Wasm traps and otherwise returns Wasm's value
//! (floats bit for bit, NaNs within Wasm's allowed sets). Loads and stores
//! have their own Wasm side (see [`crate::memory`]), over the heap base and
//! memory size as free inputs of the root.

use crate::capture::capture;
use crate::catalog::{OpInstance, ValType};
use crate::replay;
use crate::clif_isle::{result_expr, vmctx_input, Unsupported};
use crate::generated::{load_options, verify_generated, GeneratedRule, Root, RunOptions};
use crate::memory;
use crate::sym::SpecDomain;
use crate::sym_val;
use saffron_semantics::numerics::domain::BoolOps;
use saffron_semantics::numerics::instr;
use saffron_verifier::load::{load, Program};
use saffron_verifier::report::{InstanceResult, UnitReport};
use saffron_verifier::solve::Outcome;
use saffron_verifier::span::Span;
use std::path::PathBuf;
use std::time::Instant;

pub use crate::generated::WasmUnitError;

pub struct WasmUnitOptions {
    pub op: Option<String>,
    pub cranelift_dir: Option<PathBuf>,
    /// Further spec overrides `(name, text)`, each replacing a loaded CLIF
    /// spec (shipped or Saffron's), after Saffron's own corrections: a
    /// spec under test (see `link/tests/wasm_filetests/`).
    pub spec_overrides: Vec<(String, String)>,
    pub run: RunOptions,
}

/// One op instance's generated rule, and what its replay needs.
struct Generated {
    op: OpInstance,
    rule: GeneratedRule,
    wasm: Vec<u8>,
}

fn model(t: ValType) -> String {
    format!("(bv {})", t.bits())
}

/// The Wasm side as spec text: `clif_trap` holds iff Wasm traps, and when
/// it returns, `result` is Wasm's value (memory instructions: see `memory`).
fn wasm_spec(op: &OpInstance, operator: &wasmparser::Operator) -> Result<String, Unsupported> {
    if let Some(m) = &op.memory {
        let args: Vec<String> = (0..op.params.len()).map(|i| format!("a{i}")).collect();
        return Ok(memory::mem_provides(m, &args, &vmctx_input(memory::heap_base_offset()), op.result));
    }
    let witness = if op.result.is_float() { Some((op.result.bits(), "result")) } else { None };
    let d = SpecDomain::new(witness);
    let args = crate::sym_val::params(&op.params);
    let (value, traps) = match operator {
        wasmparser::Operator::Select | wasmparser::Operator::TypedSelect { .. } => {
            let [a, b, c] = args.as_slice() else { return Err(Unsupported("select: bad operands".into())) };
            (sym_val::select(&d, &sym_val::is_true(&d, c)?, a, b)?, vec![])
        }
        _ => match instr::apply(&d, operator, &args) {
            Some(a) => (a.value, a.traps.into_iter().map(|(c, _)| c).collect::<Vec<_>>()),
            None => return Err(Unsupported(format!("`{}` is not a scalar numeric op of the semantics", op.name))),
        },
    };
    let mut trap = d.bool_lit(false);
    for c in &traps {
        trap = d.bor(&trap, c);
    }
    let v = sym_val::term(&value);
    Ok(d.finish(&format!("(and (= clif_trap {}) (=> (not clif_trap) (= result {v})))", trap.0)))
}

/// The operator the module's only function applies (its last before `end`).
fn body_operator(wasm: &[u8]) -> Option<wasmparser::Operator<'_>> {
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload {
            let mut ops = body.get_operators_reader().ok()?;
            let mut last = None;
            while !ops.eof() {
                match ops.read().ok()? {
                    wasmparser::Operator::End => {}
                    op => last = Some(op),
                }
            }
            return last;
        }
    }
    None
}

fn generate(op: &OpInstance, index: usize, terms: &Program) -> Result<Generated, Unsupported> {
    let wasm = wat::parse_str(op.wat()).map_err(|e| Unsupported(format!("cannot assemble the module: {e}")))?;
    let operator = body_operator(&wasm).ok_or_else(|| Unsupported("the module has no body operator".into()))?;
    let spec = wasm_spec(op, &operator)?;
    let funcs = capture(&wasm).map_err(|e| Unsupported(e.to_string()))?;
    let [(_, f)] = funcs.as_slice() else {
        return Err(Unsupported(format!("wasmtime emitted {} functions, expected one", funcs.len())));
    };
    let rhs = result_expr(f, op.params.len(), terms)?;
    // Free inputs besides the Wasm operands: the vmctx fields the CLIF reads
    // (and the heap base and memory size a memory instruction's spec names).
    let mut vmctx = rhs.vmctx_fields.clone();
    if op.memory.is_some() {
        vmctx.insert(memory::heap_base_offset());
    }
    let mut extra: Vec<String> = vmctx.iter().map(|&o| vmctx_input(o)).collect();
    let mut requires = Vec::new();
    if op.memory.is_some() {
        extra.push(memory::MEM_SIZE.to_string());
        requires = memory::mem_size_requires();
    }
    // The captured CLIF, for whoever reads the generated file.
    let clif: String = f.display().to_string().lines().map(|l| format!(";;   {l}\n")).collect();
    let mut params: Vec<String> = (0..op.params.len()).map(|i| format!("a{i}")).collect();
    params.extend(extra.iter().cloned());
    let mut models: Vec<String> = op.params.iter().map(|t| model(*t)).collect();
    models.extend(extra.iter().map(|_| "(bv 64)".to_string()));
    // A store's result is the store instruction's (a 1-bit placeholder in
    // the shipped spec).
    let ret = if op.returns() { model(op.result) } else { "(bv 1)".to_string() };
    let rule = GeneratedRule::new(Root {
        root: format!("wasm_op_{index}"),
        comment: format!(";; {} {}\n{clif}", op.name, op.types()),
        params,
        models,
        ret,
        spec,
        requires,
        rhs: &rhs,
    });
    Ok(Generated { op: op.clone(), rule, wasm })
}

fn unsupported_result(op: &OpInstance, reason: String) -> InstanceResult {
    let span = Span::new("<wasm>", 1, 1);
    InstanceResult::new(op.name.clone(), vec![], op.types(), span, Outcome::Unsupported(reason), 0)
}

/// Runs the unit; one result per op × type instance.
pub fn verify_wasm_unit(o: &WasmUnitOptions) -> Result<UnitReport, WasmUnitError> {
    let start = Instant::now();
    let mut ops = crate::catalog::all();
    if let Some(name) = &o.op {
        let mut known: Vec<&str> = ops.iter().map(|op| op.name.as_str()).collect();
        known.dedup();
        let known = known.join(" ");
        ops.retain(|op| &op.name == name);
        if ops.is_empty() {
            return Err(WasmUnitError::UnknownOp(name.clone(), known));
        }
    }
    let mut load_opts = load_options(o.cranelift_dir.clone());
    load_opts.spec_overrides.extend(o.spec_overrides.iter().cloned());
    let terms = load(&load_opts).map_err(|e| WasmUnitError::Verifier(e.to_string()))?;
    let mut results = Vec::new();
    let mut generated = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        match generate(op, i, &terms) {
            Ok(g) => generated.push(g),
            Err(Unsupported(reason)) => results.push(unsupported_result(op, reason)),
        }
    }
    let rules: Vec<GeneratedRule> = generated.iter().map(|g| g.rule.clone()).collect();
    let (expansions, verdicts) = verify_generated(&rules, &terms, &load_opts, &o.run)?;
    drop(terms);
    for mut r in verdicts {
        // Each generated root has exactly one rule, named after the root.
        let Some(g) = generated.iter().find(|g| g.rule.root == r.rule) else {
            return Err(WasmUnitError::Verifier(format!("result for `{}`, which is no generated root", r.rule)));
        };
        r.rule = g.op.name.clone();
        r.types = format!("{} [{}]", g.op.types(), r.types);
        if let (Some(cx), Some(reason)) = (&r.counterexample, &mut r.reason) {
            reason.push_str(&replay_note(g, cx));
        }
        results.push(r);
    }
    Ok(UnitReport::new("wasm".into(), expansions, results, start.elapsed().as_millis() as u64))
}

/// The counterexample's inputs run on Saffron's interpreter and on wasmtime.
fn replay_note(g: &Generated, cx: &saffron_verifier::replay::Counterexample) -> String {
    if g.op.memory.is_some() {
        return "; not replayed on the engines: the counterexample of a memory instruction names a heap \
                base, memory size and memory contents the replay does not set up"
            .into();
    }
    replay::replay_note(&g.wasm, "f", &g.op.params, Some(g.op.result), cx)
}
