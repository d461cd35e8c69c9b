//! Translation of function bodies and constant expressions to the internal form (see `code`).
//!
//! Bodies are translated while wasmparser validates them operator by operator, so the exact
//! operand-stack height at every label is read off the validator instead of being recomputed.

use wasmparser::{BlockType, FuncValidator, FunctionBody, MemArg, Operator, ValidatorResources};

use super::code::*;
use crate::binary::{heap_type, ref_type, DecodeError, DecodeErrorKind};
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
    /// Stack height (relative to the frame) below the label's operands.
    base: u32,
    /// Number of values a branch to this label carries.
    branch_arity: u32,
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
    num_locals: u32,
    /// Instructions before this index may be branch targets' predecessors: the peephole
    /// fusion never merges an instruction below it with one at or above it.
    barrier: usize,
}

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
            .local_defaults
            .extend(std::iter::repeat_n(bits, count as usize));
    }
    t.num_locals = t.code.num_params + t.code.local_defaults.len() as u32;
    t.labels[0].base = t.num_locals;
    let mut reader = body
        .get_operators_reader()
        .map_err(DecodeError::malformed)?;
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset().map_err(DecodeError::malformed)?;
        let offset = offset as usize;
        fv.op(offset as u64, &op).map_err(DecodeError::invalid)?;
        t.op(op, offset, Some(fv))?;
    }
    reader.finish().map_err(DecodeError::malformed)?;
    jumps_to_return(&mut t.code.instrs);
    Ok(t.code)
}

