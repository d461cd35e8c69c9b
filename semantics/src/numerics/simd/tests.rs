//! Table-level tests: every SIMD operator of the spec suite resolves, and lane-wise operators
//! agree lane by lane with independent oracles (Rust's own integer/float operations) or with
//! the scalar definitions (property tests).

use super::lanes::{Shape, X16, X32, X64, X8};
use super::lookup;
use crate::numerics::concrete;
use crate::numerics::NumericFn::{self, Bin, BinImm, Tern, Un, UnImm};
use proptest::prelude::*;
use wasmparser::Operator as O;

/// Runs the looked-up function of `op` on `args` (raw bits).
fn run(op: O<'_>, args: &[u128]) -> u128 {
    let f: NumericFn = lookup(&op).unwrap_or_else(|| panic!("{op:?} does not resolve"));
    let r = match (f, args) {
        (Un(f), [a]) => f(*a),
        (Bin(f), [a, b]) => f(*a, *b),
        (Tern(f), [a, b, c]) => f(*a, *b, *c),
        (UnImm(f, i), [a]) => f(*a, i),
        (BinImm(f, i), [a, b]) => f(*a, *b, i),
        _ => panic!("{op:?}: wrong number of arguments {}", args.len()),
    };
    r.unwrap_or_else(|t| panic!("{op:?} trapped: {t}"))
}

/// Checks `op(a, b)` lane by lane against `oracle` on the raw lane bits.
fn check_bin(op: O<'_>, shape: Shape, a: u128, b: u128, oracle: impl Fn(u128, u128) -> u128) {
    let r = run(op.clone(), &[a, b]);
    for i in 0..shape.count() {
        let want = oracle(shape.lane(a, i), shape.lane(b, i)) & shape.mask();
        assert_eq!(shape.lane(r, i), want, "{op:?} lane {i} of {a:#x}, {b:#x}");
    }
}

fn check_un(op: O<'_>, shape: Shape, a: u128, oracle: impl Fn(u128) -> u128) {
    let r = run(op.clone(), &[a]);
    for i in 0..shape.count() {
        let want = oracle(shape.lane(a, i)) & shape.mask();
        assert_eq!(shape.lane(r, i), want, "{op:?} lane {i} of {a:#x}");
    }
}

/// Checks the shift `op(a, k)` (i32 amount operand) lane by lane against `oracle`.
fn check_shift(op: O<'_>, shape: Shape, a: u128, k: u32, oracle: impl Fn(u128) -> u128) {
    let r = run(op.clone(), &[a, u128::from(k)]);
    for i in 0..shape.count() {
        let want = oracle(shape.lane(a, i)) & shape.mask();
        assert_eq!(shape.lane(r, i), want, "{op:?} lane {i} of {a:#x} by {k}");
    }
}

fn mask(b: bool) -> u128 {
    if b {
        u128::MAX
    } else {
        0
    }
}

