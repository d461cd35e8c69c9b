//! The clif-specs campaign: build and compile every (instruction, width,
//! type choice, immediate) function once, then run them round-robin on
//! fresh inputs until the time is up, judging every outcome.

use super::clif_func::{self, Shape, PARAMS};
use super::inputs::{self, mask};
use super::judge::{self, Judged as _, Native, Prepared};
use crate::spec_fuzz::campaign::{round_robin, show_spec_value, solve_options, Pass, RunSummary};
use crate::spec_fuzz::used_solver;
use super::native::{self, NativeFn, Outcome};
use super::probe::{self, ArgKind, NotCovered, SpecCase};
use crate::campaign::SplitMix64;
use cranelift_codegen::ir::{types, Opcode, Type};
use saffron_verifier::ir::VarId;
use saffron_verifier::ir::{Bits, Value};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Options {
    pub seconds: f64,
    pub seed: u64,
    /// A cranelift-codegen source tree to read the specs from.
    pub cranelift_dir: Option<PathBuf>,
}

/// Inputs per child process (one fork per batch, more after a trap).
const BATCH: usize = 64;
/// Immediate values tried per immediate operand (each is its own function).
const IMMEDIATES: usize = 8;
/// Mismatch examples kept per function; all are counted.
const EXAMPLES_PER_SHAPE: usize = 1;

#[derive(Clone, Debug, Serialize)]
pub struct SpecMismatch {
    pub inst: String,
    /// The verifier's type instance.
    pub types: String,
    /// The compiled function in one line (CLIF types, condition, immediates).
    pub function: String,
    pub clif: String,
    pub inputs: Vec<String>,
    pub native: String,
    pub spec_result: String,
    pub spec_trap: String,
    /// `disallowed`, or why it could not be decided.
    pub verdict: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// `specs_total` counts the instructions with a spec in `inst_specs.isle`.
    #[serde(flatten)]
    pub summary: RunSummary,
    pub widths_covered: Vec<u32>,
    /// Compiled functions (instruction × width × type choice × immediate).
    pub functions: usize,
    pub not_covered: Vec<NotCovered>,
    /// Instances (width, type choice, immediate) left out of covered
    /// instructions, with the reason.
    pub partly_covered: Vec<NotCovered>,
    pub mismatches: Vec<SpecMismatch>,
    pub solver_calls_by_inst: BTreeMap<String, u64>,
    /// Loading the specs, building and compiling the functions.
    pub setup_seconds: f64,
}

/// One compiled function and what judging it needs.
struct Runnable {
    case: usize,
    function: String,
    shape: Shape,
    clif: String,
    func: NativeFn,
    /// Values fixed at compile time (condition code, immediates).
    fixed: HashMap<VarId, Value>,
}

/// The value type an immediate argument encodes.
fn immediate_type(isle_type: &str, shape_ctrl: Type) -> Option<Type> {
    match isle_type {
        "Imm64" if shape_ctrl.is_int() => Some(shape_ctrl),
        "Ieee32" => Some(types::F32),
        "Ieee64" => Some(types::F64),
        _ => None,
    }
}

/// Every shape of a case: type choices × condition codes × immediates.
fn shapes(case: &SpecCase, opcode: Opcode, rng: &mut SplitMix64) -> Result<Vec<(Shape, HashMap<VarId, Value>)>, String> {
    let mut out = Vec::new();
    for (ctrl, operands, result) in clif_func::type_choices(case, opcode)? {
        let mut partial: Vec<(Option<usize>, Vec<u64>, HashMap<VarId, Value>)> = vec![(None, Vec::new(), HashMap::new())];
        for a in &case.args {
            match &a.kind {
                ArgKind::IntCC(vs) | ArgKind::FloatCC(vs) => {
                    let var = a.var.ok_or("condition code without a variable")?;
                    let w = case.width(var);
                    partial = partial
                        .into_iter()
                        .flat_map(|(_, imms, fixed)| {
                            (0..vs.len()).map(move |i| {
                                let mut f = fixed.clone();
                                f.insert(var, Value::Bv(Bits::new(w, i as u128)));
                                (Some(i), imms.clone(), f)
                            })
                        })
                        .collect();
                }
                ArgKind::Immediate(name) => {
                    let var = a.var.ok_or("immediate without a variable")?;
                    let ty = immediate_type(name, ctrl).ok_or_else(|| format!("immediate of ISLE type {name}"))?;
                    let edges = inputs::edges(ty);
                    let picks: Vec<u64> = (0..IMMEDIATES)
                        .map(|k| if k % 2 == 0 { edges[(rng.next_u64() % edges.len() as u64) as usize] } else { inputs::random(rng, ty) })
                        .collect();
                    let w = case.width(var);
                    partial = partial
                        .into_iter()
                        .flat_map(|(cond, imms, fixed)| {
                            picks.iter().map(move |p| {
                                let mut f = fixed.clone();
                                f.insert(var, Value::Bv(Bits::new(w, (*p & mask(w)) as u128)));
                                (cond, [imms.clone(), vec![*p]].concat(), f)
                            })
                        })
                        .collect();
                }
                ArgKind::Other(name) => return Err(format!("argument of ISLE type {name} is not built by the harness")),
                ArgKind::MemFlags if !matches!(opcode.format(), cranelift_codegen::ir::instructions::InstructionFormat::LoadNoOffset) => {
                    return Err("memory access: the harness has no memory model".into())
                }
                _ => {}
            }
        }
        for (cond, imms, fixed) in partial {
            out.push((Shape { ctrl, operands: operands.clone(), result, cond, imms }, fixed));
        }
    }
    Ok(out)
}

