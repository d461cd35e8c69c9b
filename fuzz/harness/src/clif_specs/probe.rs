//! The specs under test, as the verifier reads them.
//!
//! For every term whose spec comes from Cranelift's `inst_specs.isle`, a
//! probe rule `(probe (OP a0 a1 ...)) => (native)` is generated and loaded
//! with the host's lowering unit (x64: every CLIF term there carries the
//! controlling `Type` argument the specs are written for). The verifier then
//! instantiates each rule at every width the spec's `instantiate`
//! declarations allow, giving one [`SpecCase`] per instruction and width: its
//! left-hand side is exactly the instruction's spec, `native` stands for the
//! value the compiled code returned, and the probe's own spec is the
//! comparison (see `probe.isle`).

use saffron_verifier::expand::{expand, ExpandOptions};
use saffron_verifier::front::instantiate::{instantiate, InstanceBody};
use saffron_verifier::ir::{Query, Side, Sort, VarId};
use saffron_verifier::load::{load, LoadOptions, Program, Unit};
use std::fmt::Write as _;
use std::path::PathBuf;

const PROBE_ISLE: &str = include_str!("probe.isle");
const PROBE_ROOT: &str = "saffron_clif_probe";
const EFFECT_PROBE_ROOT: &str = "saffron_clif_effect_probe";
const NATIVE_TERM: &str = "saffron_clif_native";
/// Prefix of the generated pattern variables; query variables are named
/// after them (`fzarg1`, `fzarg0.bits`, `fzarg2.tag`, ...).
const ARG_PREFIX: &str = "fzarg";

/// What one argument of an instruction's ISLE term is, by its ISLE type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// The controlling type (`(:bits ty)` in the spec).
    Type,
    /// An SSA operand.
    Value,
    /// A condition code; variant names in the ISLE enum's order (the
    /// query's `.tag` is the index).
    IntCC(Vec<String>),
    FloatCC(Vec<String>),
    TrapCode,
    MemFlags,
    /// An immediate bit pattern of the given ISLE type (`Imm64`, `Ieee32`, ...).
    Immediate(String),
    /// Anything else: the harness cannot build it.
    Other(String),
}

/// One argument: its kind and the query variables that model it.
#[derive(Clone, Debug)]
pub struct Arg {
    pub kind: ArgKind,
    /// The variable holding the value, tag or bits (first of a struct's fields).
    pub var: Option<VarId>,
    /// Every variable of this argument (all fields of a struct).
    pub all_vars: Vec<VarId>,
}

/// One instruction at one type instance.
#[derive(Clone, Debug)]
pub struct SpecCase {
    pub inst: String,
    pub types: String,
    pub query: Query,
    pub args: Vec<Arg>,
    /// The instruction's result in the query.
    pub result: VarId,
    /// The native result (right-hand side of the probe).
    pub native: VarId,
    pub clif_trap: Option<VarId>,
}

