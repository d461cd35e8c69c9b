//! Module and argument generation from fuzz bytes.
//!
//! The wasm-smith configuration is restricted to what all three engines
//! implement identically enough to compare: MVP, sign-extension,
//! saturating float-to-int, multi-value, bulk memory, reference types,
//! SIMD (without relaxed SIMD, whose results are implementation-defined),
//! tail calls, extended constants, multi-memory and memory64. No threads, GC
//! or exceptions (wasmi 2 lacks them). No imports: every module is closed.

use crate::value::{Val, ValKind};
use arbitrary::Unstructured;

/// Size limits: small modules compile fast (throughput) and minimise well.
pub fn smith_config() -> wasm_smith::Config {
    let mut c = wasm_smith::Config::default();
    c.export_everything = true;
    // NaN bit patterns are partly nondeterministic in the spec; our own
    // rewrite ([`crate::nan_oracle`]) checks and canonicalises every
    // arithmetic float result, so wasm-smith's canonicalisation stays off.
    c.canonicalize_nans = false;
    c.relaxed_simd_enabled = false;
    c.threads_enabled = false;
    c.shared_everything_threads_enabled = false;
    c.gc_enabled = false;
    c.exceptions_enabled = false;
    c.wide_arithmetic_enabled = false;
    c.custom_page_sizes_enabled = false;
    c.custom_descriptors_enabled = false;
    c.compact_imports_enabled = false;
    c.tail_call_enabled = true;
    c.extended_const_enabled = true;
    c.memory64_enabled = true;
    c.simd_enabled = true;
    c.max_imports = 0;
    c.max_types = 8;
    c.max_funcs = 8;
    c.max_instructions = 64;
    c.max_globals = 6;
    c.max_memories = 2;
    c.max_tables = 2;
    c.max_data_segments = 4;
    c.max_element_segments = 4;
    c.max_elements = 16;
    c.max_table_elements = 64;
    c.table_max_size_required = true;
    // Memory growth beyond a declared maximum fails deterministically; without
    // a maximum, whether `memory.grow` succeeds is up to each engine.
    c.memory_max_size_required = true;
    c.max_memory32_bytes = 2 * 65536;
    c.max_memory64_bytes = 2 * 65536;
    c.max_type_size = 64;
    c.max_nesting_depth = 4;
    c.generate_custom_sections = false;
    c
}

/// Generate a module from the front of `u`.
pub fn module(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let module = wasm_smith::Module::new(smith_config(), u)?;
    Ok(module.to_bytes())
}

/// One argument of kind `kind`. A quarter of the time an edge value is picked
/// (zero, ±1, extremes, NaN, infinities, negative zero), where engines most
/// often diverge. Exhausted input yields zeros, so a short buffer still runs.
pub fn arg(u: &mut Unstructured<'_>, kind: ValKind) -> Val {
    let edge = u.ratio(1u8, 4u8).unwrap_or(false);
    let pick = |u: &mut Unstructured<'_>, n: usize| u.choose_index(n).unwrap_or(0);
    match kind {
        ValKind::I32 => Val::I32(if edge {
            [0, 1, -1, i32::MIN, i32::MAX, 0x8000, 0xffff][pick(u, 7)]
        } else {
            u.arbitrary().unwrap_or(0)
        }),
        ValKind::I64 => Val::I64(if edge {
            [0, 1, -1, i64::MIN, i64::MAX, 0x8000_0000, 0xffff_ffff][pick(u, 7)]
        } else {
            u.arbitrary().unwrap_or(0)
        }),
        ValKind::F32 => Val::F32(if edge {
            [
                0f32.to_bits(),
                (-0f32).to_bits(),
                1f32.to_bits(),
                f32::INFINITY.to_bits(),
                f32::NEG_INFINITY.to_bits(),
                0x7fc0_0000, // canonical NaN
                0x7fa0_0001, // signalling NaN with payload
                f32::MAX.to_bits(),
                f32::MIN_POSITIVE.to_bits(),
                2147483648f32.to_bits(), // i32 overflow boundary
            ][pick(u, 10)]
        } else {
            u.arbitrary().unwrap_or(0)
        }),
        ValKind::F64 => Val::F64(if edge {
            [
                0f64.to_bits(),
                (-0f64).to_bits(),
                1f64.to_bits(),
                f64::INFINITY.to_bits(),
                f64::NEG_INFINITY.to_bits(),
                0x7ff8_0000_0000_0000, // canonical NaN
                0x7ff4_0000_0000_0001, // signalling NaN with payload
                f64::MAX.to_bits(),
                f64::MIN_POSITIVE.to_bits(),
                9223372036854775808f64.to_bits(), // i64 overflow boundary
            ][pick(u, 10)]
        } else {
            u.arbitrary().unwrap_or(0)
        }),
        ValKind::V128 => Val::V128(u.arbitrary().unwrap_or(0)),
        ValKind::FuncRef => Val::FuncRef { null: true },
        ValKind::ExternRef => Val::ExternRef { null: true },
    }
}
