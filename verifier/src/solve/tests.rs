//! Back-end tests on hand-written queries: one per outcome, plus floats,
//! rotates and replay of witnesses.

use crate::ir::build::QueryBuilder;
use super::{check, Outcome, SolveOptions};
use crate::ir::{BvBinOp, BvCmpOp, BvUnOp, Expr, FpBinOp, FpUnOp, Side, Sort};
use crate::replay::ReplayStatus;
use std::time::Duration;
use z3::ast::Ast;

fn opts() -> SolveOptions {
    SolveOptions { timeout: Duration::from_secs(20), rlimit: None }
}

const BV32: Sort = Sort::BitVec(32);

/// `lhs(x) => rhs(x)` with result equality as the obligation.
fn rewrite(name: &str, lhs: impl Fn(&mut QueryBuilder, crate::ir::ExprId) -> crate::ir::ExprId,
           rhs: impl Fn(&mut QueryBuilder, crate::ir::ExprId) -> crate::ir::ExprId, sort: Sort) -> crate::ir::Query {
    let mut b = QueryBuilder::new(name, "bv 32 -> bv 32");
    let (xv, x) = b.var("x", sort, crate::ir::VarRole::Input);
    let l = lhs(&mut b, x);
    let lr = b.term("lhs_op", Side::Lhs, &[xv], l, sort);
    b.at_line(2);
    let r = rhs(&mut b, x);
    let rr = b.term("rhs_op", Side::Rhs, &[xv], r, sort);
    b.proving_equal(lr, rr)
}

#[test]
fn shift_by_one_is_doubling_verified() {
    let q = rewrite(
        "shl1",
        |b, x| { let one = b.bv(32, 1); b.e(Expr::BvBin(BvBinOp::Shl, x, one)) },
        |b, x| b.e(Expr::BvBin(BvBinOp::Add, x, x)),
        BV32,
    );
    assert!(matches!(check(&q, &opts()), Outcome::Verified));
}

#[test]
fn wrong_shift_gives_replayed_counterexample() {
    let q = rewrite(
        "shl2_is_not_double",
        |b, x| { let two = b.bv(32, 2); b.e(Expr::BvBin(BvBinOp::Shl, x, two)) },
        |b, x| b.e(Expr::BvBin(BvBinOp::Add, x, x)),
        BV32,
    );
    match check(&q, &opts()) {
        Outcome::Counterexample(cx) => {
            assert_eq!(cx.replay, ReplayStatus::Replayed);
            assert_eq!(cx.failed.len(), 1);
            assert_eq!(cx.failed[0].what, "result equality");
            assert_eq!(cx.inputs[0].name, "x");
            assert_eq!(cx.terms.len(), 2);
            assert_eq!(cx.terms[0].side, Side::Lhs);
        }
        other => panic!("expected a counterexample, got {other:?}"),
    }
}

#[test]
fn impossible_match_is_inapplicable() {
    let mut q = rewrite("never", |_, x| x, |b, x| b.e(Expr::BvUn(BvUnOp::Not, x)), BV32);
    // x <u 0 never holds.
    let x = crate::ir::ExprId(0);
    let zero = crate::ir::ExprId(q.exprs.len() as u32);
    q.exprs.push(Expr::Const(crate::ir::Const::BitVec { width: 32, value: 0 }));
    q.exprs.push(Expr::BvCmp(BvCmpOp::Ult, x, zero));
    q.lhs_conditions.push(crate::ir::Condition {
        expr: crate::ir::ExprId(zero.0 + 1),
        span: q.span.clone(),
        what: "match condition".into(),
    });
    assert!(matches!(check(&q, &opts()), Outcome::Inapplicable));
}

