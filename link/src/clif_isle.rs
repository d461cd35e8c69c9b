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

use cranelift_codegen::ir::{BlockArg, Function, Inst, InstructionData, Value, ValueDef};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Why a function cannot be read through the specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

/// Which instruction terms the ISLE program declares as `(decl op (Type …) Value)`.
pub trait TermTable {
    /// Whether `op` is a typed value term taking `operands` values/immediates after the type.
    fn value_term(&self, op: &str, operands: usize) -> bool;
    /// When `op` is an untyped skeleton `(decl op (A…) Inst)` of `operands`
    /// arguments whose spec takes the controlling type first, the names of `A…`.
    fn typed_skeleton(&self, op: &str, operands: usize) -> Option<Vec<String>>;
}

/// The prefix of the typed term that borrows a skeleton instruction's spec.
pub const BORROWED_PREFIX: &str = "wasm_clif_";

/// A function's result as ISLE, and the skeleton instructions it reads through
/// borrowed specs: instruction name → the skeleton's argument types.
pub struct Translation {
    pub expr: String,
    pub borrowed: BTreeMap<String, Vec<String>>,
}

/// The ISLE expression of the function's single result, with its `n_params`
/// Wasm parameters named `a0, a1, …` (after wasmtime's two vmctx parameters).
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
    // Trapping instructions must all be read: a trap must reach the result.
    let mut trapping: Vec<Inst> = Vec::new();
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
                    let args = f.dfg.inst_args(inst);
                    if args.len() != 1 {
                        return Err(Unsupported(format!("`return` of {} values (one expected)", args.len())));
                    }
                    ret = Some(args[0]);
                }
                _ if op.is_branch() => return Err(Unsupported(format!("branch `{op}` (only straight-line code is read)"))),
                _ if op.other_side_effects() || op.can_store() || op.can_load() => {
                    return Err(Unsupported(format!("CLIF instruction `{op}` has side effects (not read)")))
                }
                _ if op.can_trap() => trapping.push(inst),
                _ => {}
            }
        }
    }
    let ret = ret.ok_or_else(|| Unsupported("the captured function has no `return`".into()))?;
    let mut t = Translator { f, terms, env, block_args, read: HashSet::new(), borrowed: BTreeMap::new() };
    let expr = t.value(ret, 0)?;
    if let Some(lost) = trapping.iter().find(|i| !t.read.contains(i)) {
        return Err(Unsupported(format!(
            "trapping CLIF instruction `{}` does not feed the result, so its trap would not be read",
            f.dfg.insts[*lost].opcode()
        )));
    }
    Ok(Translation { expr, borrowed: t.borrowed })
}

struct Translator<'a> {
    f: &'a Function,
    terms: &'a dyn TermTable,
    env: HashMap<Value, String>,
    block_args: HashMap<Value, Value>,
    /// Instructions written into the expression.
    read: HashSet<Inst>,
    borrowed: BTreeMap<String, Vec<String>>,
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
        if results.len() != 1 {
            return Err(Unsupported(format!("`{op}` has {} results", results.len())));
        }
        let ty = ty_const(f.dfg.value_type(results[0]));
        let mut parts: Vec<String> = Vec::new();
        match data {
            InstructionData::Unary { .. } | InstructionData::Binary { .. } | InstructionData::Ternary { .. } => {}
            InstructionData::UnaryImm { imm, .. } => parts.push(format!("(imm64 {:#x})", imm.bits() as u64)),
            InstructionData::IntCompare { cond, .. } => parts.push(format!("(IntCC.{cond:?})")),
            InstructionData::FloatCompare { cond, .. } => parts.push(format!("(FloatCC.{cond:?})")),
            InstructionData::LoadNoOffset { .. } if data.opcode() == cranelift_codegen::ir::Opcode::Bitcast => {
                // Flags of a bitcast (endianness of a vector lane order) are
                // free: the proof must hold for any.
                parts.push("(wasm_any_mem_flags)".into())
            }
            _ => return Err(Unsupported(format!("`{op}`: its instruction format is not read"))),
        }
        for &a in f.dfg.inst_args(inst) {
            parts.push(self.value(a, depth + 1)?);
        }
        self.read.insert(inst);
        if self.terms.value_term(&op, parts.len()) {
            return Ok(format!("({op} {ty} {})", parts.join(" ")));
        }
        if data.opcode().can_trap() {
            if let Some(arg_tys) = self.terms.typed_skeleton(&op, parts.len()) {
                let term = format!("{BORROWED_PREFIX}{op}");
                self.borrowed.insert(op, arg_tys);
                return Ok(format!("({term} {ty} {})", parts.join(" ")));
            }
        }
        Err(Unsupported(format!(
            "CLIF instruction `{op}` has neither a typed value term in the opt unit nor a skeleton whose spec is typed"
        )))
    }
}
