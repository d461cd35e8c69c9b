//! Generic lane plumbing for 128-bit vectors.
//!
//! A `v128` is a `u128`; lane `i` of a shape with `W`-bit lanes occupies bits
//! `[i*W, (i+1)*W)` (little-endian: lane 0 is the least significant). Lane values are passed
//! around as raw, zero-extended `u128` bits, exactly the representation the scalar numerics use
//! for i32/i64/f32/f64 (Contract B), so scalar definitions apply to lanes unchanged.

use super::super::NumResult;

/// A lane shape: `128 / bits` lanes of `bits` bits each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub bits: u32,
}

pub const X8: Shape = Shape { bits: 8 };
pub const X16: Shape = Shape { bits: 16 };
pub const X32: Shape = Shape { bits: 32 };
pub const X64: Shape = Shape { bits: 64 };

impl Shape {
    /// Number of lanes in a v128.
    pub const fn count(self) -> usize {
        (128 / self.bits) as usize
    }

    /// All-ones mask of one lane (also the "true" value of a lane comparison).
    pub const fn mask(self) -> u128 {
        u128::MAX >> (128 - self.bits)
    }

    /// Raw bits of lane `i` (zero-extended); 0 past the last lane (validation rules that out,
    /// but an unvalidated lane immediate must not panic).
    pub fn lane(self, v: u128, i: usize) -> u128 {
        v.checked_shr(self.shift(i)).unwrap_or(0) & self.mask()
    }

    /// Bit position of lane `i` (saturated so that out-of-range lanes shift everything out).
    fn shift(self, i: usize) -> u32 {
        u32::try_from(i).map_or(u32::MAX, |i| i.saturating_mul(self.bits))
    }

    /// Lane `i` interpreted as a signed integer.
    pub fn lane_signed(self, v: u128, i: usize) -> i128 {
        self.signed(self.lane(v, i))
    }

    /// Two's-complement interpretation of raw lane bits.
    pub fn signed(self, x: u128) -> i128 {
        let shift = 128 - self.bits;
        ((x << shift) as i128) >> shift
    }

    /// Sign-extends raw lane bits to raw `to`-bit bits (e.g. an i8 lane to an i32 operand).
    pub fn sext_to(self, x: u128, to: Shape) -> u128 {
        (self.signed(x) as u128) & to.mask()
    }

    /// Replaces lane `i` of `v` with the low bits of `x` (no change past the last lane).
    pub fn with_lane(self, v: u128, i: usize, x: u128) -> u128 {
        let shift = self.shift(i);
        let place = |bits: u128| bits.checked_shl(shift).unwrap_or(0);
        (v & !place(self.mask())) | place(x & self.mask())
    }

    /// Packs lane values (truncated to the lane width); missing lanes are zero.
    pub fn pack(self, lanes: impl IntoIterator<Item = u128>) -> u128 {
        lanes
            .into_iter()
            .take(self.count())
            .enumerate()
            .fold(0, |acc, (i, x)| {
                acc | ((x & self.mask()) << (self.bits as usize * i))
            })
    }

    /// Packs fallible lane values, propagating the first error.
    pub fn try_pack(self, lanes: impl IntoIterator<Item = NumResult>) -> NumResult {
        let mut acc = 0;
        for (i, x) in lanes.into_iter().take(self.count()).enumerate() {
            acc |= (x? & self.mask()) << (self.bits as usize * i);
        }
        Ok(acc)
    }

    /// The same value in every lane.
    pub fn splat(self, x: u128) -> u128 {
        self.pack(std::iter::repeat_n(x, self.count()))
    }

    /// Applies `f` to every lane.
    pub fn map(self, v: u128, mut f: impl FnMut(u128) -> NumResult) -> NumResult {
        self.try_pack((0..self.count()).map(|i| f(self.lane(v, i))))
    }

    /// Applies `f` to every pair of corresponding lanes.
    pub fn zip(self, a: u128, b: u128, mut f: impl FnMut(u128, u128) -> NumResult) -> NumResult {
        self.try_pack((0..self.count()).map(|i| f(self.lane(a, i), self.lane(b, i))))
    }

    /// Applies `f` to every triple of corresponding lanes.
    pub fn zip3(
        self,
        a: u128,
        b: u128,
        c: u128,
        mut f: impl FnMut(u128, u128, u128) -> NumResult,
    ) -> NumResult {
        self.try_pack(
            (0..self.count()).map(|i| f(self.lane(a, i), self.lane(b, i), self.lane(c, i))),
        )
    }

    /// Turns a scalar predicate result (i32 0 or 1) into a lane mask (all zeros / all ones).
    pub fn bool_mask(self, b: u128) -> u128 {
        if b & 1 != 0 {
            self.mask()
        } else {
            0
        }
    }

    /// Widens half of the lanes of `v` (`high` selects lanes count/2..count) into a shape with
    /// lanes twice as wide, via `ext` (sign or zero extension of raw lane bits).
    pub fn widen_half(self, v: u128, high: bool, ext: impl Fn(u128) -> u128) -> u128 {
        let half = self.count() / 2;
        let first = if high { half } else { 0 };
        let wide = Shape {
            bits: self.bits * 2,
        };
        wide.pack((first..first + half).map(|i| ext(self.lane(v, i))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_zero_is_least_significant() {
        let v = 0x0f0e0d0c_0b0a0908_07060504_03020100u128;
        assert_eq!(X8.lane(v, 0), 0x00);
        assert_eq!(X8.lane(v, 15), 0x0f);
        assert_eq!(X16.lane(v, 1), 0x0302);
        assert_eq!(X32.lane(v, 3), 0x0f0e0d0c);
        assert_eq!(X64.lane(v, 1), 0x0f0e0d0c_0b0a0908);
    }

    #[test]
    fn pack_inverts_lane_for_every_shape() {
        let v = 0x8899aabb_ccddeeff_00112233_44556677u128;
        for s in [X8, X16, X32, X64] {
            assert_eq!(s.pack((0..s.count()).map(|i| s.lane(v, i))), v, "{s:?}");
        }
    }

    #[test]
    fn signed_and_sext() {
        assert_eq!(X8.signed(0x80), -128);
        assert_eq!(X8.signed(0x7f), 127);
        assert_eq!(X16.sext_to(0xffff, X32), 0xffff_ffff);
        assert_eq!(X64.signed(u64::MAX as u128), -1);
    }

    #[test]
    fn with_lane_replaces_only_that_lane() {
        assert_eq!(X16.with_lane(0, 7, 0x1_2345), 0x2345u128 << 112);
        assert_eq!(X32.with_lane(u128::MAX, 0, 0), u128::MAX << 32);
    }

    #[test]
    fn out_of_range_lanes_do_not_panic() {
        assert_eq!(X32.lane(u128::MAX, 4), 0);
        assert_eq!(X8.lane(u128::MAX, usize::MAX), 0);
        assert_eq!(X64.with_lane(7, 2, u128::MAX), 7);
    }

    #[test]
    fn widen_half_selects_half() {
        let v = X8.pack((0..16).map(|i| i as u128));
        assert_eq!(X8.widen_half(v, false, |x| x), X16.pack(0..8));
        assert_eq!(X8.widen_half(v, true, |x| x), X16.pack(8..16));
    }
}