/// A vector biased towards lane boundary values (0, ±1, MIN, MAX of every lane width).
fn vector() -> impl Strategy<Value = u128> {
    prop_oneof![
        any::<u128>(),
        prop::collection::vec(
            prop::sample::select(vec![0u8, 1, 0x7f, 0x80, 0xff, 0xfe]),
            16
        )
        .prop_map(|b| X8.pack(b.into_iter().map(u128::from))),
        prop::collection::vec(
            prop::sample::select(vec![0u16, 1, 0x7fff, 0x8000, 0xffff]),
            8
        )
        .prop_map(|b| X16.pack(b.into_iter().map(u128::from))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn i8x16_ops_match_rust(a in vector(), b in vector(), k in any::<u32>()) {
        let (s8, u8_) = (|x: u128| x as u8 as i8, |x: u128| x as u8);
        check_bin(O::I8x16Add, X8, a, b, |x, y| u8_(x).wrapping_add(u8_(y)) as u128);
        check_bin(O::I8x16Sub, X8, a, b, |x, y| u8_(x).wrapping_sub(u8_(y)) as u128);
        check_bin(O::I8x16AddSatS, X8, a, b, |x, y| s8(x).saturating_add(s8(y)) as u8 as u128);
        check_bin(O::I8x16AddSatU, X8, a, b, |x, y| u8_(x).saturating_add(u8_(y)) as u128);
        check_bin(O::I8x16SubSatS, X8, a, b, |x, y| s8(x).saturating_sub(s8(y)) as u8 as u128);
        check_bin(O::I8x16SubSatU, X8, a, b, |x, y| u8_(x).saturating_sub(u8_(y)) as u128);
        check_bin(O::I8x16MinS, X8, a, b, |x, y| s8(x).min(s8(y)) as u8 as u128);
        check_bin(O::I8x16MaxU, X8, a, b, |x, y| u8_(x).max(u8_(y)) as u128);
        check_bin(O::I8x16AvgrU, X8, a, b, |x, y| (x + y + 1) >> 1);
        check_bin(O::I8x16LtS, X8, a, b, |x, y| mask(s8(x) < s8(y)));
        check_bin(O::I8x16GeU, X8, a, b, |x, y| mask(x >= y));
        check_un(O::I8x16Abs, X8, a, |x| s8(x).wrapping_abs() as u8 as u128);
        check_un(O::I8x16Neg, X8, a, |x| s8(x).wrapping_neg() as u8 as u128);
        check_un(O::I8x16Popcnt, X8, a, |x| x.count_ones() as u128);
        let kk = k as u128;
        let r = run(O::I8x16ShrS, &[a, kk]);
        for i in 0..16 {
            prop_assert_eq!(X8.lane(r, i), (s8(X8.lane(a, i)) >> (k % 8)) as u8 as u128);
        }
        let r = run(O::I8x16Shl, &[a, kk]);
        for i in 0..16 {
            prop_assert_eq!(X8.lane(r, i), (u8_(X8.lane(a, i)) << (k % 8)) as u128);
        }
    }

    #[test]
    fn i16x8_ops_match_rust(a in vector(), b in vector()) {
        let s16 = |x: u128| x as u16 as i16;
        check_bin(O::I16x8Mul, X16, a, b, |x, y| (x as u16).wrapping_mul(y as u16) as u128);
        check_bin(O::I16x8AddSatS, X16, a, b, |x, y| s16(x).saturating_add(s16(y)) as u16 as u128);
        check_bin(O::I16x8SubSatU, X16, a, b, |x, y| (x as u16).saturating_sub(y as u16) as u128);
        check_bin(O::I16x8MaxS, X16, a, b, |x, y| s16(x).max(s16(y)) as u16 as u128);
        check_bin(O::I16x8GtS, X16, a, b, |x, y| mask(s16(x) > s16(y)));
        check_bin(O::I16x8LeU, X16, a, b, |x, y| mask(x <= y));
        check_bin(O::I16x8Q15MulrSatS, X16, a, b, |x, y| {
            let p = (i32::from(s16(x)) * i32::from(s16(y)) + 0x4000) >> 15;
            p.clamp(i16::MIN.into(), i16::MAX.into()) as i16 as u16 as u128
        });
    }

    #[test]
    fn i32x4_and_i64x2_lanes_are_the_scalar_definitions(a in vector(), b in vector(), k in any::<u32>()) {
        check_bin(O::I32x4Add, X32, a, b, |x, y| concrete::i32::add(x as u32, y as u32).into());
        check_bin(O::I32x4Mul, X32, a, b, |x, y| concrete::i32::mul(x as u32, y as u32).into());
        check_bin(O::I32x4MinU, X32, a, b, |x, y| x.min(y));
        check_bin(O::I32x4Ne, X32, a, b, |x, y| mask(x != y));
        check_bin(O::I64x2Sub, X64, a, b, |x, y| concrete::i64::sub(x as u64, y as u64).into());
        check_bin(O::I64x2Mul, X64, a, b, |x, y| (x as u64).wrapping_mul(y as u64).into());
        check_bin(O::I64x2LtS, X64, a, b, |x, y| mask((x as i64) < (y as i64)));
        check_un(O::I64x2Abs, X64, a, |x| (x as i64).wrapping_abs() as u64 as u128);
        let r = run(O::I64x2ShrU, &[a, k as u128]);
        for i in 0..2 {
            prop_assert_eq!(X64.lane(r, i), (X64.lane(a, i) as u64 >> (k % 64)) as u128);
        }
        let r = run(O::I32x4ShrS, &[a, k as u128]);
        for i in 0..4 {
            prop_assert_eq!(X32.lane(r, i), ((X32.lane(a, i) as u32 as i32) >> (k % 32)) as u32 as u128);
        }
    }

    #[test]
    fn float_lanes_are_the_scalar_definitions(a in any::<u128>(), b in any::<u128>()) {
        check_bin(O::F32x4Add, X32, a, b, |x, y| concrete::f32::add(x as u32, y as u32).into());
        check_bin(O::F32x4Min, X32, a, b, |x, y| concrete::f32::min(x as u32, y as u32).into());
        check_bin(O::F64x2Div, X64, a, b, |x, y| concrete::f64::div(x as u64, y as u64).into());
        check_bin(O::F64x2Max, X64, a, b, |x, y| concrete::f64::max(x as u64, y as u64).into());
        check_un(O::F32x4Nearest, X32, a, |x| concrete::f32::nearest(x as u32).into());
        check_un(O::F64x2Sqrt, X64, a, |x| concrete::f64::sqrt(x as u64).into());
        check_bin(O::F32x4Lt, X32, a, b, |x, y| mask(f32::from_bits(x as u32) < f32::from_bits(y as u32)));
        check_bin(O::F64x2Ne, X64, a, b, |x, y| mask(f64::from_bits(x as u64) != f64::from_bits(y as u64)));
        // pmin/pmax: `b < a ? b : a` / `a < b ? b : a`, bit-exact (NaNs and zeros pass through).
        check_bin(O::F32x4PMin, X32, a, b, |x, y| if f32::from_bits(y as u32) < f32::from_bits(x as u32) { y } else { x });
        check_bin(O::F64x2PMax, X64, a, b, |x, y| if f64::from_bits(x as u64) < f64::from_bits(y as u64) { y } else { x });
        check_un(O::I32x4TruncSatF32x4S, X32, a, |x| (f32::from_bits(x as u32) as i32) as u32 as u128);
        check_un(O::F32x4ConvertI32x4U, X32, a, |x| (x as u32 as f32).to_bits() as u128);
    }

    #[test]
    fn shuffle_swizzle_and_lanes(a in any::<u128>(), b in any::<u128>(), idx in any::<[u8; 16]>(), lane in 0u8..16) {
        let lanes = idx.map(|i| i % 32);
        let r = run(O::I8x16Shuffle { lanes }, &[a, b]);
        let bytes: Vec<u8> = a.to_le_bytes().into_iter().chain(b.to_le_bytes()).collect();
        prop_assert_eq!(r.to_le_bytes(), lanes.map(|i| bytes[i as usize]));
        let s = u128::from_le_bytes(idx);
        let r = run(O::I8x16Swizzle, &[a, s]);
        prop_assert_eq!(r.to_le_bytes(), idx.map(|i| if i < 16 { a.to_le_bytes()[i as usize] } else { 0 }));
        let x = run(O::I8x16ExtractLaneU { lane }, &[a]);
        prop_assert_eq!(x, a.to_le_bytes()[lane as usize] as u128);
        let r = run(O::I8x16ReplaceLane { lane }, &[a, 0x1ab]);
        let mut want = a.to_le_bytes();
        want[lane as usize] = 0xab;
        prop_assert_eq!(r, u128::from_le_bytes(want));
        let l = lane % 4;
        prop_assert_eq!(run(O::F32x4ExtractLane { lane: l }, &[a]), X32.lane(a, l as usize));
    }

    #[test]
    fn relaxed_ops_equal_their_chosen_counterparts(a in any::<u128>(), b in any::<u128>(), c in any::<u128>()) {
        prop_assert_eq!(run(O::I8x16RelaxedSwizzle, &[a, b]), run(O::I8x16Swizzle, &[a, b]));
        prop_assert_eq!(run(O::I32x4RelaxedTruncF32x4U, &[a]), run(O::I32x4TruncSatF32x4U, &[a]));
        prop_assert_eq!(run(O::I32x4RelaxedTruncF64x2SZero, &[a]), run(O::I32x4TruncSatF64x2SZero, &[a]));
        prop_assert_eq!(run(O::I16x8RelaxedLaneselect, &[a, b, c]), run(O::V128Bitselect, &[a, b, c]));
        prop_assert_eq!(run(O::F64x2RelaxedMin, &[a, b]), run(O::F64x2Min, &[a, b]));
        prop_assert_eq!(run(O::I16x8RelaxedQ15mulrS, &[a, b]), run(O::I16x8Q15MulrSatS, &[a, b]));
        let mul = run(O::F32x4Mul, &[a, b]);
        prop_assert_eq!(run(O::F32x4RelaxedMadd, &[a, b, c]), run(O::F32x4Add, &[mul, c]));
        let product = run(O::F64x2Mul, &[run(O::F64x2Neg, &[a]), b]);
        prop_assert_eq!(run(O::F64x2RelaxedNmadd, &[a, b, c]), run(O::F64x2Add, &[product, c]));
    }
}

#[test]
fn bitwise_and_boolean_reductions() {
    let (a, b, c) = (0xff00_ff00u128 << 64 | 0xf0, 0x0ff0u128, u128::MAX << 4);
    assert_eq!(run(O::V128Not, &[a]), !a);
    assert_eq!(run(O::V128AndNot, &[a, b]), a & !b);
    assert_eq!(run(O::V128Bitselect, &[a, b, c]), (a & c) | (b & !c));
    assert_eq!(run(O::V128AnyTrue, &[0]), 0);
    assert_eq!(run(O::V128AnyTrue, &[1 << 127]), 1);
    assert_eq!(run(O::I16x8AllTrue, &[X16.splat(1)]), 1);
    assert_eq!(
        run(O::I16x8AllTrue, &[X16.with_lane(X16.splat(1), 3, 0)]),
        0
    );
    assert_eq!(run(O::I8x16Bitmask, &[X8.pack([0x80, 0, 0xff])]), 0b101);
    assert_eq!(run(O::I64x2Bitmask, &[1 << 127]), 0b10);
}

#[test]
fn conversions_between_lane_counts() {
    let f64s = |x: f64, y: f64| X64.pack([x.to_bits() as u128, y.to_bits() as u128]);
    let f32s = |v: [f32; 4]| X32.pack(v.map(|x| x.to_bits() as u128));
    let i32s = |v: [i32; 4]| X32.pack(v.map(|x| x as u32 as u128));
    assert_eq!(
        run(O::I32x4TruncSatF64x2SZero, &[f64s(-1.5, 1e20)]),
        i32s([-1, i32::MAX, 0, 0])
    );
    assert_eq!(run(O::I32x4TruncSatF64x2UZero, &[f64s(-1.5, f64::NAN)]), 0);
    assert_eq!(
        run(O::F64x2ConvertLowI32x4S, &[i32s([-3, 7, 99, 99])]),
        f64s(-3.0, 7.0)
    );
    assert_eq!(
        run(O::F64x2ConvertLowI32x4U, &[i32s([-1, 0, 0, 0])]),
        f64s(4294967295.0, 0.0)
    );
    assert_eq!(
        run(O::F32x4DemoteF64x2Zero, &[f64s(1.5, -0.0)]),
        f32s([1.5, -0.0, 0.0, 0.0])
    );
    assert_eq!(
        run(O::F64x2PromoteLowF32x4, &[f32s([0.25, -2.0, 9.0, 9.0])]),
        f64s(0.25, -2.0)
    );
    assert_eq!(
        run(O::I16x8ExtendHighI8x16S, &[0x80u128 << 120]),
        0xff80u128 << 112
    );
    assert_eq!(
        run(O::I64x2ExtendLowI32x4U, &[u128::MAX]),
        X64.splat(u32::MAX as u128)
    );
    assert_eq!(
        run(O::I8x16NarrowI16x8U, &[X16.splat(0x8000), X16.splat(0x100)]),
        u128::MAX << 64
    );
}

#[test]
fn splat_and_extract_use_scalar_raw_bits() {
    assert_eq!(run(O::I8x16Splat, &[0x1ff]), X8.splat(0xff));
    assert_eq!(
        run(O::F64x2Splat, &[1.0f64.to_bits() as u128]),
        X64.splat(1.0f64.to_bits() as u128)
    );
    let v = X16.pack([0, 0x8001]);
    assert_eq!(run(O::I16x8ExtractLaneS { lane: 1 }, &[v]), 0xffff_8001);
    assert_eq!(run(O::I16x8ExtractLaneU { lane: 1 }, &[v]), 0x8001);
    assert_eq!(run(O::I64x2ReplaceLane { lane: 1 }, &[0, 5]), 5 << 64);
}

/// Every SIMD operator used by the spec suite (outside memory access and `v128.const`) resolves.
#[test]
fn every_simd_operator_of_the_suite_resolves() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/wasm-testsuite");
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("skipping: no test suite at {dir}");
        return;
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".wast") && (name.starts_with("simd_") || name.contains("relaxed"))
        })
        .collect();
    files.sort();
    assert!(
        files.len() > 50,
        "expected the simd/relaxed scripts in {dir}"
    );
    let mut seen = std::collections::BTreeSet::new();
    let mut missing = std::collections::BTreeSet::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let buf = wast::parser::ParseBuffer::new(&text).unwrap();
        let script: wast::Wast = wast::parser::parse(&buf).unwrap();
        for directive in script.directives {
            let wast::WastDirective::Module(mut module) = directive else {
                continue;
            };
            let Ok(bytes) = module.encode() else { continue };
            for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
                let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload else {
                    continue;
                };
                let mut ops = body.get_operators_reader().unwrap();
                while !ops.eof() {
                    let op = ops.read().unwrap();
                    let name = format!("{op:?}");
                    let name = name.split([' ', '{']).next().unwrap().to_string();
                    let simd = ["I8x16", "I16x8", "I32x4", "I64x2", "F32x4", "F64x2", "V128"]
                        .iter()
                        .any(|p| name.starts_with(p));
                    let memory = name.starts_with("V128Load") || name.starts_with("V128Store");
                    if !simd || memory || name == "V128Const" {
                        continue;
                    }
                    if lookup(&op).is_none() {
                        missing.insert(name.clone());
                    }
                    seen.insert(name);
                }
            }
        }
    }
    assert!(missing.is_empty(), "unresolved: {missing:?}");
    // 236 SIMD numeric operators exist; the suite exercises nearly all of them.
    assert!(seen.len() > 200, "only {} operators seen", seen.len());
}

