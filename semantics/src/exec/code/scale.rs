//! Register operands stored as byte offsets, for the evaluator.
//!
//! A register is a 16-byte cell, and x86-64 addressing scales an index by at most 8, so
//! reading register `r` costs a shift before the load: three shifts in a binary instruction
//! of about fifteen machine instructions. Once a body is checked, its register operands are
//! stored as `r * 16`, the offset of the cell from the frame's first one. Only operands are
//! stored so: the registers that name where a call's arguments start, how high the stack is
//! for a stack-form instruction, or where a branch moves values stay register numbers,
//! since the evaluator computes with them.

use super::{Code, CodeError, Instr, Reg};

/// Bytes per register cell.
pub const CELL_BYTES: u32 = 16;

/// Whether an instruction runs on registers (in `Code::instrs`) or on an operand stack (in
/// `Code::stacked`, through `Instr::Stacked`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Registers,
    Stack,
}

impl Instr {
    /// Calls `f` on each register operand: each register the evaluator reads or writes
    /// through the running frame's cells (see the module's doc for what is not one). Every
    /// instruction is classified here or is a hot row of the operator table, so a new
    /// instruction cannot be skipped by mistake (it panics on its first translation).
    pub(crate) fn for_each_operand(&mut self, f: &mut dyn FnMut(&mut Reg)) -> Form {
        use Instr as I;
        match self {
            I::JumpIfZero { cond: r, .. }
            | I::BrIf { cond: r, .. }
            | I::BrTable { index: r, .. }
            | I::BrOnNull { r, .. }
            | I::BrOnNonNull { r, .. }
            | I::BrOnCast { r, .. }
            | I::BrOnCastFail { r, .. }
            | I::CallIndirect { index: r, .. }
            | I::CallRef { func: r, .. }
            | I::ReturnCallIndirect { index: r, .. }
            | I::ReturnCallRef { func: r, .. }
            | I::ThrowRef { exn: r, .. }
            | I::Const32 { dst: r, .. }
            | I::Const64 { dst: r, .. }
            | I::ConstPool { dst: r, .. }
            | I::GlobalGet { dst: r, .. }
            | I::GlobalSet { src: r, .. } => f(r),
            I::Copy { dst: x, src: y }
            | I::Un { dst: x, a: y, .. }
            | I::Load { dst: x, addr: y, .. }
            | I::Load32 { dst: x, addr: y, .. }
            | I::Load64 { dst: x, addr: y, .. }
            | I::Load8U { dst: x, addr: y, .. }
            | I::Load8S32 { dst: x, addr: y, .. }
            | I::Load8S64 { dst: x, addr: y, .. }
            | I::Load16U { dst: x, addr: y, .. }
            | I::Load16S32 { dst: x, addr: y, .. }
            | I::Load16S64 { dst: x, addr: y, .. }
            | I::Load32S64 { dst: x, addr: y, .. }
            | I::Store { addr: x, val: y, .. }
            | I::Store8 { addr: x, val: y, .. }
            | I::Store16 { addr: x, val: y, .. }
            | I::Store32 { addr: x, val: y, .. }
            | I::Store64 { addr: x, val: y, .. } => {
                f(x);
                f(y);
            }
            I::Bin { dst: x, a: y, b: z, .. }
            | I::Load32Sum { dst: x, a: y, b: z, .. }
            | I::Load64Sum { dst: x, a: y, b: z, .. }
            | I::Load8USum { dst: x, a: y, b: z, .. }
            | I::Load8S32Sum { dst: x, a: y, b: z, .. }
            | I::Load8S64Sum { dst: x, a: y, b: z, .. }
            | I::Load16USum { dst: x, a: y, b: z, .. }
            | I::Load16S32Sum { dst: x, a: y, b: z, .. }
            | I::Load16S64Sum { dst: x, a: y, b: z, .. }
            | I::Load32S64Sum { dst: x, a: y, b: z, .. }
            | I::Store8Sum { a: x, b: y, val: z, .. }
            | I::Store16Sum { a: x, b: y, val: z, .. }
            | I::Store32Sum { a: x, b: y, val: z, .. }
            | I::Store64Sum { a: x, b: y, val: z, .. } => {
                f(x);
                f(y);
                f(z);
            }
            I::CopyPair { dst: w, src: x, then_dst: y, then_src: z }
            | I::Select { dst: w, cond: x, a: y, b: z } => {
                for r in [w, x, y, z] {
                    f(r);
                }
            }
            // No operands, or only register numbers the evaluator computes with.
            I::Unreachable
            | I::Jump(_)
            | I::Br(_)
            | I::Return { .. }
            | I::Call { .. }
            | I::ReturnCall { .. }
            | I::Throw { .. }
            | I::Stacked { .. } => {}
            I::TableGet(_)
            | I::TableSet(_)
            | I::TableSize(_)
            | I::TableGrow(_)
            | I::TableFill(_)
            | I::TableCopy { .. }
            | I::TableInit { .. }
            | I::ElemDrop(_)
            | I::LoadLane { .. }
            | I::StoreLane { .. }
            | I::MemorySize(_)
            | I::MemoryGrow(_)
            | I::MemoryFill(_)
            | I::MemoryCopy { .. }
            | I::MemoryInit { .. }
            | I::DataDrop(_)
            | I::Tern(_)
            | I::UnImm(..)
            | I::BinImm(..)
            | I::RefNull(_)
            | I::RefIsNull
            | I::RefFunc(_)
            | I::RefAsNonNull
            | I::RefEq
            | I::StructNew(_)
            | I::StructNewDefault(_)
            | I::StructGet { .. }
            | I::StructSet { .. }
            | I::ArrayNew(_)
            | I::ArrayNewDefault(_)
            | I::ArrayNewFixed { .. }
            | I::ArrayNewData { .. }
            | I::ArrayNewElem { .. }
            | I::ArrayGet { .. }
            | I::ArraySet(_)
            | I::ArrayLen
            | I::ArrayFill(_)
            | I::ArrayCopy { .. }
            | I::ArrayInitData { .. }
            | I::ArrayInitElem { .. }
            | I::RefI31
            | I::I31Get { .. }
            | I::RefTest(_)
            | I::RefCast(_)
            | I::AnyConvertExtern
            | I::ExternConvertAny => return Form::Stack,
            hot => {
                let classified = hot.hot_operands_mut(f);
                assert!(classified, "instruction missing from `for_each_operand`: {hot:?}");
            }
        }
        Form::Registers
    }
}

impl Code {
    /// The code the evaluator runs: checked (`Code::check`), then with its register
    /// operands as byte offsets.
    pub fn prepare(mut self) -> Result<Code, CodeError> {
        self.check()?;
        for instr in &mut self.instrs {
            instr.for_each_operand(&mut |r| *r *= CELL_BYTES);
        }
        Ok(self)
    }
}
