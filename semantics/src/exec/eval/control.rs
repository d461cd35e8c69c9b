//! Control instructions (spec §4.4.8): jumps and branches within the running activation.
//!
//! Branch targets were resolved by the translator, so a branch only copies the values it
//! carries to the label's registers and sets `pc`.

use super::cursor::Cursor;
use super::registers::FrameRegs;
use super::{trap, Frame, Machine};
use crate::exec::code::BrTarget;
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

/// `br`: moves the carried values to the label's registers (of the running frame) and
/// continues at the target.
#[inline(always)]
pub(super) fn branch(
    frame: FrameRegs,
    pc: &mut Cursor,
    fuel: &mut u64,
    t: BrTarget,
) -> Result<(), Trap> {
    match t.keep {
        0 => {}
        // A constant count, which the compiler makes one move instead of a `memmove` call.
        1 => frame.copy(t.from, t.drop_to, 1),
        keep => frame.copy(t.from, t.drop_to, keep),
    }
    jump(pc, fuel, t.pc)
}

/// A jump that moves no values (`else`, the end of an `if` arm).
#[inline(always)]
pub(super) fn jump(pc: &mut Cursor, fuel: &mut u64, target: u32) -> Result<(), Trap> {
    if pc.is_backward(target) {
        charge(fuel)?;
    }
    pc.jump(target);
    Ok(())
}

impl Machine<'_> {
    /// Whether reference `r` matches cast target `rt` of frame `at` (`br_on_cast`).
    pub(super) fn ref_is(&self, r: u128, at: &Frame, rt: u32) -> bool {
        let rt = self.cast_type(at.code, at.inst, rt);
        self.store.ref_matches(r, rt)
    }
}
