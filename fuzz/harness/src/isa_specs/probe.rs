//! The x64 specs under test, as the verifier reads them.
//!
//! Every term `x64_<form>_raw` that has a spec (Saffron's
//! `isle-rules/specs/x64/`, a shipped one, or a `--spec-override`) and names
//! an assembler form is probed by a generated rule
//!
//! ```text
//! (rule (saffron_isa_probe_<form> a0 .. n0 ..) (emit_ret_gpr (x64_<form>_raw a0 ..)))
//! ```
//!
//! whose root's spec is `(= result n0)` (two written registers: through
//! `emit_ret_value_regs`, `(:lo result)` and `(:hi result)`). The `n`
//! arguments stand for what the CPU left in the written registers; the
//! instruction's spec, on the right-hand side, says what it should be. One
//! [`IsaCase`] per form and type instance.

use super::forms::{self, Form, OperandKind};
use crate::spec_fuzz::judge::Judged;
use crate::spec_fuzz::probe_rules;
use saffron_verifier::ir::{Query, Side, VarId, VarRole};
use saffron_verifier::load::{load, LoadOptions, Program, Unit};
use std::fmt::Write as _;
use std::path::PathBuf;

const PROBE_PREFIX: &str = "saffron_isa_probe_";
/// Trap states a spec may set; the ISA-level one (`exec_trap`) is the
/// default when the spec modifies none.
const TRAP_STATES: [&str; 2] = ["exec_trap", "clif_trap"];

pub use crate::spec_fuzz::NotCovered;

/// One form at one type instance.
#[derive(Clone, Debug)]
pub struct IsaCase {
    /// The ISLE term, `x64_<form>_raw`.
    pub inst: String,
    pub form: &'static Form,
    pub types: String,
    pub query: Query,
    /// For each form operand that is an ISLE argument: its query variable.
    pub operand_vars: Vec<(usize, VarId)>,
    /// The written registers' variables (pinned to the CPU's values), in
    /// form order, and the spec's values of them.
    pub natives: Vec<VarId>,
    pub results: Vec<VarId>,
    pub trap: Option<VarId>,
}

impl Judged for IsaCase {
    fn query(&self) -> &Query {
        &self.query
    }
    fn native_vars(&self) -> Vec<VarId> {
        self.natives.clone()
    }
    fn result_vars(&self) -> Vec<VarId> {
        self.results.clone()
    }
    fn trap_var(&self) -> Option<VarId> {
        self.trap
    }
}


pub struct Probe {
    pub cases: Vec<IsaCase>,
    pub not_covered: Vec<NotCovered>,
    /// Every `x64_<form>_raw` term with a spec.
    pub spec_insts: Vec<String>,
}

/// What the harness cannot set up or compare for `form`, if anything.
pub fn unsupported(form: &Form) -> Option<String> {
    if let Err(reason) = form.build {
        return Some(reason.to_string());
    }
    if let Some(op) = form.operands.iter().find(|o| o.kind == OperandKind::Mem) {
        return Some(format!("operand `{}` is memory-only; the harness does not set up memory operands yet", op.location));
    }
    let written: Vec<_> = form.operands.iter().filter(|o| o.is_written()).collect();
    match written.len() {
        1 | 2 => None,
        0 => Some("writes no register (flags or memory only): the harness compares written registers and faults, not flags yet".into()),
        n => Some(format!("writes {n} registers; the assembler's ISLE returns at most two")),
    }
}

/// The probe rule of one form, or why there is none.
fn probe_rule(p: &Program, term: &str, form: &Form) -> Result<String, String> {
    if let Some(r) = unsupported(form) {
        return Err(r);
    }
    let t = p.term_by_name(term).ok_or("term vanished")?;
    let arg_tys: Vec<String> = p.termenv.terms[t.index()].arg_tys.iter().map(|ty| p.type_name(*ty).to_string()).collect();
    let params = form.operands.iter().filter(|o| o.is_isle_param()).count() + usize::from(form.has_trap);
    if params != arg_tys.len() {
        return Err(format!("the ISLE term takes {} arguments, the assembler form {params}", arg_tys.len()));
    }
    let written = form.operands.iter().filter(|o| o.is_written()).count();
    let args: Vec<String> = (0..arg_tys.len()).map(|i| format!("a{i}")).collect();
    let natives: Vec<String> = (0..written).map(|i| format!("n{i}")).collect();
    let (ret, emit, provide) = if written == 1 {
        ("Gpr", "emit_ret_gpr", "(= result n0)".to_string())
    } else {
        ("ValueRegs", "emit_ret_value_regs", "(= (:lo result) n0) (= (:hi result) n1)".to_string())
    };
    let name = format!("{PROBE_PREFIX}{}", form.name);
    let all: Vec<String> = args.iter().chain(&natives).cloned().collect();
    let tys: Vec<String> = arg_tys.iter().cloned().chain(std::iter::repeat_n("Gpr".to_string(), written)).collect();
    let mut s = String::new();
    let _ = writeln!(s, "(decl {name} ({}) {ret})", tys.join(" "));
    let _ = writeln!(s, "(spec ({name} {}) (provide {provide}))", all.join(" "));
    let _ = writeln!(s, "(rule {name}_rule ({name} {}) ({emit} ({term} {})))", all.join(" "), args.join(" "));
    Ok(s)
}

