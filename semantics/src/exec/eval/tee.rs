//! The translator's `Tee` forms (`translate::ops`): a fused numeric instruction followed by
//! `local.tee dst`, whose result is left on the stack and written to local `dst` in one
//! dispatch. C compilers emit `local.tee` after most expressions whose value is reused.

use super::top;
use crate::exec::code::BinFn;
use crate::exec::trap::Trap;
use crate::numerics::ops::Hot;

/// Pops `y`, `x`; pushes `f(x, y)` and writes it to local `dst`.
#[inline(always)]
pub(super) fn bin_tee(
    stack: &mut Vec<u128>,
    fp: usize,
    (h, f): (Hot, BinFn),
    dst: u32,
) -> Result<(), Trap> {
    let b = super::pop(stack);
    let a = *top(stack);
    let v = h.apply_bin(f, a, b)?;
    *top(stack) = v;
    stack[fp + dst as usize] = v;
    Ok(())
}

/// Pushes `f(local a, local b)` and writes it to local `dst`.
#[inline(always)]
pub(super) fn bin_ll_tee(
    stack: &mut Vec<u128>,
    fp: usize,
    (h, f): (Hot, BinFn),
    (a, b): (u32, u32),
    dst: u32,
) -> Result<(), Trap> {
    let v = h.apply_bin(f, stack[fp + a as usize], stack[fp + b as usize])?;
    stack[fp + dst as usize] = v;
    stack.push(v);
    Ok(())
}

/// Pushes `f(local a, c)` and writes it to local `dst`.
#[inline(always)]
pub(super) fn bin_lc_tee(
    stack: &mut Vec<u128>,
    fp: usize,
    (h, f): (Hot, BinFn),
    (a, c): (u32, u32),
    dst: u32,
) -> Result<(), Trap> {
    let v = h.apply_bin(f, stack[fp + a as usize], c as u128)?;
    stack[fp + dst as usize] = v;
    stack.push(v);
    Ok(())
}

/// Replaces the top `x` by `f(x, local b)` and writes it to local `dst`.
#[inline(always)]
pub(super) fn bin_sl_tee(
    stack: &mut [u128],
    fp: usize,
    (h, f): (Hot, BinFn),
    b: u32,
    dst: u32,
) -> Result<(), Trap> {
    let v = h.apply_bin(f, *top(stack), stack[fp + b as usize])?;
    *top(stack) = v;
    stack[fp + dst as usize] = v;
    Ok(())
}

/// Replaces the top `x` by `f(local a, x)` and writes it to local `dst`.
#[inline(always)]
pub(super) fn bin_ls_tee(
    stack: &mut [u128],
    fp: usize,
    (h, f): (Hot, BinFn),
    a: u32,
    dst: u32,
) -> Result<(), Trap> {
    let v = h.apply_bin(f, stack[fp + a as usize], *top(stack))?;
    *top(stack) = v;
    stack[fp + dst as usize] = v;
    Ok(())
}
