//! Control, call, exception and variable operators (the rest in `data_ops`).

use wasmparser::Operator;

use super::{unsupported, Fixup, LabelKind, Translator, Validator};
use crate::binary::{ref_type, DecodeError};
use crate::exec::code::*;

impl Translator<'_> {
    pub(super) fn op(
        &mut self,
        op: Operator,
        offset: usize,
        fv: Option<&mut Validator>,
    ) -> Result<(), DecodeError> {
        use Instr as I;
        use Operator as O;
        // Code after an unconditional branch is validated but never run: skip it up to the
        // `else` or `end` of its block.
        if let Some(depth) = self.dead {
            match op {
                O::Block { .. } | O::Loop { .. } | O::If { .. } | O::TryTable { .. } => {
                    self.dead = Some(depth + 1)
                }
                O::End if depth > 0 => self.dead = Some(depth - 1),
                O::End => self.end(),
                O::Else if depth == 0 => self.else_(),
                _ => {}
            }
            return Ok(());
        }
        match op {
            O::Unreachable => {
                self.emit(I::Unreachable);
                self.dead = Some(0);
            }
            O::Nop => {}
            O::Block { blockty } => self.push_label(LabelKind::Block, blockty, offset, fv)?,
            O::Loop { blockty } => self.push_label(LabelKind::Loop, blockty, offset, fv)?,
            O::If { blockty } => {
                let cond = self.pop();
                // The compare reads only registers at or above `cond`'s slot, or locals and
                // constants: the copies that materialize the values below may go first.
                let compare = self.take_compare(cond);
                self.materialize_all();
                let at = self.code.instrs.len();
                self.emit(match compare {
                    Some(c) => c.jump_unless(u32::MAX).expect("a hot predicate"),
                    None => I::JumpIfZero { cond, pc: u32::MAX },
                });
                self.push_label(LabelKind::If, blockty, offset, fv)?;
                self.labels.last_mut().unwrap().else_jump = Some(at);
            }
            O::Else => self.else_(),
            O::TryTable { try_table } => {
                self.materialize_all();
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
                    let target = self.target(depth, 0, Fixup::Catch(h, k));
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
                self.branch(relative_depth, I::Br);
                self.dead = Some(0);
            }
            O::BrIf { relative_depth } => {
                let cond = self.pop();
                if !self.branch_on_compare(relative_depth, cond) {
                    self.branch(relative_depth, |t| I::BrIf { cond, t });
                }
            }
            O::BrOnNull { relative_depth } => {
                let r = self.pop();
                self.branch(relative_depth, |t| I::BrOnNull { r, t });
                self.push(r);
            }
            O::BrOnNonNull { relative_depth } => {
                let r = *self.operands.last().expect("validation guarantees operands");
                self.branch(relative_depth, |t| I::BrOnNonNull { r, t });
                self.pop();
            }
            O::BrTable { targets } => {
                let index = self.pop();
                let mut depths = Vec::with_capacity(targets.len() as usize + 1);
                for d in targets.targets() {
                    depths.push(d.map_err(DecodeError::malformed)?);
                }
                depths.push(targets.default());
                // All targets carry the same number of values: read them from one place.
                let from = self.branch_source(targets.default());
                let first = self.code.br_tables.len() as u32;
                for d in depths {
                    self.table_target(d, from);
                }
                self.emit(I::BrTable {
                    index,
                    first,
                    len: targets.len(),
                });
                self.dead = Some(0);
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
                let r = *self.operands.last().expect("validation guarantees operands");
                let from = self.branch_source(relative_depth);
                let target = self.table_target(relative_depth, from);
                self.emit(if fail {
                    I::BrOnCastFail { r, target, rt }
                } else {
                    I::BrOnCast { r, target, rt }
                });
            }
            O::Return => {
                let n = self.code.num_results as usize;
                let from = match n {
                    1 => self.pop(),
                    _ => self.materialize_top(n),
                };
                self.emit(I::Return { from });
                self.dead = Some(0);
            }
            O::Call { function_index } | O::ReturnCall { function_index } => {
                let tail = matches!(op, O::ReturnCall { .. });
                let ty = *self
                    .module
                    .func_types
                    .get(function_index as usize)
                    .ok_or_else(|| unsupported("function index", offset))?;
                let func = function_index;
                self.call(ty, offset, tail, |base| {
                    if tail {
                        I::ReturnCall { func, base }
                    } else {
                        I::Call { func, base }
                    }
                })?
            }
            O::CallIndirect {
                type_index,
                table_index: table,
            }
            | O::ReturnCallIndirect {
                type_index,
                table_index: table,
            } => {
                let index = self.pop();
                let tail = matches!(op, O::ReturnCallIndirect { .. });
                let ty = type_index;
                self.call(ty, offset, tail, |base| {
                    if tail {
                        I::ReturnCallIndirect { table, ty, index, base }
                    } else {
                        I::CallIndirect { table, ty, index, base }
                    }
                })?
            }
            O::CallRef { type_index } | O::ReturnCallRef { type_index } => {
                let func = self.pop();
                let tail = matches!(op, O::ReturnCallRef { .. });
                self.call(type_index, offset, tail, |base| {
                    if tail {
                        I::ReturnCallRef { func, base }
                    } else {
                        I::CallRef { func, base }
                    }
                })?
            }
            O::Throw { tag_index } => {
                self.materialize_all();
                let height = self.next_slot();
                self.emit(I::Throw { tag: tag_index, height });
                self.dead = Some(0);
            }
            O::ThrowRef => {
                let exn = self.pop();
                self.materialize_all();
                let height = self.next_slot();
                self.emit(I::ThrowRef { exn, height });
                self.dead = Some(0);
            }
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let cond = self.pop();
                let b = self.pop();
                let a = self.pop();
                self.emit_result(|dst| I::Select { dst, cond, a, b });
            }
            O::LocalGet { local_index } => self.push(local_index),
            O::LocalSet { local_index } => self.set_local(local_index, false),
            O::LocalTee { local_index } => self.set_local(local_index, true),
            O::GlobalGet { global_index } => self.emit_result(|dst| I::GlobalGet { dst, g: global_index }),
            O::GlobalSet { global_index } => {
                let src = self.pop();
                self.emit(I::GlobalSet { src, g: global_index });
            }
            other => self.data_op(other, offset)?,
        }
        Ok(())
    }

    /// A call of type `ty` (`tail`: a tail call, after which code is dead): the arguments
    /// go to the top slots, whose first one is the callee's first register; the results
    /// come back to the same place.
    fn call(
        &mut self,
        ty: u32,
        offset: usize,
        tail: bool,
        make: impl FnOnce(Reg) -> Instr,
    ) -> Result<(), DecodeError> {
        let f = self
            .module
            .func_type(ty)
            .ok_or_else(|| unsupported("call type", offset))?;
        let (params, results) = (f.params.len(), f.results.len());
        let base = self.materialize_top(params);
        self.emit(make(base));
        self.operands.truncate(self.operands.len() - params);
        for _ in 0..results {
            let own = self.next_slot();
            self.push(own);
        }
        if tail {
            self.dead = Some(0);
        }
        Ok(())
    }
}