pub fn run(opts: &Options) -> Result<Report, String> {
    let start = Instant::now();
    let mut rng = SplitMix64::new(opts.seed);
    let probe = probe::probe(opts.cranelift_dir.clone())?;
    let mut not_covered = probe.not_covered.clone();
    let prepared: Vec<Option<Prepared>> = probe.cases.iter().map(|c| judge::prepare(&c.query).ok()).collect();
    let solve_opts = solve_options();
    let isa = native::host_isa()?;
    let frontend = isa.frontend_config();

    // Build every function; remember why an instruction has none.
    let mut pending = Vec::new();
    let mut funcs = Vec::new();
    let mut reasons: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (ci, case) in probe.cases.iter().enumerate() {
        let mut fail = |r: String| reasons.entry(case.inst.clone()).or_default().insert(format!("{}: {r}", case.types));
        let Some(_) = &prepared[ci] else {
            fail("the query has a cycle".into());
            continue;
        };
        let opcode: Opcode = match case.inst.parse() {
            Ok(o) => o,
            Err(_) => continue,
        };
        match shapes(case, opcode, &mut rng) {
            Err(r) => {
                fail(r);
            }
            Ok(list) => {
                for (shape, fixed) in list {
                    let function = shape.describe(case, opcode);
                    if !fixed.is_empty() && !judge::applicable(case, &fixed, &solve_opts) {
                        fail(format!("{function}: the spec has no model with this condition code or immediate"));
                        continue;
                    }
                    match clif_func::build(case, opcode, &shape, funcs.len() as u32, frontend) {
                        Ok(f) => {
                            pending.push((ci, function, shape, f.display().to_string(), fixed));
                            funcs.push(f);
                        }
                        Err(r) => {
                            fail(format!("{function}: {r}"));
                        }
                    }
                }
            }
        }
    }
    let compiled = native::compile(isa, funcs)?;
    let mut runnables = Vec::new();
    for ((case, function, shape, clif, fixed), (func, err)) in pending.into_iter().zip(compiled.functions.iter().zip(&compiled.errors)) {
        match (func, err) {
            (Some(func), _) => runnables.push(Runnable { case, function, shape, clif, func: *func, fixed }),
            (None, e) => {
                let c = &probe.cases[case];
                reasons.entry(c.inst.clone()).or_default().insert(format!("{function}: {}", e.clone().unwrap_or_default()));
            }
        }
    }
    let covered: BTreeSet<String> = runnables.iter().map(|r| probe.cases[r.case].inst.clone()).collect();
    let mut partly_covered = Vec::new();
    for (inst, rs) in &reasons {
        let reason = rs.iter().cloned().collect::<Vec<_>>().join("; ");
        if covered.contains(inst) {
            partly_covered.push(NotCovered { inst: inst.clone(), reason });
        } else {
            not_covered.push(NotCovered { inst: inst.clone(), reason });
        }
    }
    partly_covered.sort_by(|a, b| a.inst.cmp(&b.inst));
    not_covered.sort_by(|a, b| a.inst.cmp(&b.inst));

    let mut report = Report {
        summary: RunSummary::new(opts.seed, probe.spec_insts.len(), covered.into_iter().collect()),
        widths_covered: Vec::new(),
        functions: runnables.len(),
        not_covered,
        partly_covered,
        mismatches: Vec::new(),
        solver_calls_by_inst: BTreeMap::new(),
        setup_seconds: start.elapsed().as_secs_f64(),
    };
    let mut widths = BTreeSet::new();
    for r in &runnables {
        widths.extend(r.shape.operands.iter().chain(&r.shape.result).map(|t| t.bits()));
    }
    report.widths_covered = widths.into_iter().collect();

    // Every function runs at least once, then round-robin until the deadline.
    let deadline = start + Duration::from_secs_f64(opts.seconds);
    let mut examples = vec![0usize; runnables.len()];
    round_robin(&runnables, deadline, |pass, ri, r| {
        let case = &probe.cases[r.case];
        let prep = prepared[r.case].as_ref().expect("prepared above");
        // The first pass sweeps the edge values deterministically; later
        // passes draw edge and random values.
        let batch: Vec<[u64; PARAMS]> = if pass == Pass::First {
            inputs::edge_sweep(&mut rng, &r.shape.operands)
        } else {
            (0..BATCH)
                .map(|_| {
                    let mut a = [0u64; PARAMS];
                    for (k, t) in r.shape.operands.iter().enumerate() {
                        a[k] = inputs::operand(&mut rng, *t);
                    }
                    a
                })
                .collect()
        };
        let outcomes = native::run_batch(r.func, &batch)?;
        for (args, outcome) in batch.iter().zip(outcomes) {
            let inputs = case_inputs(case, r, args);
            let native = match outcome {
                Outcome::Returned(v) => Native::Returned(vec![Bits::new(case.width(case.result), (v & mask(case.width(case.result))) as u128)]),
                Outcome::Trapped(_) => Native::Trapped,
                // A signal other than a trap's: wrong whatever the spec says.
                Outcome::Crashed(_) => Native::Crashed,
            };
            let t = Instant::now();
            let verdict = judge::judge(case, prep, &inputs, &native, &solve_opts);
            if used_solver(&native, &verdict) {
                *report.solver_calls_by_inst.entry(case.inst.clone()).or_default() += 1;
            }
            if report.summary.tally.record(&native, &verdict, t.elapsed()) && examples[ri] < EXAMPLES_PER_SHAPE {
                examples[ri] += 1;
                report.mismatches.push(describe(case, prep, r, args, outcome, &inputs, "disallowed".to_string()));
            }
        }
        Ok::<(), String>(())
    })?;
    report.summary.finish(start);
    Ok(report)
}

