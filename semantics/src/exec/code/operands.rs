//! The operands of internal instructions: resolved branch targets, `try_table` handlers,
//! load kinds, packed-field extensions and the raw-bits numeric functions.

use crate::numerics::NumResult;

pub type UnFn = fn(u128) -> NumResult;
pub type BinFn = fn(u128, u128) -> NumResult;
pub type TernFn = fn(u128, u128, u128) -> NumResult;

/// A register: a slot of the current frame, counted from its first local (`fp`).
pub type Reg = u32;

/// A resolved branch: the `keep` values in registers `from..from + keep` move to
/// `drop_to..drop_to + keep` (the label's base) and execution continues at `pc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrTarget {
    pub pc: u32,
    pub keep: u32,
    pub drop_to: Reg,
    pub from: Reg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatchKind {
    One(u32),
    OneRef(u32),
    All,
    AllRef,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatchClause {
    pub kind: CatchKind,
    pub target: BrTarget,
}

/// A `try_table` region: instructions with index in `start..end` are covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handler {
    pub start: u32,
    pub end: u32,
    pub catches: Vec<CatchClause>,
}

/// Memory loads; the name says what is read and how it is extended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadOp {
    I32,
    I64,
    F32,
    F64,
    V128,
    I32S8,
    I32U8,
    I32S16,
    I32U16,
    I64S8,
    I64U8,
    I64S16,
    I64U16,
    I64S32,
    I64U32,
    V128S8x8,
    V128U8x8,
    V128S16x4,
    V128U16x4,
    V128S32x2,
    V128U32x2,
    Splat8,
    Splat16,
    Splat32,
    Splat64,
    Zero32,
    Zero64,
}

/// Sign/zero extension when reading packed struct/array fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ext {
    None,
    S8,
    U8,
    S16,
    U16,
}
