//! Which aarch64 constructors can emit instructions, as read from the pinned
//! Cranelift's ISLE and Rust sources (see verifier/src/effects.rs). Condition
//! flags are threaded between two `emit`s only across emission-free terms, so
//! a constructor wrongly classified as free would make verification unsound.

mod verify_support;

use saffron_verifier::load::Unit;
use verify_support::load_unit;

#[test]
fn aarch64_constructors_are_classified_from_their_sources() {
    let p = load_unit(Unit::Aarch64, None, &[]);
    let free = |name: &str| {
        let t = p.term_by_name(name).unwrap_or_else(|| panic!("no term {name}"));
        p.emission_free.contains(&t)
    };
    // Rust bodies that never touch `self` (immediates, fixed registers).
    for name in ["u8_into_uimm5", "u8_into_imm12", "nzcv", "cond_br_cond", "writable_zero_reg"] {
        assert!(free(name), "{name} should be emission-free");
    }
    // `pure` terms, enum variants, and internal terms built from free ones.
    for name in ["trap_code_integer_overflow", "Cond.Eq", "size_from_ty", "operand_size"] {
        assert!(free(name), "{name} should be emission-free");
    }
    // Emission itself, Rust bodies that reach the lowering context, and
    // internal terms whose rules emit.
    for name in ["emit", "put_in_reg", "temp_writable_reg", "a64_sdiv", "intmin_check", "trap_if_div_overflow"] {
        assert!(!free(name), "{name} may emit");
    }
}
