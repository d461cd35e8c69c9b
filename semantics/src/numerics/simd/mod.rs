//! 128-bit SIMD and relaxed-SIMD numerics (owner: sem-simd).
//!
//! Lane layout: little-endian, lane 0 occupies the least significant bits of the `u128`
//! (see [`lanes`]). Every lane computation that has a scalar counterpart reuses the scalar
//! definition through [`scalar`] ("one definition per operator"); the vector-only operators
//! (saturation, narrowing, shuffles, bitmasks, `pmin`/`pmax`, ...) live in [`int`], [`float`],
//! [`bits`] and [`relaxed`]. [`lookup`] is the op table that ties wasm operators to them.
//!
//! Operand conventions follow Contract B: `Bin(f)` gets (lhs, rhs); lane indices and the
//! shuffle mask are immediates (`UnImm`/`BinImm`); shift amounts are i32 operands; splat
//! takes the scalar raw bits; extract_lane yields scalar raw bits.
//!
//! Relaxed SIMD follows the spec's deterministic profile; the behaviour of each operator is
//! listed in [`relaxed`] (in short: the non-relaxed counterpart where one exists, unfused madd,
//! and signed x signed dot products with saturating i16 pair sums).
//!
//! Memory instructions are not numerics, but their lane parts are provided for the executor:
//! [`bits::load8x8_s`] & co., [`bits::load_splat`], [`bits::load_lane`], [`bits::store_lane`].

pub mod bits;
pub mod float;
pub mod int;
pub mod lanes;
pub mod relaxed;
mod scalar;

#[cfg(test)]
mod tests;

use super::{NumResult, NumericFn};
use int::Ext::{Sign as S, Zero as Z};
use lanes::{X16, X32, X64, X8};
use scalar as sc;
use wasmparser::Operator as O;

/// A scalar or lane function on raw bits.
pub type UnFn = fn(u128) -> NumResult;
pub type BinFn = fn(u128, u128) -> NumResult;

/// The numeric function of a pure SIMD instruction, or `None` if `op` is not one
/// (memory instructions and `v128.const` are not numerics).
pub fn lookup(op: &O) -> Option<NumericFn> {
    // Non-capturing closures coerce to the `fn` pointers of `NumericFn`.
    use NumericFn::{Bin, BinImm, Tern, Un, UnImm};
    let f = match *op {
        // ---- v128 bitwise
        O::V128Not => Un(|a| Ok(!a)),
        O::V128And => Bin(|a, b| Ok(a & b)),
        O::V128AndNot => Bin(|a, b| Ok(a & !b)),
        O::V128Or => Bin(|a, b| Ok(a | b)),
        O::V128Xor => Bin(|a, b| Ok(a ^ b)),
        O::V128Bitselect => Tern(bits::bitselect),
        O::V128AnyTrue => Un(bits::any_true),

        // ---- splat / lanes / shuffles
        O::I8x16Splat => Un(|x| bits::splat(X8, x)),
        O::I16x8Splat => Un(|x| bits::splat(X16, x)),
        O::I32x4Splat | O::F32x4Splat => Un(|x| bits::splat(X32, x)),
        O::I64x2Splat | O::F64x2Splat => Un(|x| bits::splat(X64, x)),
        O::I8x16ExtractLaneS { lane } => UnImm(|v, l| bits::extract_lane_s(X8, v, l), lane.into()),
        O::I8x16ExtractLaneU { lane } => UnImm(|v, l| bits::extract_lane(X8, v, l), lane.into()),
        O::I16x8ExtractLaneS { lane } => UnImm(|v, l| bits::extract_lane_s(X16, v, l), lane.into()),
        O::I16x8ExtractLaneU { lane } => UnImm(|v, l| bits::extract_lane(X16, v, l), lane.into()),
        O::I32x4ExtractLane { lane } | O::F32x4ExtractLane { lane } => {
            UnImm(|v, l| bits::extract_lane(X32, v, l), lane.into())
        }
        O::I64x2ExtractLane { lane } | O::F64x2ExtractLane { lane } => {
            UnImm(|v, l| bits::extract_lane(X64, v, l), lane.into())
        }
        O::I8x16ReplaceLane { lane } => {
            BinImm(|v, x, l| bits::replace_lane(X8, v, x, l), lane.into())
        }
        O::I16x8ReplaceLane { lane } => {
            BinImm(|v, x, l| bits::replace_lane(X16, v, x, l), lane.into())
        }
        O::I32x4ReplaceLane { lane } | O::F32x4ReplaceLane { lane } => {
            BinImm(|v, x, l| bits::replace_lane(X32, v, x, l), lane.into())
        }
        O::I64x2ReplaceLane { lane } | O::F64x2ReplaceLane { lane } => {
            BinImm(|v, x, l| bits::replace_lane(X64, v, x, l), lane.into())
        }
        O::I8x16Shuffle { lanes } => BinImm(bits::shuffle, bits::shuffle_mask(&lanes)),
        O::I8x16Swizzle | O::I8x16RelaxedSwizzle => Bin(bits::swizzle),

        _ => {
            return int_op(op)
                .or_else(|| float_op(op))
                .or_else(|| relaxed_op(op))
        }
    };
    Some(f)
}

