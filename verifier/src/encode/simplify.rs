//! Z3's simplifier, called so that it cannot panic.
//!
//! Why not the z3 crate's `simplify`: when the solver race (`solve/race.rs`)
//! interrupts a context, an interrupt that arrives as a check ends can stay
//! pending, and the next `Z3_simplify` on that context returns null, which
//! the crate unwraps (a panic, reported as an `error` outcome only on some
//! runs). Here null just means "nothing learned", and the caller takes its
//! general path.

use z3::ast::Ast;

/// Runs `inspect` on the simplified form of `a`, or returns `None` when Z3
/// gives no simplified form.
pub(crate) fn inspect_simplified<R>(a: &impl Ast, inspect: impl FnOnce(z3_sys::Z3_context, z3_sys::Z3_ast) -> R) -> Option<R> {
    let ctx = a.get_ctx().get_z3_context();
    // SAFETY: `a` is a live AST of `ctx`; the result is checked for null and
    // held by a reference count while `inspect` looks at it.
    unsafe {
        let simplified = z3_sys::Z3_simplify(ctx, a.get_z3_ast())?;
        z3_sys::Z3_inc_ref(ctx, simplified);
        let r = inspect(ctx, simplified);
        z3_sys::Z3_dec_ref(ctx, simplified);
        Some(r)
    }
}

/// The value of `a` when the simplifier folds it to a numeral of at most 64 bits.
pub(crate) fn constant_u64(a: &z3::ast::BV) -> Option<u64> {
    inspect_simplified(a, |ctx, s| {
        let mut v = 0u64;
        // SAFETY: `s` is a live, referenced AST of `ctx`.
        unsafe { z3_sys::Z3_get_numeral_uint64(ctx, s, &mut v) }.then_some(v)
    })
    .flatten()
}

/// Whether the simplifier reduces `b` to `true`.
pub(crate) fn simplifies_to_true(b: &z3::ast::Bool) -> bool {
    // SAFETY: `s` is a live, referenced AST of `ctx`.
    inspect_simplified(b, |ctx, s| unsafe { z3_sys::Z3_get_bool_value(ctx, s) } == z3_sys::Z3_L_TRUE).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use z3::ast::BV;

    #[test]
    fn folds_constants_and_leaves_variables_alone() {
        let x = BV::new_const("x", 8);
        let five = BV::from_u64(2, 8).bvadd(&BV::from_u64(3, 8));
        assert_eq!(constant_u64(&five), Some(5));
        assert_eq!(constant_u64(&x), None);
        assert!(simplifies_to_true(&x.eq(&x)));
        assert!(!simplifies_to_true(&x.eq(&five)));
    }
}
