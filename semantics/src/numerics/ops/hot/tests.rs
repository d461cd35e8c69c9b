//! The inline forms agree with the function pointers on sample operands.

use super::*;
use crate::numerics::{lookup, NumericFn};

/// Operand bit patterns: edges of every width, NaNs, infinities, signed zeros, and noise.
fn samples() -> Vec<u128> {
    let mut v: Vec<u128> = vec![
        0,
        1,
        2,
        7,
        31,
        32,
        33,
        63,
        64,
        0x7f,
        0x80,
        0xff,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        0x7fff_ffff_ffff_ffff,
        0x8000_0000_0000_0000,
        u64::MAX as u128,
        0x7f80_0000,
        0xff80_0000,
        0x7fc0_0000,
        0x7fa0_0001,
        0x3f80_0000,
        0xbf80_0000,
        0x7ff0_0000_0000_0000,
        0xfff0_0000_0000_0000,
        0x7ff8_0000_0000_0000,
        0x7ff4_0000_0000_0001,
        0x3ff0_0000_0000_0000,
        0xc000_0000_0000_0000,
        0x4330_0000_0000_0000,
    ];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..40 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.push(x as u128);
        v.push((x as u32) as u128);
    }
    v
}

/// Each hot row is tagged as itself and its inline form gives what its function pointer gives
/// (the pointer passed in must not be called).
#[test]
fn hot_ops_agree_with_lookup() {
    let s = samples();
    for op in HOT_OPS {
        let hot = Hot::of(op);
        assert_ne!(hot, Hot::Other, "{op:?}");
        assert_eq!(format!("{hot:?}"), format!("{op:?}"));
        match lookup(op) {
            Some(NumericFn::Bin(f)) => {
                for &a in &s {
                    for &b in &s {
                        let inline = hot.apply_bin(|_, _| unreachable!(), a, b);
                        assert_eq!(inline, f(a, b), "{op:?} {a:#x} {b:#x}");
                    }
                }
            }
            Some(NumericFn::Un(f)) => {
                for &a in &s {
                    assert_eq!(hot.apply_un(|_| unreachable!(), a), f(a), "{op:?} {a:#x}");
                }
            }
            other => panic!("{op:?}: {other:?}"),
        }
    }
}

#[test]
fn other_ops_use_the_function_pointer() {
    assert_eq!(Hot::of(&Operator::I32DivS), Hot::Other);
    assert_eq!(Hot::Other.apply_bin(|a, b| Ok(a * 10 + b), 4, 2), Ok(42));
    assert_eq!(Hot::Other.apply_un(|a| Ok(a + 1), 41), Ok(42));
    // A row of the other arity falls back to the pointer too.
    assert_eq!(Hot::I32Add.apply_un(|a| Ok(a + 1), 41), Ok(42));
}
