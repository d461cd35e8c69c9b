//! The compact internal form every function body is translated to once, at decode time.
//!
//! Branch targets are resolved to instruction indices together with how many values the
//! branch carries (`keep`) and the stack height (relative to the frame's first local)
//! it cuts the operand stack back to (`drop_to`), so no label bookkeeping happens at run time.

use crate::numerics::ops::Hot;
use crate::numerics::NumResult;
use crate::syntax::types::HeapTop;

mod body;
mod operands;
pub use body::Code;
pub use operands::*;

/// One internal instruction. Indices (`u32`) are module-level indices resolved through the
/// current instance at run time; `pool` indices refer to `Code::imms`.
#[derive(Debug, Clone, Copy)]
pub enum Instr {
    Unreachable,
    Jump(u32),
    /// Pops a condition; jumps when it is zero (`if` without `else` value adjustment).
    JumpIfZero(u32),
    Br(BrTarget),
    BrIf(BrTarget),
    /// Targets in `Code::br_tables[first..=first+len]`, the last one being the default.
    BrTable {
        first: u32,
        len: u32,
    },
    Return,
    Call(u32),
    CallIndirect {
        table: u32,
        ty: u32,
    },
    CallRef,
    ReturnCall(u32),
    ReturnCallIndirect {
        table: u32,
        ty: u32,
    },
    ReturnCallRef,
    Throw(u32),
    ThrowRef,
    BrOnNull(BrTarget),
    BrOnNonNull(BrTarget),
    /// Target in `Code::br_tables[target]`, cast type in `Code::ref_types[rt]`.
    BrOnCast {
        target: u32,
        rt: u32,
    },
    BrOnCastFail {
        target: u32,
        rt: u32,
    },
    Drop,
    Select,
    LocalGet(u32),
    LocalSet(u32),
    LocalTee(u32),
    GlobalGet(u32),
    GlobalSet(u32),
    TableGet(u32),
    TableSet(u32),
    TableSize(u32),
    TableGrow(u32),
    TableFill(u32),
    TableCopy {
        dst: u32,
        src: u32,
    },
    TableInit {
        table: u32,
        elem: u32,
    },
    ElemDrop(u32),
    Load {
        op: LoadOp,
        mem: u32,
        offset: u64,
    },
    /// `local.get addr` then `Load` (addresses held in locals are the common case).
    LoadL {
        op: LoadOp,
        mem: u32,
        offset: u64,
        addr: u32,
    },
    /// `local.get addr; i32.const add; i32.add` then `Load`: C's `p[k]` with a constant `k`.
    /// The addition wraps at 32 bits before `offset` is added, as the two instructions do.
    LoadLA {
        op: LoadOp,
        mem: u32,
        offset: u64,
        addr: u32,
        add: u32,
    },
    /// `i32.const add; i32.add` on the address on top, then `Load`.
    LoadSA {
        op: LoadOp,
        mem: u32,
        offset: u64,
        add: u32,
    },
    /// Stores the low `bytes` bytes of the operand.
    Store {
        bytes: u8,
        mem: u32,
        offset: u64,
    },
    /// `local.get addr; local.get val` then `Store`.
    StoreLL {
        bytes: u8,
        mem: u32,
        offset: u64,
        addr: u32,
        val: u32,
    },
    /// `local.get addr; const c` (c below 2^32) then `Store`.
    StoreLC {
        bytes: u8,
        mem: u32,
        offset: u64,
        addr: u32,
        c: u32,
    },
    LoadLane {
        bytes: u8,
        lane: u8,
        mem: u32,
        offset: u64,
    },
    StoreLane {
        bytes: u8,
        lane: u8,
        mem: u32,
        offset: u64,
    },
    MemorySize(u32),
    MemoryGrow(u32),
    MemoryFill(u32),
    MemoryCopy {
        dst: u32,
        src: u32,
    },
    MemoryInit {
        mem: u32,
        data: u32,
    },
    DataDrop(u32),
    Const32(u32),
    Const64(u64),
    ConstPool(u32),
    Un(Hot, UnFn),
    Bin(Hot, BinFn),
    // `h` selects the inline evaluation of hot ops (see `numerics::ops::Hot`), `f` is the general function.
    // Fused forms (translation-time peephole, see `translate::fusion`):
    // operands read straight from locals (`L`) or an immediate constant (`C`) instead of
    // being pushed first; `S` is the stack top. They cut dispatches, not semantics.
    /// Pushes `f(local a, local b)`.
    BinLL {
        h: Hot,
        f: BinFn,
        a: u32,
        b: u32,
    },
    /// Pushes `f(local a, c)`.
    BinLC {
        h: Hot,
        f: BinFn,
        a: u32,
        c: u64,
    },
    /// Replaces the top `x` by `f(x, c)`.
    BinSC {
        h: Hot,
        f: BinFn,
        c: u64,
    },
    /// Replaces the top `x` by `f(x, local b)`.
    BinSL {
        h: Hot,
        f: BinFn,
        b: u32,
    },
    /// Pushes `f(local a)`.
    UnL {
        h: Hot,
        f: UnFn,
        a: u32,
    },
    /// Replaces the top `x` by `f(local a, x)`: `local.get a; <push x>; bin` when the push
    /// writes no local, so reading `a` after it is the same.
    BinLS {
        h: Hot,
        f: BinFn,
        a: u32,
    },
    /// `BinLS` then `local.set dst`.
    BinLSSet {
        h: Hot,
        f: BinFn,
        a: u32,
        dst: u32,
    },
    /// `Bin(f)` then `local.set dst`.
    BinSet {
        h: Hot,
        f: BinFn,
        dst: u32,
    },
    /// `BinLL` then `local.set dst`.
    BinLLSet {
        h: Hot,
        f: BinFn,
        a: u32,
        b: u32,
        dst: u32,
    },
    /// `BinSC` then `local.set dst`.
    BinSCSet {
        h: Hot,
        f: BinFn,
        c: u64,
        dst: u32,
    },
    /// `BinSL` then `local.set dst`.
    BinSLSet {
        h: Hot,
        f: BinFn,
        b: u32,
        dst: u32,
    },
    /// `BinLC` (constant below 2^32) then `local.set dst`.
    BinLC32Set {
        h: Hot,
        f: BinFn,
        a: u32,
        c: u32,
        dst: u32,
    },
    /// `BinLL` then `br_if` to `Code::br_tables[target]`.
    BrIfBinLL {
        h: Hot,
        f: BinFn,
        a: u32,
        b: u32,
        target: u32,
    },
    /// `BinLC` (constant below 2^32) then `br_if` to `Code::br_tables[target]`.
    BrIfBinLC32 {
        h: Hot,
        f: BinFn,
        a: u32,
        c: u32,
        target: u32,
    },
    /// `BinLL` then `JumpIfZero(pc)` (an `if` on a comparison of locals).
    JumpIfZeroBinLL {
        h: Hot,
        f: BinFn,
        a: u32,
        b: u32,
        pc: u32,
    },
    /// `BinLC` (constant below 2^32) then `JumpIfZero(pc)`.
    JumpIfZeroBinLC32 {
        h: Hot,
        f: BinFn,
        a: u32,
        c: u32,
        pc: u32,
    },
    /// `Un(f)` then `JumpIfZero(pc)`.
    JumpIfZeroUn {
        h: Hot,
        f: UnFn,
        pc: u32,
    },
    /// `BrIfBinLC32` with a constant of any width, `Code::imms[p]` (f64 limits of C loops).
    BrIfBinLP {
        h: Hot,
        f: BinFn,
        a: u32,
        p: u32,
        target: u32,
    },
    // `Tee` forms: the fused numeric instruction, then `local.tee dst` (its result is both
    // left on the stack and written to the local).
    BinTee {
        h: Hot,
        f: BinFn,
        dst: u32,
    },
    BinLLTee {
        h: Hot,
        f: BinFn,
        a: u32,
        b: u32,
        dst: u32,
    },
    /// `BinLC` with a constant below 2^32, then `local.tee dst`.
    BinLC32Tee {
        h: Hot,
        f: BinFn,
        a: u32,
        c: u32,
        dst: u32,
    },
    BinSLTee {
        h: Hot,
        f: BinFn,
        b: u32,
        dst: u32,
    },
    BinLSTee {
        h: Hot,
        f: BinFn,
        a: u32,
        dst: u32,
    },
    /// `local.get src; local.set dst`.
    LocalCopy {
        src: u32,
        dst: u32,
    },
    /// `Br` back to a loop whose header is a `BrIfBinLL`/`BrIfBinLC32`, which is evaluated
    /// right here (one dispatch less per iteration of a `while`-shaped loop).
    BrToTest(BrTarget),
    /// `f` on the two topmost values, then `br_if` on its result.
    BrIfBin {
        h: Hot,
        f: BinFn,
        t: BrTarget,
    },
    Tern(TernFn),
    UnImm(fn(u128, u128) -> NumResult, u32),
    BinImm(fn(u128, u128, u128) -> NumResult, u32),
    RefNull(HeapTop),
    RefIsNull,
    RefFunc(u32),
    RefAsNonNull,
    RefEq,
    StructNew(u32),
    StructNewDefault(u32),
    StructGet {
        ty: u32,
        field: u32,
        ext: Ext,
    },
    StructSet {
        ty: u32,
        field: u32,
    },
    ArrayNew(u32),
    ArrayNewDefault(u32),
    ArrayNewFixed {
        ty: u32,
        len: u32,
    },
    ArrayNewData {
        ty: u32,
        data: u32,
    },
    ArrayNewElem {
        ty: u32,
        elem: u32,
    },
    ArrayGet {
        ty: u32,
        ext: Ext,
    },
    ArraySet(u32),
    ArrayLen,
    ArrayFill(u32),
    ArrayCopy {
        dst: u32,
        src: u32,
    },
    ArrayInitData {
        ty: u32,
        data: u32,
    },
    ArrayInitElem {
        ty: u32,
        elem: u32,
    },
    RefI31,
    I31Get {
        signed: bool,
    },
    RefTest(u32),
    RefCast(u32),
    AnyConvertExtern,
    ExternConvertAny,
}

// Instructions are copied out of the code array on every dispatch: keep them at three words.
const _: () = assert!(std::mem::size_of::<Instr>() == 24);
