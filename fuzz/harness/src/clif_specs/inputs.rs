//! Operand values: edge cases of each type, then random bit patterns.

use crate::campaign::SplitMix64;
use cranelift_codegen::ir::{types, Type};

pub fn mask(width: u32) -> u64 {
    if width >= 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    }
}

/// Integer edge values of `width` bits: the extremes, and shift amounts
/// around the width (and around 64, where amounts of narrow types wrap).
pub fn int_edges(width: u32) -> Vec<u64> {
    let w = width as u64;
    let min = 1u64 << (width - 1);
    let mut v = vec![0, 1, 2, 3, mask(width), mask(width) - 1, min, min - 1, min + 1, w - 1, w, w + 1, 2 * w - 1, 2 * w, 63, 64, 65];
    v.extend([0x5555_5555_5555_5555, 0xaaaa_aaaa_aaaa_aaaa, 0x0f0f_0f0f_0f0f_0f0f, 0x8000_0000, 0x7fff_ffff, 0xffff_ffff]);
    v.into_iter().map(|x| x & mask(width)).collect()
}

fn f32_edges() -> Vec<u64> {
    let mut v: Vec<u32> = vec![
        0x0000_0000, 0x8000_0000, 0x7f80_0000, 0xff80_0000, // ±0, ±inf
        0x7fc0_0000, 0xffc0_0000, 0x7f80_0001, 0xff81_2345, 0x7fc1_2345, 0x7fbf_ffff, // NaNs: quiet, signalling, payloads
        0x0000_0001, 0x807f_ffff, 0x0080_0000, 0x7f7f_ffff, 0xff7f_ffff, // subnormals, smallest normal, max
    ];
    let values = [1.0f32, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.49999997, -0.99999994, 3.0, 1e10, -1e10];
    v.extend(values.iter().map(|f| f.to_bits()));
    // Conversion boundaries: ±2^31, 2^32, ±2^63, 2^64 and their neighbours.
    for p in [31, 32, 63, 64] {
        let x = 2f32.powi(p);
        v.extend([x.to_bits(), (-x).to_bits(), x.to_bits() - 1, x.to_bits() + 1, (-x).to_bits() + 1]);
    }
    v.into_iter().map(u64::from).collect()
}

fn f64_edges() -> Vec<u64> {
    let mut v: Vec<u64> = vec![
        0, 1 << 63, 0x7ff0_0000_0000_0000, 0xfff0_0000_0000_0000,
        0x7ff8_0000_0000_0000, 0xfff8_0000_0000_0000, 0x7ff0_0000_0000_0001, 0xfff0_0000_0012_3456, 0x7ff8_0000_0012_3456,
        0x7ff7_ffff_ffff_ffff, 1, 0x800f_ffff_ffff_ffff, 0x0010_0000_0000_0000, 0x7fef_ffff_ffff_ffff,
    ];
    let values = [1.0f64, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.49999999999999994, -0.9999999999999999, 3.0, 1e300, -1e-300];
    v.extend(values.iter().map(|f| f.to_bits()));
    for p in [31, 32, 63, 64] {
        let x = 2f64.powi(p);
        v.extend([x.to_bits(), (-x).to_bits(), x.to_bits() - 1, x.to_bits() + 1, (-x).to_bits() + 1, (x - 1.0).to_bits(), (-x - 1.0).to_bits()]);
    }
    v
}

pub fn edges(ty: Type) -> Vec<u64> {
    match ty {
        types::F32 => f32_edges(),
        types::F64 => f64_edges(),
        t => int_edges(t.bits()),
    }
}

/// A random value of `ty` (in its low bits): raw bits, a small integer, or
/// for floats an integral or fractional value of moderate size.
pub fn random(rng: &mut SplitMix64, ty: Type) -> u64 {
    let r = rng.next_u64();
    let w = ty.bits();
    match (ty, r % 4) {
        (_, 0) => rng.next_u64() & mask(w),
        (types::F32, 1) => ((rng.next_u64() as i32 >> (r % 31)) as f32).to_bits() as u64,
        (types::F64, 1) => ((rng.next_u64() as i64 >> (r % 63)) as f64).to_bits(),
        (types::F32, _) => (((rng.next_u64() as i32) as f32) / 2f32.powi((r % 40) as i32)).to_bits() as u64,
        (types::F64, _) => (((rng.next_u64() as i64) as f64) / 2f64.powi((r % 80) as i32)).to_bits(),
        (_, 1) => (r >> 8) % 130 & mask(w),
        _ => rng.next_u64() & mask(w),
    }
}

/// An operand: an edge value half of the time. Bits above the type's width
/// are random: the narrowing wrappers must ignore them.
pub fn operand(rng: &mut SplitMix64, ty: Type) -> u64 {
    operand_among(rng, ty, &edges(ty))
}

/// [`operand`] with the edge values given.
pub fn operand_among(rng: &mut SplitMix64, ty: Type, edges: &[u64]) -> u64 {
    let w = ty.bits();
    let value = if rng.next_u64() % 2 == 0 && !edges.is_empty() {
        edges[(rng.next_u64() % edges.len() as u64) as usize]
    } else {
        random(rng, ty)
    };
    (value & mask(w)) | (rng.next_u64() & !mask(w))
}

/// Every edge value of every operand once (the other operands drawn as in
/// [`operand`]); one all-random input when there are no operands.
pub fn edge_sweep(rng: &mut SplitMix64, operands: &[Type]) -> Vec<[u64; 3]> {
    let mut out = Vec::new();
    for (k, ty) in operands.iter().enumerate() {
        for e in edges(*ty) {
            let mut a = [0u64; 3];
            for (j, t) in operands.iter().enumerate() {
                a[j] = operand(rng, *t);
            }
            a[k] = (e & mask(ty.bits())) | (rng.next_u64() & !mask(ty.bits()));
            out.push(a);
        }
    }
    if out.is_empty() {
        out.push([rng.next_u64(), rng.next_u64(), rng.next_u64()]);
    }
    out
}
