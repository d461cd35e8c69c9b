//! The translator's fused forms (`translate::fusion`): numeric instructions whose operands
//! are read straight from locals (`L`) or an immediate (`C`) instead of being pushed first,
//! whose result goes straight to a local (`Set`), or which branch on their result. Each is
//! the composition of the reduction rules of the instructions it replaces.

use super::control::branch;
use super::{pop, top, Frame};
use crate::exec::code::{BinFn, BrTarget, Instr, UnFn};
use crate::exec::trap::Trap;
use crate::numerics::ops::Hot;

/// Pushes `f(local a, local b)`.
#[inline(always)]
pub(super) fn bin_ll(
    stack: &mut Vec<u128>,
    fp: usize,
    (h, f): (Hot, BinFn),
    a: u32,
    b: u32,
) -> Result<(), Trap> {
    let v = h.apply_bin(f, stack[fp + a as usize], stack[fp + b as usize])?;
    stack.push(v);
    Ok(())
}

/// Pushes `f(local a, c)`.
#[inline(always)]
pub(super) fn bin_lc(
    stack: &mut Vec<u128>,
    fp: usize,
    (h, f): (Hot, BinFn),
    a: u32,
    c: u64,
) -> Result<(), Trap> {
    let v = h.apply_bin(f, stack[fp + a as usize], c as u128)?;
    stack.push(v);
    Ok(())
}

/// Replaces the top `x` by `f(x, c)`.
#[inline(always)]
pub(super) fn bin_sc(stack: &mut [u128], (h, f): (Hot, BinFn), c: u64) -> Result<(), Trap> {
    let a = *top(stack);
    *top(stack) = h.apply_bin(f, a, c as u128)?;
    Ok(())
}

/// Replaces the top `x` by `f(x, local b)`.
#[inline(always)]
pub(super) fn bin_sl(
    stack: &mut [u128],
    fp: usize,
    (h, f): (Hot, BinFn),
    b: u32,
) -> Result<(), Trap> {
    let b = stack[fp + b as usize];
    let a = *top(stack);
    *top(stack) = h.apply_bin(f, a, b)?;
    Ok(())
}

/// Replaces the top `x` by `f(local a, x)`.
#[inline(always)]
pub(super) fn bin_ls(
    stack: &mut [u128],
    fp: usize,
    (h, f): (Hot, BinFn),
    a: u32,
) -> Result<(), Trap> {
    let b = *top(stack);
    *top(stack) = h.apply_bin(f, stack[fp + a as usize], b)?;
    Ok(())
}

/// Pushes `f(local a)`.
#[inline(always)]
pub(super) fn un_l(
    stack: &mut Vec<u128>,
    fp: usize,
    (h, f): (Hot, UnFn),
    a: u32,
) -> Result<(), Trap> {
    let v = h.apply_un(f, stack[fp + a as usize])?;
    stack.push(v);
    Ok(())
}

/// Pops `x`; local `dst` becomes `f(local a, x)`.
#[inline(always)]
pub(super) fn bin_ls_set(
    stack: &mut Vec<u128>,
    fp: usize,
    (h, f): (Hot, BinFn),
    a: u32,
    dst: u32,
) -> Result<(), Trap> {
    let b = pop(stack);
    stack[fp + dst as usize] = h.apply_bin(f, stack[fp + a as usize], b)?;
    Ok(())
}

/// Pops `y`, `x`; local `dst` becomes `f(x, y)`.
#[inline(always)]
pub(super) fn bin_set(
    stack: &mut Vec<u128>,
    fp: usize,
    (h, f): (Hot, BinFn),
    dst: u32,
) -> Result<(), Trap> {
    let b = pop(stack);
    let a = pop(stack);
    stack[fp + dst as usize] = h.apply_bin(f, a, b)?;
    Ok(())
}

/// Local `dst` becomes `f(local a, local b)`.
#[inline(always)]
pub(super) fn bin_ll_set(
    stack: &mut [u128],
    fp: usize,
    (h, f): (Hot, BinFn),
    (a, b): (u32, u32),
    dst: u32,
) -> Result<(), Trap> {
    stack[fp + dst as usize] = h.apply_bin(f, stack[fp + a as usize], stack[fp + b as usize])?;
    Ok(())
}

/// Pops `x`; local `dst` becomes `f(x, c)`.
#[inline(always)]
pub(super) fn bin_sc_set(
    stack: &mut Vec<u128>,
    fp: usize,
    (h, f): (Hot, BinFn),
    c: u64,
    dst: u32,
) -> Result<(), Trap> {
    let a = pop(stack);
    stack[fp + dst as usize] = h.apply_bin(f, a, c as u128)?;
    Ok(())
}

