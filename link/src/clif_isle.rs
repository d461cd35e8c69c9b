//! A captured CLIF function as an ISLE right-hand side over the `opt` unit's
//! instruction terms, so each instruction is read through its shipped spec.
//!
//! Only what can be read exactly is translated: straight-line code (blocks
//! joined by `jump`), single-result instructions the `opt` unit declares as
//! typed `Value` terms, and trapping single-result instructions the `opt`
//! unit declares only as untyped skeletons (`(decl sdiv (Value Value) Inst)`):
//! those are written as a typed term `wasm_clif_sdiv` that borrows the shipped
//! spec `(spec (sdiv ty x y) (modifies clif_trap) …)` (see
//! [`saffron_verifier::load::SpecAlias`]). Anything else is reported with the
//! instruction named, never dropped: a side-effecting instruction, a trapping
//! one whose value does not reach the result (its trap would be lost), a
//! branch, a value without a definition (an incomplete capture), an immediate
//! format with no ISLE constructor.
//!
//! Memory: a `load` from the vmctx parameter marked `notrap readonly` reads a
//! field of wasmtime's instance context (the heap base, say); it becomes a
//! free input `vmctx_<offset>` of the rule, so the proof holds for every value
//! the field may hold. Every other load or store is a heap access, read through
//! the shipped `load`/`store` specs and their `clif_load`/`clif_store` state,
//! which describes one access of each kind: a second one is reported.

use crate::clif_cfg::Cfg;
use cranelift_codegen::ir::{Block, Function, Inst, InstructionData, Value, ValueDef};
use cranelift_codegen::ir::Opcode;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Why a function cannot be read through the specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

/// An instruction the `opt` unit declares only as `(decl op (A…) Inst)`, with
/// a spec the function can be read through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skeleton {
    /// The names of `A…`.
    pub arg_tys: Vec<String>,
    /// The spec takes the controlling type first (`(sdiv ty x y)`), unlike
    /// the skeleton (`store` takes none: its arguments match).
    pub typed: bool,
}

/// Which instruction terms the ISLE program declares as `(decl op (Type …) Value)`.
pub trait TermTable {
    /// Whether `op` is a typed value term taking `operands` values/immediates after the type.
    fn value_term(&self, op: &str, operands: usize) -> bool;
    /// `op` as a skeleton of `operands` arguments whose spec takes the same
    /// arguments, or the controlling type and then those.
    fn skeleton(&self, op: &str, operands: usize) -> Option<Skeleton>;
    /// Whether `op` has a (shipped or overriding) spec.
    fn has_spec(&self, op: &str) -> bool;
    /// Whether `op`'s spec modifies the `clif_trap` state.
    fn modifies_trap(&self, op: &str) -> bool;
}

/// The prefix of the typed term that borrows a skeleton instruction's spec.
pub const BORROWED_PREFIX: &str = "wasm_clif_";

/// The name of the free input standing for the vmctx field at `offset`.
pub fn vmctx_input(offset: i32) -> String {
    format!("vmctx_{offset}")
}

/// The constructor of an `Offset32` immediate of value `offset`.
pub fn offset32_term(offset: i32) -> String {
    format!("wasm_offset32_{:x}", offset as u32)
}

/// The constructor of an `Ieee32`/`Ieee64` immediate (`width` 32 or 64) of
/// the given bits.
pub fn float_const_term(width: u32, bits: u64) -> String {
    format!("wasm_ieee{width}_{bits:x}")
}

/// A function's result as ISLE, and what the generated program must declare
/// for it.
pub struct Translation {
    pub expr: String,
    /// Skeleton instructions read through borrowed specs, by name.
    pub borrowed: BTreeMap<String, Skeleton>,
    /// Offsets of the vmctx fields read (free inputs, see [`vmctx_input`]).
    pub vmctx_fields: BTreeSet<i32>,
    /// `Offset32` immediates used (see [`offset32_term`]).
    pub offsets: BTreeSet<i32>,
    /// Float immediates used, as (width, bits) (see [`float_const_term`]).
    pub float_consts: BTreeSet<(u32, u64)>,
    /// Trap sites with their own trap state (empty when the function has at
    /// most one trapping instruction and it always runs: it then modifies
    /// `clif_trap` itself).
    pub sites: Vec<TrapSite>,
}

