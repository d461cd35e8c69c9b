//! Loads and stores (spec §4.4.7), plain and with the address (and value) read from locals.
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

    /// Replaces the address on top by the value loaded from it.
    #[inline(always)]
    pub(super) fn load(
        &self,
        stack: &mut [u128],
        inst: usize,
        op: LoadOp,
        (mem, offset): MemArg,
    ) -> Result<(), Trap> {
        let base = *top(stack) as u64;
        *top(stack) = memory::load(self.bytes(inst, mem), base, offset, op)?;
        Ok(())
    }

    /// The value loaded from the 32-bit address `base`.
    #[inline(always)]
    pub(super) fn load_at(
        &self,
        inst: usize,
        op: LoadOp,
        (mem, offset): MemArg,
        base: u32,
    ) -> Result<u128, Trap> {
        memory::load(self.bytes(inst, mem), base as u64, offset, op)
    }

    /// Pushes the value loaded from the address in local `addr`.
    #[inline(always)]
    pub(super) fn load_l(
        &self,
        stack: &mut Vec<u128>,
        (fp, inst): (usize, usize),
        op: LoadOp,
        (mem, offset): MemArg,
        addr: u32,
    ) -> Result<(), Trap> {
        let base = stack[fp + addr as usize] as u64;
        let v = memory::load(self.bytes(inst, mem), base, offset, op)?;
        stack.push(v);
        Ok(())
    }

    /// Pops a value and an address and stores the value's low `bytes` bytes.
    #[inline(always)]
    pub(super) fn store(
        &mut self,
        stack: &mut Vec<u128>,
        inst: usize,
        bytes: u8,
        (mem, offset): MemArg,
    ) -> Result<(), Trap> {
        let v = pop(stack);
        let base = pop(stack) as u64;
        memory::store(self.bytes_mut(inst, mem), base, offset, bytes as usize, v)
    }

    /// Stores `v` (a local's value or a constant) at the address in local `addr`.
    #[inline(always)]
    pub(super) fn store_l(
        &mut self,
        base: u128,
        inst: usize,
        bytes: u8,
        (mem, offset): MemArg,
        v: u128,
    ) -> Result<(), Trap> {
        memory::store(
            self.bytes_mut(inst, mem),
            base as u64,
            offset,
            bytes as usize,
            v,
        )
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
