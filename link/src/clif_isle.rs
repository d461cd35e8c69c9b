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

use cranelift_codegen::ir::{BlockArg, Function, Inst, InstructionData, Value, ValueDef};
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
}

/// The ISLE expression of the function's single result (or, for a function
/// that returns nothing, of its one store), with its `n_params` Wasm
/// parameters named `a0, a1, …` (after wasmtime's two vmctx parameters).
pub fn result_expr(f: &Function, n_params: usize, terms: &dyn TermTable) -> Result<Translation, Unsupported> {
    let entry = f.layout.entry_block().ok_or_else(|| Unsupported("the captured function has no entry block".into()))?;
    let params = f.dfg.block_params(entry);
    if params.len() != n_params + 2 {
        return Err(Unsupported(format!("entry block has {} parameters, expected vmctx, caller vmctx and {n_params}", params.len())));
    }
    let mut env: HashMap<Value, String> = HashMap::new();
    for (i, &p) in params[2..].iter().enumerate() {
        env.insert(p, format!("a{i}"));
    }
    // Block parameters bound by the jumps into them (straight-line code only).
    let mut block_args: HashMap<Value, Value> = HashMap::new();
    let mut ret: Option<Value> = None;
    let mut returned = false;
    // Trapping and storing instructions must all be read: their effect must
    // reach the result.
    let mut effects: Vec<Inst> = Vec::new();
    let mut stores: Vec<Inst> = Vec::new();
    for block in f.layout.blocks() {
        for inst in f.layout.block_insts(block) {
            let data = &f.dfg.insts[inst];
            let op = data.opcode();
            match data {
                InstructionData::Jump { destination, .. } => {
                    let target = destination.block(&f.dfg.value_lists);
                    let targets = f.dfg.block_params(target);
                    for (param, arg) in targets.iter().zip(destination.args(&f.dfg.value_lists)) {
                        match arg {
                            BlockArg::Value(v) => block_args.insert(*param, v),
                            other => return Err(Unsupported(format!("jump argument {other:?} is not a value"))),
                        };
                    }
                }
                _ if op == cranelift_codegen::ir::Opcode::Return => {
                    match f.dfg.inst_args(inst) {
                        [] => {}
                        [v] => ret = Some(*v),
                        more => return Err(Unsupported(format!("`return` of {} values (one expected)", more.len()))),
                    }
                    returned = true;
                }
                _ if op.is_branch() || op.is_terminator() => {
                    return Err(Unsupported(format!("`{op}` ends a block (only straight-line code ending in `return` is read)")))
                }
                _ if op.other_side_effects() => {
                    return Err(Unsupported(format!("CLIF instruction `{op}` has side effects (not read)")))
                }
                _ if op.can_store() => {
                    stores.push(inst);
                    effects.push(inst);
                }
                _ if op.can_trap() || op.can_load() => effects.push(inst),
                _ => {}
            }
        }
    }
    if !returned {
        return Err(Unsupported("the captured function has no `return`".into()));
    }
    let mut t = Translator {
        f,
        terms,
        env,
        block_args,
        vmctx: params[0],
        read: HashSet::new(),
        borrowed: BTreeMap::new(),
        vmctx_fields: BTreeSet::new(),
        offsets: BTreeSet::new(),
        heap_loads: 0,
    };
    let expr = match (ret, stores.as_slice()) {
        (Some(v), []) => t.value(v, 0)?,
        (None, [store]) => t.inst(*store, 0)?,
        (None, []) => return Err(Unsupported("the function returns nothing and stores nothing".into())),
        (_, more) => return Err(Unsupported(format!("{} stores besides the result: one heap access of each kind is read", more.len()))),
    };
    if let Some(lost) = effects.iter().find(|i| !t.read.contains(i)) {
        return Err(Unsupported(format!(
            "trapping or storing CLIF instruction `{}` does not feed the result, so its effect would not be read",
            f.dfg.insts[*lost].opcode()
        )));
    }
    Ok(Translation { expr, borrowed: t.borrowed, vmctx_fields: t.vmctx_fields, offsets: t.offsets })
}

struct Translator<'a> {
    f: &'a Function,
    terms: &'a dyn TermTable,
    env: HashMap<Value, String>,
    block_args: HashMap<Value, Value>,
    /// The vmctx parameter: loads from it read instance fields.
    vmctx: Value,
    /// Instructions written into the expression.
    read: HashSet<Inst>,
    borrowed: BTreeMap<String, Skeleton>,
    vmctx_fields: BTreeSet<i32>,
    offsets: BTreeSet<i32>,
    heap_loads: usize,
}

/// `$I32`, the ISLE constant of a CLIF type.
fn ty_const(ty: cranelift_codegen::ir::Type) -> String {
    format!("${}", ty.to_string().to_uppercase())
}

impl Translator<'_> {
    fn value(&mut self, v: Value, depth: usize) -> Result<String, Unsupported> {
        if depth > 256 {
            return Err(Unsupported("value chain deeper than 256 instructions".into()));
        }
        let v = self.f.dfg.resolve_aliases(v);
        if let Some(s) = self.env.get(&v) {
            return Ok(s.clone());
        }
        let s = match self.f.dfg.value_def(v) {
            ValueDef::Result(inst, 0) => self.inst(inst, depth)?,
            ValueDef::Param(_, _) => match self.block_args.get(&v) {
                Some(&arg) => self.value(arg, depth + 1)?,
                None => return Err(Unsupported(format!("`{v}` is a block parameter no jump binds (vmctx or a loop)"))),
            },
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
                let term = format!("{BORROWED_PREFIX}{op}");
                let head = match (&ty, sk.typed) {
                    (Some(ty), true) => format!("{term} {ty}"),
                    (_, false) => term,
                    (None, true) => return Err(Unsupported(format!("`{op}` has no result type for its typed spec"))),
                };
                self.borrowed.insert(op.to_string(), sk);
                return Ok(format!("({head} {})", parts.join(" ")));
            }
        }
        Err(Unsupported(format!(
            "CLIF instruction `{op}` has neither a typed value term in the opt unit nor a skeleton with a spec"
        )))
    }
}