/// A trapping instruction read through its own copy of the shipped spec,
/// whose `clif_trap` is renamed to [`TrapSite::state`]: a function with two
/// trapping instructions, or one in a block not always reached, has one
/// trap state per instruction, and the function traps iff a reached one
/// does (see [`Translation::sites`]).
#[derive(Clone, Debug)]
pub struct TrapSite {
    /// The CLIF instruction (`sdiv`).
    pub op: String,
    pub skeleton: Skeleton,
    /// The generated typed term (`wasm_clif_s0_sdiv`).
    pub term: String,
    /// Its trap state (`clif_trap_s0`).
    pub state: String,
    /// When the instruction's block is reached: an expression of value 1 or 0.
    pub reach: String,
    /// The instruction's application (its result).
    pub value: String,
}

/// The ISLE expression of the function's result (or, for a function that
/// returns nothing, of its one store), with its `n_params` Wasm parameters
/// named `a0, a1, …` (after wasmtime's two vmctx parameters).
pub fn result_expr(f: &Function, n_params: usize, terms: &dyn TermTable) -> Result<Translation, Unsupported> {
    let cfg = Cfg::of(f)?;
    let params = f.dfg.block_params(cfg.entry);
    if params.len() != n_params + 2 {
        return Err(Unsupported(format!("entry block has {} parameters, expected vmctx, caller vmctx and {n_params}", params.len())));
    }
    let mut env: HashMap<Value, String> = HashMap::new();
    for (i, &p) in params[2..].iter().enumerate() {
        env.insert(p, format!("a{i}"));
    }
    // Trapping and storing instructions must all be read: their effect must
    // reach the result.
    let mut effects: Vec<(Block, Inst)> = Vec::new();
    let mut stores: Vec<(Block, Inst)> = Vec::new();
    for block in f.layout.blocks() {
        for inst in f.layout.block_insts(block) {
            let op = f.dfg.insts[inst].opcode();
            match op {
                _ if op.is_branch() || op.is_terminator() => {}
                _ if op.other_side_effects() => {
                    return Err(Unsupported(format!("CLIF instruction `{op}` has side effects (not read)")))
                }
                _ if op.can_store() => {
                    stores.push((block, inst));
                    effects.push((block, inst));
                }
                _ if op.can_trap() || op.can_load() => effects.push((block, inst)),
                _ => {}
            }
        }
    }
    let mut t = Translator {
        f,
        terms,
        env,
        cfg,
        reach: HashMap::new(),
        vmctx: params[0],
        read: HashSet::new(),
        borrowed: BTreeMap::new(),
        vmctx_fields: BTreeSet::new(),
        offsets: BTreeSet::new(),
        float_consts: BTreeSet::new(),
        heap_loads: 0,
        site_of: HashMap::new(),
        site_skeletons: BTreeMap::new(),
        inst_expr: HashMap::new(),
    };
    // Trapping instructions (the spec modifies `clif_trap`): one trap state
    // per instruction unless there is one and it always runs.
    let trapping: Vec<(Block, Inst)> = effects
        .iter()
        .copied()
        .filter(|(_, i)| {
            let op = f.dfg.insts[*i].opcode();
            !op.can_load() && !op.can_store() && terms.modifies_trap(&op.to_string())
        })
        .collect();
    let per_site = trapping.len() > 1 || trapping.iter().any(|(b, _)| !t.cfg.always_reached(*b));
    if per_site {
        for (k, &(_, i)) in trapping.iter().enumerate() {
            t.site_of.insert(i, k);
        }
    }
    for &(b, i) in &effects {
        let op = f.dfg.insts[i].opcode();
        if (op.can_load() || op.can_store()) && !t.cfg.always_reached(b) {
            return Err(Unsupported(format!("heap access `{op}` in {b}, which not every run reaches (one unconditional access of each kind is read)")));
        }
    }
    let returned: Vec<(Block, Option<Value>)> = t
        .cfg
        .returns
        .iter()
        .map(|(b, vs)| match vs.as_slice() {
            [] => Ok((*b, None)),
            [v] => Ok((*b, Some(*v))),
            more => Err(Unsupported(format!("`return` of {} values (one expected)", more.len()))),
        })
        .collect::<Result<_, _>>()?;
    let expr = match (returned.iter().all(|(_, v)| v.is_some()), stores.as_slice()) {
        (true, []) => t.returned_value(&returned)?,
        (false, [(_, store)]) if returned.iter().all(|(_, v)| v.is_none()) => t.inst(*store, 0)?,
        (false, []) => return Err(Unsupported("the function returns nothing and stores nothing".into())),
        (_, more) => return Err(Unsupported(format!("{} stores besides the result: one heap access of each kind is read", more.len()))),
    };
    for &(_, i) in &trapping {
        if t.site_of.contains_key(&i) && !t.read.contains(&i) {
            // Its value need not feed the result: the site list reads it.
            t.inst(i, 0)?;
        }
    }
    if let Some((_, lost)) = effects.iter().find(|(_, i)| !t.read.contains(i)) {
        return Err(Unsupported(format!(
            "trapping or storing CLIF instruction `{}` does not feed the result, so its effect would not be read",
            f.dfg.insts[*lost].opcode()
        )));
    }
    let mut sites = Vec::new();
    for (k, &(b, i)) in trapping.iter().enumerate() {
        if !per_site {
            break;
        }
        let op = f.dfg.insts[i].opcode().to_string();
        let skeleton = t.site_skeletons.get(&op).cloned().ok_or_else(|| Unsupported(format!("`{op}` is not read through a spec")))?;
        let reach = t.reach_of(b)?.unwrap_or_else(|| "(wasm_cfg_true)".into());
        let value = t.inst_expr.get(&i).cloned().ok_or_else(|| Unsupported(format!("`{op}` has no value")))?;
        sites.push(TrapSite { op: op.clone(), skeleton, term: site_term(k, &op), state: site_state(k), reach, value });
    }
    Ok(Translation { expr, borrowed: t.borrowed, vmctx_fields: t.vmctx_fields, offsets: t.offsets, float_consts: t.float_consts, sites })
}

