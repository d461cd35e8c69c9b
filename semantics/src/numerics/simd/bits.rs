//! Whole-vector bit operations and lane access: bitwise logic, splat, extract/replace lane,
//! shuffle, swizzle, and the extension/splat helpers the memory instructions reuse.

use super::lanes::{Shape, X32, X8};
use crate::numerics::NumResult;

/// `v128.bitselect(v1, v2, c)`: bits of `v1` where `c` is 1, of `v2` where `c` is 0.
pub fn bitselect(v1: u128, v2: u128, c: u128) -> NumResult {
    Ok((v1 & c) | (v2 & !c))
}

/// `v128.any_true`: i32 1 iff any bit is set.
pub fn any_true(v: u128) -> NumResult {
    Ok((v != 0) as u128)
}

/// `splat`: the scalar operand (raw bits) in every lane.
pub fn splat(shape: Shape, x: u128) -> NumResult {
    Ok(shape.splat(x))
}

/// `extract_lane` (unsigned / float form): raw bits of lane `lane`.
pub fn extract_lane(shape: Shape, v: u128, lane: u128) -> NumResult {
    Ok(shape.lane(v, lane as usize))
}

/// `extract_lane_s` for 8/16-bit lanes: the lane sign-extended to an i32.
pub fn extract_lane_s(shape: Shape, v: u128, lane: u128) -> NumResult {
    Ok(shape.sext_to(shape.lane(v, lane as usize), X32))
}

/// `replace_lane`: `v` with lane `lane` set to the low bits of the scalar `x`.
pub fn replace_lane(shape: Shape, v: u128, x: u128, lane: u128) -> NumResult {
    Ok(shape.with_lane(v, lane as usize, x))
}

/// Byte `i` of the 32-byte concatenation `a ++ b` (`a` supplies bytes 0..16), 0 past the end.
fn byte_of_pair(a: u128, b: u128, i: u128) -> u128 {
    match i {
        0..=15 => X8.lane(a, i as usize),
        16..=31 => X8.lane(b, i as usize - 16),
        _ => 0,
    }
}

/// `i8x16.shuffle`: byte `i` of the result is byte `mask[i]` of `a ++ b`; the immediate `mask`
/// holds the 16 lane indices little-endian (index for lane 0 in the low byte). Validation
/// guarantees indices < 32.
pub fn shuffle(a: u128, b: u128, mask: u128) -> NumResult {
    Ok(X8.pack((0..16).map(|i| byte_of_pair(a, b, X8.lane(mask, i)))))
}

/// The `i8x16.shuffle` immediate as a `u128` (lane index `lanes[0]` in the low byte).
pub fn shuffle_mask(lanes: &[u8; 16]) -> u128 {
    u128::from_le_bytes(*lanes)
}

/// `i8x16.swizzle`: byte `i` is `a[s[i]]`, or 0 when `s[i] >= 16`.
pub fn swizzle(a: u128, s: u128) -> NumResult {
    Ok(X8.pack((0..16).map(|i| byte_of_pair(a, 0, X8.lane(s, i).min(32)))))
}

/// Extends `count` narrow lanes packed in the low bits of `bytes` to lanes twice as wide:
/// the numeric part of `v128.loadNxM_s/u` (memory bytes are little-endian, so the loaded `u64`
/// has the same lane layout as a v128).
fn load_extend(bytes: u64, narrow: Shape, signed: bool) -> u128 {
    let wide = Shape {
        bits: narrow.bits * 2,
    };
    let v = bytes as u128;
    wide.pack((0..wide.count()).map(|i| {
        let x = narrow.lane(v, i);
        if signed {
            narrow.sext_to(x, wide)
        } else {
            x
        }
    }))
}

