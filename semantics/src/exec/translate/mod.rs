//! Translation of function bodies and constant expressions to the internal form (see `code`).
//!
//! Bodies are translated while wasmparser validates them operator by operator, so the exact
//! operand-stack height at every label is read off the validator instead of being recomputed.

mod data_ops;
mod labels;
mod memory_access;
mod operands;
mod ops;
#[cfg(test)]
mod tests;

use wasmparser::{FuncValidator, FunctionBody, MemArg, ValidatorResources};

use std::collections::HashMap;

use super::code::*;
use crate::binary::{DecodeError, DecodeErrorKind};
use crate::syntax::module::ModuleRepr;
use crate::syntax::types::*;

type Validator = FuncValidator<ValidatorResources>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelKind {
    Block,
    Loop,
    If,
    TryTable,
}

/// A place whose target pc is known only when the label's `end` is reached.
#[derive(Debug, Clone, Copy)]
enum Fixup {
    Instr(usize),
    Table(usize),
    Catch(usize, usize),
}

#[derive(Debug)]
struct Label {
    kind: LabelKind,
    /// Register of the label's first operand (its stack height below its parameters).
    base: Reg,
    /// Number of values the block takes (restored on `else` after dead code).
    params: u32,
    /// Number of values a branch to this label carries.
    branch_arity: u32,
    /// Number of values the block leaves.
    results: u32,
    /// Loop header pc (branch target of a loop).
    loop_pc: u32,
    fixups: Vec<Fixup>,
    /// `JumpIfZero` of an `if` still waiting for its `else`.
    else_jump: Option<usize>,
    handler: Option<usize>,
}

struct Translator<'m> {
    module: &'m ModuleRepr,
    code: Code,
    labels: Vec<Label>,
    /// Where each operand-stack value is (see `operands`).
    operands: Vec<Reg>,
    /// Register of operand-stack position 0 (after the locals and constants).
    stack_base: Reg,
    /// The register holding each constant kept in the frame.
    consts: HashMap<u128, Reg>,
    max_height: u32,
    /// Operand-stack height after the current operator (the validator's), which tells how
    /// many values a stack-form instruction leaves.
    next_height: u32,
    /// Inside code no path reaches (after `br`, `return`, ...): how many blocks deep.
    dead: Option<u32>,
    /// Instructions before this index may be branch targets' predecessors: no instruction
    /// below it is rewritten for one at or above it.
    barrier: usize,
}

/// At most this many distinct constants of a function get a register; the rest are written
/// to their stack slot by an instruction.
const MAX_CONST_REGS: usize = 256;

fn unsupported(what: impl std::fmt::Debug, offset: usize) -> DecodeError {
    DecodeError {
        kind: DecodeErrorKind::Invalid,
        message: format!("unsupported by saffron-semantics: {what:?}"),
        offset: Some(offset),
    }
}

/// The bits of a default value (spec `default_t`); nulls remember their hierarchy.
pub(crate) fn default_bits(m: &ModuleRepr, ty: ValType) -> u128 {
    match ty {
        ValType::Ref(r) => super::value::Ref::null_bits(module_top(m, r.heap)),
        _ => 0,
    }
}

pub(crate) fn module_top(m: &ModuleRepr, h: HeapType) -> HeapTop {
    super::types::top_of(h, |i| {
        m.types
            .get(i as usize)
            .map(|s| matches!(s.composite, CompositeType::Func(_)))
    })
}

pub(crate) fn translate_body(
    m: &ModuleRepr,
    fv: &mut Validator,
    body: &FunctionBody,
) -> Result<Code, DecodeError> {
    let ty = m
        .func_type(m.func_types[fv.index() as usize])
        .ok_or_else(|| unsupported("non-function type", 0))?;
    let mut t = Translator::new(m, ty.params.len() as u32, ty.results.len() as u32);
    let mut locals = body.get_locals_reader().map_err(DecodeError::malformed)?;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, vt) = locals.read().map_err(DecodeError::malformed)?;
        fv.define_locals(offset, count, vt)
            .map_err(DecodeError::invalid)?;
        let vt = crate::binary::val_type(vt).map_err(|e| unsupported(e, offset as usize))?;
        let bits = default_bits(m, vt);
        t.code
            .frame_init
            .extend(std::iter::repeat_n(bits, count as usize));
    }
    t.keep_constants(body);
    t.stack_base = t.code.num_params + t.code.frame_init.len() as u32;
    t.labels[0].base = t.stack_base;
    let mut reader = body
        .get_operators_reader()
        .map_err(DecodeError::malformed)?;
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset().map_err(DecodeError::malformed)?;
        let offset = offset as usize;
        fv.op(offset as u64, &op).map_err(DecodeError::invalid)?;
        t.next_height = fv.operand_stack_height();
        t.op(op, offset, Some(fv))?;
    }
    reader.finish().map_err(DecodeError::malformed)?;
    jumps_to_return(&mut t.code.instrs);
    branches_into_loop_tests(&mut t.code.instrs);
    t.code.frame_size = t.stack_base + t.max_height;
    checked(t.code, body.range().start as usize)
}

/// `code` once it is known to keep inside its frame and its instructions, ready to run (see
/// `Code::check` and `Code::prepare`; the evaluator relies on them).
fn checked(code: Code, offset: usize) -> Result<Code, DecodeError> {
    match code.prepare() {
        Ok(code) => Ok(code),
        Err(e) => Err(DecodeError {
            kind: DecodeErrorKind::Invalid,
            message: format!("saffron-semantics could not run this code: {e}"),
            offset: Some(offset),
        }),
    }
}

