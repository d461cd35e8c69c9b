//! Labels: block arities, branch targets resolved at the label's `end` (fixups) and the
//! barrier that keeps fusion from crossing a branch target.

use wasmparser::BlockType;

use super::{unsupported, Fixup, Label, LabelKind, Translator, Validator};
use crate::binary::DecodeError;
use crate::exec::code::*;

impl Translator<'_> {
    pub(super) fn block_arity(
        &self,
        bt: BlockType,
        offset: usize,
    ) -> Result<(u32, u32), DecodeError> {
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

    pub(super) fn push_label(
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
    pub(super) fn target(&mut self, depth: u32, fixup: Fixup) -> BrTarget {
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

    pub(super) fn branch(&mut self, depth: u32, make: fn(BrTarget) -> Instr) {
        let at = self.code.instrs.len();
        let t = self.target(depth, Fixup::Instr(at));
        self.emit(make(t));
    }

    pub(super) fn table_target(&mut self, depth: u32) -> u32 {
        let at = self.code.br_tables.len();
        let t = self.target(depth, Fixup::Table(at));
        self.code.br_tables.push(t);
        at as u32
    }

    pub(super) fn patch(&mut self, fixup: Fixup, pc: u32) {
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

    pub(super) fn end(&mut self) {
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
}
