//! Scalar loads and stores: the memory-0 forms, and the address computations fused into them.
//!
//! Compiled C computes most addresses as a base plus a scaled index; an access whose address
//! was just computed that way, into a slot nothing else reads, takes the computation in
//! (`(a << shift) + b`, see `Instr::Load32Sum`) and saves one or two dispatches.

use wasmparser::MemArg;

use super::{mem, Translator};
use crate::exec::code::*;

impl Translator<'_> {
    pub(super) fn load(&mut self, op: LoadOp, memarg: &MemArg) {
        let (mem, offset) = mem(memarg);
        let addr = self.pop();
        let Some((plain, fused)) = memory0_load(op).filter(|_| mem == 0) else {
            return self.emit_result(|dst| Instr::Load { op, mem, offset, dst, addr });
        };
        let sum = self.take_address(addr);
        self.emit_result(|dst| match sum {
            None => plain(dst, addr, offset),
            Some((a, b, shift)) => fused(dst, a, b, shift, offset),
        });
    }

    pub(super) fn store(&mut self, bytes: u8, memarg: &MemArg) {
        let (mem, offset) = mem(memarg);
        let val = self.pop();
        let addr = self.pop();
        if mem != 0 || bytes > 8 {
            return self.emit(Instr::Store { bytes, mem, offset, addr, val });
        }
        let sum = self.take_address(addr);
        macro_rules! form {
            ($plain:ident, $fused:ident) => {
                match sum {
                    None => Instr::$plain { addr, val, offset },
                    Some((a, b, shift)) => Instr::$fused { a, b, shift, val, offset },
                }
            };
        }
        self.emit(match bytes {
            1 => form!(Store8, Store8Sum),
            2 => form!(Store16, Store16Sum),
            4 => form!(Store32, Store32Sum),
            _ => form!(Store64, Store64Sum),
        });
    }

    /// The address `addr`, just computed into its own slot and read by nothing else, as
    /// `(a << shift) + b`, its computation taken out of the code to be fused into the access:
    /// an `i32.add`, with an `i32.shl` by a constant computed just before into one of its
    /// operands; or an `i32.shl` alone, plus the register holding zero. Moving the computation
    /// down to the access is sound: it is the last code, so nothing between it and the access
    /// writes its operands, no branch lands inside it (the barrier), and the stack slots it
    /// wrote are above the stack's top once the address is consumed.
    fn take_address(&mut self, addr: Reg) -> Option<(Reg, Reg, u8)> {
        if addr != self.next_slot() {
            return None;
        }
        match *self.last_instr()? {
            Instr::I32Add { dst, a, b } if dst == addr => {
                self.code.instrs.pop();
                let shifted = [(a, b), (b, a)]
                    .into_iter()
                    .find_map(|(x, other)| Some((self.take_shift(x, addr)?, other)));
                Some(match shifted {
                    Some(((v, k), other)) => (v, other, k),
                    None => (a, b, 0),
                })
            }
            Instr::I32Shl { dst, .. } if dst == addr => {
                let zero = *self.consts.get(&0)?;
                let (v, k) = self.take_shift(addr, addr)?;
                Some((v, zero, k))
            }
            _ => None,
        }
    }

    /// The operand and constant count of the `i32.shl` that is the last code, if it wrote
    /// stack slot `x` (at or above `addr`, so free once the address is consumed) and
    /// shifts by a constant; the shift is taken out of the code.
    fn take_shift(&mut self, x: Reg, addr: Reg) -> Option<(Reg, u8)> {
        let Instr::I32Shl { dst, a, b } = *self.last_instr()? else {
            return None;
        };
        let count = self.consts.iter().find(|(_, r)| **r == b).map(|(bits, _)| *bits as u32)?;
        if dst != x || x < addr {
            return None;
        }
        self.code.instrs.pop();
        // `i32.shl` shifts by its count modulo 32.
        Some((a, (count % 32) as u8))
    }
}

/// A memory-0 load form at a register (`dst, addr, offset`), and at a fused address
/// (`dst, a, b, shift, offset`: `(a << shift) + b`).
type Memory0Load = (fn(Reg, Reg, u64) -> Instr, fn(Reg, Reg, Reg, u8, u64) -> Instr);

/// The memory-0 forms of load `op`; `None` for the vector loads, which keep the generic
/// `Load`.
fn memory0_load(op: LoadOp) -> Option<Memory0Load> {
    use LoadOp as L;
    macro_rules! forms {
        ($plain:ident, $fused:ident) => {
            Some((
                |dst, addr, offset| Instr::$plain { dst, addr, offset },
                |dst, a, b, shift, offset| Instr::$fused { dst, a, b, shift, offset },
            ))
        };
    }
    match op {
        L::I32 | L::F32 | L::I64U32 => forms!(Load32, Load32Sum),
        L::I64 | L::F64 => forms!(Load64, Load64Sum),
        L::I32U8 | L::I64U8 => forms!(Load8U, Load8USum),
        L::I32S8 => forms!(Load8S32, Load8S32Sum),
        L::I64S8 => forms!(Load8S64, Load8S64Sum),
        L::I32U16 | L::I64U16 => forms!(Load16U, Load16USum),
        L::I32S16 => forms!(Load16S32, Load16S32Sum),
        L::I64S16 => forms!(Load16S64, Load16S64Sum),
        L::I64S32 => forms!(Load32S64, Load32S64Sum),
        L::V128
        | L::V128S8x8
        | L::V128U8x8
        | L::V128S16x4
        | L::V128U16x4
        | L::V128S32x2
        | L::V128U32x2
        | L::Splat8
        | L::Splat16
        | L::Splat32
        | L::Splat64
        | L::Zero32
        | L::Zero64 => None,
    }
}
