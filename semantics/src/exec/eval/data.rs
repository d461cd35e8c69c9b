//! Table, bulk-memory and aggregate (struct/array) instructions: everything that reads or
//! writes store state other than locals, globals and plain loads/stores.

use super::{null_trap, pop, trap, Machine};
use crate::exec::code::Instr;
use crate::exec::gc::{elements_from_bytes, extend_field, pack_field};
use crate::exec::store::Store;
use crate::exec::trap::{Trap, TrapKind};
use crate::exec::value::*;

/// Implementation limit on table sizes (the spec allows `table.grow` to fail).
const MAX_TABLE_LEN: u64 = 10_000_000;
/// Implementation limit on memory sizes in bytes (the spec allows `memory.grow` to fail).
const MAX_MEMORY_BYTES: u64 = 1 << 30;

/// `start + len <= bound` without overflow.
fn fits(start: u64, len: u64, bound: usize) -> bool {
    (start as u128) + (len as u128) <= bound as u128
}

/// `table.copy` / `memory.copy`: copies `n` items from instance `src.0` at
/// `src.1` to instance `dst.0` at `dst.1` (the same instance or two), with
/// both ranges already bounds-checked. Two distinct instances are borrowed
/// together, so no temporary copy is needed.
fn copy_between<C, T: Copy>(
    instances: &mut [C],
    dst: (usize, usize),
    src: (usize, usize),
    n: usize,
    items: impl Fn(&mut C) -> &mut Vec<T>,
) {
    let ((di, d), (si, s)) = (dst, src);
    if di == si {
        items(&mut instances[di]).copy_within(s..s + n, d);
        return;
    }
    let (low, high) = instances.split_at_mut(di.max(si));
    let (first, second) = (&mut low[di.min(si)], &mut high[0]);
    let (to, from) = if di < si { (first, second) } else { (second, first) };
    items(to)[d..d + n].copy_from_slice(&items(from)[s..s + n]);
}

fn oob_table() -> Trap {
    trap(TrapKind::TableOutOfBounds)
}
fn oob_memory() -> Trap {
    trap(TrapKind::MemoryOutOfBounds)
}
fn oob_array() -> Trap {
    trap(TrapKind::ArrayOutOfBounds)
}

fn pop_u64(stack: &mut Vec<u128>) -> u64 {
    pop(stack) as u64
}

fn non_null_array(stack: &mut Vec<u128>) -> Result<u128, Trap> {
    let r = pop(stack);
    if Ref::is_null_bits(r) {
        return Err(null_trap("null array reference"));
    }
    Ok(r)
}

impl<'s> Machine<'s> {

    fn canonical(&self, inst: usize, ty: u32) -> u32 {
        self.store.instances[inst].types[ty as usize]
    }

