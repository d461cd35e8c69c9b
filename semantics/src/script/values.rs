//! Script values: `invoke` arguments to engine values, and matching engine
//! results against `assert_return` patterns (NaN classes, lane patterns,
//! reference kinds, `either`).

use crate::syntax::types::HeapTop;
use crate::{Ref, RefKind, Value};
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};

/// Converts one `invoke` argument.
pub(crate) fn argument(arg: &WastArgCore<'_>) -> Result<Value, String> {
    Ok(match arg {
        WastArgCore::I32(v) => Value::I32(*v),
        WastArgCore::I64(v) => Value::I64(*v),
        WastArgCore::F32(v) => Value::F32(v.bits),
        WastArgCore::F64(v) => Value::F64(v.bits),
        WastArgCore::V128(v) => Value::V128(u128::from_le_bytes(v.to_le_bytes())),
        WastArgCore::RefNull(heap) => Value::Ref(Ref::null(heap_top(heap))),
        WastArgCore::RefExtern(n) => Value::Ref(Ref::host_extern(*n)),
        WastArgCore::RefHost(n) => Value::Ref(Ref::host(*n)),
    })
}

/// The type hierarchy a script heap type belongs to. A concrete type index
/// cannot be resolved without the module; script arguments never use one in
/// the official suite, and `any` is the hierarchy of struct/array types.
fn heap_top(heap: &HeapType<'_>) -> HeapTop {
    match heap {
        HeapType::Abstract { ty, .. } => match ty {
            AbstractHeapType::Func | AbstractHeapType::NoFunc => HeapTop::Func,
            AbstractHeapType::Extern | AbstractHeapType::NoExtern => HeapTop::Extern,
            AbstractHeapType::Exn | AbstractHeapType::NoExn => HeapTop::Exn,
            _ => HeapTop::Any,
        },
        HeapType::Concrete(_) | HeapType::Exact(_) => HeapTop::Any,
    }
}

/// Whether the engine value `actual` matches the `assert_return` pattern.
pub(crate) fn matches(actual: &Value, expected: &WastRetCore<'_>) -> bool {
    match (expected, actual) {
        (WastRetCore::I32(e), Value::I32(a)) => e == a,
        (WastRetCore::I64(e), Value::I64(a)) => e == a,
        (WastRetCore::F32(e), Value::F32(a)) => f32_matches(e, *a),
        (WastRetCore::F64(e), Value::F64(a)) => f64_matches(e, *a),
        (WastRetCore::V128(e), Value::V128(a)) => v128_matches(e, *a),
        (WastRetCore::Either(alternatives), _) => alternatives.iter().any(|e| matches(actual, e)),
        (_, Value::Ref(r)) => ref_matches(expected, r),
        _ => false,
    }
}

const F32_QUIET: u32 = 0x0040_0000;
const F32_EXP: u32 = 0x7f80_0000;
const F64_QUIET: u64 = 0x0008_0000_0000_0000;
const F64_EXP: u64 = 0x7ff0_0000_0000_0000;

/// `nan:canonical`: only the quiet bit set in the payload (either sign);
/// `nan:arithmetic`: any NaN with the quiet bit set; otherwise bit equality.
fn f32_matches(expected: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    match expected {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == F32_EXP | F32_QUIET,
        NanPattern::ArithmeticNan => bits & (F32_EXP | F32_QUIET) == F32_EXP | F32_QUIET,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn f64_matches(expected: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    match expected {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == F64_EXP | F64_QUIET,
        NanPattern::ArithmeticNan => bits & (F64_EXP | F64_QUIET) == F64_EXP | F64_QUIET,
        NanPattern::Value(v) => v.bits == bits,
    }
}

/// Lane `i` of width `bits` (little-endian lane order, as in memory).
fn lane(v: u128, bits: u32, i: usize) -> u128 {
    let mask = if bits == 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    };
    (v >> (bits as usize * i)) & mask
}

fn v128_matches(expected: &V128Pattern, v: u128) -> bool {
    match expected {
        V128Pattern::I8x16(l) => l
            .iter()
            .enumerate()
            .all(|(i, &e)| lane(v, 8, i) == e as u8 as u128),
        V128Pattern::I16x8(l) => l
            .iter()
            .enumerate()
            .all(|(i, &e)| lane(v, 16, i) == e as u16 as u128),
        V128Pattern::I32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, &e)| lane(v, 32, i) == e as u32 as u128),
        V128Pattern::I64x2(l) => l
            .iter()
            .enumerate()
            .all(|(i, &e)| lane(v, 64, i) == e as u64 as u128),
        V128Pattern::F32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, e)| f32_matches(e, lane(v, 32, i) as u32)),
        V128Pattern::F64x2(l) => l
            .iter()
            .enumerate()
            .all(|(i, e)| f64_matches(e, lane(v, 64, i) as u64)),
    }
}

