//! Control, call, exception and variable operators (the rest in `data_ops`).

use wasmparser::Operator;

use super::fusion::into_local;
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
                Some(Instr::BinLC { h, f, a, c }) => {
                    self.pop_instrs(1);
                    let p = self.pool(c as u128);
                    let target = self.table_target(relative_depth);
                    self.emit(I::BrIfBinLP {
                        h,
                        f,
                        a,
                        p,
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
                Some(Instr::LocalGet(src)) => self.replace_last(I::LocalCopy { src, dst }),
                // A numeric result stored straight into a local skips the push and pop.
                last => match last.and_then(|i| into_local(i, dst, false)) {
                    Some(fused) => self.replace_last(fused),
                    None => self.emit(I::LocalSet(dst)),
                },
            },
            O::LocalTee { local_index: dst } => {
                match self.fusable(1).and_then(|i| into_local(i, dst, true)) {
                    Some(fused) => self.replace_last(fused),
                    None => self.emit(I::LocalTee(dst)),
                }
            }
            O::GlobalGet { global_index } => self.emit(I::GlobalGet(global_index)),
            O::GlobalSet { global_index } => self.emit(I::GlobalSet(global_index)),
            other => self.data_op(other, offset)?,
        }
        Ok(())
    }
}
