//! Loads and stores (spec §4.4.7), with the address and value read from registers, and the
//! stack-form lane accesses.
//! Bounds and byte layouts are `exec::memory`'s; these handlers only move operands.

use super::{pop, top, Machine};
use crate::exec::code::LoadOp;
use crate::exec::memory;
use crate::exec::trap::Trap;

/// A memory immediate: the module's memory index and the static offset.
pub(super) type MemArg = (u32, u64);

impl Machine<'_> {
    /// The bytes of memory `mem` of instance `inst`.
    #[inline(always)]
    fn bytes(&self, inst: usize, mem: u32) -> &[u8] {
        &self.store.mems[self.mem_index(inst, mem)].data
    }

    #[inline(always)]
    fn bytes_mut(&mut self, inst: usize, mem: u32) -> &mut [u8] {
        let m = self.mem_index(inst, mem);
        &mut self.store.mems[m].data
    }

    /// The value loaded from address `base`.
    #[inline(always)]
    pub(super) fn load_at(
        &self,
        inst: usize,
        op: LoadOp,
        (mem, offset): MemArg,
        base: u64,
    ) -> Result<u128, Trap> {
        memory::load(self.bytes(inst, mem), base, offset, op)
    }

    /// Stores the low `bytes` bytes of `v` at address `base`.
    #[inline(always)]
    pub(super) fn store_at(
        &mut self,
        inst: usize,
        bytes: u8,
        (mem, offset): MemArg,
        base: u64,
        v: u128,
    ) -> Result<(), Trap> {
        memory::store(self.bytes_mut(inst, mem), base, offset, bytes as usize, v)
    }

    /// `v128.loadN_lane`: pops a vector, replaces the address below it by the updated vector.
    #[inline(always)]
    pub(super) fn load_lane(
        &self,
        stack: &mut Vec<u128>,
        inst: usize,
        (bytes, lane): (u8, u8),
        (mem, offset): MemArg,
    ) -> Result<(), Trap> {
        let v = pop(stack);
        let base = *top(stack) as u64;
        *top(stack) =
            memory::load_lane(self.bytes(inst, mem), base, offset, bytes as usize, lane, v)?;
        Ok(())
    }

    /// `v128.storeN_lane`: pops a vector and an address.
    #[inline(always)]
    pub(super) fn store_lane(
        &mut self,
        stack: &mut Vec<u128>,
        inst: usize,
        (bytes, lane): (u8, u8),
        (mem, offset): MemArg,
    ) -> Result<(), Trap> {
        let v = pop(stack);
        let base = pop(stack) as u64;
        memory::store_lane(
            self.bytes_mut(inst, mem),
            base,
            offset,
            bytes as usize,
            lane,
            v,
        )
    }
}
