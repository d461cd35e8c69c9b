//! Labels: block arities, branch targets resolved at the label's `end` (fixups), the
//! barrier that keeps rewriting from crossing a branch target, and the operand stack at
//! merges (every value in its own slot).

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

    /// Opens a block; its parameters (and everything below) are in their own slots.
    pub(super) fn push_label(
        &mut self,
        kind: LabelKind,
        bt: BlockType,
        offset: usize,
        fv: Option<&mut Validator>,
    ) -> Result<(), DecodeError> {
        let (params, results) = self.block_arity(bt, offset)?;
        if fv.is_none() {
            return Err(unsupported("block in constant expression", offset));
        }
        self.materialize_all();
        let height = self.operands.len() as u32 - params;
        let branch_arity = if kind == LabelKind::Loop {
            params
        } else {
            results
        };
        self.set_barrier();
        self.labels.push(Label {
            kind,
            base: self.stack_base + height,
            params,
            branch_arity,
            results,
            loop_pc: self.pc(),
            fixups: Vec::new(),
            else_jump: None,
            handler: None,
        });
        Ok(())
    }

    /// Branch target of relative label `depth` for values now on top of the stack (in
    /// `from..`); forward targets get registered for fixing up.
    pub(super) fn target(&mut self, depth: u32, from: Reg, fixup: Fixup) -> BrTarget {
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
            from,
        }
    }

    pub(super) fn arity(&self, depth: u32) -> usize {
        self.labels[self.labels.len() - 1 - depth as usize].branch_arity as usize
    }

    /// Where the values a branch to `depth` carries are read from: the value's own register
    /// when it is one, else the top slots after materializing them.
    pub(super) fn branch_source(&mut self, depth: u32) -> Reg {
        match self.arity(depth) {
            0 => 0,
            1 => *self.operands.last().expect("validation guarantees operands"),
            n => self.materialize_top(n),
        }
    }

    /// `br_if` to `depth` on `cond`, the result of the hot predicate just computed (read by
    /// nothing else), as one compare-and-branch instruction; `false` when it is not one.
    /// Only for branches carrying at most one value, which need no copy before the branch.
    pub(super) fn branch_on_compare(&mut self, depth: u32, cond: Reg) -> bool {
        if self.arity(depth) > 1 {
            return false;
        }
        let Some(compare) = self.take_compare(cond) else {
            return false;
        };
        let from = self.branch_source(depth);
        let target = self.table_target(depth, from);
        self.emit(compare.branch_on(target).expect("a hot predicate"));
        true
    }

    /// The hot predicate just computed into `cond` (read by nothing else), taken out of the
    /// code to be fused with the `if` or `br_if` on it.
    pub(super) fn take_compare(&mut self, cond: Reg) -> Option<Instr> {
        if cond != self.next_slot() {
            return None;
        }
        let mut compare = *self.last_instr()?;
        if compare.result_reg().map(|dst| *dst) != Some(cond) || compare.branch_on(0).is_none() {
            return None;
        }
        self.code.instrs.pop();
        Some(compare)
    }

    /// A branch instruction `make(target)` to relative label `depth`.
    pub(super) fn branch(&mut self, depth: u32, make: impl FnOnce(BrTarget) -> Instr) {
        let from = self.branch_source(depth);
        let at = self.code.instrs.len();
        let t = self.target(depth, from, Fixup::Instr(at));
        self.emit(make(t));
    }

    pub(super) fn table_target(&mut self, depth: u32, from: Reg) -> u32 {
        let at = self.code.br_tables.len();
        let t = self.target(depth, from, Fixup::Table(at));
        self.code.br_tables.push(t);
        at as u32
    }

    pub(super) fn patch(&mut self, fixup: Fixup, pc: u32) {
        match fixup {
            Fixup::Table(i) => self.code.br_tables[i].pc = pc,
            Fixup::Catch(h, c) => self.code.handlers[h].catches[c].target.pc = pc,
            Fixup::Instr(i) => {
                let instr = &mut self.code.instrs[i];
                if let Some(target) = instr.jump_target() {
                    *target = pc;
                    return;
                }
                match instr {
                    Instr::Br(t)
                    | Instr::BrIf { t, .. }
                    | Instr::BrOnNull { t, .. }
                    | Instr::BrOnNonNull { t, .. } => t.pc = pc,
                    other => unreachable!("not a branch: {other:?}"),
                }
            }
        }
    }

    /// `else`: the `then` arm's results go to their own slots, and the `else` arm starts
    /// from the block's parameters.
    pub(super) fn else_(&mut self) {
        if self.dead.take().is_none() {
            self.materialize_all();
        }
        let at = self.code.instrs.len();
        self.emit(Instr::Jump(u32::MAX));
        let label = self.labels.last_mut().unwrap();
        label.fixups.push(Fixup::Instr(at));
        let jump = label.else_jump.take();
        let height = label.base - self.stack_base + label.params;
        if let Some(j) = jump {
            let pc = self.pc();
            self.patch(Fixup::Instr(j), pc);
        }
        self.set_barrier();
        self.reset_operands(height as usize);
    }

    pub(super) fn end(&mut self) {
        let reachable = self.dead.take().is_none();
        if self.labels.len() == 1 && reachable && self.labels[0].fixups.is_empty() {
            // The function's end, reached only by falling through: return the results from
            // wherever they are.
            self.labels.pop();
            let n = self.code.num_results as usize;
            let from = match n {
                1 => self.pop(),
                _ => self.materialize_top(n),
            };
            self.emit(Instr::Return { from });
            return;
        }
        if reachable {
            self.materialize_all();
        }
        let label = self.labels.pop().expect("validator checks block nesting");
        let height = (label.base - self.stack_base + label.results) as usize;
        self.reset_operands(height);
        if self.labels.is_empty() {
            // End of the function: branches to the body label land on the final return.
            let pc = self.pc();
            let from = self.materialize_top(label.results as usize);
            self.emit(Instr::Return { from });
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
