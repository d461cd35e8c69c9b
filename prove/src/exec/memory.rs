//! Linear memory as a log of guarded writes over arbitrary initial contents.
//!
//! Every store appends `(guard, address, size, value)` where the guard is the path condition
//! of the store; paths that merge later need no memory merge, because a load only sees a
//! store under its guard. A load of `n` bytes at `a` reads, from the newest entry back: the
//! value of a store of `n` bytes at exactly `a`, a fresh value if a store overlaps `a..a+n`
//! only partly (its bytes are not modelled), or a fresh value when nothing was written
//! (contents are arbitrary when the function is called from outside). Fresh values are a
//! sound over-approximation: they can only make a trap look possible, never impossible.

use crate::machine::{Fresh, Machine, NumType};
use saffron_semantics::numerics::domain::IntOps;
use saffron_semantics::numerics::instr::Val;

enum Entry<D: Machine> {
    Store { guard: D::Bool, mem: u32, addr: D::I64, bytes: u32, value: D::I64 },
    /// Unknown writes (a call not followed, or earlier iterations of a loop).
    Havoc { guard: D::Bool, mem: u32 },
}

/// Beyond this many entries a load is simply fresh: the select chain would grow with every
/// store, and a fresh value is still sound.
const MAX_ENTRIES: usize = 64;

pub struct Memory<D: Machine> {
    entries: Vec<Entry<D>>,
}

impl<D: Machine> Memory<D> {
    pub fn new() -> Memory<D> {
        Memory { entries: Vec::new() }
    }

    pub fn store(&mut self, guard: D::Bool, mem: u32, addr: D::I64, bytes: u32, value: D::I64) {
        self.entries.push(Entry::Store { guard, mem, addr, bytes, value });
    }

    pub fn havoc(&mut self, guard: D::Bool, mem: u32) {
        self.entries.push(Entry::Havoc { guard, mem });
    }

    /// The `bytes` bytes at `addr` as the low bits of an i64 (upper bits unspecified).
    pub fn load(&self, d: &D, mem: u32, addr: &D::I64, bytes: u32) -> D::I64 {
        let fresh = || match d.fresh(NumType::I64, Fresh::Unknown) {
            Val::I64(v) => v,
            _ => unreachable!("fresh returns the requested type"),
        };
        let mut value = fresh();
        if self.entries.len() > MAX_ENTRIES {
            return value;
        }
        let n = IntOps::<D::I64>::lit(d, bytes as u64);
        for e in &self.entries {
            match e {
                Entry::Store { guard, mem: m, addr: a, bytes: b, value: v } if *m == mem => {
                    let same = d.band(guard, &IntOps::<D::I64>::eq(d, a, addr));
                    let b_len = IntOps::<D::I64>::lit(d, *b as u64);
                    let a_end = IntOps::<D::I64>::add(d, a, &b_len);
                    let end = IntOps::<D::I64>::add(d, addr, &n);
                    let overlap = d.band(
                        guard,
                        &d.band(&IntOps::<D::I64>::ult(d, addr, &a_end), &IntOps::<D::I64>::ult(d, a, &end)),
                    );
                    let partial = IntOps::<D::I64>::select(d, &overlap, &fresh(), &value);
                    value = if *b == bytes { IntOps::<D::I64>::select(d, &same, v, &partial) } else { partial };
                }
                Entry::Havoc { guard, mem: m } if *m == mem => {
                    value = IntOps::<D::I64>::select(d, guard, &fresh(), &value);
                }
                _ => {}
            }
        }
        value
    }
}

