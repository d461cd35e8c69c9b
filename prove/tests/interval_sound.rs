//! The interval domain over-approximates the concrete one: for members of two ranges, every
//! operation's concrete result lies in the abstract result (and comparisons' outcomes are
//! allowed), and facts refine only to ranges that still contain the value.

use proptest::prelude::*;
use saffron_prove::interval::{Int, Intervals};
use saffron_semantics::numerics::concrete::Concrete;
use saffron_semantics::numerics::domain::{BoolOps, IntOps};

/// A range and a member of it.
fn member() -> impl Strategy<Value = (u32, u32, u32)> {
    (any::<u32>(), any::<u32>(), any::<u32>()).prop_map(|(a, b, c)| {
        let (lo, hi) = (a.min(b), a.max(b));
        // Small ranges too: wide ones say little.
        let (lo, hi) = if c % 2 == 0 { (lo, hi) } else { (lo, lo.saturating_add(c % 300)) };
        (lo, hi, lo + (c % (hi - lo).saturating_add(1).max(1)))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
    #[test]
    fn interval_results_contain_concrete_results((alo, ahi, a) in member(), (blo, bhi, b) in member(), op in 0usize..17) {
        let d = Intervals::new();
        let x = d.fresh_int::<32>(alo as u64, ahi as u64);
        let y: Int<32> = Int::range(blo as u64, bhi as u64);
        let c = Concrete;
        type I = Int<32>;
        let (abs, conc): (Option<I>, Option<u32>) = match op {
            0 => (Some(IntOps::<I>::add(&d, &x, &y)), Some(c.add(&a, &b))),
            1 => (Some(IntOps::<I>::sub(&d, &x, &y)), Some(c.sub(&a, &b))),
            2 => (Some(IntOps::<I>::mul(&d, &x, &y)), Some(c.mul(&a, &b))),
            3 => (Some(IntOps::<I>::udiv(&d, &x, &y)), Some(c.udiv(&a, &b))),
            4 => (Some(IntOps::<I>::urem(&d, &x, &y)), Some(c.urem(&a, &b))),
            5 => (Some(IntOps::<I>::and(&d, &x, &y)), Some(c.and(&a, &b))),
            6 => (Some(IntOps::<I>::or(&d, &x, &y)), Some(c.or(&a, &b))),
            7 => (Some(IntOps::<I>::xor(&d, &x, &y)), Some(c.xor(&a, &b))),
            8 => (Some(IntOps::<I>::shl(&d, &x, &y)), Some(c.shl(&a, &b))),
            9 => (Some(IntOps::<I>::lshr(&d, &x, &y)), Some(c.lshr(&a, &b))),
            10 => (Some(IntOps::<I>::ashr(&d, &x, &y)), Some(c.ashr(&a, &b))),
            11 => (Some(IntOps::<I>::not(&d, &x)), Some(c.not(&a))),
            12 => (Some(IntOps::<I>::sext_low(&d, &x, 8)), Some(c.sext_low(&a, 8))),
            _ => (None, None),
        };
        if let (Some(abs), Some(conc)) = (abs, conc) {
            prop_assert!(abs.lo <= conc as u64 && conc as u64 <= abs.hi, "op {} of {} and {}: {} not in {:?}", op, a, b, conc, abs);
        }
        let (ab, cb) = match op {
            13 => (IntOps::<I>::ult(&d, &x, &y), c.ult(&a, &b)),
            14 => (IntOps::<I>::slt(&d, &x, &y), c.slt(&a, &b)),
            15 => (IntOps::<I>::eq(&d, &x, &y), c.eq(&a, &b)),
            _ => (IntOps::<I>::sle(&d, &x, &y), c.sle(&a, &b)),
        };
        prop_assert!(if cb { ab.may_true } else { ab.may_false }, "op {} of {} and {}", op, a, b);
        // The facts of the outcome that happened hold of x: refining keeps a.
        let facts = if cb { &ab.when_true } else { &ab.when_false };
        let refined = facts.iter().fold(x.clone(), |v, f| v.refined(f));
        prop_assert!(refined.lo <= a as u64 && a as u64 <= refined.hi, "refined {:?} lost {}", refined, a);
        let sum = IntOps::<I>::add(&d, &x, &IntOps::<I>::lit(&d, 7));
        let refined_sum = facts.iter().fold(sum, |v, f| v.refined(f));
        let s = a.wrapping_add(7) as u64;
        prop_assert!(refined_sum.lo <= s && s <= refined_sum.hi, "refined x+7 {:?} lost {}", refined_sum, s);
        let _ = d.bool_lit(true);
    }
}