/// A `Jump` landing on a `Return` is that `Return` (a jump moves no values): typically the
/// end of an `if`'s `then` arm at the end of a function.
fn jumps_to_return(instrs: &mut [Instr]) {
    for i in 0..instrs.len() {
        if let Instr::Jump(t) = instrs[i] {
            if matches!(instrs.get(t as usize), Some(Instr::Return)) {
                instrs[i] = Instr::Return;
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
            return Err(DecodeError::invalid_msg("constant expression required", offset));
        }
        t.op(op, offset, None)?;
    }
    Ok(t.code)
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
    Code {
        instrs: vec![Instr::RefFunc(f), Instr::Return],
        num_results: 1,
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
            branch_arity: num_results,
            loop_pc: 0,
            fixups: Vec::new(),
            else_jump: None,
            handler: None,
        };
        Translator {
            module,
            code,
            labels: vec![body],
            num_locals: num_params,
            barrier: 0,
        }
    }

    fn pc(&self) -> u32 {
        self.code.instrs.len() as u32
    }

    fn emit(&mut self, i: Instr) {
        self.code.instrs.push(i);
    }

    /// Marks the current pc as a branch target (or handler boundary).
    fn set_barrier(&mut self) {
        self.barrier = self.code.instrs.len();
    }

    /// The instruction `back` places from the end, if it may be fused with what follows.
    fn fusable(&self, back: usize) -> Option<Instr> {
        let len = self.code.instrs.len();
        if len < back || len - back < self.barrier {
            return None;
        }
        Some(self.code.instrs[len - back])
    }

    fn replace_last(&mut self, i: Instr) {
        self.pop_instrs(1);
        self.emit(i);
    }

    fn pop_instrs(&mut self, n: usize) {
        let len = self.code.instrs.len();
        self.code.instrs.truncate(len - n);
    }

    /// Emits a numeric instruction, fusing it with the operand pushes right before it.
    fn emit_numeric(&mut self, i: Instr) {
        fn constant(i: Option<Instr>) -> Option<u64> {
            match i {
                Some(Instr::Const32(c)) => Some(c as u64),
                Some(Instr::Const64(c)) => Some(c),
                _ => None,
            }
        }
        /// Pushes exactly one value, pops none and writes no local.
        fn pushes_one_pure(i: &Instr) -> bool {
            matches!(
                i,
                Instr::BinLL { .. }
                    | Instr::BinLC { .. }
                    | Instr::UnL { .. }
                    | Instr::LoadL { .. }
                    | Instr::Const32(_)
                    | Instr::Const64(_)
                    | Instr::ConstPool(_)
                    | Instr::GlobalGet(_)
            )
        }
        /// Replaces the stack top by a function of it (and of constants or locals only).
        fn modifies_top_pure(i: &Instr) -> bool {
            matches!(
                i,
                Instr::BinSC { .. } | Instr::BinSL { .. } | Instr::Un(..) | Instr::UnImm(..)
            )
        }
        fn local(i: Option<Instr>) -> Option<u32> {
            match i {
                Some(Instr::LocalGet(l)) => Some(l),
                _ => None,
            }
        }
        let fused = match i {
            Instr::Bin(h, f) => {
                let (first, last) = (self.fusable(2), self.fusable(1));
                if let (Some(a), Some(b)) = (local(first), local(last)) {
                    Some((2, Instr::BinLL { h, f, a, b }))
                } else if let (Some(a), Some(c)) = (local(first), constant(last)) {
                    Some((2, Instr::BinLC { h, f, a, c }))
                } else if let Some(c) = constant(last) {
                    Some((1, Instr::BinSC { h, f, c }))
                } else if let Some(b) = local(last) {
                    Some((1, Instr::BinSL { h, f, b }))
                } else if let (Some(a), Some(push)) = (local(first), last.filter(pushes_one_pure)) {
                    // Drop the `local.get a` below the push; `BinLS` reads `a` itself.
                    self.pop_instrs(2);
                    self.emit(push);
                    Some((0, Instr::BinLS { h, f, a }))
                } else if let (Some(a), Some(push), Some(modify)) = (
                    local(self.fusable(3)),
                    self.fusable(2).filter(pushes_one_pure),
                    last.filter(modifies_top_pure),
                ) {
                    // Same with the pushed value transformed in place before the `bin`.
                    self.pop_instrs(3);
                    self.emit(push);
                    self.emit(modify);
                    Some((0, Instr::BinLS { h, f, a }))
                } else {
                    None
                }
            }
            Instr::Un(h, f) => local(self.fusable(1)).map(|a| (1, Instr::UnL { h, f, a })),
            _ => None,
        };
        match fused {
            Some((n, fused)) => {
                self.pop_instrs(n);
                self.emit(fused);
            }
            None => self.emit(i),
        }
    }

    fn block_arity(&self, bt: BlockType, offset: usize) -> Result<(u32, u32), DecodeError> {
        Ok(match bt {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(i) => {
                let f = self
                    .module
                    .func_type(i)
                    .ok_or_else(|| unsupported("block type", offset))?;
                (f.params.len() as u32, f.results.len() as u32)
            }
        })
    }

    fn push_label(
        &mut self,
        kind: LabelKind,
        bt: BlockType,
        offset: usize,
        fv: Option<&mut Validator>,
    ) -> Result<(), DecodeError> {
        let (params, results) = self.block_arity(bt, offset)?;
        let fv = fv.ok_or_else(|| unsupported("block in constant expression", offset))?;
        // The validator has just pushed this block's frame; its height excludes the params.
        let height = fv
            .get_control_frame(0)
            .map(|f| f.height as u32)
            .unwrap_or(0);
        let branch_arity = if kind == LabelKind::Loop {
            params
        } else {
            results
        };
        self.set_barrier();
        self.labels.push(Label {
            kind,
            base: self.num_locals + height,
            branch_arity,
            loop_pc: self.pc(),
            fixups: Vec::new(),
            else_jump: None,
            handler: None,
        });
        Ok(())
    }

    /// Branch target of relative label `depth`; forward targets get registered for fixing up.
    fn target(&mut self, depth: u32, fixup: Fixup) -> BrTarget {
        let idx = self.labels.len() - 1 - depth as usize;
        let label = &mut self.labels[idx];
        let pc = if label.kind == LabelKind::Loop {
            label.loop_pc
        } else {
            label.fixups.push(fixup);
            u32::MAX
        };
        BrTarget {
            pc,
            keep: label.branch_arity,
            drop_to: label.base,
        }
    }

    fn branch(&mut self, depth: u32, make: fn(BrTarget) -> Instr) {
        let at = self.code.instrs.len();
        let t = self.target(depth, Fixup::Instr(at));
        self.emit(make(t));
    }

    fn table_target(&mut self, depth: u32) -> u32 {
        let at = self.code.br_tables.len();
        let t = self.target(depth, Fixup::Table(at));
        self.code.br_tables.push(t);
        at as u32
    }

    fn patch(&mut self, fixup: Fixup, pc: u32) {
        match fixup {
            Fixup::Table(i) => self.code.br_tables[i].pc = pc,
            Fixup::Catch(h, c) => self.code.handlers[h].catches[c].target.pc = pc,
            Fixup::Instr(i) => match &mut self.code.instrs[i] {
                Instr::Jump(t)
                | Instr::JumpIfZero(t)
                | Instr::JumpIfZeroBinLL { pc: t, .. }
                | Instr::JumpIfZeroBinLC32 { pc: t, .. }
                | Instr::JumpIfZeroUn { pc: t, .. } => *t = pc,
                Instr::Br(t)
                | Instr::BrIf(t)
                | Instr::BrOnNull(t)
                | Instr::BrOnNonNull(t)
                | Instr::BrIfBin { t, .. } => t.pc = pc,
                other => unreachable!("not a branch: {other:?}"),
            },
        }
    }

    fn end(&mut self) {
        let label = self.labels.pop().expect("validator checks block nesting");
        if self.labels.is_empty() {
            // End of the function: branches to the body label land on the final return.
            let pc = self.pc();
            self.emit(Instr::Return);
            for f in label.fixups {
                self.patch(f, pc);
            }
            return;
        }
        let pc = self.pc();
        self.set_barrier();
        if let Some(j) = label.else_jump {
            self.patch(Fixup::Instr(j), pc);
        }
        if let Some(h) = label.handler {
            self.code.handlers[h].end = pc;
        }
        for f in label.fixups {
            self.patch(f, pc);
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

    fn field_ext(&self, ty: u32, field: Option<u32>, signed: bool) -> Ext {
        let storage = match self.module.types.get(ty as usize).map(|s| &s.composite) {
            Some(CompositeType::Struct(fields)) => field
                .and_then(|f| fields.get(f as usize))
                .map(|f| f.storage),
            Some(CompositeType::Array(f)) => Some(f.storage),
            _ => None,
        };
        match (storage, signed) {
            (Some(StorageType::I8), true) => Ext::S8,
            (Some(StorageType::I8), false) => Ext::U8,
            (Some(StorageType::I16), true) => Ext::S16,
            (Some(StorageType::I16), false) => Ext::U16,
            _ => Ext::None,
        }
    }

    fn load(&mut self, op: LoadOp, memarg: &MemArg) {
        let (mem, offset) = mem(memarg);
        match self.fusable(1) {
            Some(Instr::LocalGet(addr)) => self.replace_last(Instr::LoadL {
                op,
                mem,
                offset,
                addr,
            }),
            _ => self.emit(Instr::Load { op, mem, offset }),
        }
    }

    fn store(&mut self, bytes: u8, memarg: &MemArg) {
        let (mem, offset) = mem(memarg);
        let fused = match (self.fusable(2), self.fusable(1)) {
            (Some(Instr::LocalGet(addr)), Some(Instr::LocalGet(val))) => Some(Instr::StoreLL {
                bytes,
                mem,
                offset,
                addr,
                val,
            }),
            (Some(Instr::LocalGet(addr)), Some(Instr::Const32(c))) => Some(Instr::StoreLC {
                bytes,
                mem,
                offset,
                addr,
                c,
            }),
            _ => None,
        };
        match fused {
            Some(i) => {
                self.pop_instrs(2);
                self.emit(i)
            }
            None => self.emit(Instr::Store { bytes, mem, offset }),
        }
    }

    fn op(
        &mut self,
        op: Operator,
        offset: usize,
        fv: Option<&mut Validator>,
    ) -> Result<(), DecodeError> {
        use Instr as I;
        use Operator as O;
        let heap = |h| heap_type(h).map_err(|e| unsupported(e, offset));
        match op {
            O::Unreachable => self.emit(I::Unreachable),
            O::Nop => {}
            O::Block { blockty } => self.push_label(LabelKind::Block, blockty, offset, fv)?,
            O::Loop { blockty } => self.push_label(LabelKind::Loop, blockty, offset, fv)?,
            O::If { blockty } => {
                let fused = match self.fusable(1) {
                    Some(Instr::BinLL { h, f, a, b }) => Some(I::JumpIfZeroBinLL {
                        h,
                        f,
                        a,
                        b,
                        pc: u32::MAX,
                    }),
                    Some(Instr::BinLC { h, f, a, c }) => {
                        u32::try_from(c).ok().map(|c| I::JumpIfZeroBinLC32 {
                            h,
                            f,
                            a,
                            c,
                            pc: u32::MAX,
                        })
                    }
                    Some(Instr::Un(h, f)) => Some(I::JumpIfZeroUn { h, f, pc: u32::MAX }),
                    _ => None,
                };
                if fused.is_some() {
                    self.pop_instrs(1);
                }
                let at = self.code.instrs.len();
                self.emit(fused.unwrap_or(I::JumpIfZero(u32::MAX)));
                self.push_label(LabelKind::If, blockty, offset, fv)?;
                self.labels.last_mut().unwrap().else_jump = Some(at);
            }
            O::Else => {
                let at = self.code.instrs.len();
                self.emit(I::Jump(u32::MAX));
                let label = self.labels.last_mut().unwrap();
                label.fixups.push(Fixup::Instr(at));
                let jump = label.else_jump.take();
                if let Some(j) = jump {
                    let pc = self.pc();
                    self.patch(Fixup::Instr(j), pc);
                }
                self.set_barrier();
            }
            O::TryTable { try_table } => {
                let mut catches = Vec::new();
                for (k, c) in try_table.catches.iter().enumerate() {
                    let h = self.code.handlers.len();
                    let (kind, depth) = match *c {
                        wasmparser::Catch::One { tag, label } => (CatchKind::One(tag), label),
                        wasmparser::Catch::OneRef { tag, label } => (CatchKind::OneRef(tag), label),
                        wasmparser::Catch::All { label } => (CatchKind::All, label),
                        wasmparser::Catch::AllRef { label } => (CatchKind::AllRef, label),
                    };
                    // Catch labels are relative to the context outside the try_table.
                    let target = self.target(depth, Fixup::Catch(h, k));
                    catches.push(CatchClause { kind, target });
                }
                let start = self.pc();
                self.code.handlers.push(Handler {
                    start,
                    end: start,
                    catches,
                });
                let h = self.code.handlers.len() - 1;
                self.push_label(LabelKind::TryTable, try_table.ty, offset, fv)?;
                self.labels.last_mut().unwrap().handler = Some(h);
            }
            O::End => self.end(),
            O::Br { relative_depth } => {
                let t = self.target(relative_depth, Fixup::Instr(self.code.instrs.len()));
                // Loop targets are never fixed up; a loop header is final once emitted (no
                // fusion rewrites a `BrIf*` form).
                let loop_test = self.labels[self.labels.len() - 1 - relative_depth as usize].kind
                    == LabelKind::Loop
                    && t.keep == 0
                    && matches!(
                        self.code.instrs.get(t.pc as usize),
                        Some(Instr::BrIfBinLL { .. } | Instr::BrIfBinLC32 { .. })
                    );
                self.emit(if loop_test { I::BrToTest(t) } else { I::Br(t) });
            }
            O::BrIf { relative_depth } => match self.fusable(1) {
                Some(Instr::Bin(h, f)) => {
                    self.pop_instrs(1);
                    let at = self.code.instrs.len();
                    let t = self.target(relative_depth, Fixup::Instr(at));
                    self.emit(I::BrIfBin { h, f, t });
                }
                Some(Instr::BinLL { h, f, a, b }) => {
                    self.pop_instrs(1);
                    let target = self.table_target(relative_depth);
                    self.emit(I::BrIfBinLL { h, f, a, b, target });
                }
                Some(Instr::BinLC { h, f, a, c }) if c <= u32::MAX as u64 => {
                    self.pop_instrs(1);
                    let target = self.table_target(relative_depth);
                    self.emit(I::BrIfBinLC32 {
                        h,
                        f,
                        a,
                        c: c as u32,
                        target,
                    });
                }
                _ => self.branch(relative_depth, I::BrIf),
            },
            O::BrOnNull { relative_depth } => self.branch(relative_depth, I::BrOnNull),
            O::BrOnNonNull { relative_depth } => self.branch(relative_depth, I::BrOnNonNull),
            O::BrTable { targets } => {
                let mut depths = Vec::with_capacity(targets.len() as usize + 1);
                for d in targets.targets() {
                    depths.push(d.map_err(DecodeError::malformed)?);
                }
                depths.push(targets.default());
                let first = self.code.br_tables.len() as u32;
                for d in depths {
                    self.table_target(d);
                }
                self.emit(I::BrTable {
                    first,
                    len: targets.len(),
                });
            }
            O::BrOnCast {
                relative_depth,
                to_ref_type,
                ..
            }
            | O::BrOnCastFail {
                relative_depth,
                to_ref_type,
                ..
            } => {
                let fail = matches!(op, O::BrOnCastFail { .. });
                let rt =
                    self.ref_type_index(ref_type(to_ref_type).map_err(|e| unsupported(e, offset))?);
                let target = self.table_target(relative_depth);
                self.emit(if fail {
                    I::BrOnCastFail { target, rt }
                } else {
                    I::BrOnCast { target, rt }
                });
            }
            O::Return => self.emit(I::Return),
            O::Call { function_index } => self.emit(I::Call(function_index)),
            O::ReturnCall { function_index } => self.emit(I::ReturnCall(function_index)),
            O::CallIndirect {
                type_index,
                table_index,
            } => self.emit(I::CallIndirect {
                table: table_index,
                ty: type_index,
            }),
            O::ReturnCallIndirect {
                type_index,
                table_index,
            } => self.emit(I::ReturnCallIndirect {
                table: table_index,
                ty: type_index,
            }),
            O::CallRef { .. } => self.emit(I::CallRef),
            O::ReturnCallRef { .. } => self.emit(I::ReturnCallRef),
            O::Throw { tag_index } => self.emit(I::Throw(tag_index)),
            O::ThrowRef => self.emit(I::ThrowRef),
            O::Drop => self.emit(I::Drop),
            O::Select | O::TypedSelect { .. } => self.emit(I::Select),
            O::LocalGet { local_index } => match self.fusable(1) {
                // `local.set x; local.get x` is `local.tee x`.
                Some(Instr::LocalSet(x)) if x == local_index => {
                    self.pop_instrs(1);
                    self.emit(I::LocalTee(x))
                }
                _ => self.emit(I::LocalGet(local_index)),
            },
            O::LocalSet { local_index: dst } => match self.fusable(1) {
                // A numeric result stored straight into a local skips the push and pop.
                Some(Instr::Bin(h, f)) => self.replace_last(I::BinSet { h, f, dst }),
                Some(Instr::BinLL { h, f, a, b }) => {
                    self.replace_last(I::BinLLSet { h, f, a, b, dst })
                }
                Some(Instr::BinSC { h, f, c }) => self.replace_last(I::BinSCSet { h, f, c, dst }),
                Some(Instr::BinSL { h, f, b }) => self.replace_last(I::BinSLSet { h, f, b, dst }),
                Some(Instr::BinLS { h, f, a }) => self.replace_last(I::BinLSSet { h, f, a, dst }),
                Some(Instr::BinLC { h, f, a, c }) if c <= u32::MAX as u64 => {
                    self.replace_last(I::BinLC32Set {
                        h,
                        f,
                        a,
                        c: c as u32,
                        dst,
                    })
                }
                _ => self.emit(I::LocalSet(dst)),
            },
            O::LocalTee { local_index } => self.emit(I::LocalTee(local_index)),
            O::GlobalGet { global_index } => self.emit(I::GlobalGet(global_index)),
            O::GlobalSet { global_index } => self.emit(I::GlobalSet(global_index)),
            O::TableGet { table } => self.emit(I::TableGet(table)),
            O::TableSet { table } => self.emit(I::TableSet(table)),
            O::TableSize { table } => self.emit(I::TableSize(table)),
            O::TableGrow { table } => self.emit(I::TableGrow(table)),
            O::TableFill { table } => self.emit(I::TableFill(table)),
            O::TableCopy {
                dst_table,
                src_table,
            } => self.emit(I::TableCopy {
                dst: dst_table,
                src: src_table,
            }),
            O::TableInit { elem_index, table } => self.emit(I::TableInit {
                table,
                elem: elem_index,
            }),
            O::ElemDrop { elem_index } => self.emit(I::ElemDrop(elem_index)),
            O::I32Load { memarg } => self.load(LoadOp::I32, &memarg),
            O::I64Load { memarg } => self.load(LoadOp::I64, &memarg),
            O::F32Load { memarg } => self.load(LoadOp::F32, &memarg),
            O::F64Load { memarg } => self.load(LoadOp::F64, &memarg),
            O::I32Load8S { memarg } => self.load(LoadOp::I32S8, &memarg),
            O::I32Load8U { memarg } => self.load(LoadOp::I32U8, &memarg),
            O::I32Load16S { memarg } => self.load(LoadOp::I32S16, &memarg),
            O::I32Load16U { memarg } => self.load(LoadOp::I32U16, &memarg),
            O::I64Load8S { memarg } => self.load(LoadOp::I64S8, &memarg),
            O::I64Load8U { memarg } => self.load(LoadOp::I64U8, &memarg),
            O::I64Load16S { memarg } => self.load(LoadOp::I64S16, &memarg),
            O::I64Load16U { memarg } => self.load(LoadOp::I64U16, &memarg),
            O::I64Load32S { memarg } => self.load(LoadOp::I64S32, &memarg),
            O::I64Load32U { memarg } => self.load(LoadOp::I64U32, &memarg),
            O::V128Load { memarg } => self.load(LoadOp::V128, &memarg),
            O::V128Load8x8S { memarg } => self.load(LoadOp::V128S8x8, &memarg),
            O::V128Load8x8U { memarg } => self.load(LoadOp::V128U8x8, &memarg),
            O::V128Load16x4S { memarg } => self.load(LoadOp::V128S16x4, &memarg),
            O::V128Load16x4U { memarg } => self.load(LoadOp::V128U16x4, &memarg),
            O::V128Load32x2S { memarg } => self.load(LoadOp::V128S32x2, &memarg),
            O::V128Load32x2U { memarg } => self.load(LoadOp::V128U32x2, &memarg),
            O::V128Load8Splat { memarg } => self.load(LoadOp::Splat8, &memarg),
            O::V128Load16Splat { memarg } => self.load(LoadOp::Splat16, &memarg),
            O::V128Load32Splat { memarg } => self.load(LoadOp::Splat32, &memarg),
            O::V128Load64Splat { memarg } => self.load(LoadOp::Splat64, &memarg),
            O::V128Load32Zero { memarg } => self.load(LoadOp::Zero32, &memarg),
            O::V128Load64Zero { memarg } => self.load(LoadOp::Zero64, &memarg),
            O::I32Store { memarg } | O::F32Store { memarg } | O::I64Store32 { memarg } => {
                self.store(4, &memarg)
            }
            O::I64Store { memarg } | O::F64Store { memarg } => self.store(8, &memarg),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(1, &memarg),
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store(2, &memarg),
            O::V128Store { memarg } => self.store(16, &memarg),
            O::V128Load8Lane { memarg, lane } => self.lane(false, 1, lane, &memarg),
            O::V128Load16Lane { memarg, lane } => self.lane(false, 2, lane, &memarg),
            O::V128Load32Lane { memarg, lane } => self.lane(false, 4, lane, &memarg),
            O::V128Load64Lane { memarg, lane } => self.lane(false, 8, lane, &memarg),
            O::V128Store8Lane { memarg, lane } => self.lane(true, 1, lane, &memarg),
            O::V128Store16Lane { memarg, lane } => self.lane(true, 2, lane, &memarg),
            O::V128Store32Lane { memarg, lane } => self.lane(true, 4, lane, &memarg),
            O::V128Store64Lane { memarg, lane } => self.lane(true, 8, lane, &memarg),
            O::MemorySize { mem } => self.emit(I::MemorySize(mem)),
            O::MemoryGrow { mem } => self.emit(I::MemoryGrow(mem)),
            O::MemoryFill { mem } => self.emit(I::MemoryFill(mem)),
            O::MemoryCopy { dst_mem, src_mem } => self.emit(I::MemoryCopy {
                dst: dst_mem,
                src: src_mem,
            }),
            O::MemoryInit { data_index, mem } => self.emit(I::MemoryInit {
                mem,
                data: data_index,
            }),
            O::DataDrop { data_index } => self.emit(I::DataDrop(data_index)),
            O::I32Const { value } => self.emit(I::Const32(value as u32)),
            O::I64Const { value } => self.emit(I::Const64(value as u64)),
            O::F32Const { value } => self.emit(I::Const32(value.bits())),
            O::F64Const { value } => self.emit(I::Const64(value.bits())),
            O::V128Const { value } => {
                let p = self.pool(u128::from_le_bytes(*value.bytes()));
                self.emit(I::ConstPool(p))
            }
            O::RefNull { hty } => {
                let top = module_top(self.module, heap(hty)?);
                self.emit(I::RefNull(top))
            }
            O::RefIsNull => self.emit(I::RefIsNull),
            O::RefFunc { function_index } => self.emit(I::RefFunc(function_index)),
            O::RefAsNonNull => self.emit(I::RefAsNonNull),
            O::RefEq => self.emit(I::RefEq),
            O::StructNew { struct_type_index } => self.emit(I::StructNew(struct_type_index)),
            O::StructNewDefault { struct_type_index } => {
                self.emit(I::StructNewDefault(struct_type_index))
            }
            O::StructGet {
                struct_type_index: ty,
                field_index: field,
            } => self.emit(I::StructGet {
                ty,
                field,
                ext: Ext::None,
            }),
            O::StructGetS {
                struct_type_index: ty,
                field_index: field,
            } => {
                let ext = self.field_ext(ty, Some(field), true);
                self.emit(I::StructGet { ty, field, ext })
            }
            O::StructGetU {
                struct_type_index: ty,
                field_index: field,
            } => {
                let ext = self.field_ext(ty, Some(field), false);
                self.emit(I::StructGet { ty, field, ext })
            }
            O::StructSet {
                struct_type_index: ty,
                field_index: field,
            } => self.emit(I::StructSet { ty, field }),
            O::ArrayNew { array_type_index } => self.emit(I::ArrayNew(array_type_index)),
            O::ArrayNewDefault { array_type_index } => {
                self.emit(I::ArrayNewDefault(array_type_index))
            }
            O::ArrayNewFixed {
                array_type_index: ty,
                array_size: len,
            } => self.emit(I::ArrayNewFixed { ty, len }),
            O::ArrayNewData {
                array_type_index: ty,
                array_data_index: data,
            } => self.emit(I::ArrayNewData { ty, data }),
            O::ArrayNewElem {
                array_type_index: ty,
                array_elem_index: elem,
            } => self.emit(I::ArrayNewElem { ty, elem }),
            O::ArrayGet {
                array_type_index: ty,
            } => self.emit(I::ArrayGet { ty, ext: Ext::None }),
            O::ArrayGetS {
                array_type_index: ty,
            } => {
                let ext = self.field_ext(ty, None, true);
                self.emit(I::ArrayGet { ty, ext })
            }
            O::ArrayGetU {
                array_type_index: ty,
            } => {
                let ext = self.field_ext(ty, None, false);
                self.emit(I::ArrayGet { ty, ext })
            }
            O::ArraySet { array_type_index } => self.emit(I::ArraySet(array_type_index)),
            O::ArrayLen => self.emit(I::ArrayLen),
            O::ArrayFill { array_type_index } => self.emit(I::ArrayFill(array_type_index)),
            O::ArrayCopy {
                array_type_index_dst: dst,
                array_type_index_src: src,
            } => self.emit(I::ArrayCopy { dst, src }),
            O::ArrayInitData {
                array_type_index: ty,
                array_data_index: data,
            } => self.emit(I::ArrayInitData { ty, data }),
            O::ArrayInitElem {
                array_type_index: ty,
                array_elem_index: elem,
            } => self.emit(I::ArrayInitElem { ty, elem }),
            O::RefI31 => self.emit(I::RefI31),
            O::I31GetS => self.emit(I::I31Get { signed: true }),
            O::I31GetU => self.emit(I::I31Get { signed: false }),
            O::RefTestNonNull { hty }
            | O::RefTestNullable { hty }
            | O::RefCastNonNull { hty }
            | O::RefCastNullable { hty } => {
                let nullable = matches!(op, O::RefTestNullable { .. } | O::RefCastNullable { .. });
                let rt = self.ref_type_index(RefType {
                    nullable,
                    heap: heap(hty)?,
                });
                let test = matches!(op, O::RefTestNonNull { .. } | O::RefTestNullable { .. });
                self.emit(if test { I::RefTest(rt) } else { I::RefCast(rt) })
            }
            O::AnyConvertExtern => self.emit(I::AnyConvertExtern),
            O::ExternConvertAny => self.emit(I::ExternConvertAny),
            other => self.numeric(&other, offset)?,
        }
        Ok(())
    }

    fn lane(&mut self, store: bool, bytes: u8, lane: u8, memarg: &MemArg) {
        let (mem, offset) = mem(memarg);
        self.emit(if store {
            Instr::StoreLane {
                bytes,
                lane,
                mem,
                offset,
            }
        } else {
            Instr::LoadLane {
                bytes,
                lane,
                mem,
                offset,
            }
        });
    }

    /// Pure numeric instructions are looked up once here; the evaluator just calls them.
    fn numeric(&mut self, op: &Operator, offset: usize) -> Result<(), DecodeError> {
        use crate::numerics::NumericFn;
        let f = crate::numerics::lookup(op).ok_or_else(|| unsupported(op, offset))?;
        match f {
            NumericFn::Un(f) => self.emit_numeric(Instr::Un(super::hot::HotUn::of(op), f)),
            NumericFn::Bin(f) => self.emit_numeric(Instr::Bin(super::hot::HotBin::of(op), f)),
            NumericFn::Tern(f) => self.emit(Instr::Tern(f)),
            NumericFn::UnImm(f, imm) => {
                let p = self.pool(imm);
                self.emit(Instr::UnImm(f, p))
            }
            NumericFn::BinImm(f, imm) => {
                let p = self.pool(imm);
                self.emit(Instr::BinImm(f, p))
            }
        }
        Ok(())
    }
}