/// Integer lane arithmetic, comparisons, shifts and shape changes.
fn int_op(op: &O) -> Option<NumericFn> {
    use NumericFn::{Bin, Un};
    let f = match *op {
        // ---- add / sub / mul
        O::I8x16Add => Bin(|a, b| X8.zip(a, b, sc::i8::add)),
        O::I16x8Add => Bin(|a, b| X16.zip(a, b, sc::i16::add)),
        O::I32x4Add => Bin(|a, b| X32.zip(a, b, sc::i32::add)),
        O::I64x2Add => Bin(|a, b| X64.zip(a, b, sc::i64::add)),
        O::I8x16Sub => Bin(|a, b| X8.zip(a, b, sc::i8::sub)),
        O::I16x8Sub => Bin(|a, b| X16.zip(a, b, sc::i16::sub)),
        O::I32x4Sub => Bin(|a, b| X32.zip(a, b, sc::i32::sub)),
        O::I64x2Sub => Bin(|a, b| X64.zip(a, b, sc::i64::sub)),
        O::I16x8Mul => Bin(|a, b| X16.zip(a, b, sc::i16::mul)),
        O::I32x4Mul => Bin(|a, b| X32.zip(a, b, sc::i32::mul)),
        O::I64x2Mul => Bin(|a, b| X64.zip(a, b, sc::i64::mul)),

        // ---- saturating add / sub
        O::I8x16AddSatS => Bin(|a, b| int::saturating(X8, S, a, b, sc::i32::add)),
        O::I8x16AddSatU => Bin(|a, b| int::saturating(X8, Z, a, b, sc::i32::add)),
        O::I8x16SubSatS => Bin(|a, b| int::saturating(X8, S, a, b, sc::i32::sub)),
        O::I8x16SubSatU => Bin(|a, b| int::saturating(X8, Z, a, b, sc::i32::sub)),
        O::I16x8AddSatS => Bin(|a, b| int::saturating(X16, S, a, b, sc::i32::add)),
        O::I16x8AddSatU => Bin(|a, b| int::saturating(X16, Z, a, b, sc::i32::add)),
        O::I16x8SubSatS => Bin(|a, b| int::saturating(X16, S, a, b, sc::i32::sub)),
        O::I16x8SubSatU => Bin(|a, b| int::saturating(X16, Z, a, b, sc::i32::sub)),

        // ---- min / max (select by the scalar comparison)
        O::I8x16MinS => Bin(|a, b| int::select_by(X8, a, b, sc::i8::lt_s)),
        O::I8x16MinU => Bin(|a, b| int::select_by(X8, a, b, sc::i8::lt_u)),
        O::I8x16MaxS => Bin(|a, b| int::select_by(X8, a, b, sc::i8::gt_s)),
        O::I8x16MaxU => Bin(|a, b| int::select_by(X8, a, b, sc::i8::gt_u)),
        O::I16x8MinS => Bin(|a, b| int::select_by(X16, a, b, sc::i16::lt_s)),
        O::I16x8MinU => Bin(|a, b| int::select_by(X16, a, b, sc::i16::lt_u)),
        O::I16x8MaxS => Bin(|a, b| int::select_by(X16, a, b, sc::i16::gt_s)),
        O::I16x8MaxU => Bin(|a, b| int::select_by(X16, a, b, sc::i16::gt_u)),
        O::I32x4MinS => Bin(|a, b| int::select_by(X32, a, b, sc::i32::lt_s)),
        O::I32x4MinU => Bin(|a, b| int::select_by(X32, a, b, sc::i32::lt_u)),
        O::I32x4MaxS => Bin(|a, b| int::select_by(X32, a, b, sc::i32::gt_s)),
        O::I32x4MaxU => Bin(|a, b| int::select_by(X32, a, b, sc::i32::gt_u)),
        O::I8x16AvgrU => Bin(|a, b| int::avgr_u(X8, a, b)),
        O::I16x8AvgrU => Bin(|a, b| int::avgr_u(X16, a, b)),

        // ---- unary
        O::I8x16Abs => Un(|a| int::abs(X8, a, sc::i8::lt_s, sc::i8::sub)),
        O::I16x8Abs => Un(|a| int::abs(X16, a, sc::i16::lt_s, sc::i16::sub)),
        O::I32x4Abs => Un(|a| int::abs(X32, a, sc::i32::lt_s, sc::i32::sub)),
        O::I64x2Abs => Un(|a| int::abs(X64, a, sc::i64::lt_s, sc::i64::sub)),
        O::I8x16Neg => Un(|a| int::neg(X8, a, sc::i8::sub)),
        O::I16x8Neg => Un(|a| int::neg(X16, a, sc::i16::sub)),
        O::I32x4Neg => Un(|a| int::neg(X32, a, sc::i32::sub)),
        O::I64x2Neg => Un(|a| int::neg(X64, a, sc::i64::sub)),
        O::I8x16Popcnt => Un(|a| X8.map(a, sc::i8::popcnt)),
        O::I16x8Q15MulrSatS | O::I16x8RelaxedQ15mulrS => Bin(int::q15mulr_sat_s),

        // ---- shifts (i32 amount operand, modulo the lane width)
        O::I8x16Shl => Bin(|a, k| int::shift(X8, a, k, sc::i8::shl)),
        O::I8x16ShrS => Bin(|a, k| int::shift(X8, a, k, sc::i8::shr_s)),
        O::I8x16ShrU => Bin(|a, k| int::shift(X8, a, k, sc::i8::shr_u)),
        O::I16x8Shl => Bin(|a, k| int::shift(X16, a, k, sc::i16::shl)),
        O::I16x8ShrS => Bin(|a, k| int::shift(X16, a, k, sc::i16::shr_s)),
        O::I16x8ShrU => Bin(|a, k| int::shift(X16, a, k, sc::i16::shr_u)),
        O::I32x4Shl => Bin(|a, k| int::shift(X32, a, k, sc::i32::shl)),
        O::I32x4ShrS => Bin(|a, k| int::shift(X32, a, k, sc::i32::shr_s)),
        O::I32x4ShrU => Bin(|a, k| int::shift(X32, a, k, sc::i32::shr_u)),
        O::I64x2Shl => Bin(|a, k| int::shift(X64, a, k, sc::i64::shl)),
        O::I64x2ShrS => Bin(|a, k| int::shift(X64, a, k, sc::i64::shr_s)),
        O::I64x2ShrU => Bin(|a, k| int::shift(X64, a, k, sc::i64::shr_u)),

        // ---- comparisons
        O::I8x16Eq => Bin(|a, b| int::compare(X8, a, b, sc::i8::eq)),
        O::I8x16Ne => Bin(|a, b| int::compare(X8, a, b, sc::i8::ne)),
        O::I8x16LtS => Bin(|a, b| int::compare(X8, a, b, sc::i8::lt_s)),
        O::I8x16LtU => Bin(|a, b| int::compare(X8, a, b, sc::i8::lt_u)),
        O::I8x16GtS => Bin(|a, b| int::compare(X8, a, b, sc::i8::gt_s)),
        O::I8x16GtU => Bin(|a, b| int::compare(X8, a, b, sc::i8::gt_u)),
        O::I8x16LeS => Bin(|a, b| int::compare(X8, a, b, sc::i8::le_s)),
        O::I8x16LeU => Bin(|a, b| int::compare(X8, a, b, sc::i8::le_u)),
        O::I8x16GeS => Bin(|a, b| int::compare(X8, a, b, sc::i8::ge_s)),
        O::I8x16GeU => Bin(|a, b| int::compare(X8, a, b, sc::i8::ge_u)),
        O::I16x8Eq => Bin(|a, b| int::compare(X16, a, b, sc::i16::eq)),
        O::I16x8Ne => Bin(|a, b| int::compare(X16, a, b, sc::i16::ne)),
        O::I16x8LtS => Bin(|a, b| int::compare(X16, a, b, sc::i16::lt_s)),
        O::I16x8LtU => Bin(|a, b| int::compare(X16, a, b, sc::i16::lt_u)),
        O::I16x8GtS => Bin(|a, b| int::compare(X16, a, b, sc::i16::gt_s)),
        O::I16x8GtU => Bin(|a, b| int::compare(X16, a, b, sc::i16::gt_u)),
        O::I16x8LeS => Bin(|a, b| int::compare(X16, a, b, sc::i16::le_s)),
        O::I16x8LeU => Bin(|a, b| int::compare(X16, a, b, sc::i16::le_u)),
        O::I16x8GeS => Bin(|a, b| int::compare(X16, a, b, sc::i16::ge_s)),
        O::I16x8GeU => Bin(|a, b| int::compare(X16, a, b, sc::i16::ge_u)),
        O::I32x4Eq => Bin(|a, b| int::compare(X32, a, b, sc::i32::eq)),
        O::I32x4Ne => Bin(|a, b| int::compare(X32, a, b, sc::i32::ne)),
        O::I32x4LtS => Bin(|a, b| int::compare(X32, a, b, sc::i32::lt_s)),
        O::I32x4LtU => Bin(|a, b| int::compare(X32, a, b, sc::i32::lt_u)),
        O::I32x4GtS => Bin(|a, b| int::compare(X32, a, b, sc::i32::gt_s)),
        O::I32x4GtU => Bin(|a, b| int::compare(X32, a, b, sc::i32::gt_u)),
        O::I32x4LeS => Bin(|a, b| int::compare(X32, a, b, sc::i32::le_s)),
        O::I32x4LeU => Bin(|a, b| int::compare(X32, a, b, sc::i32::le_u)),
        O::I32x4GeS => Bin(|a, b| int::compare(X32, a, b, sc::i32::ge_s)),
        O::I32x4GeU => Bin(|a, b| int::compare(X32, a, b, sc::i32::ge_u)),
        O::I64x2Eq => Bin(|a, b| int::compare(X64, a, b, sc::i64::eq)),
        O::I64x2Ne => Bin(|a, b| int::compare(X64, a, b, sc::i64::ne)),
        O::I64x2LtS => Bin(|a, b| int::compare(X64, a, b, sc::i64::lt_s)),
        O::I64x2GtS => Bin(|a, b| int::compare(X64, a, b, sc::i64::gt_s)),
        O::I64x2LeS => Bin(|a, b| int::compare(X64, a, b, sc::i64::le_s)),
        O::I64x2GeS => Bin(|a, b| int::compare(X64, a, b, sc::i64::ge_s)),

        // ---- all_true / bitmask
        O::I8x16AllTrue => Un(|a| int::all_true(X8, a)),
        O::I16x8AllTrue => Un(|a| int::all_true(X16, a)),
        O::I32x4AllTrue => Un(|a| int::all_true(X32, a)),
        O::I64x2AllTrue => Un(|a| int::all_true(X64, a)),
        O::I8x16Bitmask => Un(|a| int::bitmask(X8, a)),
        O::I16x8Bitmask => Un(|a| int::bitmask(X16, a)),
        O::I32x4Bitmask => Un(|a| int::bitmask(X32, a)),
        O::I64x2Bitmask => Un(|a| int::bitmask(X64, a)),

        // ---- narrow / extend
        O::I8x16NarrowI16x8S => Bin(|a, b| int::narrow(X16, S, a, b)),
        O::I8x16NarrowI16x8U => Bin(|a, b| int::narrow(X16, Z, a, b)),
        O::I16x8NarrowI32x4S => Bin(|a, b| int::narrow(X32, S, a, b)),
        O::I16x8NarrowI32x4U => Bin(|a, b| int::narrow(X32, Z, a, b)),
        O::I16x8ExtendLowI8x16S => Un(|a| int::extend_half(X8, S, false, a)),
        O::I16x8ExtendHighI8x16S => Un(|a| int::extend_half(X8, S, true, a)),
        O::I16x8ExtendLowI8x16U => Un(|a| int::extend_half(X8, Z, false, a)),
        O::I16x8ExtendHighI8x16U => Un(|a| int::extend_half(X8, Z, true, a)),
        O::I32x4ExtendLowI16x8S => Un(|a| int::extend_half(X16, S, false, a)),
        O::I32x4ExtendHighI16x8S => Un(|a| int::extend_half(X16, S, true, a)),
        O::I32x4ExtendLowI16x8U => Un(|a| int::extend_half(X16, Z, false, a)),
        O::I32x4ExtendHighI16x8U => Un(|a| int::extend_half(X16, Z, true, a)),
        O::I64x2ExtendLowI32x4S => Un(|a| int::extend_half(X32, S, false, a)),
        O::I64x2ExtendHighI32x4S => Un(|a| int::extend_half(X32, S, true, a)),
        O::I64x2ExtendLowI32x4U => Un(|a| int::extend_half(X32, Z, false, a)),
        O::I64x2ExtendHighI32x4U => Un(|a| int::extend_half(X32, Z, true, a)),

        // ---- extending multiplies, pairwise adds, dot product
        O::I16x8ExtMulLowI8x16S => Bin(|a, b| int::extmul(X8, S, false, a, b, sc::i16::mul)),
        O::I16x8ExtMulHighI8x16S => Bin(|a, b| int::extmul(X8, S, true, a, b, sc::i16::mul)),
        O::I16x8ExtMulLowI8x16U => Bin(|a, b| int::extmul(X8, Z, false, a, b, sc::i16::mul)),
        O::I16x8ExtMulHighI8x16U => Bin(|a, b| int::extmul(X8, Z, true, a, b, sc::i16::mul)),
        O::I32x4ExtMulLowI16x8S => Bin(|a, b| int::extmul(X16, S, false, a, b, sc::i32::mul)),
        O::I32x4ExtMulHighI16x8S => Bin(|a, b| int::extmul(X16, S, true, a, b, sc::i32::mul)),
        O::I32x4ExtMulLowI16x8U => Bin(|a, b| int::extmul(X16, Z, false, a, b, sc::i32::mul)),
        O::I32x4ExtMulHighI16x8U => Bin(|a, b| int::extmul(X16, Z, true, a, b, sc::i32::mul)),
        O::I64x2ExtMulLowI32x4S => Bin(|a, b| int::extmul(X32, S, false, a, b, sc::i64::mul)),
        O::I64x2ExtMulHighI32x4S => Bin(|a, b| int::extmul(X32, S, true, a, b, sc::i64::mul)),
        O::I64x2ExtMulLowI32x4U => Bin(|a, b| int::extmul(X32, Z, false, a, b, sc::i64::mul)),
        O::I64x2ExtMulHighI32x4U => Bin(|a, b| int::extmul(X32, Z, true, a, b, sc::i64::mul)),
        O::I16x8ExtAddPairwiseI8x16S => Un(|a| int::extadd_pairwise(X8, S, a)),
        O::I16x8ExtAddPairwiseI8x16U => Un(|a| int::extadd_pairwise(X8, Z, a)),
        O::I32x4ExtAddPairwiseI16x8S => Un(|a| int::extadd_pairwise(X16, S, a)),
        O::I32x4ExtAddPairwiseI16x8U => Un(|a| int::extadd_pairwise(X16, Z, a)),
        O::I32x4DotI16x8S => Bin(int::dot_i16x8_s),
        _ => return None,
    };
    Some(f)
}