/// A `Jump` landing on a `Return` is that `Return` (a jump moves no values): typically the
/// end of an `if`'s `then` arm at the end of a function.
fn jumps_to_return(instrs: &mut [Instr]) {
    for i in 0..instrs.len() {
        if let Instr::Jump(t) = instrs[i] {
            if let Some(&ret @ Instr::Return { .. }) = instrs.get(t as usize) {
                instrs[i] = ret;
            }
        }
    }
}

/// A `br` (moving no values) to a compare-and-branch is that compare-and-branch, run in place
/// before continuing after it: typically the back edge of a loop testing its exit at the top,
/// which then costs one instruction per iteration instead of two.
fn branches_into_loop_tests(instrs: &mut [Instr]) {
    for i in 0..instrs.len() {
        if let Instr::Br(t) = instrs[i] {
            let fused = instrs.get(t.pc as usize).filter(|_| t.keep == 0);
            if let Some(fused) = fused.and_then(|head| head.branch_into(t.pc + 1)) {
                instrs[i] = fused;
            }
        }
    }
}

/// Constant expressions become straight-line code returning one value.
pub(crate) fn translate_const(
    m: &ModuleRepr,
    e: &wasmparser::ConstExpr,
) -> Result<Code, DecodeError> {
    let mut t = Translator::new(m, 0, 1);
    let mut reader = e.get_operators_reader();
    let start = reader.original_position();
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset().map_err(DecodeError::malformed)?;
        let offset = offset as usize;
        if t.labels.is_empty() {
            return Err(unsupported(
                "operators after end of constant expression",
                offset,
            ));
        }
        // Constant expressions are decoded before the validator sees their
        // section, so a non-constant operator (a branch, say) must be refused
        // here rather than translated without a validated context.
        if !is_constant_operator(&op) {
            return Err(DecodeError::invalid_msg(
                "constant expression required",
                offset,
            ));
        }
        let (pops, pushes) = t.const_effect(&op);
        let height = t.operands.len() as u32;
        if pops > height {
            return Err(DecodeError::invalid_msg("type mismatch", offset));
        }
        t.next_height = height - pops + pushes;
        t.op(op, offset, None)?;
    }
    t.code.frame_size = t.max_height;
    checked(t.code, start as usize)
}

/// The operators the spec allows in constant expressions (extended-const
/// arithmetic and the GC allocations included).
fn is_constant_operator(op: &wasmparser::Operator) -> bool {
    use wasmparser::Operator as O;
    matches!(
        op,
        O::I32Const { .. }
            | O::I64Const { .. }
            | O::F32Const { .. }
            | O::F64Const { .. }
            | O::V128Const { .. }
            | O::RefNull { .. }
            | O::RefFunc { .. }
            | O::GlobalGet { .. }
            | O::I32Add
            | O::I32Sub
            | O::I32Mul
            | O::I64Add
            | O::I64Sub
            | O::I64Mul
            | O::StructNew { .. }
            | O::StructNewDefault { .. }
            | O::ArrayNew { .. }
            | O::ArrayNewDefault { .. }
            | O::ArrayNewFixed { .. }
            | O::RefI31
            | O::AnyConvertExtern
            | O::ExternConvertAny
            | O::End
    )
}

/// The element of a `funcref` element segment given by index.
pub(crate) fn ref_func_expr(f: u32) -> Code {
    // Nothing to check or prepare: no register operands, one stack-form instruction.
    Code {
        instrs: vec![Instr::Stacked { height: 0, i: 0 }, Instr::Return { from: 0 }],
        stacked: vec![Instr::RefFunc(f)],
        num_results: 1,
        frame_size: 1,
        ..Code::default()
    }
}

fn mem(memarg: &MemArg) -> (u32, u64) {
    match memarg.target {
        wasmparser::MemArgTarget::Memory(m) => (m, memarg.offset),
        // Array-targeted memory operators are outside WebAssembly 3.0; `numeric` rejects them.
        wasmparser::MemArgTarget::Array(_) => (u32::MAX, memarg.offset),
    }
}

impl<'m> Translator<'m> {
    fn new(module: &'m ModuleRepr, num_params: u32, num_results: u32) -> Self {
        let code = Code {
            num_params,
            num_results,
            ..Code::default()
        };
        // The function body is the outermost block; branching to it returns.
        let body = Label {
            kind: LabelKind::Block,
            base: num_params,
            params: 0,
            branch_arity: num_results,
            results: num_results,
            loop_pc: 0,
            fixups: Vec::new(),
            else_jump: None,
            handler: None,
        };
        Translator {
            module,
            code,
            labels: vec![body],
            operands: Vec::new(),
            stack_base: num_params,
            consts: HashMap::new(),
            max_height: 0,
            next_height: 0,
            dead: None,
            barrier: 0,
        }
    }

    fn ref_type_index(&mut self, rt: RefType) -> u32 {
        self.code.ref_types.push(rt);
        (self.code.ref_types.len() - 1) as u32
    }

    fn pool(&mut self, v: u128) -> u32 {
        self.code.imms.push(v);
        (self.code.imms.len() - 1) as u32
    }
}
