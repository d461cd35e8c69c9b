//! Reference, i31 and cast instructions, then the fallback to the table, bulk-memory and
//! aggregate instructions (`data`): rarely in hot loops, so they sit outside the main loop.

use super::{null_trap, pop, top, trap, Machine};
use crate::exec::code::{Code, Instr};
use crate::exec::trap::{Trap, TrapKind};
use crate::exec::value::*;
use crate::syntax::types::*;

impl Machine<'_> {
    #[inline(never)]
    pub(super) fn exec_cold(
        &mut self,
        stack: &mut Vec<u128>,
        code: &Code,
        inst: usize,
        instr: Instr,
    ) -> Result<(), Trap> {
        use Instr as I;
        match instr {
            I::RefNull(top) => stack.push(Ref::null_bits(top)),
            I::RefIsNull => {
                let r = *top(stack);
                *top(stack) = Ref::is_null_bits(r) as u128;
            }
            I::RefFunc(f) => {
                let a = self.instance(inst).funcs[f as usize];
                stack.push(Ref::func(a).0);
            }
            I::RefAsNonNull => {
                if Ref::is_null_bits(*top(stack)) {
                    return Err(null_trap("null reference"));
                }
            }
            I::RefEq => {
                let b = pop(stack);
                let a = *top(stack);
                let eq = (Ref::is_null_bits(a) && Ref::is_null_bits(b)) || a == b;
                *top(stack) = eq as u128;
            }
            I::RefI31 => {
                let v = *top(stack) as u32 & 0x7fff_ffff;
                *top(stack) = Ref::encode(TAG_I31, v as u64);
            }
            I::I31Get { signed } => {
                let r = *top(stack);
                if Ref::is_null_bits(r) {
                    return Err(null_trap("null i31 reference"));
                }
                let v = Ref::payload_of(r) as u32;
                *top(stack) = if signed {
                    (((v << 1) as i32 >> 1) as u32) as u128
                } else {
                    v as u128
                };
            }
            I::RefTest(rt) => {
                let rt = self.cast_type(code, inst, rt);
                let ok = {
                    let v = *top(stack);
                    self.store.ref_matches(v, rt)
                };
                *top(stack) = ok as u128;
            }
            I::RefCast(rt) => {
                let rt = self.cast_type(code, inst, rt);
                if !{
                    let v = *top(stack);
                    self.store.ref_matches(v, rt)
                } {
                    return Err(trap(TrapKind::CastFailure));
                }
            }
            I::AnyConvertExtern => {
                let r = *top(stack);
                *top(stack) = if Ref::is_null_bits(r) {
                    Ref::null_bits(HeapTop::Any)
                } else {
                    Ref::encode(Ref::tag_of(r) & !EXTERN_FLAG, Ref::payload_of(r))
                };
            }
            I::ExternConvertAny => {
                let r = *top(stack);
                *top(stack) = if Ref::is_null_bits(r) {
                    Ref::null_bits(HeapTop::Extern)
                } else {
                    Ref::encode(Ref::tag_of(r) | EXTERN_FLAG, Ref::payload_of(r))
                };
            }
            other => return self.exec_bulk(stack, other, inst),
        }
        Ok(())
    }
}
