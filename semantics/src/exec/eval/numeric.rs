//! Globals, and the stack-form instructions (`Instr::Stacked`): the cold ones keep their
//! handlers written against an operand stack, which they get as the register file cut to
//! the instruction's height (known at translation); the frame's registers come back after.

use super::calls::fit_frame;
use super::{pop, top, Frame, Machine};
use crate::exec::code::{Instr, Reg};
use crate::exec::trap::Trap;

impl Machine<'_> {
    #[inline(always)]
    pub(super) fn global(&self, inst: usize, g: u32) -> u128 {
        let a = self.instance(inst).globals[g as usize];
        self.store.globals[a.0 as usize].value
    }

    #[inline(always)]
    pub(super) fn set_global(&mut self, inst: usize, g: u32, v: u128) {
        let a = self.instance(inst).globals[g as usize];
        self.store.globals[a.0 as usize].value = v;
    }

    /// Runs `Code::stacked[i]` on the stack cut to `height` registers of frame `at`.
    #[inline(never)]
    pub(super) fn run_stacked(
        &mut self,
        regs: &mut Vec<u128>,
        at: &Frame,
        height: Reg,
        i: u32,
    ) -> Result<(), Trap> {
        regs.truncate(at.fp + height as usize);
        let inst = at.inst;
        let result = match at.code.stacked[i as usize] {
            Instr::LoadLane { bytes, lane, mem, offset } => {
                self.load_lane(regs, inst, (bytes, lane), (mem, offset))
            }
            Instr::StoreLane { bytes, lane, mem, offset } => {
                self.store_lane(regs, inst, (bytes, lane), (mem, offset))
            }
            Instr::Tern(f) => {
                let c = pop(regs);
                let b = pop(regs);
                let a = *top(regs);
                f(a, b, c).map(|v| *top(regs) = v).map_err(Trap::from)
            }
            // A lane index or shuffle mask from the code's pool is the last operand.
            Instr::UnImm(f, p) => {
                let a = *top(regs);
                f(a, at.code.imms[p as usize]).map(|v| *top(regs) = v).map_err(Trap::from)
            }
            Instr::BinImm(f, p) => {
                let b = pop(regs);
                let a = *top(regs);
                f(a, b, at.code.imms[p as usize]).map(|v| *top(regs) = v).map_err(Trap::from)
            }
            other => self.exec_cold(regs, at.code, inst, other),
        };
        fit_frame(regs, at.fp, at.code);
        result
    }
}
