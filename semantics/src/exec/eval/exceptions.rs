//! Exception handling: `throw`, `throw_ref`, and unwinding to the innermost matching
//! `try_table` handler.

use super::calls::fit_frame;
use super::{null_trap, Frame, Machine};
use crate::exec::code::CatchKind;
use crate::exec::trap::{Trap, TrapKind};
use crate::exec::value::*;

impl Machine<'_> {
    /// `throw`: allocates an exception of tag `tag` from its operands and raises it.
    pub(super) fn throw_tag<'c>(
        &mut self,
        (stack, frames): (&mut Vec<u128>, &mut Vec<Frame<'c>>),
        at: &mut Frame<'c>,
        tag: u32,
    ) -> Result<(), Trap> {
        let tag = self.instance(at.inst).tags[tag as usize];
        let ty = self.store.tags[tag.0 as usize].ty;
        let n = self.store.types.func_type(ty).params.len();
        let fields = stack.split_off(stack.len() - n);
        let exn = self.store.alloc_exn(tag, fields);
        *at = self.unwind(frames, stack, exn, *at)?;
        Ok(())
    }

    /// `throw_ref`: raises exception `exn` again.
    pub(super) fn throw_ref<'c>(
        &mut self,
        (stack, frames): (&mut Vec<u128>, &mut Vec<Frame<'c>>),
        at: &mut Frame<'c>,
        exn: u128,
    ) -> Result<(), Trap> {
        if Ref::is_null_bits(exn) {
            return Err(null_trap("null exception reference"));
        }
        *at = self.unwind(frames, stack, exn, *at)?;
        Ok(())
    }

    /// Unwinds from activation `at` (and then its callers) to the innermost handler whose
    /// catch clause matches `exn`, leaving the clause's values in the label's registers;
    /// returns the activation to resume, or the "uncaught exception" trap when no handler
    /// matches. The stack holds `at`'s operands up to the throw.
    #[inline(never)]
    pub(super) fn unwind<'c>(
        &self,
        frames: &mut Vec<Frame<'c>>,
        stack: &mut Vec<u128>,
        exn: u128,
        mut at: Frame<'c>,
    ) -> Result<Frame<'c>, Trap> {
        let obj = &self.store.exns[Ref::payload_of(exn) as usize];
        loop {
            // `pc` is past the throwing instruction (or the call that led to the throw).
            let thrown_at = (at.pc - 1) as u32;
            let tags = &self.store.instances[at.inst].tags;
            for h in at
                .code
                .handlers
                .iter()
                .rev()
                .filter(|h| h.start <= thrown_at && thrown_at < h.end)
            {
                for c in &h.catches {
                    let (fields, with_ref) = match c.kind {
                        CatchKind::One(tag) if tags[tag as usize] == obj.tag => (true, false),
                        CatchKind::OneRef(tag) if tags[tag as usize] == obj.tag => (true, true),
                        CatchKind::All => (false, false),
                        CatchKind::AllRef => (false, true),
                        _ => continue,
                    };
                    stack.truncate(at.fp + c.target.drop_to as usize);
                    if fields {
                        stack.extend_from_slice(&obj.fields);
                    }
                    if with_ref {
                        stack.push(exn);
                    }
                    at.pc = c.target.pc as usize;
                    fit_frame(stack, at.fp, at.code);
                    return Ok(at);
                }
            }
            at = frames
                .pop()
                .ok_or_else(|| Trap::new(TrapKind::UncaughtException, "uncaught exception"))?;
        }
    }
}
