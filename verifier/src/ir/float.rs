//! IEEE 754 formats of the IR's float bitvectors, their special constants,
//! and concrete binary32/binary64 arithmetic for evaluation.

use super::bits::Bits;
use super::expr::FpConstKind;
use std::cmp::Ordering;

/// Float format of an IEEE bitvector width: (exponent bits, significand bits).
pub fn float_format(width: u32) -> Option<(u32, u32)> {
    match width {
        16 => Some((5, 11)),
        32 => Some((8, 24)),
        64 => Some((11, 53)),
        _ => None,
    }
}

/// IEEE bits of a special float constant (NaN is the canonical quiet NaN).
pub fn fp_const_bits(width: u32, kind: FpConstKind) -> Option<u128> {
    let (e, s) = float_format(width)?;
    let m = s - 1; // stored significand bits
    let exp_all = ((1u128 << e) - 1) << m;
    let sign = 1u128 << (width - 1);
    Some(match kind {
        FpConstKind::PosInf => exp_all,
        FpConstKind::NegInf => sign | exp_all,
        FpConstKind::PosZero => 0,
        FpConstKind::NegZero => sign,
        FpConstKind::NaN => exp_all | (1u128 << (m - 1)),
    })
}

/// Binary32 / binary64 through one interface.
#[derive(Clone, Copy, Debug)]
pub enum Float {
    S(f32),
    D(f64),
}

impl Float {
    pub fn from_bits(b: &Bits) -> Result<Float, String> {
        let v = b.to_u128().unwrap_or(0);
        match b.width() {
            32 => Ok(Float::S(f32::from_bits(v as u32))),
            64 => Ok(Float::D(f64::from_bits(v as u64))),
            w => Err(format!("floats of width {w}")),
        }
    }
    pub fn to_bits(self) -> Bits {
        match self {
            Float::S(x) => Bits::new(32, x.to_bits() as u128),
            Float::D(x) => Bits::new(64, x.to_bits() as u128),
        }
    }
    pub fn is_nan(self) -> bool {
        match self {
            Float::S(x) => x.is_nan(),
            Float::D(x) => x.is_nan(),
        }
    }
    pub fn as_f64(self) -> f64 {
        match self {
            Float::S(x) => x as f64,
            Float::D(x) => x,
        }
    }
    pub fn map(self, f32op: impl Fn(f32) -> f32, f64op: impl Fn(f64) -> f64) -> Float {
        match self {
            Float::S(x) => Float::S(f32op(x)),
            Float::D(x) => Float::D(f64op(x)),
        }
    }
    pub fn zip(self, o: Float, f32op: impl Fn(f32, f32) -> f32, f64op: impl Fn(f64, f64) -> f64) -> Float {
        match (self, o) {
            (Float::S(x), Float::S(y)) => Float::S(f32op(x, y)),
            (Float::D(x), Float::D(y)) => Float::D(f64op(x, y)),
            _ => unreachable!("widths checked by the caller"),
        }
    }
    /// IEEE comparison (NaN unordered); exact for f32 through f64.
    pub fn partial_cmp(self, o: Float) -> Option<Ordering> {
        self.as_f64().partial_cmp(&o.as_f64())
    }
}
