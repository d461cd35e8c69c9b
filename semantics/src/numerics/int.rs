//! Integer operations of the WebAssembly spec (numerics chapter, "Integer Operations"), written
//! once for every width: `B` is the domain's bitvector type of width `<D as IntOps<B>>::WIDTH`.
//!
//! Signedness is a property of the operation, not of the value: all values are plain bitvectors.

use super::domain::{Guarded, IntOps};
use super::NumTrap;

#[inline]
fn width<D: IntOps<B>, B>() -> u32 {
    <D as IntOps<B>>::WIDTH
}

/// The smallest signed value, `1 << (WIDTH - 1)`.
#[inline]
fn signed_min<D: IntOps<B>, B>(d: &D) -> B {
    d.lit(1u64 << (width::<D, B>() - 1))
}

/// Shift/rotate amounts are taken modulo the width.
#[inline]
fn shift_amount<D: IntOps<B>, B>(d: &D, k: &B) -> B {
    d.and(k, &d.lit(u64::from(width::<D, B>() - 1)))
}

#[inline]
pub fn iadd<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> B {
    d.add(a, b)
}
#[inline]
pub fn isub<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> B {
    d.sub(a, b)
}
#[inline]
pub fn imul<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> B {
    d.mul(a, b)
}

/// `idiv_u`: traps on a zero divisor.
#[inline]
pub fn idiv_u<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> Guarded<D::Bool, B, 1> {
    Guarded {
        value: d.udiv(a, b),
        traps: [(d.eq(b, &d.lit(0)), NumTrap::DivideByZero)],
    }
}

/// `idiv_s`: traps on a zero divisor, and on `MIN / -1` whose quotient is not representable.
#[inline]
pub fn idiv_s<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> Guarded<D::Bool, B, 2> {
    let overflow = d.band(&d.eq(a, &signed_min(d)), &d.eq(b, &d.lit(u64::MAX)));
    Guarded {
        value: d.sdiv(a, b),
        traps: [
            (d.eq(b, &d.lit(0)), NumTrap::DivideByZero),
            (overflow, NumTrap::Overflow),
        ],
    }
}

/// `irem_u`: traps on a zero divisor.
#[inline]
pub fn irem_u<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> Guarded<D::Bool, B, 1> {
    Guarded {
        value: d.urem(a, b),
        traps: [(d.eq(b, &d.lit(0)), NumTrap::DivideByZero)],
    }
}

/// `irem_s`: traps on a zero divisor only; `MIN rem -1` is 0, the sign follows the dividend.
#[inline]
pub fn irem_s<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> Guarded<D::Bool, B, 1> {
    Guarded {
        value: d.srem(a, b),
        traps: [(d.eq(b, &d.lit(0)), NumTrap::DivideByZero)],
    }
}

#[inline]
pub fn iand<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> B {
    d.and(a, b)
}
#[inline]
pub fn ior<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> B {
    d.or(a, b)
}
#[inline]
pub fn ixor<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> B {
    d.xor(a, b)
}
#[inline]
pub fn ishl<D: IntOps<B>, B>(d: &D, a: &B, k: &B) -> B {
    d.shl(a, &shift_amount(d, k))
}
#[inline]
pub fn ishr_u<D: IntOps<B>, B>(d: &D, a: &B, k: &B) -> B {
    d.lshr(a, &shift_amount(d, k))
}
#[inline]
pub fn ishr_s<D: IntOps<B>, B>(d: &D, a: &B, k: &B) -> B {
    d.ashr(a, &shift_amount(d, k))
}
#[inline]
pub fn irotl<D: IntOps<B>, B>(d: &D, a: &B, k: &B) -> B {
    d.rotl(a, &shift_amount(d, k))
}
#[inline]
pub fn irotr<D: IntOps<B>, B>(d: &D, a: &B, k: &B) -> B {
    d.rotr(a, &shift_amount(d, k))
}
#[inline]
pub fn iclz<D: IntOps<B>, B>(d: &D, a: &B) -> B {
    d.clz(a)
}
#[inline]
pub fn ictz<D: IntOps<B>, B>(d: &D, a: &B) -> B {
    d.ctz(a)
}
#[inline]
pub fn ipopcnt<D: IntOps<B>, B>(d: &D, a: &B) -> B {
    d.popcnt(a)
}

/// `iextendN_s`: sign-extend the low `n` bits (8, 16 or 32).
#[inline]
pub fn iextend_s<D: IntOps<B>, B>(d: &D, a: &B, n: u32) -> B {
    d.sext_low(a, n)
}

#[inline]
pub fn ieqz<D: IntOps<B>, B>(d: &D, a: &B) -> D::Bool {
    d.eq(a, &d.lit(0))
}
#[inline]
pub fn ieq<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> D::Bool {
    d.eq(a, b)
}
#[inline]
pub fn ine<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> D::Bool {
    d.bnot(&d.eq(a, b))
}
#[inline]
pub fn ilt_u<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> D::Bool {
    d.ult(a, b)
}
#[inline]
pub fn ilt_s<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> D::Bool {
    d.slt(a, b)
}
#[inline]
pub fn igt_u<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> D::Bool {
    d.ult(b, a)
}
#[inline]
pub fn igt_s<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> D::Bool {
    d.slt(b, a)
}
#[inline]
pub fn ile_u<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> D::Bool {
    d.ule(a, b)
}
#[inline]
pub fn ile_s<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> D::Bool {
    d.sle(a, b)
}
#[inline]
pub fn ige_u<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> D::Bool {
    d.ule(b, a)
}
#[inline]
pub fn ige_s<D: IntOps<B>, B>(d: &D, a: &B, b: &B) -> D::Bool {
    d.sle(b, a)
}
