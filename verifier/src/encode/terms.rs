//! Small Z3 term constructors the encoder and its normal forms share:
//! constants, IEEE conversions, saturated shift amounts, bit counts.

use super::types::Term;
use crate::ir::Sort;
use crate::ir::float::float_format;
use crate::ir::Value;
use z3::ast::{Ast, Bool, Float, Int, RoundingMode, BV};

pub(crate) fn sort_of(v: &Value) -> Sort {
    match v {
        Value::Bool(_) => Sort::Bool,
        Value::Int(_) => Sort::Int,
        Value::Bv(b) => Sort::BitVec(b.width()),
    }
}

pub(crate) fn const_term(v: &Value) -> Term {
    match v {
        Value::Bool(b) => Term::Bool(Bool::from_bool(*b)),
        Value::Int(i) => Term::Int(Int::from_i128(*i)),
        Value::Bv(b) => Term::Bv(match b.to_u128() {
            Some(x) => bv_const(b.width(), x),
            None => BV::from_str(b.width(), &b.to_decimal()).expect("decimal numeral"),
        }),
    }
}

pub(crate) fn var_const(index: u32, sort: Sort) -> Term {
    let name = format!("v{index}");
    match sort {
        Sort::Bool => Term::Bool(Bool::new_const(name)),
        Sort::Int => Term::Int(Int::new_const(name)),
        Sort::BitVec(w) => Term::Bv(BV::new_const(name, w)),
    }
}

pub(crate) fn sort_name(t: &Term) -> String {
    match t {
        Term::Bool(_) => "Bool".into(),
        Term::Int(_) => "Int".into(),
        Term::Bv(b) => format!("(_ BitVec {})", b.get_size()),
    }
}

pub(crate) fn bv_const(width: u32, value: u128) -> BV {
    if width <= 64 {
        BV::from_u64(value as u64, width)
    } else {
        BV::from_str(width, &value.to_string()).expect("decimal numeral")
    }
}

pub(crate) fn rne() -> RoundingMode {
    RoundingMode::round_nearest_ties_to_even()
}

/// The float denoted by IEEE bits `b` (`(_ to_fp e s)` applied to a bitvector).
pub(crate) fn fp_of_bits(b: &BV) -> Result<Float, String> {
    let (e, s) = float_format(b.get_size())
        .ok_or_else(|| format!("no float format of width {}", b.get_size()))?;
    let sort = z3::Sort::float(e, s);
    let ctx = b.get_ctx();
    unsafe {
        let raw = z3_sys::Z3_mk_fpa_to_fp_bv(ctx.get_z3_context(), b.get_z3_ast(), sort.get_z3_sort())
            .ok_or("Z3_mk_fpa_to_fp_bv failed")?;
        Ok(Float::wrap(ctx, raw))
    }
}

/// (Un)signed bitvector to float of `width` bits, rounding to nearest even.
pub(crate) fn fp_of_int_bits(b: &BV, signed: bool, width: u32) -> Result<Float, String> {
    let (e, s) = float_format(width).ok_or_else(|| format!("no float format of width {width}"))?;
    let sort = z3::Sort::float(e, s);
    let ctx = b.get_ctx();
    let rm = rne();
    unsafe {
        let f = if signed {
            z3_sys::Z3_mk_fpa_to_fp_signed
        } else {
            z3_sys::Z3_mk_fpa_to_fp_unsigned
        };
        let raw = f(ctx.get_z3_context(), rm.get_z3_ast(), b.get_z3_ast(), sort.get_z3_sort())
            .ok_or("Z3 int-to-float conversion failed")?;
        Ok(Float::wrap(ctx, raw))
    }
}

/// Shift amount at the operand's width, saturated to `width` when it does
/// not fit (SMT-LIB shifts by >= width give 0 / all sign bits).
pub(crate) fn shift_amount(amount: &BV, width: u32) -> BV {
    let aw = amount.get_size();
    if aw == width {
        amount.clone()
    } else if aw < width {
        amount.zero_ext(width - aw)
    } else {
        let fits = amount.bvult(&bv_const(aw, width as u128));
        fits.ite(&amount.extract(width - 1, 0), &bv_const(width, u128::MAX >> (128 - width.min(128))))
    }
}

/// Number of leading zeros of `x` as a `width`-bit vector: an ite chain from
/// the most significant bit down.
pub(crate) fn clz(x: &BV) -> BV {
    let w = x.get_size();
    let mut acc = BV::from_u64(w as u64, w); // all zero
    for i in 0..w {
        // bit i set => w-1-i leading zeros (later iterations are higher bits and win)
        let bit = x.extract(i, i).eq(BV::from_u64(1, 1));
        acc = bit.ite(&BV::from_u64((w - 1 - i) as u64, w), &acc);
    }
    acc
}

/// Population count as a balanced adder tree whose partial sums are only as
/// wide as they need to be (log2 of the bits they count), zero-extended at
/// the end: far fewer adder bits than summing `w` full-width terms.
pub(crate) fn popcnt(x: &BV) -> BV {
    fn count(x: &BV, lo: u32, hi: u32) -> BV {
        // Counts bits lo..hi (exclusive); result width = bits to hold hi-lo.
        let n = hi - lo;
        if n == 1 {
            return x.extract(lo, lo);
        }
        let mid = lo + n / 2;
        let (a, b) = (count(x, lo, mid), count(x, mid, hi));
        let width = 32 - n.leading_zeros(); // bits to represent n
        let ext = |v: BV| {
            let vw = v.get_size();
            if vw < width { v.zero_ext(width - vw) } else { v }
        };
        ext(a).bvadd(&ext(b))
    }
    let w = x.get_size();
    let c = count(x, 0, w);
    let cw = c.get_size();
    if cw < w {
        c.zero_ext(w - cw)
    } else {
        c
    }
}

pub(crate) fn bit_reverse(x: &BV) -> BV {
    let w = x.get_size();
    let mut out = x.extract(0, 0);
    for i in 1..w {
        out = out.concat(&x.extract(i, i));
    }
    out
}
