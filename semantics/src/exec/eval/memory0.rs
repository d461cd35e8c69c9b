//! Memory 0 of the running instance, kept at hand by the loop.
//!
//! Reaching a memory through the store (instance, then memory address, then its bytes) costs
//! four dependent loads on every access. Nearly every access goes to memory 0, so the loop
//! keeps its bytes' address and length, taken when a frame is entered and again after every
//! handler that may grow a memory or change the instance (calls, returns, stack-form
//! instructions). The bounds check stays on every access; only the lookup is saved.

use super::Machine;
use crate::exec::memory::range;
use crate::exec::trap::Trap;

/// The bytes of memory 0 of an instance (none if it has no memory): valid until the next
/// handler that goes through the store, after which the loop takes a new view.
#[derive(Clone, Copy)]
pub(super) struct Memory0 {
    data: *mut u8,
    len: usize,
}

impl Machine<'_> {
    /// Memory 0 of instance `inst` (none for code run outside an instance, as in tests).
    #[inline(always)]
    pub(super) fn memory0(&mut self, inst: usize) -> Memory0 {
        match self.store.instances.get(inst).and_then(|i| i.mems.first()) {
            Some(addr) => {
                let data = &mut self.store.mems[addr.0 as usize].data;
                Memory0 { data: data.as_mut_ptr(), len: data.len() }
            }
            None => Memory0 { data: std::ptr::null_mut(), len: 0 },
        }
    }
}

impl Memory0 {
    /// The `N` bytes at `addr + offset`, or the out-of-bounds trap.
    #[inline(always)]
    pub(super) fn read<const N: usize>(self, addr: u64, offset: u64) -> Result<[u8; N], Trap> {
        let at = range(self.len, addr, offset, N)?;
        // SAFETY: `range` keeps `at` inside the `len` bytes at `data`, which the view's
        // memory still has (the loop takes a new view after anything that may resize it).
        Ok(unsafe { self.data.add(at.start).cast::<[u8; N]>().read_unaligned() })
    }

    /// Writes `bytes` at `addr + offset`, or gives the out-of-bounds trap.
    #[inline(always)]
    pub(super) fn write<const N: usize>(self, addr: u64, offset: u64, bytes: [u8; N]) -> Result<(), Trap> {
        let at = range(self.len, addr, offset, N)?;
        // SAFETY: as in `read`.
        unsafe { self.data.add(at.start).cast::<[u8; N]>().write_unaligned(bytes) };
        Ok(())
    }
}