/// The query values of one call: fixed immediates plus the operands.
fn case_inputs(case: &SpecCase, r: &Runnable, args: &[u64; PARAMS]) -> HashMap<VarId, Value> {
    let mut m = r.fixed.clone();
    let values = case.args.iter().filter(|a| a.kind == ArgKind::Value);
    for ((a, ty), bits) in values.zip(&r.shape.operands).zip(args) {
        if let Some(v) = a.var {
            m.insert(v, Value::Bv(Bits::new(ty.bits(), (bits & mask(ty.bits())) as u128)));
        }
    }
    m
}

fn describe(
    case: &SpecCase,
    prep: &Prepared,
    r: &Runnable,
    args: &[u64; PARAMS],
    outcome: Outcome,
    inputs: &HashMap<VarId, Value>,
    verdict: String,
) -> SpecMismatch {
    let (results, trap) = judge::spec_answer(case, prep, inputs);
    let result = results.into_iter().next().flatten();
    let mut names: Vec<String> = inputs.iter().map(|(v, x)| format!("{} = {x}", case.query.var(*v).name)).collect();
    names.sort();
    names.push(format!("native arguments = {:x?}", &args[..r.shape.operands.len()]));
    SpecMismatch {
        inst: case.inst.clone(),
        types: case.types.clone(),
        function: r.function.clone(),
        clif: r.clif.clone(),
        inputs: names,
        native: match outcome {
            Outcome::Returned(v) => format!("returned {v:#x}"),
            Outcome::Trapped(s) => format!("trapped (signal {s})"),
            Outcome::Crashed(s) => format!("crashed (signal {s})"),
        },
        spec_result: show_spec_value(&result),
        spec_trap: show_spec_value(&trap),
        verdict,
    }
}
