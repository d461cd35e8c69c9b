//! Exception handling: unwinding to the innermost matching `try_table` handler.

use super::{Frame, Machine};
use crate::exec::code::CatchKind;
use crate::exec::trap::{Trap, TrapKind};
use crate::exec::value::*;

impl Machine<'_> {
    /// Unwinds from activation `at` (and then its callers) to the innermost handler whose
    /// catch clause matches `exn`, leaving the clause's values on the stack; returns the
    /// activation to resume, or the "uncaught exception" trap when no handler matches.
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
                    return Ok(at);
                }
            }
            at = frames
                .pop()
                .ok_or_else(|| Trap::new(TrapKind::UncaughtException, "uncaught exception"))?;
        }
    }
}
