//! The running frame's registers, reached without bounds checks.
//!
//! Every instruction names its operands as registers of the current frame. Indexing the
//! register vector costs an addition and a bounds check per operand, a quarter of the work
//! of an `i32.add`. Instead the loop keeps a pointer to the frame's first register, taken
//! when the frame is entered and again whenever the vector may have moved. Two facts make
//! the unchecked accesses sound:
//! - `FrameRegs::new` asserts that the vector holds the whole frame (`fp + frame_size`);
//! - `Code::check`, run on every translated body, proves that every register an
//!   instruction names is below `frame_size`.
//!
//! Operands come as byte offsets from the first register (`Code::prepare` stores them so,
//! which saves a shift per operand); the registers a branch moves come as register numbers.

use crate::exec::code::{Code, Reg};
use crate::numerics::ops::raw::Raw;

/// The scalar types a register holds in its low bytes: any bit pattern is a value.
pub(super) trait Scalar: Raw {}
impl Scalar for u32 {}
impl Scalar for u64 {}
impl Scalar for f32 {}
impl Scalar for f64 {}

/// A pointer to the first register of the running frame; valid until the register vector is
/// next resized or the frame changes (the loop then takes a new one).
#[derive(Clone, Copy)]
pub(super) struct FrameRegs {
    first: *mut u128,
}

impl FrameRegs {
    /// The registers of the frame at `fp` running `code`, a checked body.
    #[inline(always)]
    pub(super) fn new(regs: &mut [u128], fp: usize, code: &Code) -> Self {
        assert!(
            fp + code.frame_size as usize <= regs.len(),
            "the register file holds the running frame"
        );
        FrameRegs {
            // In bounds by the assertion (`fp` may equal the length for an empty frame).
            first: regs[fp..].as_mut_ptr(),
        }
    }

    /// The cell at byte offset `at` (an operand, see `Code::prepare`).
    #[inline(always)]
    fn cell(self, at: Reg) -> *mut u128 {
        // SAFETY: `at` is a register below `frame_size` (`Code::check`) times the cell size
        // (`Code::prepare`), and the frame is inside the vector (`new`).
        unsafe { self.first.byte_add(at as usize) }
    }

    /// Operand `at`.
    #[inline(always)]
    pub(super) fn get(self, at: Reg) -> u128 {
        // SAFETY: see `cell`.
        unsafe { *self.cell(at) }
    }

    /// The value of a scalar in operand `at`, read straight as its type (a float goes to a
    /// float register without passing through an integer one).
    #[inline(always)]
    pub(super) fn get_as<T: Scalar>(self, at: Reg) -> T {
        if cfg!(target_endian = "little") {
            // SAFETY: see `cell`; a cell holds a scalar in its low bytes, which on a
            // little-endian host are its first bytes, and `T` is a plain number.
            unsafe { self.cell(at).cast::<T>().read() }
        } else {
            T::from_raw(self.get(at))
        }
    }

    /// Writes operand `at`.
    #[inline(always)]
    pub(super) fn set(self, at: Reg, v: u128) {
        // SAFETY: see `cell`.
        unsafe { *self.cell(at) = v }
    }

    /// Copies operand `from` to operand `to`.
    #[inline(always)]
    pub(super) fn copy_operand(self, from: Reg, to: Reg) {
        self.set(to, self.get(from))
    }

    /// Copies registers `from..from + n` to `to..to + n` (they may overlap; register
    /// numbers, not operands).
    #[inline(always)]
    pub(super) fn copy(self, from: Reg, to: Reg, n: u32) {
        // SAFETY: both ranges end at most at `frame_size` (`Code::check` on branch targets).
        unsafe { std::ptr::copy(self.first.add(from as usize), self.first.add(to as usize), n as usize) }
    }
}

/// Whether a handler's outcome lets the loop go on in some frame (which then needs its
/// registers taken again). A trap, or the outermost frame returning, ends the loop with the
/// register vector cut to the results, which no longer holds a frame.
pub(super) trait Continues {
    fn continues(&self) -> bool;
}

impl Continues for bool {
    fn continues(&self) -> bool {
        *self
    }
}

impl<E> Continues for Result<(), E> {
    fn continues(&self) -> bool {
        self.is_ok()
    }
}

impl<E> Continues for Result<bool, E> {
    fn continues(&self) -> bool {
        matches!(self, Ok(true))
    }
}
