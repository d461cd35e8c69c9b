//! Linear-memory access (spec §4.4.7): effective addresses, bounds, and the byte layouts of
//! every load and store (little endian). The lane arrangement of v128 extending, splat and
//! lane loads/stores is numerics' (`numerics::simd::bits`); this module only moves the bytes.

use super::code::LoadOp;
use super::trap::{Trap, TrapKind};
use crate::numerics::simd::bits;

#[cold]
#[inline(never)]
fn oob() -> Trap {
    Trap::of(TrapKind::MemoryOutOfBounds)
}

/// The byte range `base + offset .. + len`, or the out-of-bounds trap.
#[inline(always)]
pub(crate) fn range(
    data_len: usize,
    base: u64,
    offset: u64,
    len: usize,
) -> Result<std::ops::Range<usize>, Trap> {
    let start = (base as u128) + (offset as u128);
    let end = start + len as u128;
    if end > data_len as u128 {
        return Err(oob());
    }
    Ok(start as usize..end as usize)
}

/// Little-endian read of 1, 2, 4, 8 or 16 bytes; fixed widths keep this free of `memcpy` calls.
#[inline(always)]
fn read_le(bytes: &[u8]) -> u128 {
    match *bytes {
        [b] => b as u128,
        [a, b] => u16::from_le_bytes([a, b]) as u128,
        [a, b, c, d] => u32::from_le_bytes([a, b, c, d]) as u128,
        _ if bytes.len() == 8 => u64::from_le_bytes(bytes.try_into().expect("8 bytes")) as u128,
        _ => u128::from_le_bytes(bytes.try_into().expect("16 bytes")),
    }
}

#[inline(always)]
fn write_le(out: &mut [u8], v: u128) {
    match out.len() {
        1 => out[0] = v as u8,
        2 => out.copy_from_slice(&(v as u16).to_le_bytes()),
        4 => out.copy_from_slice(&(v as u32).to_le_bytes()),
        8 => out.copy_from_slice(&(v as u64).to_le_bytes()),
        _ => out.copy_from_slice(&v.to_le_bytes()),
    }
}

#[inline(always)]
pub(crate) const fn load_width(op: LoadOp) -> usize {
    use LoadOp::*;
    match op {
        I32S8 | I32U8 | I64S8 | I64U8 | Splat8 => 1,
        I32S16 | I32U16 | I64S16 | I64U16 | Splat16 => 2,
        I32 | F32 | I64S32 | I64U32 | Splat32 | Zero32 => 4,
        I64 | F64 | V128S8x8 | V128U8x8 | V128S16x4 | V128U16x4 | V128S32x2 | V128U32x2
        | Splat64 | Zero64 => 8,
        V128 => 16,
    }
}

/// Performs a load; results follow the slot encoding (i32 zero-extended to 128 bits).
/// Always inlined: called, its `Result<u128, _>` comes back through memory written in 8-byte
/// halves and is copied in one 16-byte load, a store-forwarding stall on every load (perf:
/// a fifth of matmul's time in builds where the compiler chose not to inline it).
#[inline(always)]
pub(crate) fn load(data: &[u8], base: u64, offset: u64, op: LoadOp) -> Result<u128, Trap> {
    let r = range(data.len(), base, offset, load_width(op))?;
    Ok(extend(op, read_le(&data[r])))
}

/// The value load `op` gives for the `load_width(op)` bytes `bytes` (little endian).
#[inline(always)]
pub(crate) fn extend_bytes(op: LoadOp, bytes: &[u8]) -> u128 {
    extend(op, read_le(bytes))
}

/// The value load `op` gives for the raw little-endian bytes `raw`: extended to the slot
/// encoding, or laid out in lanes.
#[inline(always)]
fn extend(op: LoadOp, raw: u128) -> u128 {
    use LoadOp::*;
    match op {
        I32 | I64 | F32 | F64 | V128 | I32U8 | I32U16 | I64U8 | I64U16 | I64U32 | Zero32
        | Zero64 => raw,
        I32S8 => raw as u8 as i8 as i32 as u32 as u128,
        I32S16 => raw as u16 as i16 as i32 as u32 as u128,
        I64S8 => raw as u8 as i8 as i64 as u64 as u128,
        I64S16 => raw as u16 as i16 as i64 as u64 as u128,
        I64S32 => raw as u32 as i32 as i64 as u64 as u128,
        V128S8x8 => bits::load8x8_s(raw as u64),
        V128U8x8 => bits::load8x8_u(raw as u64),
        V128S16x4 => bits::load16x4_s(raw as u64),
        V128U16x4 => bits::load16x4_u(raw as u64),
        V128S32x2 => bits::load32x2_s(raw as u64),
        V128U32x2 => bits::load32x2_u(raw as u64),
        Splat8 => bits::load_splat(8, raw as u64),
        Splat16 => bits::load_splat(16, raw as u64),
        Splat32 => bits::load_splat(32, raw as u64),
        Splat64 => bits::load_splat(64, raw as u64),
    }
}

/// Stores the low `bytes` bytes of `value`.
#[inline(always)]
pub(crate) fn store(
    data: &mut [u8],
    base: u64,
    offset: u64,
    bytes: usize,
    value: u128,
) -> Result<(), Trap> {
    let r = range(data.len(), base, offset, bytes)?;
    write_le(&mut data[r], value);
    Ok(())
}

/// `v128.loadN_lane`: replaces lane `lane` of `v` with `bytes` bytes read from memory.
pub(crate) fn load_lane(
    data: &[u8],
    base: u64,
    offset: u64,
    bytes: usize,
    lane: u8,
    v: u128,
) -> Result<u128, Trap> {
    let r = range(data.len(), base, offset, bytes)?;
    let x = read_le(&data[r]);
    Ok(bits::load_lane(bytes as u32 * 8, v, lane, x as u64))
}

/// `v128.storeN_lane`: writes lane `lane` of `v`.
pub(crate) fn store_lane(
    data: &mut [u8],
    base: u64,
    offset: u64,
    bytes: usize,
    lane: u8,
    v: u128,
) -> Result<(), Trap> {
    store(
        data,
        base,
        offset,
        bytes,
        bits::store_lane(bytes as u32 * 8, v, lane) as u128,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effective_address_overflow_traps() {
        let data = [0u8; 8];
        assert!(load(&data, u32::MAX as u64, 1, LoadOp::I32U8).is_err());
        assert!(load(&data, 4, 0, LoadOp::I32).is_ok());
        assert!(load(&data, 5, 0, LoadOp::I32).is_err());
        assert!(load(&data, u64::MAX, u64::MAX, LoadOp::I32).is_err());
    }

    #[test]
    fn extending_and_lane_loads() {
        let data = [0xff, 0x01, 0x80, 0x7f, 0, 0, 0, 0];
        assert_eq!(load(&data, 0, 0, LoadOp::I32S8).unwrap(), 0xffff_ffff);
        assert_eq!(
            load(&data, 1, 0, LoadOp::I64S16).unwrap(),
            0xffff_ffff_ffff_8001
        );
        assert_eq!(load(&data, 0, 0, LoadOp::I64S16).unwrap(), 0x01ff);
        let v = load(&data, 0, 0, LoadOp::V128S8x8).unwrap();
        assert_eq!(v as u16, 0xffff);
        assert_eq!((v >> 16) as u16, 1);
        assert_eq!(load_lane(&data, 0, 1, 1, 15, 0).unwrap(), 1u128 << 120);
    }
}
