//! The isa-specs campaign: encode every form instance once, then run them
//! round-robin on fresh machine states until the time is up, judging every
//! outcome against the spec; a disallowed outcome is minimised and reported.

use super::machine::{MachineState, Outcome, GPRS};
use super::probe::{self, IsaCase, NotCovered};
use super::runnable::{self, Runnable};
use crate::campaign::SplitMix64;
use crate::spec_fuzz::judge::{self, Native, Prepared, Verdict};
use crate::spec_fuzz::campaign::{round_robin, show_spec_value, solve_options, Pass, RunSummary};
use saffron_verifier::ir::VarId;
use saffron_verifier::ir::{Bits, Value};
use saffron_verifier::solve::SolveOptions;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Options {
    pub seconds: f64,
    pub seed: u64,
    /// A cranelift-codegen source tree to load the x64 unit from.
    pub cranelift_dir: Option<PathBuf>,
    /// Spec sources `(name, text)` replacing loaded specs (a spec to try
    /// against the CPU before adopting it).
    pub spec_overrides: Vec<(String, String)>,
    /// Spec sources `(name, text)` for terms without a spec (a first spec
    /// of an instruction).
    pub spec_additions: Vec<(String, String)>,
}

/// Machine states per forked child.
const BATCH: usize = 64;
/// Mismatches shown (minimised) per form instance; all are counted.
const EXAMPLES_PER_INSTANCE: usize = 1;
/// Minimised examples in all: minimising costs CPU runs.
const MAX_EXAMPLES: usize = 32;

/// What is compared, in words, for the report.
pub const COMPARED: &str = "the written registers (all 64 bits, so an 8/16-bit operation's preserved upper bits and a \
32-bit operation's zeroed ones are checked) and whether the instruction faulted; flags are not compared yet: the \
harness saves RFLAGS but does not check it against the flag specs (flags.isle)";

#[derive(Clone, Debug, Serialize)]
pub struct IsaMismatch {
    pub inst: String,
    pub types: String,
    /// The instruction as the assembler renders it, and its bytes in hex.
    pub assembly: String,
    pub bytes: String,
    /// The minimised inputs: the spec's arguments and the registers read.
    pub inputs: Vec<String>,
    pub rflags_in: String,
    pub cpu: String,
    pub spec: String,
    pub spec_trap: String,
    /// `disallowed`, or why it could not be decided.
    pub verdict: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub unit: &'static str,
    /// `specs_total` counts the `x64_<form>_raw` terms with a spec.
    #[serde(flatten)]
    pub summary: RunSummary,
    pub specs_not_covered: Vec<NotCovered>,
    /// Encoded instances (form x registers x immediates).
    pub instances: usize,
    pub compared: &'static str,
    /// Executions that faulted (all judged against the spec's trap).
    pub cpu_faults: u64,
    pub mismatches: Vec<IsaMismatch>,
    pub setup_seconds: f64,
}

/// One judged run.
struct Judging<'a> {
    cases: &'a [IsaCase],
    prepared: &'a [Prepared],
    solve_opts: SolveOptions,
}

impl Judging<'_> {
    fn native(&self, r: &Runnable, outcome: &Outcome) -> Native {
        match outcome {
            Outcome::Returned(after) => Native::Returned(r.outputs(&self.cases[r.case], after)),
            Outcome::Trapped(_) => Native::Trapped,
            Outcome::Crashed(_) => Native::Crashed,
        }
    }

    fn verdict(&self, r: &Runnable, before: &MachineState, outcome: &Outcome) -> Verdict {
        let case = &self.cases[r.case];
        judge::judge(case, &self.prepared[r.case], &r.query_inputs(case, before), &self.native(r, outcome), &self.solve_opts)
    }

    /// Runs one state alone and judges it: is it still a mismatch?
    fn still_mismatches(&self, r: &Runnable, before: &MachineState) -> Result<Option<Outcome>, String> {
        let outcome = r.code.run_batch(std::slice::from_ref(before))?.remove(0);
        Ok((self.verdict(r, before, &outcome) == Verdict::Disallowed).then_some(outcome))
    }
}