/// How an integer lane relation reads its operands: (signed a, signed b, unsigned a, unsigned b).
type Relation = fn(i128, i128, u128, u128) -> bool;

/// Every integer comparison row of the table, checked against Rust's own comparisons.
fn comparison_rows() -> Vec<(O<'static>, Shape, Relation)> {
    let eq: Relation = |_, _, x, y| x == y;
    let ne: Relation = |_, _, x, y| x != y;
    let lt_s: Relation = |a, b, _, _| a < b;
    let gt_s: Relation = |a, b, _, _| a > b;
    let le_s: Relation = |a, b, _, _| a <= b;
    let ge_s: Relation = |a, b, _, _| a >= b;
    let lt_u: Relation = |_, _, x, y| x < y;
    let gt_u: Relation = |_, _, x, y| x > y;
    let le_u: Relation = |_, _, x, y| x <= y;
    let ge_u: Relation = |_, _, x, y| x >= y;
    vec![
        (O::I8x16Eq, X8, eq),
        (O::I8x16Ne, X8, ne),
        (O::I8x16LtS, X8, lt_s),
        (O::I8x16LtU, X8, lt_u),
        (O::I8x16GtS, X8, gt_s),
        (O::I8x16GtU, X8, gt_u),
        (O::I8x16LeS, X8, le_s),
        (O::I8x16LeU, X8, le_u),
        (O::I8x16GeS, X8, ge_s),
        (O::I8x16GeU, X8, ge_u),
        (O::I16x8Eq, X16, eq),
        (O::I16x8Ne, X16, ne),
        (O::I16x8LtS, X16, lt_s),
        (O::I16x8LtU, X16, lt_u),
        (O::I16x8GtS, X16, gt_s),
        (O::I16x8GtU, X16, gt_u),
        (O::I16x8LeS, X16, le_s),
        (O::I16x8LeU, X16, le_u),
        (O::I16x8GeS, X16, ge_s),
        (O::I16x8GeU, X16, ge_u),
        (O::I32x4Eq, X32, eq),
        (O::I32x4Ne, X32, ne),
        (O::I32x4LtS, X32, lt_s),
        (O::I32x4LtU, X32, lt_u),
        (O::I32x4GtS, X32, gt_s),
        (O::I32x4GtU, X32, gt_u),
        (O::I32x4LeS, X32, le_s),
        (O::I32x4LeU, X32, le_u),
        (O::I32x4GeS, X32, ge_s),
        (O::I32x4GeU, X32, ge_u),
        (O::I64x2Eq, X64, eq),
        (O::I64x2Ne, X64, ne),
        (O::I64x2LtS, X64, lt_s),
        (O::I64x2GtS, X64, gt_s),
        (O::I64x2LeS, X64, le_s),
        (O::I64x2GeS, X64, ge_s),
    ]
}