/// Pops `x`; local `dst` becomes `f(x, local b)`.
#[inline(always)]
pub(super) fn bin_sl_set(
    stack: &mut Vec<u128>,
    fp: usize,
    (h, f): (Hot, BinFn),
    b: u32,
    dst: u32,
) -> Result<(), Trap> {
    let a = pop(stack);
    stack[fp + dst as usize] = h.apply_bin(f, a, stack[fp + b as usize])?;
    Ok(())
}

/// Local `dst` becomes `f(local a, c)`.
#[inline(always)]
pub(super) fn bin_lc_set(
    stack: &mut [u128],
    fp: usize,
    (h, f): (Hot, BinFn),
    (a, c): (u32, u32),
    dst: u32,
) -> Result<(), Trap> {
    stack[fp + dst as usize] = h.apply_bin(f, stack[fp + a as usize], c as u128)?;
    Ok(())
}

/// `br_if` to `br_tables[target]` on `f(local a, local b)`.
#[inline(always)]
pub(super) fn br_if_bin_ll(
    stack: &mut Vec<u128>,
    at: &mut Frame,
    fuel: &mut u64,
    (h, f): (Hot, BinFn),
    (a, b): (u32, u32),
    target: u32,
) -> Result<(), Trap> {
    let fp = at.fp;
    if h.apply_bin(f, stack[fp + a as usize], stack[fp + b as usize])? as u32 != 0 {
        branch(stack, at, fuel, at.code.br_tables[target as usize])?;
    }
    Ok(())
}

/// `br_if` to `br_tables[target]` on `f(local a, c)`.
#[inline(always)]
pub(super) fn br_if_bin_lc(
    stack: &mut Vec<u128>,
    at: &mut Frame,
    fuel: &mut u64,
    (h, f): (Hot, BinFn),
    (a, c): (u32, u128),
    target: u32,
) -> Result<(), Trap> {
    if h.apply_bin(f, stack[at.fp + a as usize], c)? as u32 != 0 {
        branch(stack, at, fuel, at.code.br_tables[target as usize])?;
    }
    Ok(())
}

/// Pops `y`, `x`; `br_if` on `f(x, y)`.
#[inline(always)]
pub(super) fn br_if_bin(
    stack: &mut Vec<u128>,
    at: &mut Frame,
    fuel: &mut u64,
    (h, f): (Hot, BinFn),
    t: BrTarget,
) -> Result<(), Trap> {
    let b = pop(stack);
    let a = pop(stack);
    if h.apply_bin(f, a, b)? as u32 != 0 {
        branch(stack, at, fuel, t)?;
    }
    Ok(())
}

/// An `if` on `f(local a, local b)`: jumps to `pc` when it is zero.
#[inline(always)]
pub(super) fn jump_if_zero_bin_ll(
    stack: &[u128],
    at: &mut Frame,
    (h, f): (Hot, BinFn),
    (a, b): (u32, u32),
    pc: u32,
) -> Result<(), Trap> {
    if h.apply_bin(f, stack[at.fp + a as usize], stack[at.fp + b as usize])? as u32 == 0 {
        at.pc = pc as usize;
    }
    Ok(())
}

/// An `if` on `f(local a, c)`.
#[inline(always)]
pub(super) fn jump_if_zero_bin_lc(
    stack: &[u128],
    at: &mut Frame,
    (h, f): (Hot, BinFn),
    (a, c): (u32, u32),
    pc: u32,
) -> Result<(), Trap> {
    if h.apply_bin(f, stack[at.fp + a as usize], c as u128)? as u32 == 0 {
        at.pc = pc as usize;
    }
    Ok(())
}

/// An `if` on `f(x)` of the popped `x`.
#[inline(always)]
pub(super) fn jump_if_zero_un(
    stack: &mut Vec<u128>,
    at: &mut Frame,
    (h, f): (Hot, UnFn),
    pc: u32,
) -> Result<(), Trap> {
    if h.apply_un(f, pop(stack))? as u32 == 0 {
        at.pc = pc as usize;
    }
    Ok(())
}

/// `br` back to a loop whose header is a fused compare-and-branch, which is evaluated right
/// here, as if dispatched at the header (one dispatch less per iteration of a `while` loop).
#[inline(always)]
pub(super) fn br_to_test(
    stack: &mut Vec<u128>,
    at: &mut Frame,
    fuel: &mut u64,
    t: BrTarget,
) -> Result<(), Trap> {
    branch(stack, at, fuel, t)?;
    match at.code.instrs[at.pc] {
        Instr::BrIfBinLL { h, f, a, b, target } => {
            at.pc += 1;
            br_if_bin_ll(stack, at, fuel, (h, f), (a, b), target)
        }
        Instr::BrIfBinLC32 { h, f, a, c, target } => {
            at.pc += 1;
            br_if_bin_lc(stack, at, fuel, (h, f), (a, c as u128), target)
        }
        _ => Ok(()),
    }
}
