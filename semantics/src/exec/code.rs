//! The register form every function body is translated to once, at decode time.
//!
//! A frame's registers are `regs[fp..fp + frame_size]`: the locals (parameters first), the
//! function's constants, then one slot per operand-stack position; the translator knows the
//! stack height at every operator, so stack position `d` is the fixed register
//! `stack_base + d`. Instructions name their operands and destination as registers (relative
//! to `fp`), so nothing is pushed or popped at run time. Branch targets are resolved to
//! instruction indices and the registers their values move between. A translated body is
//! checked (`check`: every register inside the frame, every jump onto an instruction), then
//! its operands are stored as byte offsets (`scale`); the evaluator relies on both.
//!
//! Each hot row of the numeric table (`numerics::ops::table`) is its own variant, so the
//! evaluator dispatches once per instruction; other numeric instructions carry their
//! raw-bits function. Cold instructions (SIMD lanes, tables, bulk memory, GC, references)
//! keep their stack form: `Stacked` runs one on a view of the stack at its known height.

use crate::numerics::ops::table::scalar_ops;
use crate::numerics::NumResult;
use crate::syntax::types::HeapTop;

mod body;
mod check;
mod operands;
mod scale;
pub use body::Code;
pub use check::CodeError;
pub use operands::*;

/// Defines `Instr`: the variants given, then one `{ dst, a, b }` variant per hot row of the
/// numeric table (`b` unused by unary rows) and, for each hot predicate, compare-and-branch
/// variants (`<Row>BrIf` for `br_if`, `<Row>Jz` for `if`); with the translator's
/// constructors for them. The rows are taken
/// one at a time to pick out the predicates.
macro_rules! define_instr {
    ({ $($fixed:tt)* } hot { $($rows:tt)* } cold { $($cold:tt)* }) => {
        define_instr!(@rows { $($fixed)* } [] [] $($rows)*);
    };
    (@rows $fixed:tt [$($plain:ident)*] [$($pred:ident)*]
        $name:ident: pred($in:ident) |$d:ident $(, $arg:ident)+| $e:expr; $($rest:tt)*) => {
        define_instr!(@rows $fixed [$($plain)* $name] [$($pred)* $name] $($rest)*);
    };
    (@rows $fixed:tt [$($plain:ident)*] [$($pred:ident)*]
        $name:ident: $shape:ident($in:ident $(=> $out:ident)?) |$d:ident $(, $arg:ident)+| $e:expr;
        $($rest:tt)*) => {
        define_instr!(@rows $fixed [$($plain)* $name] [$($pred)*] $($rest)*);
    };
    (@rows { $($fixed:tt)* } [$($plain:ident)*] [$($pred:ident)*]) => { pastey::paste! {
        /// One internal instruction. Indices (`u32`) are module-level indices resolved
        /// through the current instance at run time; `pool` indices refer to `Code::imms`.
        #[derive(Debug, Clone, Copy)]
        pub enum Instr {
            $($fixed)*
            $(
                #[doc = concat!("`", stringify!($plain), "` of `a` (and `b` if binary) into `dst`.")]
                $plain { dst: Reg, a: Reg, b: Reg },
            )*
            $(
                #[doc = concat!("`", stringify!($pred), "` of `a` (and `b`), then `br_if` to `Code::br_tables[target]`.")]
                [<$pred BrIf>] { a: Reg, b: Reg, target: u32 },
                #[doc = concat!("`", stringify!($pred), "` of `a` (and `b`), then a jump to `pc` when false (`if`).")]
                [<$pred Jz>] { a: Reg, b: Reg, pc: u32 },
                #[doc = concat!("A `br` back to a loop whose first instruction is `", stringify!($pred), "BrIf`: that instruction run here, continuing at `next` (the one after it) when it does not branch.")]
                [<$pred LoopBrIf>] { a: Reg, b: Reg, target: u32, next: u32 },
            )*
        }

        impl Instr {
            /// The register form of the hot numeric instruction `op`, if it is one.
            pub fn hot(op: &wasmparser::Operator, dst: Reg, a: Reg, b: Reg) -> Option<Instr> {
                Some(match op {
                    $(wasmparser::Operator::$plain => Instr::$plain { dst, a, b },)*
                    _ => return None,
                })
            }

            /// The compare-and-branch form of a hot predicate (whose result only the branch
            /// reads), if `self` is one.
            pub fn branch_on(self, target: u32) -> Option<Instr> {
                Some(match self {
                    $(Instr::$pred { a, b, .. } => Instr::[<$pred BrIf>] { a, b, target },)*
                    _ => return None,
                })
            }

            /// The `if` form of a hot predicate (jump to `pc` when false), if `self` is one.
            pub fn jump_unless(self, pc: u32) -> Option<Instr> {
                Some(match self {
                    $(Instr::$pred { a, b, .. } => Instr::[<$pred Jz>] { a, b, pc },)*
                    _ => return None,
                })
            }

            /// Where a hot compare-and-branch form goes: a `br_tables` index, a pc, or both
            /// (`LoopBrIf`); `None` if `self` is not one of them.
            pub(crate) fn hot_branch_targets(&self) -> Option<(Option<u32>, Option<u32>)> {
                Some(match *self {
                    $(
                        Instr::[<$pred BrIf>] { target, .. } => (Some(target), None),
                        Instr::[<$pred Jz>] { pc, .. } => (None, Some(pc)),
                        Instr::[<$pred LoopBrIf>] { target, next, .. } => (Some(target), Some(next)),
                    )*
                    _ => return None,
                })
            }

            /// The register operands of a hot row or its compare-and-branch forms, to be
            /// rewritten; `false` if `self` is not one of them.
            pub(crate) fn hot_operands_mut(&mut self, f: &mut dyn FnMut(&mut Reg)) -> bool {
                match self {
                    $(Instr::$plain { dst, a, b } => {
                        f(dst);
                        f(a);
                        f(b);
                    })*
                    $(
                        Instr::[<$pred BrIf>] { a, b, .. }
                        | Instr::[<$pred Jz>] { a, b, .. }
                        | Instr::[<$pred LoopBrIf>] { a, b, .. } => {
                            f(a);
                            f(b);
                        }
                    )*
                    _ => return false,
                }
                true
            }

            /// A `br` to `self`, with no values to move, as one instruction: `self`'s
            /// compare-and-branch run in place of the `br`, continuing at `next` (the
            /// instruction after `self`) when it does not branch. Loops that test their exit at
            /// the top end in such a `br` on every iteration.
            pub fn branch_into(self, next: u32) -> Option<Instr> {
                Some(match self {
                    $(Instr::[<$pred BrIf>] { a, b, target } => Instr::[<$pred LoopBrIf>] { a, b, target, next },)*
                    _ => return None,
                })
            }

            /// The target of a jump on a condition (`if`), to be patched.
            pub fn jump_target(&mut self) -> Option<&mut u32> {
                match self {
                    $(Instr::[<$pred Jz>] { pc, .. })|* => Some(pc),
                    Instr::JumpIfZero { pc, .. } | Instr::Jump(pc) => Some(pc),
                    _ => None,
                }
            }

            /// The register a value-producing instruction writes its one result to, if the
            /// instruction writes nothing else (so the translator may retarget it).
            pub fn result_reg(&mut self) -> Option<&mut Reg> {
                match self {
                    $(Instr::$plain { dst, .. })|* => Some(dst),
                    Instr::Un { dst, .. }
                    | Instr::Bin { dst, .. }
                    | Instr::Copy { dst, .. }
                    | Instr::Const32 { dst, .. }
                    | Instr::Const64 { dst, .. }
                    | Instr::Select { dst, .. }
                    | Instr::GlobalGet { dst, .. }
                    | Instr::Load { dst, .. }
                    | Instr::Load32 { dst, .. }
                    | Instr::Load64 { dst, .. }
                    | Instr::Load8U { dst, .. }
                    | Instr::Load8S32 { dst, .. }
                    | Instr::Load8S64 { dst, .. }
                    | Instr::Load16U { dst, .. }
                    | Instr::Load16S32 { dst, .. }
                    | Instr::Load16S64 { dst, .. }
                    | Instr::Load32S64 { dst, .. }
                    | Instr::Load32Sum { dst, .. }
                    | Instr::Load64Sum { dst, .. }
                    | Instr::Load8USum { dst, .. }
                    | Instr::Load8S32Sum { dst, .. }
                    | Instr::Load8S64Sum { dst, .. }
                    | Instr::Load16USum { dst, .. }
                    | Instr::Load16S32Sum { dst, .. }
                    | Instr::Load16S64Sum { dst, .. }
                    | Instr::Load32S64Sum { dst, .. } => Some(dst),
                    _ => None,
                }
            }
        }

        #[cfg(test)]
        pub(crate) const HOT_OPS: &[wasmparser::Operator<'static>] = &[$(wasmparser::Operator::$plain),*];
    }};
}

scalar_ops!(define_instr, {
    Unreachable,
    Jump(u32),
    /// Jumps to `pc` when `cond` is zero (`if`).
    JumpIfZero { cond: Reg, pc: u32 },
    Br(BrTarget),
    BrIf { cond: Reg, t: BrTarget },
    /// Targets in `Code::br_tables[first..=first+len]`, the last one being the default.
    BrTable { index: Reg, first: u32, len: u32 },
    /// Returns the results in `from..from + num_results`.
    Return { from: Reg },
    /// Calls with the arguments in `base..`, which becomes the callee's `fp`.
    Call { func: u32, base: Reg },
    CallIndirect { table: u32, ty: u32, index: Reg, base: Reg },
    CallRef { func: Reg, base: Reg },
    ReturnCall { func: u32, base: Reg },
    ReturnCallIndirect { table: u32, ty: u32, index: Reg, base: Reg },
    ReturnCallRef { func: Reg, base: Reg },
    /// Raises with the tag's fields on top of a stack of height `height`.
    Throw { tag: u32, height: Reg },
    ThrowRef { exn: Reg, height: Reg },
    BrOnNull { r: Reg, t: BrTarget },
    BrOnNonNull { r: Reg, t: BrTarget },
    /// Target in `Code::br_tables[target]`, cast type in `Code::ref_types[rt]`.
    BrOnCast { r: Reg, target: u32, rt: u32 },
    BrOnCastFail { r: Reg, target: u32, rt: u32 },
    Copy { dst: Reg, src: Reg },
    /// Two `Copy`s, in order (the second reads what the first wrote): one dispatch for the
    /// runs of copies that end loop bodies, where locals take each other's values.
    CopyPair { dst: Reg, src: Reg, then_dst: Reg, then_src: Reg },
    Const32 { dst: Reg, c: u32 },
    Const64 { dst: Reg, c: u64 },
    ConstPool { dst: Reg, p: u32 },
    /// `dst = if cond != 0 { a } else { b }`.
    Select { dst: Reg, cond: Reg, a: Reg, b: Reg },
    GlobalGet { dst: Reg, g: u32 },
    GlobalSet { src: Reg, g: u32 },
    Load { op: LoadOp, mem: u32, offset: u64, dst: Reg, addr: Reg },
    // Scalar loads and stores of memory 0, the memory nearly every access goes to: one variant
    // per width and extension, so that an access is one dispatch, and the loop keeps memory
    // 0's bytes at hand (`Load`/`Store` cover the other memories and the vector loads).
    /// `i32.load`, `f32.load`, `i64.load32_u`.
    Load32 { dst: Reg, addr: Reg, offset: u64 },
    /// `i64.load`, `f64.load`.
    Load64 { dst: Reg, addr: Reg, offset: u64 },
    /// `i32.load8_u`, `i64.load8_u`.
    Load8U { dst: Reg, addr: Reg, offset: u64 },
    Load8S32 { dst: Reg, addr: Reg, offset: u64 },
    Load8S64 { dst: Reg, addr: Reg, offset: u64 },
    /// `i32.load16_u`, `i64.load16_u`.
    Load16U { dst: Reg, addr: Reg, offset: u64 },
    Load16S32 { dst: Reg, addr: Reg, offset: u64 },
    Load16S64 { dst: Reg, addr: Reg, offset: u64 },
    Load32S64 { dst: Reg, addr: Reg, offset: u64 },
    Store8 { addr: Reg, val: Reg, offset: u64 },
    Store16 { addr: Reg, val: Reg, offset: u64 },
    Store32 { addr: Reg, val: Reg, offset: u64 },
    Store64 { addr: Reg, val: Reg, offset: u64 },
    // The same, with the address an `i32.add` of two registers, the first maybe shifted left
    // by a constant (`(a << shift) + b`, wrapping at 32 bits), which the translator fuses into
    // the access when nothing else reads the sum: compiled C computes most addresses that way
    // (base plus scaled index). An address that is just a shifted register is `(a << shift) +
    // 0`, with `b` a register holding zero.
    Load32Sum { dst: Reg, a: Reg, b: Reg, shift: u8, offset: u64 },
    Load64Sum { dst: Reg, a: Reg, b: Reg, shift: u8, offset: u64 },
    Load8USum { dst: Reg, a: Reg, b: Reg, shift: u8, offset: u64 },
    Load8S32Sum { dst: Reg, a: Reg, b: Reg, shift: u8, offset: u64 },
    Load8S64Sum { dst: Reg, a: Reg, b: Reg, shift: u8, offset: u64 },
    Load16USum { dst: Reg, a: Reg, b: Reg, shift: u8, offset: u64 },
    Load16S32Sum { dst: Reg, a: Reg, b: Reg, shift: u8, offset: u64 },
    Load16S64Sum { dst: Reg, a: Reg, b: Reg, shift: u8, offset: u64 },
    Load32S64Sum { dst: Reg, a: Reg, b: Reg, shift: u8, offset: u64 },
    Store8Sum { a: Reg, b: Reg, shift: u8, val: Reg, offset: u64 },
    Store16Sum { a: Reg, b: Reg, shift: u8, val: Reg, offset: u64 },
    Store32Sum { a: Reg, b: Reg, shift: u8, val: Reg, offset: u64 },
    Store64Sum { a: Reg, b: Reg, shift: u8, val: Reg, offset: u64 },
    /// Stores the low `bytes` bytes of `val`.
    Store { bytes: u8, mem: u32, offset: u64, addr: Reg, val: Reg },
    /// A numeric instruction without an inline form, through its raw-bits function.
    Un { f: UnFn, dst: Reg, a: Reg },
    Bin { f: BinFn, dst: Reg, a: Reg, b: Reg },
    /// Runs `Code::stacked[i]` with the stack cut to `height` registers.
    Stacked { height: Reg, i: u32 },
    // Stack-form instructions (only in `Code::stacked`): operands popped, results pushed.
    TableGet(u32),
    TableSet(u32),
    TableSize(u32),
    TableGrow(u32),
    TableFill(u32),
    TableCopy { dst: u32, src: u32 },
    TableInit { table: u32, elem: u32 },
    ElemDrop(u32),
    LoadLane { bytes: u8, lane: u8, mem: u32, offset: u64 },
    StoreLane { bytes: u8, lane: u8, mem: u32, offset: u64 },
    MemorySize(u32),
    MemoryGrow(u32),
    MemoryFill(u32),
    MemoryCopy { dst: u32, src: u32 },
    MemoryInit { mem: u32, data: u32 },
    DataDrop(u32),
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
    StructGet { ty: u32, field: u32, ext: Ext },
    StructSet { ty: u32, field: u32 },
    ArrayNew(u32),
    ArrayNewDefault(u32),
    ArrayNewFixed { ty: u32, len: u32 },
    ArrayNewData { ty: u32, data: u32 },
    ArrayNewElem { ty: u32, elem: u32 },
    ArrayGet { ty: u32, ext: Ext },
    ArraySet(u32),
    ArrayLen,
    ArrayFill(u32),
    ArrayCopy { dst: u32, src: u32 },
    ArrayInitData { ty: u32, data: u32 },
    ArrayInitElem { ty: u32, elem: u32 },
    RefI31,
    I31Get { signed: bool },
    RefTest(u32),
    RefCast(u32),
    AnyConvertExtern,
    ExternConvertAny,
});

// Instructions are copied out of the code array on every dispatch: keep them at three words.
const _: () = assert!(std::mem::size_of::<Instr>() == 24);