impl SpecCase {
    /// Width of a bitvector variable (0 for other sorts).
    pub fn width(&self, v: VarId) -> u32 {
        match self.query.var(v).sort {
            Sort::BitVec(w) => w,
            _ => 0,
        }
    }
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct NotCovered {
    pub inst: String,
    pub reason: String,
}

pub struct Probe {
    pub program: Program,
    pub cases: Vec<SpecCase>,
    pub not_covered: Vec<NotCovered>,
    /// Every instruction with a spec in `inst_specs.isle` or in Saffron's
    /// additions (`clif_additions.isle`).
    pub spec_insts: Vec<String>,
}

fn is_inst_spec(p: &Program, t: cranelift_isle::sema::TermId) -> bool {
    p.specs.get(&t).is_some_and(|s| {
        let file = p.span(s.pos).file;
        file.ends_with("inst_specs.isle") || file.ends_with(&saffron_verifier::load::clif_spec_additions().0)
    })
}

fn arg_kind(p: &Program, ty: cranelift_isle::sema::TypeId) -> ArgKind {
    let name = p.type_name(ty).to_string();
    let variants = || match &p.tyenv.types[ty.index()] {
        cranelift_isle::sema::Type::Enum { variants, .. } => variants.iter().map(|v| p.sym(v.name).to_string()).collect(),
        _ => Vec::new(),
    };
    match name.as_str() {
        "Type" => ArgKind::Type,
        "Value" => ArgKind::Value,
        "IntCC" => ArgKind::IntCC(variants()),
        "FloatCC" => ArgKind::FloatCC(variants()),
        "TrapCode" => ArgKind::TrapCode,
        "MemFlags" | "MemFlagsData" => ArgKind::MemFlags,
        "Imm64" | "Ieee16" | "Ieee32" | "Ieee64" | "Offset32" | "Uimm8" => ArgKind::Immediate(name),
        _ => ArgKind::Other(name),
    }
}

/// Loads the lowering unit with the probe rules and instantiates them.
pub fn probe(cranelift_dir: Option<PathBuf>) -> Result<Probe, String> {
    // First load: which terms have instruction specs, and their signatures.
    // Saffron's own additions (specs for instructions shipped without one)
    // are tested alongside the shipped specs.
    let additions = vec![saffron_verifier::load::clif_spec_additions()];
    let base = load(&LoadOptions {
        unit: Some(Unit::X64),
        cranelift_dir: cranelift_dir.clone(),
        spec_additions: additions.clone(),
        ..Default::default()
    })
        .map_err(|e| format!("loading Cranelift's ISLE: {e}"))?;
    let mut spec_insts: Vec<(String, usize)> = base
        .specs
        .keys()
        .filter(|t| is_inst_spec(&base, **t))
        .map(|t| (base.term_name(*t).to_string(), base.termenv.terms[t.index()].arg_tys.len()))
        .collect();
    spec_insts.sort();
    let mut not_covered = Vec::new();
    let mut rules = String::from(PROBE_ISLE);
    for (name, arity) in &spec_insts {
        let Ok(opcode) = name.parse::<cranelift_codegen::ir::Opcode>() else {
            not_covered.push(NotCovered { inst: name.clone(), reason: "not a Cranelift opcode".into() });
            continue;
        };
        let root = if opcode.constraints().num_fixed_results() == 0 { EFFECT_PROBE_ROOT } else { PROBE_ROOT };
        let args: Vec<String> = (0..*arity).map(|i| format!("{ARG_PREFIX}{i}")).collect();
        let _ = writeln!(rules, "(rule saffron_probe_{name} ({root} ({name} {})) ({NATIVE_TERM}))", args.join(" "));
    }
    drop(base);
    let dir = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
    let file = dir.path().join("saffron_clif_probe.isle");
    std::fs::write(&file, rules).map_err(|e| format!("{}: {e}", file.display()))?;
    let program = load(&LoadOptions {
        unit: Some(Unit::X64),
        cranelift_dir,
        extra_files: vec![file],
        spec_additions: additions,
        ..Default::default()
    })
        .map_err(|e| format!("loading the probe rules: {e}"))?;
    let opts = ExpandOptions { roots: vec![PROBE_ROOT.into(), EFFECT_PROBE_ROOT.into()], default_excludes: false, ..Default::default() };
    let expansions = expand(&program, &opts).map_err(|e| format!("expanding the probe rules: {e}"))?;
    let mut cases = Vec::new();
    for e in &expansions {
        let inst = e.rule.trim_start_matches("saffron_probe_").to_string();
        let mut any = false;
        let mut reasons = Vec::new();
        for i in instantiate(&program, e) {
            match i.body {
                InstanceBody::Query(q) => match case_of(&program, &inst, i.types.clone(), q) {
                    Ok(c) => {
                        any = true;
                        cases.push(c)
                    }
                    Err(r) => reasons.push(format!("{}: {r}", i.types)),
                },
                InstanceBody::Unsupported { reason, .. } => reasons.push(format!("verifier: {reason}")),
                InstanceBody::Error { message, .. } => reasons.push(format!("verifier: {message}")),
                InstanceBody::Inapplicable { reason, .. } => reasons.push(format!("verifier: inapplicable: {reason}")),
            }
        }
        if !any {
            not_covered.push(NotCovered { inst, reason: reasons.join("; ") });
        }
    }
    let spec_insts = spec_insts.into_iter().map(|(n, _)| n).collect();
    Ok(Probe { program, cases, not_covered, spec_insts })
}

fn case_of(p: &Program, inst: &str, types: String, q: Query) -> Result<SpecCase, String> {
    let app = q.terms.iter().find(|t| t.term == inst && t.side == Side::Lhs).ok_or("no application of the instruction")?;
    let native = q.terms.iter().find(|t| t.term == NATIVE_TERM).ok_or("no native term")?.result;
    let result = app.result;
    let term = p.term_by_name(inst).ok_or("term vanished")?;
    let arg_tys = p.termenv.terms[term.index()].arg_tys.clone();
    let args = arg_tys
        .iter()
        .enumerate()
        .map(|(i, ty)| {
            let name = format!("{ARG_PREFIX}{i}");
            let all_vars: Vec<VarId> = (0..q.vars.len() as u32)
                .map(VarId)
                .filter(|v| {
                    let n = &q.var(*v).name;
                    n == &name || n.strip_prefix(&name).is_some_and(|rest| rest.starts_with('.'))
                })
                .collect();
            Arg { kind: arg_kind(p, *ty), var: all_vars.first().copied(), all_vars }
        })
        .collect();
    let clif_trap = (0..q.vars.len() as u32).map(VarId).find(|v| q.var(*v).name == "clif_trap");
    Ok(SpecCase { inst: inst.to_string(), types, query: q, args, result, native, clif_trap })
}