/// Loads the x64 unit (with `spec_overrides` and `spec_additions`) and
/// instantiates a probe of every assembler form that has a spec.
pub fn probe(
    cranelift_dir: Option<PathBuf>,
    spec_overrides: Vec<(String, String)>,
    spec_additions: Vec<(String, String)>,
) -> Result<Probe, String> {
    let base = load(&LoadOptions {
        unit: Some(Unit::X64),
        cranelift_dir: cranelift_dir.clone(),
        spec_overrides: spec_overrides.clone(),
        spec_additions: spec_additions.clone(),
        ..Default::default()
    })
    .map_err(|e| format!("loading the x64 unit: {e}"))?;
    let mut spec_insts: Vec<String> = base
        .specs
        .keys()
        .map(|t| base.term_name(*t).to_string())
        .filter(|n| n.starts_with("x64_") && n.ends_with("_raw"))
        .collect();
    spec_insts.sort();
    let mut not_covered = Vec::new();
    let mut rules = String::from(PROBE_ISLE);
    let mut probed = Vec::new();
    for term in &spec_insts {
        let name = &term["x64_".len()..term.len() - "_raw".len()];
        let Some(form) = forms::find(name) else {
            not_covered.push(NotCovered { inst: term.clone(), reason: "no assembler form of this name".into() });
            continue;
        };
        match probe_rule(&base, term, form) {
            Ok(r) => {
                rules.push_str(&r);
                probed.push((term.clone(), form));
            }
            Err(reason) => not_covered.push(NotCovered { inst: term.clone(), reason }),
        }
    }
    drop(base);
    let load_opts = LoadOptions { unit: Some(Unit::X64), cranelift_dir, spec_overrides, spec_additions, ..Default::default() };
    let roots = probed.iter().map(|(_, f)| format!("{PROBE_PREFIX}{}", f.name)).collect();
    let (program, expansions) = probe_rules::load_and_expand(&rules, "saffron_isa_probe.isle", load_opts, roots)?;
    let mut cases = Vec::new();
    for (term, form) in probed {
        let rule = format!("{PROBE_PREFIX}{}_rule", form.name);
        let mine = expansions.iter().filter(|e| e.rule == rule);
        match probe_rules::cases_of(&program, mine, |types, q| case_of(&program, &term, form, types, q)) {
            Ok(cs) => cases.extend(cs),
            Err(reason) => not_covered.push(NotCovered { inst: term, reason }),
        }
    }
    not_covered.sort_by(|a, b| a.inst.cmp(&b.inst));
    Ok(Probe { cases, not_covered, spec_insts })
}

/// Lets two written registers come back through `emit_ret_value_regs` the
/// way one comes back through `emit_ret_gpr` (which Cranelift marks so).
const PROBE_ISLE: &str = "(attr emit_ret_value_regs (veri chain))\n";

fn input_var(q: &Query, name: &str) -> Option<VarId> {
    (0..q.vars.len() as u32).map(VarId).find(|v| q.var(*v).name == name && q.var(*v).role == VarRole::Input)
}

fn case_of(p: &Program, term: &str, form: &'static Form, types: String, q: Query) -> Result<IsaCase, String> {
    let app = q.terms.iter().find(|t| t.term == term && t.side == Side::Rhs).ok_or("no application of the instruction")?;
    let params: Vec<usize> = (0..form.operands.len()).filter(|i| form.operands[*i].is_isle_param()).collect();
    let operand_vars = params.iter().zip(&app.args).map(|(i, v)| (*i, *v)).collect();
    let written = form.operands.iter().filter(|o| o.is_written()).count();
    let natives = (0..written)
        .map(|k| input_var(&q, &format!("n{k}")).ok_or_else(|| format!("no variable for written register {k}")))
        .collect::<Result<Vec<_>, _>>()?;
    // The instruction's result fields, as the spec gives them.
    let field = |suffix: &str| {
        (0..q.vars.len() as u32)
            .map(VarId)
            .find(|v| q.var(*v).name.starts_with(&format!("{term}#")) && q.var(*v).name.ends_with(suffix))
            .ok_or_else(|| format!("no `{suffix}` field of the instruction's result"))
    };
    let results = if written == 1 {
        vec![field(".RetGpr.gpr")?]
    } else {
        vec![field(".RetValueRegs.regs.lo")?, field(".RetValueRegs.regs.hi")?]
    };
    let t = p.term_by_name(term).ok_or("term vanished")?;
    let modified: Vec<String> = p.specs.get(&t).map(|s| s.modifies.iter().map(|m| m.state.0.clone()).collect()).unwrap_or_default();
    let trap_state = TRAP_STATES.iter().find(|s| modified.iter().any(|m| m == *s)).unwrap_or(&TRAP_STATES[0]);
    // Without a trap state a CPU fault would be judged against nothing.
    let trap = (0..q.vars.len() as u32)
        .map(VarId)
        .find(|v| q.var(*v).name == *trap_state && q.var(*v).role == VarRole::State)
        .ok_or_else(|| format!("no `{trap_state}` state in the query to judge a fault by"))?;
    Ok(IsaCase { inst: term.to_string(), form, types, query: q, operand_vars, natives, results, trap: Some(trap) })
}
