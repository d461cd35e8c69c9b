//! Unsigned intervals over the numerics' domain traits: the third instance of the one
//! semantics (after the concrete and the SMT domains).
//!
//! An integer is a range `lo..=hi` (never wrapping), optionally known to equal `s + off`
//! (mod 2^W) for a symbol `s` (every fresh value is a symbol). A boolean says whether it
//! may be true and whether it may be false, and carries facts about symbols that hold when
//! it is true and when it is false; [`Intervals::refine`] applies a path condition's facts to a
//! value. Floats are not tracked (any float). Every operation over-approximates: where a
//! result could wrap, it is the full range.

use saffron_semantics::numerics::domain::{
    BoolOps, Domain, FloatConvert, FloatOps, IntFloatOps, IntOps, RoundMode, Types,
};
use std::cell::Cell;

fn mask(w: u32) -> u64 {
    if w >= 64 { u64::MAX } else { (1u64 << w) - 1 }
}

/// `(sym + off) mod 2^w` lies in `lo..=hi`, read as unsigned, or as signed if `signed`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    pub sym: u32,
    pub off: u64,
    pub lo: u64,
    pub hi: u64,
    pub signed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AbsBool {
    pub may_true: bool,
    pub may_false: bool,
    pub when_true: Vec<Fact>,
    pub when_false: Vec<Fact>,
}

