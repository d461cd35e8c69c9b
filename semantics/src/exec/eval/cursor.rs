//! The running frame's next instruction, as a pointer.
//!
//! Fetching by index costs a multiplication and a load of the code's base address on every
//! instruction; a pointer to the next instruction is one addition. Jumps are sound without a
//! bounds check because `Code::check` proved, for every translated body, that each jump
//! target is an instruction and that the last instruction never falls through.

use crate::exec::code::{Code, Instr};

/// The next instruction of a checked body.
#[derive(Clone, Copy)]
pub(super) struct Cursor {
    first: *const Instr,
    next: *const Instr,
}

impl Cursor {
    /// Before instruction `pc` of `code`.
    #[inline(always)]
    pub(super) fn new(code: &Code, pc: usize) -> Self {
        assert!(pc < code.instrs.len(), "a frame resumes at one of its instructions");
        let first = code.instrs.as_ptr();
        // In bounds by the assertion.
        Cursor { first, next: first.wrapping_add(pc) }
    }

    /// The instruction to run, moving past it.
    #[inline(always)]
    pub(super) fn fetch<'c>(&mut self) -> &'c Instr {
        // SAFETY: `next` is an instruction of the body: it starts on one (`new`), jumps land
        // on one, and a fetched instruction that falls through is not the last (`Code::check`).
        let instr = unsafe { &*self.next };
        self.next = self.next.wrapping_add(1);
        instr
    }

    /// The index of the next instruction (the frame's `pc`).
    #[inline(always)]
    pub(super) fn pc(self) -> usize {
        // SAFETY: both point into the same body (or one past its last instruction).
        unsafe { self.next.offset_from(self.first) as usize }
    }

    /// Whether a jump to `target` goes backwards (or to the instruction just run).
    #[inline(always)]
    pub(super) fn is_backward(self, target: u32) -> bool {
        (target as usize) < self.pc()
    }

    /// Continues at instruction `target` (an instruction of the body, by `Code::check`).
    #[inline(always)]
    pub(super) fn jump(&mut self, target: u32) {
        self.next = self.first.wrapping_add(target as usize);
    }
}