/// Float lane arithmetic, comparisons and the vector conversions.
fn float_op(op: &O) -> Option<NumericFn> {
    use NumericFn::{Bin, Un};
    let f = match *op {
        // ---- arithmetic: the scalar definitions per lane
        O::F32x4Add => Bin(|a, b| X32.zip(a, b, sc::f32::add)),
        O::F32x4Sub => Bin(|a, b| X32.zip(a, b, sc::f32::sub)),
        O::F32x4Mul => Bin(|a, b| X32.zip(a, b, sc::f32::mul)),
        O::F32x4Div => Bin(|a, b| X32.zip(a, b, sc::f32::div)),
        O::F32x4Min | O::F32x4RelaxedMin => Bin(|a, b| X32.zip(a, b, sc::f32::min)),
        O::F32x4Max | O::F32x4RelaxedMax => Bin(|a, b| X32.zip(a, b, sc::f32::max)),
        O::F32x4PMin => Bin(|a, b| float::pmin(X32, a, b, sc::f32::lt)),
        O::F32x4PMax => Bin(|a, b| float::pmax(X32, a, b, sc::f32::lt)),
        O::F32x4Sqrt => Un(|a| X32.map(a, sc::f32::sqrt)),
        O::F32x4Ceil => Un(|a| X32.map(a, sc::f32::ceil)),
        O::F32x4Floor => Un(|a| X32.map(a, sc::f32::floor)),
        O::F32x4Trunc => Un(|a| X32.map(a, sc::f32::trunc)),
        O::F32x4Nearest => Un(|a| X32.map(a, sc::f32::nearest)),
        O::F32x4Abs => Un(|a| X32.map(a, sc::f32::abs)),
        O::F32x4Neg => Un(|a| X32.map(a, sc::f32::neg)),
        O::F64x2Add => Bin(|a, b| X64.zip(a, b, sc::f64::add)),
        O::F64x2Sub => Bin(|a, b| X64.zip(a, b, sc::f64::sub)),
        O::F64x2Mul => Bin(|a, b| X64.zip(a, b, sc::f64::mul)),
        O::F64x2Div => Bin(|a, b| X64.zip(a, b, sc::f64::div)),
        O::F64x2Min | O::F64x2RelaxedMin => Bin(|a, b| X64.zip(a, b, sc::f64::min)),
        O::F64x2Max | O::F64x2RelaxedMax => Bin(|a, b| X64.zip(a, b, sc::f64::max)),
        O::F64x2PMin => Bin(|a, b| float::pmin(X64, a, b, sc::f64::lt)),
        O::F64x2PMax => Bin(|a, b| float::pmax(X64, a, b, sc::f64::lt)),
        O::F64x2Sqrt => Un(|a| X64.map(a, sc::f64::sqrt)),
        O::F64x2Ceil => Un(|a| X64.map(a, sc::f64::ceil)),
        O::F64x2Floor => Un(|a| X64.map(a, sc::f64::floor)),
        O::F64x2Trunc => Un(|a| X64.map(a, sc::f64::trunc)),
        O::F64x2Nearest => Un(|a| X64.map(a, sc::f64::nearest)),
        O::F64x2Abs => Un(|a| X64.map(a, sc::f64::abs)),
        O::F64x2Neg => Un(|a| X64.map(a, sc::f64::neg)),

        // ---- comparisons
        O::F32x4Eq => Bin(|a, b| float::compare(X32, a, b, sc::f32::eq)),
        O::F32x4Ne => Bin(|a, b| float::compare(X32, a, b, sc::f32::ne)),
        O::F32x4Lt => Bin(|a, b| float::compare(X32, a, b, sc::f32::lt)),
        O::F32x4Gt => Bin(|a, b| float::compare(X32, a, b, sc::f32::gt)),
        O::F32x4Le => Bin(|a, b| float::compare(X32, a, b, sc::f32::le)),
        O::F32x4Ge => Bin(|a, b| float::compare(X32, a, b, sc::f32::ge)),
        O::F64x2Eq => Bin(|a, b| float::compare(X64, a, b, sc::f64::eq)),
        O::F64x2Ne => Bin(|a, b| float::compare(X64, a, b, sc::f64::ne)),
        O::F64x2Lt => Bin(|a, b| float::compare(X64, a, b, sc::f64::lt)),
        O::F64x2Gt => Bin(|a, b| float::compare(X64, a, b, sc::f64::gt)),
        O::F64x2Le => Bin(|a, b| float::compare(X64, a, b, sc::f64::le)),
        O::F64x2Ge => Bin(|a, b| float::compare(X64, a, b, sc::f64::ge)),

        // ---- conversions (relaxed truncations = the saturating ones)
        O::I32x4TruncSatF32x4S | O::I32x4RelaxedTruncF32x4S => {
            Un(|a| float::convert_x32(a, sc::convert::i32_trunc_sat_f32_s))
        }
        O::I32x4TruncSatF32x4U | O::I32x4RelaxedTruncF32x4U => {
            Un(|a| float::convert_x32(a, sc::convert::i32_trunc_sat_f32_u))
        }
        O::I32x4TruncSatF64x2SZero | O::I32x4RelaxedTruncF64x2SZero => {
            Un(|a| float::convert_x64_to_low_x32(a, sc::convert::i32_trunc_sat_f64_s))
        }
        O::I32x4TruncSatF64x2UZero | O::I32x4RelaxedTruncF64x2UZero => {
            Un(|a| float::convert_x64_to_low_x32(a, sc::convert::i32_trunc_sat_f64_u))
        }
        O::F32x4ConvertI32x4S => Un(|a| float::convert_x32(a, sc::convert::f32_convert_i32_s)),
        O::F32x4ConvertI32x4U => Un(|a| float::convert_x32(a, sc::convert::f32_convert_i32_u)),
        O::F64x2ConvertLowI32x4S => {
            Un(|a| float::convert_low_x32_to_x64(a, sc::convert::f64_convert_i32_s))
        }
        O::F64x2ConvertLowI32x4U => {
            Un(|a| float::convert_low_x32_to_x64(a, sc::convert::f64_convert_i32_u))
        }
        O::F32x4DemoteF64x2Zero => {
            Un(|a| float::convert_x64_to_low_x32(a, sc::convert::f32_demote_f64))
        }
        O::F64x2PromoteLowF32x4 => {
            Un(|a| float::convert_low_x32_to_x64(a, sc::convert::f64_promote_f32))
        }
        _ => return None,
    };
    Some(f)
}