impl AbsBool {
    fn lit(b: bool) -> AbsBool {
        AbsBool { may_true: b, may_false: !b, when_true: vec![], when_false: vec![] }
    }
    fn unknown(when_true: Vec<Fact>, when_false: Vec<Fact>) -> AbsBool {
        AbsBool { may_true: true, may_false: true, when_true, when_false }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Int<const W: u32> {
    pub lo: u64,
    pub hi: u64,
    pub sym: Option<(u32, u64)>,
    /// Set when the value is `c ? 1 : 0` (how comparisons reach `if` and `br_if`).
    pub from_bool: Option<Box<AbsBool>>,
}

impl<const W: u32> Int<W> {
    pub fn range(lo: u64, hi: u64) -> Int<W> {
        Int { lo, hi, sym: None, from_bool: None }
    }
    pub fn top() -> Int<W> {
        Int::range(0, mask(W))
    }
    fn constant(&self) -> Option<u64> {
        (self.lo == self.hi).then_some(self.lo)
    }
    /// The range read as signed, when it does not cross the sign boundary.
    fn signed(&self) -> Option<(i64, i64)> {
        let half = 1u64 << (W - 1);
        let s = |v: u64| if v >= half { (v as i128 - (1i128 << W)) as i64 } else { v as i64 };
        ((self.lo < half) == (self.hi < half)).then(|| (s(self.lo), s(self.hi)))
    }
    /// The range narrowed by `fact` when the fact is about this value's symbol.
    pub fn refined(&self, fact: &Fact) -> Int<W> {
        let Some((sym, off)) = self.sym else { return self.clone() };
        if sym != fact.sym {
            return self.clone();
        }
        // This value is (sym + fact.off) + delta.
        let delta = off.wrapping_sub(fact.off) & mask(W);
        let pieces: Vec<(u64, u64)> = if fact.signed {
            let (lo, hi) = (fact.lo as i64, fact.hi as i64);
            let m = 1i128 << W;
            let mut p = vec![];
            if hi >= 0 {
                p.push((lo.max(0) as u64, hi as u64));
            }
            if lo < 0 {
                p.push(((lo as i128 + m) as u64, (hi.min(-1) as i128 + m) as u64));
            }
            p
        } else {
            vec![(fact.lo, fact.hi)]
        };
        let mut out: Option<(u64, u64)> = None;
        for (plo, phi) in pieces {
            let (slo, shi) = (plo as u128 + delta as u128, phi as u128 + delta as u128);
            let m = mask(W) as u128;
            // A piece that wraps when shifted says nothing usable: keep the old range.
            let (slo, shi) = if shi <= m {
                (slo as u64, shi as u64)
            } else if slo > m {
                ((slo - m - 1) as u64, (shi - m - 1) as u64)
            } else {
                return self.clone();
            };
            let (lo, hi) = (slo.max(self.lo), shi.min(self.hi));
            if lo <= hi {
                out = Some(match out {
                    None => (lo, hi),
                    Some((a, b)) => (a.min(lo), b.max(hi)),
                });
            }
        }
        match out {
            Some((lo, hi)) => Int { lo, hi, ..self.clone() },
            // No value satisfies the fact: the path is dead; keep the value (sound).
            None => self.clone(),
        }
    }
}

/// Any float (floats are not tracked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnyFloat<const W: u32>;

/// The interval domain; symbols are numbered as fresh values are made.
pub struct Intervals {
    next_sym: Cell<u32>,
    /// Sorted bounds that widening jumps to.
    pub thresholds: Vec<u64>,
}

impl Intervals {
    pub fn new() -> Intervals {
        Intervals::with_thresholds(vec![])
    }
    pub fn with_thresholds(thresholds: Vec<u64>) -> Intervals {
        Intervals { next_sym: Cell::new(0), thresholds }
    }
    pub fn fresh_int<const W: u32>(&self, lo: u64, hi: u64) -> Int<W> {
        let s = self.next_sym.get();
        self.next_sym.set(s + 1);
        Int { lo, hi, sym: Some((s, 0)), from_bool: None }
    }
}

impl Default for Intervals {
    fn default() -> Self {
        Intervals::new()
    }
}

impl BoolOps for Intervals {
    type Bool = AbsBool;
    fn bool_lit(&self, b: bool) -> AbsBool {
        AbsBool::lit(b)
    }
    fn bnot(&self, a: &AbsBool) -> AbsBool {
        AbsBool { may_true: a.may_false, may_false: a.may_true, when_true: a.when_false.clone(), when_false: a.when_true.clone() }
    }
    fn band(&self, a: &AbsBool, b: &AbsBool) -> AbsBool {
        let mut when_true = a.when_true.clone();
        when_true.extend(b.when_true.iter().cloned());
        // The false side is a disjunction: only a side that is certainly true can be dropped.
        let when_false = match (a.may_false, b.may_false) {
            (false, _) => b.when_false.clone(),
            (_, false) => a.when_false.clone(),
            _ => vec![],
        };
        AbsBool { may_true: a.may_true && b.may_true, may_false: a.may_false || b.may_false, when_true, when_false }
    }
    fn bor(&self, a: &AbsBool, b: &AbsBool) -> AbsBool {
        self.bnot(&self.band(&self.bnot(a), &self.bnot(b)))
    }
}

/// The sum range of two ranges, if it does not straddle the wrap-around.
fn add_range(w: u32, a: (u64, u64), b: (u64, u64)) -> (u64, u64) {
    let m = mask(w) as u128;
    let (lo, hi) = (a.0 as u128 + b.0 as u128, a.1 as u128 + b.1 as u128);
    if hi <= m {
        (lo as u64, hi as u64)
    } else if lo > m {
        ((lo - m - 1) as u64, (hi - m - 1) as u64)
    } else {
        (0, m as u64)
    }
}

/// Facts on `a`'s and `b`'s symbols: `a` in `a_in`, `b` in `b_in`.
fn cmp_facts<const W: u32>(a: &Int<W>, b: &Int<W>, a_in: (u64, u64), b_in: (u64, u64), signed: bool) -> Vec<Fact> {
        let mut facts = vec![];
        if let Some((sym, off)) = a.sym {
            facts.push(Fact { sym, off, lo: a_in.0, hi: a_in.1, signed });
        }
        if let Some((sym, off)) = b.sym {
            facts.push(Fact { sym, off, lo: b_in.0, hi: b_in.1, signed });
        }
        facts
}

impl<const W: u32> IntOps<Int<W>> for Intervals {
    const WIDTH: u32 = W;
    fn lit(&self, v: u64) -> Int<W> {
        let v = v & mask(W);
        Int::range(v, v)
    }
    fn select(&self, c: &AbsBool, a: &Int<W>, b: &Int<W>) -> Int<W> {
        match (c.may_true, c.may_false) {
            (true, false) => return a.clone(),
            (false, true) => return b.clone(),
            _ => {}
        }
        let from_bool = (a.constant() == Some(1) && b.constant() == Some(0)).then(|| Box::new(c.clone()));
        Int { lo: a.lo.min(b.lo), hi: a.hi.max(b.hi), sym: if a.sym == b.sym { a.sym } else { None }, from_bool }
    }
    fn add(&self, a: &Int<W>, b: &Int<W>) -> Int<W> {
        let (lo, hi) = add_range(W, (a.lo, a.hi), (b.lo, b.hi));
        let sym = match (a.sym, b.constant(), b.sym, a.constant()) {
            (Some((s, o)), Some(c), _, _) | (_, _, Some((s, o)), Some(c)) => Some((s, o.wrapping_add(c) & mask(W))),
            _ => None,
        };
        Int { lo, hi, sym, from_bool: None }
    }
    fn sub(&self, a: &Int<W>, b: &Int<W>) -> Int<W> {
        let neg = |v: u64| v.wrapping_neg() & mask(W);
        // a - b = a + (2^W - b); exact on ranges when b is a constant, else when a >= b.
        let range = match b.constant() {
            Some(c) => add_range(W, (a.lo, a.hi), (neg(c), neg(c))),
            None if a.lo >= b.hi => (a.lo - b.hi, a.hi - b.lo),
            None => (0, mask(W)),
        };
        let sym = match (a.sym, b.constant()) {
            (Some((s, o)), Some(c)) => Some((s, o.wrapping_sub(c) & mask(W))),
            _ => None,
        };
        Int { lo: range.0, hi: range.1, sym, from_bool: None }
    }
    fn mul(&self, a: &Int<W>, b: &Int<W>) -> Int<W> {
        let hi = a.hi as u128 * b.hi as u128;
        if hi <= mask(W) as u128 { Int::range(a.lo * b.lo, hi as u64) } else { Int::top() }
    }
    fn udiv(&self, a: &Int<W>, b: &Int<W>) -> Int<W> {
        if b.lo > 0 { Int::range(a.lo / b.hi, a.hi / b.lo) } else { Int::top() }
    }
    fn urem(&self, a: &Int<W>, b: &Int<W>) -> Int<W> {
        if b.lo > 0 { Int::range(0, a.hi.min(b.hi - 1)) } else { Int::range(0, a.hi) }
    }
    fn sdiv(&self, _: &Int<W>, _: &Int<W>) -> Int<W> {
        Int::top()
    }
    fn srem(&self, _: &Int<W>, _: &Int<W>) -> Int<W> {
        Int::top()
    }
    fn and(&self, a: &Int<W>, b: &Int<W>) -> Int<W> {
        Int::range(0, a.hi.min(b.hi))
    }
    fn or(&self, a: &Int<W>, b: &Int<W>) -> Int<W> {
        let m = a.hi.max(b.hi);
        let cover = if m == 0 { 0 } else { mask(64 - m.leading_zeros()) };
        Int::range(a.lo.max(b.lo), cover & mask(W))
    }
    fn xor(&self, a: &Int<W>, b: &Int<W>) -> Int<W> {
        let m = a.hi.max(b.hi);
        Int::range(0, if m == 0 { 0 } else { mask(64 - m.leading_zeros()) & mask(W) })
    }
    fn not(&self, a: &Int<W>) -> Int<W> {
        Int::range(mask(W) - a.hi, mask(W) - a.lo)
    }
    fn shl(&self, a: &Int<W>, k: &Int<W>) -> Int<W> {
        match k.constant() {
            Some(k) if k < W as u64 && (a.hi as u128) << k <= mask(W) as u128 => Int::range(a.lo << k, a.hi << k),
            _ => Int::top(),
        }
    }
    fn lshr(&self, a: &Int<W>, k: &Int<W>) -> Int<W> {
        match k.constant() {
            Some(k) if k < W as u64 => Int::range(a.lo >> k, a.hi >> k),
            _ => Int::range(0, a.hi),
        }
    }
    fn ashr(&self, a: &Int<W>, k: &Int<W>) -> Int<W> {
        // Non-negative values shift like logical ones.
        if a.hi < 1u64 << (W - 1) { self.lshr(a, k) } else { Int::top() }
    }
    fn rotl(&self, _: &Int<W>, _: &Int<W>) -> Int<W> {
        Int::top()
    }
    fn rotr(&self, _: &Int<W>, _: &Int<W>) -> Int<W> {
        Int::top()
    }
    fn clz(&self, _: &Int<W>) -> Int<W> {
        Int::range(0, W as u64)
    }
    fn ctz(&self, _: &Int<W>) -> Int<W> {
        Int::range(0, W as u64)
    }
    fn popcnt(&self, _: &Int<W>) -> Int<W> {
        Int::range(0, W as u64)
    }
    fn sext_low(&self, a: &Int<W>, bits: u32) -> Int<W> {
        if bits >= W || a.hi < 1u64 << (bits - 1) { Int::range(a.lo, a.hi) } else { Int::top() }
    }
    fn eq(&self, a: &Int<W>, b: &Int<W>) -> AbsBool {
        match (&a.from_bool, b.constant(), &b.from_bool, a.constant()) {
            (Some(c), Some(0), _, _) | (_, _, Some(c), Some(0)) => return self.bnot(c),
            _ => {}
        }
        if a.hi < b.lo || b.hi < a.lo {
            return AbsBool::lit(false);
        }
        if let (Some(x), Some(y)) = (a.constant(), b.constant()) {
            return AbsBool::lit(x == y);
        }
        let facts = cmp_facts(a, b, (b.lo, b.hi), (a.lo, a.hi), false);
        AbsBool::unknown(facts, vec![])
    }
    fn ult(&self, a: &Int<W>, b: &Int<W>) -> AbsBool {
        if a.hi < b.lo {
            return AbsBool::lit(true);
        }
        if a.lo >= b.hi {
            return AbsBool::lit(false);
        }
        let t = cmp_facts(a, b, (0, b.hi - 1), (a.lo + 1, mask(W)), false);
        let f = cmp_facts(a, b, (b.lo, mask(W)), (0, a.hi), false);
        AbsBool::unknown(t, f)
    }
    fn ule(&self, a: &Int<W>, b: &Int<W>) -> AbsBool {
        self.bnot(&self.ult(b, a))
    }
    fn slt(&self, a: &Int<W>, b: &Int<W>) -> AbsBool {
        let (min, max) = (-(1i128 << (W - 1)), (1i128 << (W - 1)) - 1);
        let (Some((alo, ahi)), Some((blo, bhi))) = (a.signed(), b.signed()) else { return AbsBool::unknown(vec![], vec![]) };
        if ahi < blo {
            return AbsBool::lit(true);
        }
        if alo >= bhi {
            return AbsBool::lit(false);
        }
        let u = |v: i128| v as i64 as u64;
        let t = cmp_facts(a, b, (u(min), u(bhi as i128 - 1)), (u(alo as i128 + 1), u(max)), true);
        let f = cmp_facts(a, b, (u(blo as i128), u(max)), (u(min), u(ahi as i128)), true);
        AbsBool::unknown(t, f)
    }
    fn sle(&self, a: &Int<W>, b: &Int<W>) -> AbsBool {
        self.bnot(&self.slt(b, a))
    }
}

impl<const W: u32> FloatOps<AnyFloat<W>> for Intervals {
    type Bits = Int<W>;
    const WIDTH: u32 = W;
    const EXP_BITS: u32 = if W == 32 { 8 } else { 11 };
    const MANT_BITS: u32 = if W == 32 { 23 } else { 52 };
    fn to_bits(&self, _: &AnyFloat<W>) -> Int<W> {
        Int::top()
    }
    fn from_bits(&self, _: &Int<W>) -> AnyFloat<W> {
        AnyFloat
    }
    fn flit(&self, _: u64) -> AnyFloat<W> {
        AnyFloat
    }
    fn fselect(&self, _: &AbsBool, _: &AnyFloat<W>, _: &AnyFloat<W>) -> AnyFloat<W> {
        AnyFloat
    }
    fn fadd(&self, _: &AnyFloat<W>, _: &AnyFloat<W>) -> AnyFloat<W> {
        AnyFloat
    }
    fn fsub(&self, _: &AnyFloat<W>, _: &AnyFloat<W>) -> AnyFloat<W> {
        AnyFloat
    }
    fn fmul(&self, _: &AnyFloat<W>, _: &AnyFloat<W>) -> AnyFloat<W> {
        AnyFloat
    }
    fn fdiv(&self, _: &AnyFloat<W>, _: &AnyFloat<W>) -> AnyFloat<W> {
        AnyFloat
    }
    fn fsqrt(&self, _: &AnyFloat<W>) -> AnyFloat<W> {
        AnyFloat
    }
    fn fround(&self, _: &AnyFloat<W>, _: RoundMode) -> AnyFloat<W> {
        AnyFloat
    }
    fn fis_nan(&self, _: &AnyFloat<W>) -> AbsBool {
        AbsBool::unknown(vec![], vec![])
    }
    fn fis_zero(&self, _: &AnyFloat<W>) -> AbsBool {
        AbsBool::unknown(vec![], vec![])
    }
    fn fis_negative(&self, _: &AnyFloat<W>) -> AbsBool {
        AbsBool::unknown(vec![], vec![])
    }
    fn feq(&self, _: &AnyFloat<W>, _: &AnyFloat<W>) -> AbsBool {
        AbsBool::unknown(vec![], vec![])
    }
    fn flt(&self, _: &AnyFloat<W>, _: &AnyFloat<W>) -> AbsBool {
        AbsBool::unknown(vec![], vec![])
    }
    fn fle(&self, _: &AnyFloat<W>, _: &AnyFloat<W>) -> AbsBool {
        AbsBool::unknown(vec![], vec![])
    }
    fn fis_noncanonical_nan(&self, _: &AnyFloat<W>) -> AbsBool {
        AbsBool::unknown(vec![], vec![])
    }
    fn fnan_allowed(&self, _: &AbsBool) -> AnyFloat<W> {
        AnyFloat
    }
}

impl<const I: u32, const F: u32> IntFloatOps<Int<I>, AnyFloat<F>> for Intervals {
    fn sint_to_float(&self, _: &Int<I>) -> AnyFloat<F> {
        AnyFloat
    }
    fn uint_to_float(&self, _: &Int<I>) -> AnyFloat<F> {
        AnyFloat
    }
    fn float_to_sint(&self, _: &AnyFloat<F>) -> Int<I> {
        Int::top()
    }
    fn float_to_uint(&self, _: &AnyFloat<F>) -> Int<I> {
        Int::top()
    }
}

impl<const A: u32, const B: u32> FloatConvert<AnyFloat<A>, AnyFloat<B>> for Intervals {
    fn fconvert(&self, _: &AnyFloat<A>) -> AnyFloat<B> {
        AnyFloat
    }
}

impl Types for Intervals {
    type I32 = Int<32>;
    type I64 = Int<64>;
    type F32 = AnyFloat<32>;
    type F64 = AnyFloat<64>;
}

impl Domain for Intervals {
    fn wrap_64_32(&self, a: &Int<64>) -> Int<32> {
        if a.hi <= mask(32) { Int::range(a.lo, a.hi) } else { Int::top() }
    }
    fn zext_32_64(&self, a: &Int<32>) -> Int<64> {
        Int::range(a.lo, a.hi)
    }
    fn sext_32_64(&self, a: &Int<32>) -> Int<64> {
        if a.hi < 1 << 31 { Int::range(a.lo, a.hi) } else { Int::top() }
    }
}