/// The term reading trap site `k` (instruction `op`) through its own copy of the spec.
pub fn site_term(k: usize, op: &str) -> String {
    format!("{BORROWED_PREFIX}s{k}_{op}")
}

/// The trap state of site `k`.
pub fn site_state(k: usize) -> String {
    format!("clif_trap_s{k}")
}

pub(crate) struct Translator<'a> {
    pub(crate) f: &'a Function,
    pub(crate) terms: &'a dyn TermTable,
    pub(crate) env: HashMap<Value, String>,
    pub(crate) cfg: Cfg,
    /// When each block is reached (`None`: always), once computed.
    pub(crate) reach: HashMap<Block, Option<String>>,
    /// Trapping instructions read through per-site spec copies, by site.
    pub(crate) site_of: HashMap<Inst, usize>,
    pub(crate) site_skeletons: BTreeMap<String, Skeleton>,
    /// Each applied instruction's expression.
    pub(crate) inst_expr: HashMap<Inst, String>,
    /// The vmctx parameter: loads from it read instance fields.
    pub(crate) vmctx: Value,
    /// Instructions written into the expression.
    pub(crate) read: HashSet<Inst>,
    pub(crate) borrowed: BTreeMap<String, Skeleton>,
    pub(crate) vmctx_fields: BTreeSet<i32>,
    pub(crate) offsets: BTreeSet<i32>,
    pub(crate) float_consts: BTreeSet<(u32, u64)>,
    pub(crate) heap_loads: usize,
}

/// `$I32`, the ISLE constant of a CLIF type.
fn ty_const(ty: cranelift_codegen::ir::Type) -> String {
    format!("${}", ty.to_string().to_uppercase())
}

