//! Numeric instructions on operand-stack values (spec §4.4.1), constants, and the
//! parametric and variable instructions (§4.4.4, §4.4.5).
//!
//! The operation itself is the table's raw-bits function (`numerics::ops`), computed inline
//! for `Hot` rows; these handlers only move operands.

use super::{pop, top, Machine};
use crate::exec::code::{BinFn, TernFn, UnFn};
use crate::exec::trap::Trap;
use crate::numerics::ops::Hot;
use crate::numerics::NumResult;

#[inline(always)]
pub(super) fn un(stack: &mut [u128], h: Hot, f: UnFn) -> Result<(), Trap> {
    let a = *top(stack);
    *top(stack) = h.apply_un(f, a)?;
    Ok(())
}

#[inline(always)]
pub(super) fn bin(stack: &mut Vec<u128>, h: Hot, f: BinFn) -> Result<(), Trap> {
    let b = pop(stack);
    let a = *top(stack);
    *top(stack) = h.apply_bin(f, a, b)?;
    Ok(())
}

#[inline(always)]
pub(super) fn tern(stack: &mut Vec<u128>, f: TernFn) -> Result<(), Trap> {
    let c = pop(stack);
    let b = pop(stack);
    let a = *top(stack);
    *top(stack) = f(a, b, c)?;
    Ok(())
}

/// A unary operation with an immediate (lane index, shuffle mask) from the code's pool.
#[inline(always)]
pub(super) fn un_imm(
    stack: &mut [u128],
    f: fn(u128, u128) -> NumResult,
    imm: u128,
) -> Result<(), Trap> {
    let a = *top(stack);
    *top(stack) = f(a, imm)?;
    Ok(())
}

#[inline(always)]
pub(super) fn bin_imm(
    stack: &mut Vec<u128>,
    f: fn(u128, u128, u128) -> NumResult,
    imm: u128,
) -> Result<(), Trap> {
    let b = pop(stack);
    let a = *top(stack);
    *top(stack) = f(a, b, imm)?;
    Ok(())
}

#[inline(always)]
pub(super) fn select(stack: &mut Vec<u128>) {
    let c = pop(stack) as u32;
    let b = pop(stack);
    if c == 0 {
        *top(stack) = b;
    }
}

#[inline(always)]
pub(super) fn local_get(stack: &mut Vec<u128>, fp: usize, i: u32) {
    let v = stack[fp + i as usize];
    stack.push(v);
}

#[inline(always)]
pub(super) fn local_set(stack: &mut Vec<u128>, fp: usize, i: u32) {
    let v = pop(stack);
    stack[fp + i as usize] = v;
}

#[inline(always)]
pub(super) fn local_tee(stack: &mut [u128], fp: usize, i: u32) {
    let v = *top(stack);
    stack[fp + i as usize] = v;
}

impl Machine<'_> {
    #[inline(always)]
    pub(super) fn global_get(&self, stack: &mut Vec<u128>, inst: usize, g: u32) {
        let a = self.instance(inst).globals[g as usize];
        stack.push(self.store.globals[a.0 as usize].value);
    }

    #[inline(always)]
    pub(super) fn global_set(&mut self, stack: &mut Vec<u128>, inst: usize, g: u32) {
        let a = self.instance(inst).globals[g as usize];
        self.store.globals[a.0 as usize].value = pop(stack);
    }
}