/// Relaxed SIMD operators without a shared row above (see [`relaxed`] for the choices).
fn relaxed_op(op: &O) -> Option<NumericFn> {
    use NumericFn::{Bin, Tern};
    let f = match *op {
        O::F32x4RelaxedMadd => {
            Tern(|a, b, c| relaxed::madd(X32, a, b, c, sc::f32::mul, sc::f32::add))
        }
        O::F64x2RelaxedMadd => {
            Tern(|a, b, c| relaxed::madd(X64, a, b, c, sc::f64::mul, sc::f64::add))
        }
        O::F32x4RelaxedNmadd => {
            Tern(|a, b, c| relaxed::nmadd(X32, a, b, c, sc::f32::mul, sc::f32::neg, sc::f32::add))
        }
        O::F64x2RelaxedNmadd => {
            Tern(|a, b, c| relaxed::nmadd(X64, a, b, c, sc::f64::mul, sc::f64::neg, sc::f64::add))
        }
        O::I8x16RelaxedLaneselect
        | O::I16x8RelaxedLaneselect
        | O::I32x4RelaxedLaneselect
        | O::I64x2RelaxedLaneselect => Tern(bits::bitselect),
        O::I16x8RelaxedDotI8x16I7x16S => Bin(relaxed::dot_i8x16_i7x16_s),
        O::I32x4RelaxedDotI8x16I7x16AddS => Tern(relaxed::dot_i8x16_i7x16_add_s),
        _ => return None,
    };
    Some(f)
}