/// Every integer min/max row: `Relation` says when the first operand is kept.
fn min_max_rows() -> Vec<(O<'static>, Shape, Relation)> {
    let min_s: Relation = |a, b, _, _| a < b;
    let max_s: Relation = |a, b, _, _| a > b;
    let min_u: Relation = |_, _, x, y| x < y;
    let max_u: Relation = |_, _, x, y| x > y;
    vec![
        (O::I8x16MinS, X8, min_s),
        (O::I8x16MaxS, X8, max_s),
        (O::I8x16MinU, X8, min_u),
        (O::I8x16MaxU, X8, max_u),
        (O::I16x8MinS, X16, min_s),
        (O::I16x8MaxS, X16, max_s),
        (O::I16x8MinU, X16, min_u),
        (O::I16x8MaxU, X16, max_u),
        (O::I32x4MinS, X32, min_s),
        (O::I32x4MaxS, X32, max_s),
        (O::I32x4MinU, X32, min_u),
        (O::I32x4MaxU, X32, max_u),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn every_integer_comparison_row_matches_rust(a in vector(), b in vector()) {
        for (op, shape, rel) in comparison_rows() {
            check_bin(op, shape, a, b, |x, y| mask(rel(shape.signed(x), shape.signed(y), x, y)));
        }
        for (op, shape, keep_first) in min_max_rows() {
            check_bin(op, shape, a, b, |x, y| if keep_first(shape.signed(x), shape.signed(y), x, y) { x } else { y });
        }
    }

    #[test]
    fn every_wrapping_and_shift_row_matches_rust(a in vector(), b in vector(), k in any::<u32>()) {
        let rows: [(O<'static>, O<'static>, O<'static>, O<'static>, O<'static>, O<'static>, Shape); 4] = [
            (O::I8x16Add, O::I8x16Sub, O::I8x16Neg, O::I8x16Shl, O::I8x16ShrS, O::I8x16ShrU, X8),
            (O::I16x8Add, O::I16x8Sub, O::I16x8Neg, O::I16x8Shl, O::I16x8ShrS, O::I16x8ShrU, X16),
            (O::I32x4Add, O::I32x4Sub, O::I32x4Neg, O::I32x4Shl, O::I32x4ShrS, O::I32x4ShrU, X32),
            (O::I64x2Add, O::I64x2Sub, O::I64x2Neg, O::I64x2Shl, O::I64x2ShrS, O::I64x2ShrU, X64),
        ];
        for (add, sub, neg, shl, shr_s, shr_u, s) in rows {
            check_bin(add, s, a, b, |x, y| x.wrapping_add(y));
            check_bin(sub, s, a, b, |x, y| x.wrapping_sub(y));
            check_un(neg, s, a, |x| x.wrapping_neg());
            let n = k % s.bits;
            check_shift(shl, s, a, k, |x| x << n);
            check_shift(shr_s, s, a, k, |x| (s.signed(x) >> n) as u128);
            check_shift(shr_u, s, a, k, |x| x >> n);
        }
    }
}