fn ref_matches(expected: &WastRetCore<'_>, r: &Ref) -> bool {
    let kind = r.kind();
    match expected {
        WastRetCore::RefNull(None) => kind == RefKind::Null,
        WastRetCore::RefNull(Some(heap)) => match heap {
            HeapType::Abstract { .. } => r.null_top() == Some(heap_top(heap)),
            HeapType::Concrete(_) | HeapType::Exact(_) => kind == RefKind::Null,
        },
        // Any non-null function reference; the spec harness does not compare identities.
        WastRetCore::RefFunc(_) => matches!(kind, RefKind::Func(_)),
        WastRetCore::RefExtern(None) => matches!(kind, RefKind::Extern(_)),
        WastRetCore::RefExtern(Some(n)) => kind == RefKind::Extern(Some(*n)),
        WastRetCore::RefHost(n) => kind == RefKind::Host(*n),
        WastRetCore::RefAny => matches!(
            kind,
            RefKind::I31(_) | RefKind::Struct | RefKind::Array | RefKind::Host(_)
        ),
        WastRetCore::RefEq => matches!(kind, RefKind::I31(_) | RefKind::Struct | RefKind::Array),
        WastRetCore::RefStruct => kind == RefKind::Struct,
        WastRetCore::RefArray => kind == RefKind::Array,
        WastRetCore::RefI31 => matches!(kind, RefKind::I31(_)),
        // Shared references are not supported by the engine: never matches.
        WastRetCore::RefI31Shared => false,
        _ => false,
    }
}

// ---- rendering for failure messages ----------------------------------------

