//! Control instructions (spec §4.4.8): jumps and branches within the running activation.
//!
//! Branch targets were resolved by the translator, so a branch only copies the values it
//! carries to the label's registers and sets `pc`.

use super::{trap, Frame, Machine};
use crate::exec::code::{BrTarget, Reg};
use crate::exec::trap::{Trap, TrapKind};

/// Fuel is charged where execution can repeat: backward branches and calls. Every unbounded
/// run passes one of them, and straight-line code stays free of the check.
#[inline(always)]
pub(super) fn charge(fuel: &mut u64) -> Result<(), Trap> {
    if *fuel == 0 {
        return Err(trap(TrapKind::OutOfFuel));
    }
    *fuel -= 1;
    Ok(())
}

/// `br`: moves the carried values to the label's registers and continues at its target.
#[inline(always)]
pub(super) fn branch(
    regs: &mut [u128],
    at: &mut Frame,
    fuel: &mut u64,
    t: BrTarget,
) -> Result<(), Trap> {
    let (src, dst) = (at.fp + t.from as usize, at.fp + t.drop_to as usize);
    match t.keep {
        0 => {}
        1 => regs[dst] = regs[src],
        keep => regs.copy_within(src..src + keep as usize, dst),
    }
    jump(at, fuel, t.pc)
}

/// A jump that moves no values (`else`, the end of an `if` arm).
#[inline(always)]
pub(super) fn jump(at: &mut Frame, fuel: &mut u64, pc: u32) -> Result<(), Trap> {
    if (pc as usize) < at.pc {
        charge(fuel)?;
    }
    at.pc = pc as usize;
    Ok(())
}

/// `br_table`: the targets are `br_tables[first..=first + len]`, the last the default.
#[inline(always)]
pub(super) fn br_table(
    regs: &mut [u128],
    at: &mut Frame,
    fuel: &mut u64,
    index: Reg,
    (first, len): (u32, u32),
) -> Result<(), Trap> {
    let i = (regs[at.fp + index as usize] as u32).min(len);
    let t = at.code.br_tables[(first + i) as usize];
    branch(regs, at, fuel, t)
}

impl Machine<'_> {
    /// `br_on_cast` (`on_success`) and `br_on_cast_fail` (`!on_success`) on register `r`.
    pub(super) fn br_on_cast(
        &self,
        regs: &mut [u128],
        at: &mut Frame,
        fuel: &mut u64,
        (r, target, rt, on_success): (Reg, u32, u32, bool),
    ) -> Result<(), Trap> {
        let rt = self.cast_type(at.code, at.inst, rt);
        if self.store.ref_matches(regs[at.fp + r as usize], rt) == on_success {
            branch(regs, at, fuel, at.code.br_tables[target as usize])?;
        }
        Ok(())
    }
}