impl Translator<'_> {
    pub(crate) fn value(&mut self, v: Value, depth: usize) -> Result<String, Unsupported> {
        if depth > 256 {
            return Err(Unsupported("value chain deeper than 256 instructions".into()));
        }
        let v = self.f.dfg.resolve_aliases(v);
        if let Some(s) = self.env.get(&v) {
            return Ok(s.clone());
        }
        let s = match self.f.dfg.value_def(v) {
            ValueDef::Result(inst, 0) => self.inst(inst, depth)?,
            ValueDef::Param(block, index) => self.block_param(v, block, index, depth)?,
            other => return Err(Unsupported(format!("`{v}` has no defining instruction ({other:?}): incomplete capture"))),
        };
        self.env.insert(v, s.clone());
        Ok(s)
    }

    fn inst(&mut self, inst: cranelift_codegen::ir::Inst, depth: usize) -> Result<String, Unsupported> {
        let f = self.f;
        let data = &f.dfg.insts[inst];
        let op = data.opcode().to_string();
        let results = f.dfg.inst_results(inst);
        let ty = match results {
            [r] => Some(ty_const(f.dfg.value_type(*r))),
            [] if data.opcode().can_store() => None,
            _ => return Err(Unsupported(format!("`{op}` has {} results", results.len()))),
        };
        let mut parts: Vec<String> = Vec::new();
        match data {
            InstructionData::Load { arg, flags, offset, .. } => {
                let flags = f.dfg.mem_flags[*flags];
                if f.dfg.resolve_aliases(*arg) == self.vmctx && flags.notrap() && flags.readonly() {
                    let offset = i32::from(*offset);
                    self.vmctx_fields.insert(offset);
                    self.read.insert(inst);
                    return Ok(vmctx_input(offset));
                }
                self.heap_loads += 1;
                if self.heap_loads > 1 {
                    return Err(Unsupported("a second heap load: one heap access of each kind is read".into()));
                }
                let offset = i32::from(*offset);
                self.offsets.insert(offset);
                let addr = self.value(*arg, depth + 1)?;
                // Flags (endianness, trap code, alias region) are free: the
                // proof must hold for any.
                parts.extend(["(wasm_any_mem_flags)".to_string(), addr, format!("({})", offset32_term(offset))]);
                return self.apply(inst, &op, ty, parts);
            }
            InstructionData::Store { args, offset, .. } => {
                let offset = i32::from(*offset);
                self.offsets.insert(offset);
                let value = self.value(args[0], depth + 1)?;
                let addr = self.value(args[1], depth + 1)?;
                parts.extend(["(wasm_any_mem_flags)".to_string(), value, addr, format!("({})", offset32_term(offset))]);
                return self.apply(inst, &op, ty, parts);
            }
            InstructionData::Unary { .. } | InstructionData::Binary { .. } | InstructionData::Ternary { .. } => {}
            InstructionData::UnaryImm { imm, .. } => parts.push(format!("(imm64 {:#x})", imm.bits() as u64)),
            InstructionData::UnaryIeee32 { imm, .. } => {
                self.float_consts.insert((32, imm.bits() as u64));
                parts.push(format!("({})", float_const_term(32, imm.bits() as u64)))
            }
            InstructionData::UnaryIeee64 { imm, .. } => {
                self.float_consts.insert((64, imm.bits()));
                parts.push(format!("({})", float_const_term(64, imm.bits())))
            }
            InstructionData::IntCompare { cond, .. } => parts.push(format!("(IntCC.{cond:?})")),
            InstructionData::FloatCompare { cond, .. } => parts.push(format!("(FloatCC.{cond:?})")),
            InstructionData::LoadNoOffset { .. } if data.opcode() == Opcode::Bitcast => {
                // Flags of a bitcast (endianness of a vector lane order) are
                // free: the proof must hold for any.
                parts.push("(wasm_any_mem_flags)".into())
            }
            _ => return Err(Unsupported(format!("`{op}`: its instruction format is not read"))),
        }
        for &a in f.dfg.inst_args(inst) {
            parts.push(self.value(a, depth + 1)?);
        }
        self.apply(inst, &op, ty, parts)
    }

    /// The application of `op`'s typed term, or of the typed term borrowing
    /// its skeleton's spec (for trapping and storing instructions only: a
    /// pure skeleton has its own typed term).
    fn apply(&mut self, inst: Inst, op: &str, ty: Option<String>, parts: Vec<String>) -> Result<String, Unsupported> {
        self.read.insert(inst);
        let opcode = self.f.dfg.insts[inst].opcode();
        if let Some(ty) = &ty {
            if self.terms.value_term(op, parts.len()) {
                if !self.terms.has_spec(op) {
                    return Err(Unsupported(format!(
                        "CLIF instruction `{op}` has no spec in the loaded Cranelift specs"
                    )));
                }
                return Ok(format!("({op} {ty} {})", parts.join(" ")));
            }
        }
        if opcode.can_trap() || opcode.can_store() {
            if let Some(sk) = self.terms.skeleton(op, parts.len()) {
                let term = match self.site_of.get(&inst) {
                    Some(&k) => site_term(k, op),
                    None => format!("{BORROWED_PREFIX}{op}"),
                };
                let head = match (&ty, sk.typed) {
                    (Some(ty), true) => format!("{term} {ty}"),
                    (_, false) => term,
                    (None, true) => return Err(Unsupported(format!("`{op}` has no result type for its typed spec"))),
                };
                if self.site_of.contains_key(&inst) {
                    self.site_skeletons.insert(op.to_string(), sk);
                } else {
                    self.borrowed.insert(op.to_string(), sk);
                }
                let e = format!("({head} {})", parts.join(" "));
                self.inst_expr.insert(inst, e.clone());
                return Ok(e);
            }
        }
        Err(Unsupported(format!(
            "CLIF instruction `{op}` has neither a typed value term in the opt unit nor a skeleton with a spec"
        )))
    }
}
