//! Control instructions (spec §4.4.8): jumps and branches within the running activation.
//!
//! Branch targets were resolved by the translator, so a branch only moves the values it
//! carries down to the label's stack height and sets `pc`.

use super::{pop, top, trap, Frame, Machine};
use crate::exec::code::BrTarget;
use crate::exec::trap::{Trap, TrapKind};
use crate::exec::value::Ref;

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

/// Moves the `keep` topmost values down to `fp + drop_to` (the label's stack height).
#[inline(always)]
fn unwind_to(stack: &mut Vec<u128>, fp: usize, t: &BrTarget) {
    let len = stack.len();
    let keep = t.keep as usize;
    let dst = fp + t.drop_to as usize;
    if dst + keep != len {
        if keep == 1 {
            stack[dst] = stack[len - 1];
        } else {
            stack.copy_within(len - keep..len, dst);
        }
        stack.truncate(dst + keep);
    }
}

/// `br`: unwinds the operand stack to the label and continues at its target.
#[inline(always)]
pub(super) fn branch(
    stack: &mut Vec<u128>,
    at: &mut Frame,
    fuel: &mut u64,
    t: BrTarget,
) -> Result<(), Trap> {
    unwind_to(stack, at.fp, &t);
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

/// `if` without an `else` value adjustment: jumps past the `then` arm on zero.
#[inline(always)]
pub(super) fn jump_if_zero(stack: &mut Vec<u128>, at: &mut Frame, pc: u32) {
    if pop(stack) as u32 == 0 {
        at.pc = pc as usize;
    }
}

#[inline(always)]
pub(super) fn br_if(
    stack: &mut Vec<u128>,
    at: &mut Frame,
    fuel: &mut u64,
    t: BrTarget,
) -> Result<(), Trap> {
    if pop(stack) as u32 != 0 {
        branch(stack, at, fuel, t)?;
    }
    Ok(())
}

/// `br_table`: the targets are `br_tables[first..=first + len]`, the last the default.
#[inline(always)]
pub(super) fn br_table(
    stack: &mut Vec<u128>,
    at: &mut Frame,
    fuel: &mut u64,
    first: u32,
    len: u32,
) -> Result<(), Trap> {
    let i = (pop(stack) as u32).min(len);
    let t = at.code.br_tables[(first + i) as usize];
    branch(stack, at, fuel, t)
}

#[inline(always)]
pub(super) fn br_on_null(
    stack: &mut Vec<u128>,
    at: &mut Frame,
    fuel: &mut u64,
    t: BrTarget,
) -> Result<(), Trap> {
    if Ref::is_null_bits(*top(stack)) {
        pop(stack);
        branch(stack, at, fuel, t)?;
    }
    Ok(())
}

#[inline(always)]
pub(super) fn br_on_non_null(
    stack: &mut Vec<u128>,
    at: &mut Frame,
    fuel: &mut u64,
    t: BrTarget,
) -> Result<(), Trap> {
    if Ref::is_null_bits(*top(stack)) {
        pop(stack);
        Ok(())
    } else {
        branch(stack, at, fuel, t)
    }
}

impl Machine<'_> {
    /// `br_on_cast` (`on_success`) and `br_on_cast_fail` (`!on_success`).
    pub(super) fn br_on_cast(
        &self,
        stack: &mut Vec<u128>,
        at: &mut Frame,
        fuel: &mut u64,
        (target, rt, on_success): (u32, u32, bool),
    ) -> Result<(), Trap> {
        let rt = self.cast_type(at.code, at.inst, rt);
        if self.store.ref_matches(*top(stack), rt) == on_success {
            branch(stack, at, fuel, at.code.br_tables[target as usize])?;
        }
        Ok(())
    }
}