/// `v128.load8x8_s` on the loaded 8 bytes (little-endian `u64`).
pub fn load8x8_s(bytes: u64) -> u128 {
    load_extend(bytes, X8, true)
}
/// `v128.load8x8_u` on the loaded 8 bytes.
pub fn load8x8_u(bytes: u64) -> u128 {
    load_extend(bytes, X8, false)
}
/// `v128.load16x4_s` on the loaded 8 bytes.
pub fn load16x4_s(bytes: u64) -> u128 {
    load_extend(bytes, Shape { bits: 16 }, true)
}
/// `v128.load16x4_u` on the loaded 8 bytes.
pub fn load16x4_u(bytes: u64) -> u128 {
    load_extend(bytes, Shape { bits: 16 }, false)
}
/// `v128.load32x2_s` on the loaded 8 bytes.
pub fn load32x2_s(bytes: u64) -> u128 {
    load_extend(bytes, X32, true)
}
/// `v128.load32x2_u` on the loaded 8 bytes.
pub fn load32x2_u(bytes: u64) -> u128 {
    load_extend(bytes, X32, false)
}

/// `v128.loadN_splat`: `value` (the loaded `bits`-bit little-endian integer) in every lane.
pub fn load_splat(bits: u32, value: u64) -> u128 {
    Shape { bits }.splat(value as u128)
}

/// `v128.loadN_zero` is just zero-extension (`value as u128`); `v128.loadN_lane` is
/// [`load_lane`], `v128.storeN_lane` stores the low `bits` bits of [`store_lane`].
pub fn load_lane(bits: u32, v: u128, lane: u8, value: u64) -> u128 {
    Shape { bits }.with_lane(v, lane as usize, value as u128)
}

/// The `bits`-bit lane `lane` of `v`, as stored by `v128.storeN_lane`.
pub fn store_lane(bits: u32, v: u128, lane: u8) -> u64 {
    Shape { bits }.lane(v, lane as usize) as u64
}

#[cfg(test)]
mod tests {
    use super::super::lanes::X64;
    use super::*;

    #[test]
    fn shuffle_picks_from_both_operands() {
        let a = X8.pack(0..16);
        let b = X8.pack(16..32);
        let rev: [u8; 16] = std::array::from_fn(|i| 31 - i as u8);
        assert_eq!(
            shuffle(a, b, shuffle_mask(&rev)).unwrap(),
            X8.pack((16..32).rev())
        );
        let id: [u8; 16] = std::array::from_fn(|i| i as u8);
        assert_eq!(shuffle(a, b, shuffle_mask(&id)).unwrap(), a);
    }

    #[test]
    fn swizzle_zeroes_out_of_range() {
        let a = X8.pack(100..116);
        let s = X8.pack([0, 15, 16, 255, 1, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let r = swizzle(a, s).unwrap();
        assert_eq!(X8.lane(r, 0), 100);
        assert_eq!(X8.lane(r, 1), 115);
        assert_eq!(X8.lane(r, 2), 0);
        assert_eq!(X8.lane(r, 3), 0);
        assert_eq!(X8.lane(r, 4), 101);
        assert_eq!(X8.lane(r, 5), 0);
    }

    #[test]
    fn lane_access() {
        let v = X8.pack([0x80, 0x7f]);
        assert_eq!(extract_lane_s(X8, v, 0).unwrap(), 0xffff_ff80);
        assert_eq!(extract_lane(X8, v, 0).unwrap(), 0x80);
        assert_eq!(extract_lane_s(X8, v, 1).unwrap(), 0x7f);
        let r = replace_lane(X64, 0, 0xdead_beef_0000_0001, 1).unwrap();
        assert_eq!(r, 0xdead_beef_0000_0001u128 << 64);
        assert_eq!(bitselect(0xff00, 0x0ff0, 0xf0f0).unwrap(), 0xf000 | 0x0f00);
    }

    #[test]
    fn memory_helpers() {
        assert_eq!(load8x8_s(0x80), 0xff80);
        assert_eq!(load8x8_u(0x80), 0x0080);
        assert_eq!(
            load32x2_s(0xffff_ffff_0000_0001),
            0xffff_ffff_ffff_ffff_0000_0000_0000_0001
        );
        assert_eq!(load16x4_u(0xffff << 48), 0xffffu128 << 96);
        assert_eq!(load_splat(16, 0xabcd), X8.pack([0xcd, 0xab].repeat(8)));
        assert_eq!(
            store_lane(32, load_lane(32, 0, 2, 0x1234_5678), 2),
            0x1234_5678
        );
    }
}