/// "P has no factors below 2^32", for P a product of two 32-bit primes:
/// false, but finding the factors is hard for bit-blasting.
fn hard_query() -> crate::ir::Query {
    let mut b = QueryBuilder::new("factor", "bv 64");
    let s = Sort::BitVec(64);
    let (x, y) = (b.input("x", s), b.input("y", s));
    let one = b.bv(64, 1);
    let limit = b.bv(64, 1 << 32);
    for v in [x, y] {
        let gt = b.e(Expr::BvCmp(BvCmpOp::Ugt, v, one));
        let lt = b.e(Expr::BvCmp(BvCmpOp::Ult, v, limit));
        b.lhs(gt, "factor > 1").lhs(lt, "factor < 2^32");
    }
    let p = b.bv(64, 4294967291u128 * 4294967279u128);
    let xy = b.e(Expr::BvBin(BvBinOp::Mul, x, y));
    let eq = b.e(Expr::Eq(xy, p));
    let ne = b.e(Expr::Not(eq));
    b.obligation(ne, "not a factorisation");
    b.build()
}

#[test]
fn tiny_timeout_on_hard_query_is_timeout() {
    let o = SolveOptions { timeout: Duration::from_millis(50), rlimit: None };
    let t = std::time::Instant::now();
    assert!(matches!(check(&hard_query(), &o), Outcome::Timeout));
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn exhausted_resource_limit_is_unknown() {
    let o = SolveOptions { timeout: Duration::from_secs(60), rlimit: Some(2000) };
    match check(&hard_query(), &o) {
        Outcome::Unknown(reason) => assert!(reason.contains("resource"), "{reason}"),
        other => panic!("expected unknown, got {other:?}"),
    }
}

#[test]
fn ill_sorted_query_is_error() {
    let mut b = QueryBuilder::new("bad", "bv 32");
    let x = b.input("x", BV32);
    let y = b.input("y", Sort::BitVec(8));
    assert!(matches!(check(&b.proving_equal(x, y), &opts()), Outcome::Error(_)));
}

#[test]
fn rotates_of_mixed_widths() {
    // rotl(x, n) = rotr(x, 32 - n mod 32) with an 8-bit amount.
    let mut b = QueryBuilder::new("rot", "bv 32, bv 8");
    let x = b.input("x", BV32);
    let n = b.input("n", Sort::BitVec(8));
    let l = b.e(Expr::BvBin(BvBinOp::Rotl, x, n));
    let thirty_two = b.bv(8, 32);
    let m = b.e(Expr::BvBin(BvBinOp::Sub, thirty_two, n));
    let r = b.e(Expr::BvBin(BvBinOp::Rotr, x, m));
    assert!(matches!(check(&b.proving_equal(l, r), &opts()), Outcome::Verified));

    // rotl(x, n) = x << n is false; the counterexample must replay.
    let mut b = QueryBuilder::new("rot_bad", "bv 32, bv 8");
    let x = b.input("x", BV32);
    let n = b.input("n", Sort::BitVec(8));
    let l = b.e(Expr::BvBin(BvBinOp::Rotl, x, n));
    let r = b.e(Expr::BvBin(BvBinOp::Shl, x, n));
    match check(&b.proving_equal(l, r), &opts()) {
        Outcome::Counterexample(cx) => assert_eq!(cx.replay, ReplayStatus::Replayed),
        other => panic!("expected a counterexample, got {other:?}"),
    }
}

#[test]
fn bit_counts_agree_with_replay() {
    // popcnt(x) = 32 - clz(x) is false (e.g. x = 5); cls and rev in the mix.
    let mut b = QueryBuilder::new("counts", "bv 32");
    let x = b.input("x", BV32);
    let p = b.e(Expr::BvUn(BvUnOp::Popcnt, x));
    let c = b.e(Expr::BvUn(BvUnOp::Clz, x));
    let k = b.bv(32, 32);
    let d = b.e(Expr::BvBin(BvBinOp::Sub, k, c));
    let rv = b.e(Expr::BvUn(BvUnOp::Rev, x));
    let cl = b.e(Expr::BvUn(BvUnOp::Cls, rv));
    let s = b.e(Expr::BvBin(BvBinOp::Add, p, cl));
    let s2 = b.e(Expr::BvBin(BvBinOp::Add, d, cl));
    match check(&b.proving_equal(s, s2), &opts()) {
        Outcome::Counterexample(cx) => assert_eq!(cx.replay, ReplayStatus::Replayed, "{cx:?}"),
        other => panic!("expected a counterexample, got {other:?}"),
    }
}

#[test]
fn float_negation_and_identical_sums_verified() {
    let f32s = BV32;
    let mut b = QueryBuilder::new("fneg_fneg", "f32");
    let x = b.input("x", f32s);
    let y = b.input("y", f32s);
    let n = b.e(Expr::FpUn(FpUnOp::Neg, x));
    let nn = b.e(Expr::FpUn(FpUnOp::Neg, n));
    let eq = b.e(Expr::Eq(nn, x));
    b.obligation(eq, "double negation");
    // Two occurrences of the same sum share their NaN witness.
    let s1 = b.e(Expr::FpBin(FpBinOp::Add, x, y));
    let s2 = b.e(Expr::FpBin(FpBinOp::Add, x, y));
    let eq = b.e(Expr::Eq(s1, s2));
    b.obligation(eq, "same sum");
    assert!(matches!(check(&b.build(), &opts()), Outcome::Verified));
}

#[test]
fn float_commutation_differs_only_in_nan_bits() {
    // x + y = y + x holds as floats but not as bits: NaN payloads are free.
    // At 32 bits: the point is the NaN witnesses, and Z3 bit-blasting two
    // 64-bit additions took over the budget on a loaded machine.
    let mut b = QueryBuilder::new("fadd_comm", "f32");
    let s = Sort::BitVec(32);
    let x = b.input("x", s);
    let y = b.input("y", s);
    let l = b.e(Expr::FpBin(FpBinOp::Add, x, y));
    let r = b.e(Expr::FpBin(FpBinOp::Add, y, x));
    match check(&b.proving_equal(l, r), &opts()) {
        Outcome::Counterexample(cx) => assert_eq!(cx.replay, ReplayStatus::Replayed, "{cx:?}"),
        other => panic!("expected a counterexample, got {other:?}"),
    }
}

/// `y = x` asserted: the encoder merges `x + z` and `y + z` into one term
/// with one NaN witness (see `encode::alias`); a wrong rewrite on top still
/// gives a counterexample whose replay (which merges nothing) finds the
/// witness of each sum.
#[test]
fn merged_variables_keep_witnesses_for_replay() {
    let mut b = QueryBuilder::new("alias_fadd", "f32");
    let (x, y, z) = (b.input("x", BV32), b.input("y", BV32), b.input("z", BV32));
    let same = b.e(Expr::Eq(y, x));
    b.lhs(same, "y = x");
    let l = b.e(Expr::FpBin(FpBinOp::Add, x, z));
    let r = b.e(Expr::FpBin(FpBinOp::Add, y, z));
    let eq = b.e(Expr::Eq(l, r));
    b.obligation(eq, "same sum");
    let q = b.build();
    let enc = crate::encode::encode(&q).unwrap();
    assert_eq!(enc.obligations[0].simplify().as_bool(), Some(true), "one term for both sums");
    assert!(matches!(check(&q, &opts()), Outcome::Verified));

    // Off by a sign: -(x + z) = y + z fails (e.g. for z = 0, x = 1).
    let mut b = QueryBuilder::new("alias_fadd_wrong", "f32");
    let (x, y, z) = (b.input("x", BV32), b.input("y", BV32), b.input("z", BV32));
    let same = b.e(Expr::Eq(y, x));
    b.lhs(same, "y = x");
    let l = b.e(Expr::FpBin(FpBinOp::Add, x, z));
    let nl = b.e(Expr::FpUn(FpUnOp::Neg, l));
    let r = b.e(Expr::FpBin(FpBinOp::Add, y, z));
    let eq = b.e(Expr::Eq(nl, r));
    b.obligation(eq, "same sum");
    match check(&b.build(), &opts()) {
        Outcome::Counterexample(cx) => assert_eq!(cx.replay, ReplayStatus::Replayed, "{cx:?}"),
        other => panic!("expected a counterexample, got {other:?}"),
    }
}

#[test]
fn float_to_int_and_back() {
    // trunc(x) as i32 as f32 = ftrunc(x) whenever |x| < 2^24: verified.
    let mut b = QueryBuilder::new("fcvt", "f32");
    let x = b.input("x", BV32);
    let a = b.e(Expr::FpUn(FpUnOp::Abs, x));
    let lim = b.bv(32, 0x4b80_0000); // 2^24
    let small = b.e(Expr::FpCmp(crate::ir::FpCmpOp::Lt, a, lim));
    b.lhs(small, "in range");
    let i = b.e(Expr::FpToBv { width: 32, signed: true, arg: x });
    let back = b.e(Expr::ToFp { width: 32, signed: true, arg: i });
    let t = b.e(Expr::FpUn(FpUnOp::Trunc, x));
    let eq = b.e(Expr::FpCmp(crate::ir::FpCmpOp::Eq, back, t));
    b.obligation(eq, "same value");
    assert!(matches!(check(&b.build(), &opts()), Outcome::Verified));

    // Without the range condition the conversion is unspecified: a
    // counterexample whose witness replay accepts.
    let mut q = b.build();
    q.lhs_conditions.clear();
    match check(&q, &opts()) {
        Outcome::Counterexample(cx) => assert_eq!(cx.replay, ReplayStatus::Replayed, "{cx:?}"),
        other => panic!("expected a counterexample, got {other:?}"),
    }
}

#[test]
fn replay_flags_a_model_that_is_no_counterexample() {
    use crate::ir::{Bits, Model, Value};
    use crate::replay::counterexample;
    let q = rewrite(
        "shl1",
        |b, x| { let one = b.bv(32, 1); b.e(Expr::BvBin(BvBinOp::Shl, x, one)) },
        |b, x| b.e(Expr::BvBin(BvBinOp::Add, x, x)),
        BV32,
    );
    // A consistent model of a correct rule: replay must call it a mismatch.
    let m = Model {
        vars: vec![Value::Bv(Bits::new(32, 3)), Value::Bv(Bits::new(32, 6)), Value::Bv(Bits::new(32, 6))],
        witnesses: Default::default(),
    };
    let cx = counterexample(&q, m);
    assert!(matches!(cx.replay, ReplayStatus::Mismatch(ref s) if s.contains("every obligation holds")), "{cx:?}");
}

#[test]
fn divisor_fixed_through_bv2nat_is_fast() {
    // (udiv x c) with bv2nat(c) = k, k = 2  ==  x >> 1, at 64 bits: needs the
    // divisor to be known as a constant before bit-blasting.
    let mut b = QueryBuilder::new("udiv_by_two", "bv 64");
    let s = Sort::BitVec(64);
    let x = b.input("x", s);
    let c = b.input("c", s);
    let k = b.input("k", Sort::Int);
    let two = b.e(Expr::Const(crate::ir::Const::Int(2)));
    let k_is_two = b.e(Expr::Eq(k, two));
    let nat = b.e(Expr::Bv2Int(c));
    let c_is_k = b.e(Expr::Eq(k, nat));
    b.lhs(k_is_two, "iconst").lhs(c_is_k, "iconst");
    let q = b.e(Expr::BvBin(BvBinOp::Udiv, x, c));
    let one = b.bv(64, 1);
    let r = b.e(Expr::BvBin(BvBinOp::Lshr, x, one));
    let o = SolveOptions { timeout: Duration::from_secs(10), rlimit: None };
    assert!(matches!(check(&b.proving_equal(q, r), &o), Outcome::Verified));

    // The substitution must not hide a wrong rule: x >> 2 is a counterexample
    // whose model still gives c and k their values.
    let mut q = b.build();
    q.exprs[one.0 as usize] = Expr::Const(crate::ir::Const::BitVec { width: 64, value: 2 });
    match check(&q, &o) {
        Outcome::Counterexample(cx) => {
            assert_eq!(cx.replay, ReplayStatus::Replayed, "{cx:?}");
            assert!(cx.inputs.iter().any(|i| i.name == "k" && i.value == "2"), "{cx:?}");
        }
        other => panic!("expected a counterexample, got {other:?}"),
    }
}

/// `int2bv_64(t) = 16 - x` and `x != 0` on the left (a free Int `t`, as
/// for `(:bits ty_small)`); the obligation relates `int2bv` of `t` at two
/// widths. Returns the query and the expression of the 8-bit `int2bv`.
fn int2bv_only_query(int_compare: bool) -> (crate::ir::Query, crate::ir::ExprId) {
    let mut b = QueryBuilder::new("int_width", "bv 64");
    let s = Sort::BitVec(64);
    let x = b.input("x", s);
    let t = b.input("t", Sort::Int);
    let wide = b.e(Expr::Int2Bv { width: 64, arg: t });
    let sixteen = b.bv(64, 16);
    let diff = b.e(Expr::BvBin(BvBinOp::Sub, sixteen, x));
    let def = b.e(Expr::Eq(wide, diff));
    let zero = b.bv(64, 0);
    let x_zero = b.e(Expr::Eq(x, zero));
    let x_nonzero = b.e(Expr::Not(x_zero));
    b.lhs(def, "width").lhs(x_nonzero, "nonzero");
    if int_compare {
        let k = b.e(Expr::Const(crate::ir::Const::Int(1000)));
        let lt = b.e(Expr::Int(crate::ir::IntOp::Lt, t, k));
        b.lhs(lt, "small");
    }
    let narrow = b.e(Expr::Int2Bv { width: 8, arg: t });
    let low = b.e(Expr::Extract { hi: 7, lo: 0, arg: diff });
    let eq = b.e(Expr::Eq(narrow, low));
    b.obligation(eq, "low bits");
    (b.build(), narrow)
}

#[test]
fn int_read_only_through_int2bv_becomes_a_bitvector() {
    let (q, narrow) = int2bv_only_query(false);
    for facts in [crate::encode::Facts::Lhs, crate::encode::Facts::LhsAndRhs] {
        let enc = crate::encode::encode_with(&q, facts).unwrap();
        assert!(enc.pure_bv, "{facts:?}: the Int variable should be narrowed");
    }
    assert!(matches!(check(&q, &opts()), Outcome::Verified));

    // A wrong obligation (int2bv_8(t) + 1 = low bits): the model gives t a
    // value that replay confirms.
    let mut q = q;
    let t = q.exprs.iter().position(|e| *e == Expr::Var(crate::ir::VarId(1))).unwrap() as u32;
    let one = q.exprs.len() as u32;
    q.exprs.push(Expr::Const(crate::ir::Const::BitVec { width: 8, value: 1 }));
    q.exprs.push(Expr::Int2Bv { width: 8, arg: crate::ir::ExprId(t) });
    q.exprs[narrow.0 as usize] = Expr::BvBin(BvBinOp::Add, crate::ir::ExprId(one + 1), crate::ir::ExprId(one));
    match check(&q, &opts()) {
        Outcome::Counterexample(cx) => assert_eq!(cx.replay, ReplayStatus::Replayed, "{cx:?}"),
        other => panic!("expected a counterexample, got {other:?}"),
    }
}

#[test]
fn int_compared_as_int_is_not_narrowed() {
    let (q, _) = int2bv_only_query(true);
    let enc = crate::encode::encode_with(&q, crate::encode::Facts::Lhs).unwrap();
    assert!(!enc.pure_bv, "t < 1000 is an Int fact: t must stay an Int");
    assert!(matches!(check(&q, &opts()), Outcome::Verified));
}

/// `rotl(rotl(x, a), b)` against `rotl(x, a + b + extra)` at 64 bits, with
/// an 8-bit `a` and a 64-bit `b` (as in `opts/shifts.isle:239`).
fn nested_rotates(extra: u128) -> crate::ir::Query {
    let mut b = QueryBuilder::new("rotl_rotl", "bv 64, bv 8, bv 64");
    let s = Sort::BitVec(64);
    let x = b.input("x", s);
    let a = b.input("a", Sort::BitVec(8));
    let n = b.input("b", s);
    let inner = b.e(Expr::BvBin(BvBinOp::Rotl, x, a));
    let l = b.e(Expr::BvBin(BvBinOp::Rotl, inner, n));
    let a64 = b.e(Expr::ZeroExt { width: 64, arg: a });
    let sum = b.e(Expr::BvBin(BvBinOp::Add, a64, n));
    let k = b.bv(64, extra);
    let sum = b.e(Expr::BvBin(BvBinOp::Add, sum, k));
    let r = b.e(Expr::BvBin(BvBinOp::Rotl, x, sum));
    b.proving_equal(l, r)
}

#[test]
fn nested_rotates_verified_by_normal_form() {
    // Literally encoded, Z3 4.8.12 needs minutes for this (or a case split
    // of thousands of cases); in rotate normal form both sides are one term.
    let q = nested_rotates(0);
    let enc = crate::encode::encode(&q).unwrap();
    assert_eq!(enc.obligations[0].simplify().as_bool(), Some(true), "both sides should be one term");
    assert!(matches!(check(&q, &opts()), Outcome::Verified));

    // Off by 64 is still right (amounts are taken modulo the width) ...
    assert!(matches!(check(&nested_rotates(64), &opts()), Outcome::Verified));
    // ... off by one is not, and the counterexample replays.
    match check(&nested_rotates(1), &opts()) {
        Outcome::Counterexample(cx) => assert_eq!(cx.replay, ReplayStatus::Replayed, "{cx:?}"),
        other => panic!("expected a counterexample, got {other:?}"),
    }
}

/// `(x << a) << b` against `(x << b) << a` at 64 bits, with `b` offset by
/// `extra` on the right (shift amounts saturate: no normal form applies).
fn nested_shifts(extra: u128) -> crate::ir::Query {
    let mut b = QueryBuilder::new("shl_shl", "bv 64, bv 64, bv 64");
    let s = Sort::BitVec(64);
    let x = b.input("x", s);
    let a = b.input("a", s);
    let n = b.input("b", s);
    let inner = b.e(Expr::BvBin(BvBinOp::Shl, x, a));
    let l = b.e(Expr::BvBin(BvBinOp::Shl, inner, n));
    let k = b.bv(64, extra);
    let n2 = b.e(Expr::BvBin(BvBinOp::Add, n, k));
    let inner = b.e(Expr::BvBin(BvBinOp::Shl, x, n2));
    let r = b.e(Expr::BvBin(BvBinOp::Shl, inner, a));
    b.proving_equal(l, r)
}

#[test]
fn nested_shifts_verified_by_case_split() {
    let o = SolveOptions { timeout: Duration::from_secs(60), rlimit: None };
    let t = std::time::Instant::now();
    let r = check(&nested_shifts(0), &o);
    assert!(matches!(r, Outcome::Verified), "{r:?} after {:?}", t.elapsed());
    match check(&nested_shifts(1), &o) {
        Outcome::Counterexample(cx) => assert_eq!(cx.replay, ReplayStatus::Replayed, "{cx:?}"),
        other => panic!("expected a counterexample, got {other:?}"),
    }
}