/// Renders engine values like script constants, e.g. `(i32.const 7) (f32.const nan:0x7fc00000)`.
pub(crate) fn describe_values(values: &[Value]) -> String {
    if values.is_empty() {
        return "no results".to_string();
    }
    values
        .iter()
        .map(describe_value)
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn describe_value(value: &Value) -> String {
    match value {
        Value::I32(v) => format!("(i32.const {v})"),
        Value::I64(v) => format!("(i64.const {v})"),
        Value::F32(bits) => format!("(f32.const {})", f32_text(*bits)),
        Value::F64(bits) => format!("(f64.const {})", f64_text(*bits)),
        Value::V128(v) => format!(
            "(v128.const i32x4 {})",
            (0..4)
                .map(|i| format!("{:#010x}", lane(*v, 32, i)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Value::Ref(r) => describe_ref(r),
    }
}

fn describe_ref(r: &Ref) -> String {
    match r.kind() {
        RefKind::Null => match r.null_top() {
            Some(HeapTop::Func) => "(ref.null func)".to_string(),
            Some(HeapTop::Extern) => "(ref.null extern)".to_string(),
            Some(HeapTop::Exn) => "(ref.null exn)".to_string(),
            _ => "(ref.null any)".to_string(),
        },
        RefKind::Func(f) => format!("(ref.func #{})", f.0),
        RefKind::Extern(Some(n)) => format!("(ref.extern {n})"),
        RefKind::Extern(None) => "(ref.extern internal)".to_string(),
        RefKind::Host(n) => format!("(ref.host {n})"),
        RefKind::I31(v) => format!("(ref.i31 {v})"),
        RefKind::Struct => "(ref.struct)".to_string(),
        RefKind::Array => "(ref.array)".to_string(),
        RefKind::Exn => "(ref.exn)".to_string(),
    }
}

/// A float's value, with NaN payloads spelled out (they matter in the suite).
fn f32_text(bits: u32) -> String {
    let f = f32::from_bits(bits);
    if f.is_nan() {
        format!(
            "{}nan:{:#x}",
            if bits >> 31 == 1 { "-" } else { "" },
            bits & 0x7f_ffff
        )
    } else {
        format!("{f:?}")
    }
}

fn f64_text(bits: u64) -> String {
    let f = f64::from_bits(bits);
    if f.is_nan() {
        format!(
            "{}nan:{:#x}",
            if bits >> 63 == 1 { "-" } else { "" },
            bits & 0xf_ffff_ffff_ffff
        )
    } else {
        format!("{f:?}")
    }
}

/// Renders expected patterns compactly.
pub(crate) fn describe_expected(expected: &[&WastRetCore<'_>]) -> String {
    expected
        .iter()
        .map(|e| describe_pattern(e))
        .collect::<Vec<_>>()
        .join(" ")
}

fn nan_pattern<T>(p: &NanPattern<T>, value: impl Fn(&T) -> String) -> String {
    match p {
        NanPattern::CanonicalNan => "nan:canonical".to_string(),
        NanPattern::ArithmeticNan => "nan:arithmetic".to_string(),
        NanPattern::Value(v) => value(v),
    }
}

fn describe_pattern(e: &WastRetCore<'_>) -> String {
    let join = |parts: Vec<String>| parts.join(" ");
    match e {
        WastRetCore::I32(v) => format!("(i32.const {v})"),
        WastRetCore::I64(v) => format!("(i64.const {v})"),
        WastRetCore::F32(p) => format!("(f32.const {})", nan_pattern(p, |v| f32_text(v.bits))),
        WastRetCore::F64(p) => format!("(f64.const {})", nan_pattern(p, |v| f64_text(v.bits))),
        WastRetCore::V128(p) => format!(
            "(v128.const {})",
            match p {
                V128Pattern::I8x16(l) =>
                    format!("i8x16 {}", join(l.iter().map(|x| x.to_string()).collect())),
                V128Pattern::I16x8(l) =>
                    format!("i16x8 {}", join(l.iter().map(|x| x.to_string()).collect())),
                V128Pattern::I32x4(l) => format!(
                    "i32x4 {}",
                    join(l.iter().map(|x| format!("{:#010x}", *x as u32)).collect())
                ),
                V128Pattern::I64x2(l) =>
                    format!("i64x2 {}", join(l.iter().map(|x| x.to_string()).collect())),
                V128Pattern::F32x4(l) => format!(
                    "f32x4 {}",
                    join(
                        l.iter()
                            .map(|p| nan_pattern(p, |v| f32_text(v.bits)))
                            .collect()
                    )
                ),
                V128Pattern::F64x2(l) => format!(
                    "f64x2 {}",
                    join(
                        l.iter()
                            .map(|p| nan_pattern(p, |v| f64_text(v.bits)))
                            .collect()
                    )
                ),
            }
        ),
        WastRetCore::RefNull(_) => "(ref.null)".to_string(),
        WastRetCore::RefExtern(Some(n)) => format!("(ref.extern {n})"),
        WastRetCore::RefExtern(None) => "(ref.extern)".to_string(),
        WastRetCore::RefHost(n) => format!("(ref.host {n})"),
        WastRetCore::RefFunc(_) => "(ref.func)".to_string(),
        WastRetCore::RefAny => "(ref.any)".to_string(),
        WastRetCore::RefEq => "(ref.eq)".to_string(),
        WastRetCore::RefArray => "(ref.array)".to_string(),
        WastRetCore::RefStruct => "(ref.struct)".to_string(),
        WastRetCore::RefI31 => "(ref.i31)".to_string(),
        WastRetCore::RefI31Shared => "(ref.i31_shared)".to_string(),
        WastRetCore::Either(alts) => format!(
            "(either {})",
            join(alts.iter().map(describe_pattern).collect())
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_and_arithmetic_nans() {
        let canonical = NanPattern::<wast::token::F32>::CanonicalNan;
        let arithmetic = NanPattern::<wast::token::F32>::ArithmeticNan;
        assert!(f32_matches(&canonical, 0x7fc0_0000));
        assert!(f32_matches(&canonical, 0xffc0_0000));
        assert!(!f32_matches(&canonical, 0x7fc0_0001));
        assert!(f32_matches(&arithmetic, 0x7fc0_0001));
        assert!(!f32_matches(&arithmetic, 0x7f80_0001)); // signalling
        assert!(!f32_matches(&arithmetic, 0x3f80_0000));
        let canonical64 = NanPattern::<wast::token::F64>::CanonicalNan;
        assert!(f64_matches(&canonical64, 0x7ff8_0000_0000_0000));
        assert!(!f64_matches(&canonical64, 0x7ff8_0000_0000_0001));
    }

    #[test]
    fn lanes_are_little_endian() {
        let v = 0x0000_0004_0000_0003_0000_0002_0000_0001u128;
        assert!(v128_matches(&V128Pattern::I32x4([1, 2, 3, 4]), v));
        assert!(!v128_matches(&V128Pattern::I32x4([4, 3, 2, 1]), v));
        assert!(v128_matches(
            &V128Pattern::I64x2([0x2_0000_0001, 0x4_0000_0003]),
            v
        ));
    }
}