    #[inline(never)]
    pub(super) fn exec_bulk(&mut self, stack: &mut Vec<u128>, instr: Instr, inst: usize) -> Result<(), Trap> {
        use Instr as I;
        match instr {
            I::TableGet(t) => {
                let t = self.table_index(inst, t);
                let i = pop_u64(stack);
                let elems = &self.store.tables[t].elems;
                let v = *elems.get(i as usize).filter(|_| fits(i, 1, elems.len())).ok_or_else(oob_table)?;
                stack.push(v);
            }
            I::TableSet(t) => {
                let t = self.table_index(inst, t);
                let v = pop(stack);
                let i = pop_u64(stack);
                let elems = &mut self.store.tables[t].elems;
                if !fits(i, 1, elems.len()) {
                    return Err(oob_table());
                }
                elems[i as usize] = v;
            }
            I::TableSize(t) => {
                let t = self.table_index(inst, t);
                let n = self.store.tables[t].elems.len();
                stack.push(n as u128);
            }
            I::TableGrow(t) => {
                let t = self.table_index(inst, t);
                let n = pop_u64(stack);
                let init = pop(stack);
                let tab = &mut self.store.tables[t];
                let old = tab.elems.len() as u64;
                let limit = tab.ty.limits.max.unwrap_or(u64::MAX).min(if tab.ty.is64 { u64::MAX } else { u32::MAX as u64 });
                let result = match old.checked_add(n) {
                    Some(new) if new <= limit && new <= MAX_TABLE_LEN => {
                        tab.elems.resize(new as usize, init);
                        old
                    }
                    _ if tab.ty.is64 => u64::MAX,
                    _ => u32::MAX as u64,
                };
                stack.push(result as u128);
            }
            I::TableFill(t) => {
                let t = self.table_index(inst, t);
                let n = pop_u64(stack);
                let v = pop(stack);
                let i = pop_u64(stack);
                let elems = &mut self.store.tables[t].elems;
                if !fits(i, n, elems.len()) {
                    return Err(oob_table());
                }
                elems[i as usize..(i + n) as usize].fill(v);
            }
            I::TableCopy { dst, src } => {
                let (dt, st) = (self.table_index(inst, dst), self.table_index(inst, src));
                let n = pop_u64(stack);
                let s = pop_u64(stack);
                let d = pop_u64(stack);
                let (dlen, slen) = (self.store.tables[dt].elems.len(), self.store.tables[st].elems.len());
                if !fits(s, n, slen) || !fits(d, n, dlen) {
                    return Err(oob_table());
                }
                copy_between(&mut self.store.tables, (dt, d as usize), (st, s as usize), n as usize, |t| &mut t.elems);
            }
            I::TableInit { table, elem } => {
                let t = self.table_index(inst, table);
                let n = pop_u64(stack);
                let s = pop_u64(stack);
                let d = pop_u64(stack);
                let seg = &self.store.instances[inst].elems[elem as usize];
                let elems = &self.store.tables[t].elems;
                if !fits(s, n, seg.len()) || !fits(d, n, elems.len()) {
                    return Err(oob_table());
                }
                let (s, d, n) = (s as usize, d as usize, n as usize);
                let tmp = seg[s..s + n].to_vec();
                self.store.tables[t].elems[d..d + n].copy_from_slice(&tmp);
            }
            I::ElemDrop(e) => self.store.instances[inst].elems[e as usize] = Vec::new(),
            I::MemorySize(m) => {
                let m = &self.store.mems[self.mem_index(inst, m)];
                let pages = (m.data.len() as u64) >> m.ty.page_size_log2;
                stack.push(pages as u128);
            }
            I::MemoryGrow(m) => {
                let m = self.mem_index(inst, m);
                let delta = pop_u64(stack);
                let result = grow_memory(self.store, m, delta);
                stack.push(result as u128);
            }
            I::MemoryFill(m) => {
                let m = self.mem_index(inst, m);
                let n = pop_u64(stack);
                let v = pop(stack) as u8;
                let d = pop_u64(stack);
                let data = &mut self.store.mems[m].data;
                if !fits(d, n, data.len()) {
                    return Err(oob_memory());
                }
                data[d as usize..(d + n) as usize].fill(v);
            }
            I::MemoryCopy { dst, src } => {
                let (dm, sm) = (self.mem_index(inst, dst), self.mem_index(inst, src));
                let n = pop_u64(stack);
                let s = pop_u64(stack);
                let d = pop_u64(stack);
                let (dlen, slen) = (self.store.mems[dm].data.len(), self.store.mems[sm].data.len());
                if !fits(s, n, slen) || !fits(d, n, dlen) {
                    return Err(oob_memory());
                }
                copy_between(&mut self.store.mems, (dm, d as usize), (sm, s as usize), n as usize, |m| &mut m.data);
            }
            I::MemoryInit { mem, data } => {
                let m = self.mem_index(inst, mem);
                let n = pop_u64(stack);
                let s = pop_u64(stack);
                let d = pop_u64(stack);
                let seg = self.store.instances[inst].datas[data as usize].clone();
                let bytes = &mut self.store.mems[m].data;
                if !fits(s, n, seg.len()) || !fits(d, n, bytes.len()) {
                    return Err(oob_memory());
                }
                let (s, d, n) = (s as usize, d as usize, n as usize);
                bytes[d..d + n].copy_from_slice(&seg[s..s + n]);
            }
            I::DataDrop(d) => self.store.instances[inst].datas[d as usize] = Vec::new().into(),
            I::StructNew(ty) => {
                let ty = self.canonical(inst, ty);
                let n = self.store.struct_fields(ty).len();
                let fields = stack.split_off(stack.len() - n);
                let r = self.store.alloc_struct(ty, fields);
                stack.push(r);
            }
            I::StructNewDefault(ty) => {
                let ty = self.canonical(inst, ty);
                let fields = self.store.struct_fields(ty).iter().map(|f| self.store.default_field(f.storage)).collect();
                let r = self.store.alloc_struct(ty, fields);
                stack.push(r);
            }
            I::StructGet { field, ext, .. } => {
                let r = pop(stack);
                if Ref::is_null_bits(r) {
                    return Err(null_trap("null structure reference"));
                }
                let v = self.store.object(r).fields[field as usize];
                stack.push(extend_field(v, ext));
            }
            I::StructSet { ty, field } => {
                let ty = self.canonical(inst, ty);
                let v = pop(stack);
                let r = pop(stack);
                if Ref::is_null_bits(r) {
                    return Err(null_trap("null structure reference"));
                }
                let st = self.store.struct_fields(ty)[field as usize].storage;
                self.store.object_mut(r).fields[field as usize] = pack_field(v, st);
            }
            I::ArrayNew(ty) => {
                let ty = self.canonical(inst, ty);
                let n = Store::check_array_len(pop_u64(stack))?;
                let init = pop(stack);
                let init = pack_field(init, self.store.array_field(ty).storage);
                let r = self.store.alloc_array(ty, vec![init; n]);
                stack.push(r);
            }
            I::ArrayNewDefault(ty) => {
                let ty = self.canonical(inst, ty);
                let n = Store::check_array_len(pop_u64(stack))?;
                let init = self.store.default_field(self.store.array_field(ty).storage);
                let r = self.store.alloc_array(ty, vec![init; n]);
                stack.push(r);
            }
            I::ArrayNewFixed { ty, len } => {
                let ty = self.canonical(inst, ty);
                let st = self.store.array_field(ty).storage;
                let fields = stack.split_off(stack.len() - len as usize).into_iter().map(|v| pack_field(v, st)).collect();
                let r = self.store.alloc_array(ty, fields);
                stack.push(r);
            }
            I::ArrayNewData { ty, data } => {
                let ty = self.canonical(inst, ty);
                let n = pop_u64(stack);
                let s = pop_u64(stack);
                let st = self.store.array_field(ty).storage;
                let seg = &self.store.instances[inst].datas[data as usize];
                let size = st.byte_size() as u64;
                if !fits(s, n.saturating_mul(size), seg.len()) {
                    return Err(oob_memory());
                }
                let fields = elements_from_bytes(&seg[s as usize..(s + n * size) as usize], st);
                let r = self.store.alloc_array(ty, fields);
                stack.push(r);
            }
            I::ArrayNewElem { ty, elem } => {
                let ty = self.canonical(inst, ty);
                let n = pop_u64(stack);
                let s = pop_u64(stack);
                let seg = &self.store.instances[inst].elems[elem as usize];
                if !fits(s, n, seg.len()) {
                    return Err(oob_table());
                }
                let fields = seg[s as usize..(s + n) as usize].to_vec();
                let r = self.store.alloc_array(ty, fields);
                stack.push(r);
            }
            I::ArrayGet { ext, .. } => {
                let i = pop_u64(stack);
                let r = non_null_array(stack)?;
                let fields = &self.store.object(r).fields;
                if !fits(i, 1, fields.len()) {
                    return Err(oob_array());
                }
                let v = fields[i as usize];
                stack.push(extend_field(v, ext));
            }
            I::ArraySet(ty) => {
                let st = self.store.array_field(self.canonical(inst, ty)).storage;
                let v = pop(stack);
                let i = pop_u64(stack);
                let r = non_null_array(stack)?;
                let fields = &mut self.store.object_mut(r).fields;
                if !fits(i, 1, fields.len()) {
                    return Err(oob_array());
                }
                fields[i as usize] = pack_field(v, st);
            }
            I::ArrayLen => {
                let r = non_null_array(stack)?;
                let n = self.store.object(r).fields.len();
                stack.push(n as u128);
            }
            I::ArrayFill(ty) => {
                let st = self.store.array_field(self.canonical(inst, ty)).storage;
                let n = pop_u64(stack);
                let v = pop(stack);
                let i = pop_u64(stack);
                let r = non_null_array(stack)?;
                let fields = &mut self.store.object_mut(r).fields;
                if !fits(i, n, fields.len()) {
                    return Err(oob_array());
                }
                fields[i as usize..(i + n) as usize].fill(pack_field(v, st));
            }
            I::ArrayCopy { .. } => {
                let n = pop_u64(stack);
                let s = pop_u64(stack);
                let sr = non_null_array(stack)?;
                let d = pop_u64(stack);
                let dr = non_null_array(stack)?;
                let (dlen, slen) = (self.store.object(dr).fields.len(), self.store.object(sr).fields.len());
                if !fits(s, n, slen) || !fits(d, n, dlen) {
                    return Err(oob_array());
                }
                let (s, d, n) = (s as usize, d as usize, n as usize);
                if dr == sr {
                    self.store.object_mut(dr).fields.copy_within(s..s + n, d);
                } else {
                    let tmp = self.store.object(sr).fields[s..s + n].to_vec();
                    self.store.object_mut(dr).fields[d..d + n].copy_from_slice(&tmp);
                }
            }
            I::ArrayInitData { ty, data } => {
                let st = self.store.array_field(self.canonical(inst, ty)).storage;
                let n = pop_u64(stack);
                let s = pop_u64(stack);
                let d = pop_u64(stack);
                let r = non_null_array(stack)?;
                if !fits(d, n, self.store.object(r).fields.len()) {
                    return Err(oob_array());
                }
                let seg = &self.store.instances[inst].datas[data as usize];
                let size = st.byte_size() as u64;
                if !fits(s, n.saturating_mul(size), seg.len()) {
                    return Err(oob_memory());
                }
                let values = elements_from_bytes(&seg[s as usize..(s + n * size) as usize], st);
                self.store.object_mut(r).fields[d as usize..(d + n) as usize].copy_from_slice(&values);
            }
            I::ArrayInitElem { elem, .. } => {
                let n = pop_u64(stack);
                let s = pop_u64(stack);
                let d = pop_u64(stack);
                let r = non_null_array(stack)?;
                if !fits(d, n, self.store.object(r).fields.len()) {
                    return Err(oob_array());
                }
                let seg = &self.store.instances[inst].elems[elem as usize];
                if !fits(s, n, seg.len()) {
                    return Err(oob_table());
                }
                let values = seg[s as usize..(s + n) as usize].to_vec();
                self.store.object_mut(r).fields[d as usize..(d + n) as usize].copy_from_slice(&values);
            }
            other => unreachable!("handled by the main loop: {other:?}"),
        }
        Ok(())
    }
}

/// `memory.grow`: the old size in pages, or -1 (at the memory's index width) on failure.
pub(crate) fn grow_memory(store: &mut Store, m: usize, delta: u64) -> u64 {
    let mem = &mut store.mems[m];
    let log2 = mem.ty.page_size_log2;
    let old = (mem.data.len() as u64) >> log2;
    let failed = if mem.ty.is64 { u64::MAX } else { u32::MAX as u64 };
    let index_limit = if mem.ty.is64 { u64::MAX >> log2 } else { (1u64 << 32) >> log2 };
    let limit = mem.ty.limits.max.unwrap_or(u64::MAX).min(index_limit);
    let Some(new) = old.checked_add(delta).filter(|&n| n <= limit) else {
        return failed;
    };
    let Some(bytes) = new.checked_shl(log2).filter(|&b| b >> log2 == new && b <= MAX_MEMORY_BYTES) else {
        return failed;
    };
    if mem.data.try_reserve(bytes as usize - mem.data.len()).is_err() {
        return failed;
    }
    mem.data.resize(bytes as usize, 0);
    old
}