pub fn run(opts: &Options) -> Result<Report, String> {
    let start = Instant::now();
    let mut rng = SplitMix64::new(opts.seed);
    let probe = probe::probe(opts.cranelift_dir.clone(), opts.spec_overrides.clone(), opts.spec_additions.clone())?;
    let mut not_covered = probe.not_covered.clone();
    let mut cases = Vec::new();
    let mut prepared = Vec::new();
    for c in probe.cases {
        match judge::prepare(&c.query) {
            Ok(p) => {
                prepared.push(p);
                cases.push(c);
            }
            Err(e) => not_covered.push(NotCovered { inst: c.inst.clone(), reason: format!("{}: {e}", c.types) }),
        }
    }
    let mut runnables = Vec::new();
    for (ci, case) in cases.iter().enumerate() {
        match runnable::build(ci, case, &mut rng) {
            Ok(rs) => runnables.extend(rs),
            Err(reason) => not_covered.push(NotCovered { inst: case.inst.clone(), reason }),
        }
    }
    let covered: BTreeSet<String> = runnables.iter().map(|r| cases[r.case].inst.clone()).collect();
    not_covered.retain(|n| !covered.contains(&n.inst));
    not_covered.sort_by(|a, b| a.inst.cmp(&b.inst));
    not_covered.dedup_by(|a, b| a.inst == b.inst && a.reason == b.reason);
    let mut report = Report {
        unit: "x64",
        summary: RunSummary::new(opts.seed, probe.spec_insts.len(), covered.into_iter().collect()),
        specs_not_covered: not_covered,
        instances: runnables.len(),
        compared: COMPARED,
        cpu_faults: 0,
        mismatches: Vec::new(),
        setup_seconds: start.elapsed().as_secs_f64(),
    };
    let judging = Judging { cases: &cases, prepared: &prepared, solve_opts: solve_options() };
    // Every instance runs its edge sweep once, then random states
    // round-robin until the deadline.
    let deadline = start + Duration::from_secs_f64(opts.seconds);
    let mut examples = vec![0usize; runnables.len()];
    round_robin(&runnables, deadline, |pass, ri, r| {
        let case = &cases[r.case];
        let batch: Vec<MachineState> = if pass == Pass::First {
            r.edge_sweep(case, &mut rng)
        } else {
            (0..BATCH).map(|_| r.input(case, &mut rng, None)).collect()
        };
        let outcomes = r.code.run_batch(&batch)?;
        for (before, outcome) in batch.iter().zip(&outcomes) {
            if let Outcome::Trapped(_) = outcome {
                report.cpu_faults += 1;
            }
            let t = Instant::now();
            let verdict = judging.verdict(r, before, outcome);
            if !report.summary.tally.record(&judging.native(r, outcome), &verdict, t.elapsed()) {
                continue;
            }
            if examples[ri] < EXAMPLES_PER_INSTANCE && report.mismatches.len() < MAX_EXAMPLES {
                examples[ri] += 1;
                let (small, small_outcome) = minimise(&judging, r, *before, *outcome)?;
                report.mismatches.push(describe(&judging, r, &small, &small_outcome));
            }
        }
        Ok::<(), String>(())
    })?;
    report.summary.finish(start);
    Ok(report)
}

/// Greedy shrinking of a mismatching state: registers the instruction does
/// not read and the flags to zero, then each read register's value to 0,
/// to 1, or with one more bit cleared (high to low), as long as the run
/// still mismatches.
fn minimise(j: &Judging, r: &Runnable, before: MachineState, outcome: Outcome) -> Result<(MachineState, Outcome), String> {
    let mut best = (before, outcome);
    let read: Vec<usize> = r.operands.iter().filter_map(|o| if let super::forms::Operand::Reg(x) = o { Some(*x as usize) } else { None }).collect();
    let try_state = |s: MachineState, best: &mut (MachineState, Outcome)| -> Result<bool, String> {
        if s == best.0 {
            return Ok(false);
        }
        Ok(match j.still_mismatches(r, &s)? {
            Some(o) => {
                *best = (s, o);
                true
            }
            None => false,
        })
    };
    let mut quiet = best.0;
    quiet.rflags = 0;
    for g in (0..GPRS).filter(|g| !read.contains(g)) {
        quiet.gpr[g] = 0;
    }
    try_state(quiet, &mut best)?;
    for &g in &read {
        for v in [0, 1] {
            let mut s = best.0;
            s.gpr[g] = v;
            try_state(s, &mut best)?;
        }
        for bit in (0..64).rev() {
            if best.0.gpr[g] & (1 << bit) != 0 {
                let mut s = best.0;
                s.gpr[g] &= !(1 << bit);
                try_state(s, &mut best)?;
            }
        }
    }
    Ok(best)
}

fn describe(j: &Judging, r: &Runnable, before: &MachineState, outcome: &Outcome) -> IsaMismatch {
    let case = &j.cases[r.case];
    let inputs = r.query_inputs(case, before);
    let (results, trap) = judge::spec_answer(case, &j.prepared[r.case], &inputs);
    let mut shown: Vec<String> = inputs.iter().map(|(v, x): (&VarId, &Value)| format!("{} = {x}", case.query.var(*v).name)).collect();
    shown.sort();
    for (o, op) in case.form.operands.iter().zip(&r.operands) {
        if let super::forms::Operand::Reg(g) = op {
            shown.push(format!("{} (register {g}) = {:#018x}", o.location, before.gpr[*g as usize]));
        }
    }
    let cpu = match (outcome, j.native(r, outcome)) {
        (_, Native::Returned(outs)) => outs.iter().map(Bits::to_string).collect::<Vec<_>>().join(", "),
        (Outcome::Trapped(s) | Outcome::Crashed(s), Native::Trapped) => format!("faulted (signal {s})"),
        (Outcome::Trapped(s) | Outcome::Crashed(s), _) => format!("crashed (signal {s})"),
        (Outcome::Returned(_), _) => unreachable!("a returned run has outputs"),
    };
    IsaMismatch {
        inst: case.inst.clone(),
        types: case.types.clone(),
        assembly: r.assembly.clone(),
        bytes: r.bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" "),
        inputs: shown,
        rflags_in: format!("{:#x}", before.rflags),
        cpu,
        spec: results.iter().map(show_spec_value).collect::<Vec<_>>().join(", "),
        spec_trap: show_spec_value(&trap),
        verdict: "disallowed".into(),
    }
}
