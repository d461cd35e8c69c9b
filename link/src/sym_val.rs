//! Wasm values over spec terms ([`Val`] of [`SpecDomain`]): the root's
//! parameters, `select`, and a value's term. Shared by the `wasm` unit (one
//! op) and `verify --module` (a function body).

use crate::catalog::ValType;
use crate::clif_isle::Unsupported;
use crate::sym::{Bv, Fp, SBool, SpecDomain};
use saffron_semantics::numerics::domain::{BoolOps, FloatOps, IntOps};
use saffron_semantics::numerics::instr::Val;
use std::rc::Rc;

/// The root term's parameters `a0, a1, …` at their Wasm types.
pub fn params(types: &[ValType]) -> Vec<Val<SpecDomain>> {
    types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let n: Rc<str> = Rc::from(format!("a{i}"));
            match t {
                ValType::I32 => Val::I32(Bv(n)),
                ValType::I64 => Val::I64(Bv(n)),
                ValType::F32 => Val::F32(Fp(n)),
                ValType::F64 => Val::F64(Fp(n)),
            }
        })
        .collect()
}

/// Whether an `i32` condition is non-zero (Wasm's truth).
pub fn is_true(d: &SpecDomain, c: &Val<SpecDomain>) -> Result<SBool, Unsupported> {
    let Val::I32(c) = c else { return Err(Unsupported("a condition that is not an i32".into())) };
    let z = IntOps::<Bv<32>>::lit(d, 0);
    let is_zero = d.eq(c, &z);
    Ok(d.bnot(&is_zero))
}

/// `select`: `a` if `c` holds, else `b` (the exec chapter's rule).
pub fn select(d: &SpecDomain, c: &SBool, a: &Val<SpecDomain>, b: &Val<SpecDomain>) -> Result<Val<SpecDomain>, Unsupported> {
    Ok(match (a, b) {
        (Val::I32(x), Val::I32(y)) => Val::I32(d.select(c, x, y)),
        (Val::I64(x), Val::I64(y)) => Val::I64(d.select(c, x, y)),
        (Val::F32(x), Val::F32(y)) => Val::F32(d.fselect(c, x, y)),
        (Val::F64(x), Val::F64(y)) => Val::F64(d.fselect(c, x, y)),
        _ => return Err(Unsupported("select: operand types differ".into())),
    })
}

/// The spec term of a value.
pub fn term(v: &Val<SpecDomain>) -> Rc<str> {
    match v {
        Val::I32(Bv(s)) | Val::I64(Bv(s)) | Val::F32(Fp(s)) | Val::F64(Fp(s)) => s.clone(),
    }
}
