//! The numerics' value domain over the verifier's spec-language terms.
//!
//! Every operation appends one `let` binding (`w_N`) and returns its name, so
//! shared subterms are written once; [`SpecDomain::finish`] wraps a body in
//! the bindings. The text is what an ISLE `spec` says, so the Wasm side and
//! Cranelift's CLIF specs meet in one query and go through the verifier's
//! lowering, encoding, solving and replay unchanged.
//!
//! Widths are Rust types (`Bv<32>`, `Fp<64>`), as the domain traits require.
//! Floats are bitvectors in the spec language, as in Cranelift's specs.

use saffron_semantics::numerics::domain::{
    BoolOps, Domain, FloatConvert, FloatOps, IntFloatOps, IntOps, RoundMode, Types,
};
use std::cell::RefCell;
use std::rc::Rc;

/// A boolean spec term (the name of its binding, or a literal).
#[derive(Clone, Debug)]
pub struct SBool(pub Rc<str>);
/// A bitvector spec term of width `W`.
#[derive(Clone, Debug)]
pub struct Bv<const W: u32>(pub Rc<str>);
/// An IEEE float spec term of width `W` (a bitvector holding the encoding).
#[derive(Clone, Debug)]
pub struct Fp<const W: u32>(pub Rc<str>);

/// The symbolic domain: an append-only list of `let` bindings.
pub struct SpecDomain {
    bindings: RefCell<Vec<(Rc<str>, String)>>,
    /// The value a NaN-producing operation may take when the Wasm rules allow
    /// it: the implementation's float result of that width, if it has one.
    nan_witness: Option<(u32, Rc<str>)>,
    /// Choose NaNs by propagation instead (see [`SpecDomain::propagating`]).
    propagate: bool,
}

/// `#x…` literal of `width` bits (a multiple of 4 here: 32 or 64).
pub fn bv_lit(width: u32, v: u64) -> String {
    let masked = if width >= 64 { v } else { v & ((1u64 << width) - 1) };
    format!("#x{:0w$x}", masked, w = (width / 4) as usize)
}

impl SpecDomain {
    /// `nan_witness`: `(width, term)` of the float the other side returns.
    pub fn new(nan_witness: Option<(u32, &str)>) -> SpecDomain {
        SpecDomain { bindings: RefCell::new(Vec::new()), nan_witness: nan_witness.map(|(w, t)| (w, Rc::from(t))), propagate: false }
    }

    /// For a chain of operations, where the other side's final result is no
    /// witness for the NaN an intermediate operation picks: each NaN is the
    /// first NaN operand made quiet (else the positive canonical NaN), when
    /// that lies in Wasm's allowed set, else the canonical NaN. Sound like
    /// any choice in the set; it is also the refinement Cranelift's CLIF
    /// specs pick (`nans1!`/`nans2!`), so chains are compared choice for choice.
    /// A format conversion (promote, demote) picks the reference
    /// interpreter's NaN (see its `fconvert_nan`).
    pub fn propagating() -> SpecDomain {
        SpecDomain { propagate: true, ..SpecDomain::new(None) }
    }

    /// Binds `expr` to a fresh name and returns the name.
    pub fn bind(&self, expr: String) -> Rc<str> {
        let mut b = self.bindings.borrow_mut();
        let name: Rc<str> = Rc::from(format!("w_{}", b.len()));
        b.push((name.clone(), expr));
        name
    }

    /// `body` under every binding made so far.
    pub fn finish(&self, body: &str) -> String {
        let b = self.bindings.borrow();
        if b.is_empty() {
            return body.to_string();
        }
        let defs: Vec<String> = b.iter().map(|(n, e)| format!("({n} {e})")).collect();
        format!("(let ({}) {body})", defs.join(" "))
    }

    fn op(&self, head: &str, args: &[&str]) -> Rc<str> {
        self.bind(format!("({head} {})", args.join(" ")))
    }
}

impl BoolOps for SpecDomain {
    type Bool = SBool;
    fn bool_lit(&self, b: bool) -> SBool {
        SBool(Rc::from(if b { "true" } else { "false" }))
    }
    fn bnot(&self, a: &SBool) -> SBool {
        SBool(self.op("not", &[&a.0]))
    }
    fn band(&self, a: &SBool, b: &SBool) -> SBool {
        SBool(self.op("and", &[&a.0, &b.0]))
    }
    fn bor(&self, a: &SBool, b: &SBool) -> SBool {
        SBool(self.op("or", &[&a.0, &b.0]))
    }
}

impl<const W: u32> IntOps<Bv<W>> for SpecDomain {
    const WIDTH: u32 = W;
    fn lit(&self, v: u64) -> Bv<W> {
        Bv(Rc::from(bv_lit(W, v)))
    }
    fn select(&self, c: &SBool, a: &Bv<W>, b: &Bv<W>) -> Bv<W> {
        Bv(self.op("if", &[&c.0, &a.0, &b.0]))
    }
    fn add(&self, a: &Bv<W>, b: &Bv<W>) -> Bv<W> {
        Bv(self.op("bvadd", &[&a.0, &b.0]))
    }
    fn sub(&self, a: &Bv<W>, b: &Bv<W>) -> Bv<W> {
        Bv(self.op("bvsub", &[&a.0, &b.0]))
    }
    fn mul(&self, a: &Bv<W>, b: &Bv<W>) -> Bv<W> {
        Bv(self.op("bvmul", &[&a.0, &b.0]))
    }
    fn udiv(&self, a: &Bv<W>, b: &Bv<W>) -> Bv<W> {
        Bv(self.op("bvudiv", &[&a.0, &b.0]))
    }
    fn urem(&self, a: &Bv<W>, b: &Bv<W>) -> Bv<W> {
        Bv(self.op("bvurem", &[&a.0, &b.0]))
    }
    fn sdiv(&self, a: &Bv<W>, b: &Bv<W>) -> Bv<W> {
        Bv(self.op("bvsdiv", &[&a.0, &b.0]))
    }
    fn srem(&self, a: &Bv<W>, b: &Bv<W>) -> Bv<W> {
        Bv(self.op("bvsrem", &[&a.0, &b.0]))
    }
    fn and(&self, a: &Bv<W>, b: &Bv<W>) -> Bv<W> {
        Bv(self.op("bvand", &[&a.0, &b.0]))
    }
    fn or(&self, a: &Bv<W>, b: &Bv<W>) -> Bv<W> {
        Bv(self.op("bvor", &[&a.0, &b.0]))
    }
    fn xor(&self, a: &Bv<W>, b: &Bv<W>) -> Bv<W> {
        Bv(self.op("bvxor", &[&a.0, &b.0]))
    }
    fn not(&self, a: &Bv<W>) -> Bv<W> {
        Bv(self.op("bvnot", &[&a.0]))
    }
    fn shl(&self, a: &Bv<W>, k: &Bv<W>) -> Bv<W> {
        Bv(self.op("bvshl", &[&a.0, &k.0]))
    }
    fn lshr(&self, a: &Bv<W>, k: &Bv<W>) -> Bv<W> {
        Bv(self.op("bvlshr", &[&a.0, &k.0]))
    }
    fn ashr(&self, a: &Bv<W>, k: &Bv<W>) -> Bv<W> {
        Bv(self.op("bvashr", &[&a.0, &k.0]))
    }
    fn rotl(&self, a: &Bv<W>, k: &Bv<W>) -> Bv<W> {
        Bv(self.op("rotl", &[&a.0, &k.0]))
    }
    fn rotr(&self, a: &Bv<W>, k: &Bv<W>) -> Bv<W> {
        Bv(self.op("rotr", &[&a.0, &k.0]))
    }
    fn clz(&self, a: &Bv<W>) -> Bv<W> {
        Bv(self.op("clz", &[&a.0]))
    }
    fn ctz(&self, a: &Bv<W>) -> Bv<W> {
        // Trailing zeros are the leading zeros of the bit reversal.
        let r = self.op("rev", &[&a.0]);
        Bv(self.op("clz", &[&r]))
    }
    fn popcnt(&self, a: &Bv<W>) -> Bv<W> {
        Bv(self.op("popcnt", &[&a.0]))
    }
    fn sext_low(&self, a: &Bv<W>, bits: u32) -> Bv<W> {
        if bits >= W {
            return a.clone();
        }
        let low = self.bind(format!("(extract {} 0 {})", bits - 1, a.0));
        Bv(self.bind(format!("(sign_ext {W} {low})")))
    }
    fn eq(&self, a: &Bv<W>, b: &Bv<W>) -> SBool {
        SBool(self.op("=", &[&a.0, &b.0]))
    }
    fn ult(&self, a: &Bv<W>, b: &Bv<W>) -> SBool {
        SBool(self.op("bvult", &[&a.0, &b.0]))
    }
    fn ule(&self, a: &Bv<W>, b: &Bv<W>) -> SBool {
        SBool(self.op("bvule", &[&a.0, &b.0]))
    }
    fn slt(&self, a: &Bv<W>, b: &Bv<W>) -> SBool {
        SBool(self.op("bvslt", &[&a.0, &b.0]))
    }
    fn sle(&self, a: &Bv<W>, b: &Bv<W>) -> SBool {
        SBool(self.op("bvsle", &[&a.0, &b.0]))
    }
}

/// Exponent and significand widths of the IEEE binary formats used here.
const fn float_format(w: u32) -> (u32, u32) {
    if w == 32 {
        (8, 23)
    } else {
        (11, 52)
    }
}

/// The positive canonical NaN of width `w`.
fn canonical_nan(w: u32) -> String {
    let m = float_format(w).1;
    bv_lit(w, (((1u64 << float_format(w).0) - 1) << m) | (1u64 << (m - 1)))
}

impl SpecDomain {
    /// `r` if it is a NaN in Wasm's allowed set (canonical, or arithmetic
    /// when `arithmetic_allowed`), else the positive canonical NaN.
    fn nan_in_set<const W: u32>(&self, r: &str, arithmetic_allowed: &SBool) -> Fp<W> {
        let r_nan = SBool(self.op("fp.isNaN", &[r]));
        let r_canon = self.is_canonical_payload::<W>(r);
        let r_quiet = self.quiet_bit_set::<W>(r);
        let arith = self.band(&r_quiet, arithmetic_allowed);
        let in_set = self.bor(&r_canon, &arith);
        let allowed = self.band(&r_nan, &in_set);
        Fp(self.op("if", &[&allowed.0, r, &canonical_nan(W)]))
    }

    /// The NaN bits of `a` past the quiet bit are zero and the quiet bit is set.
    fn is_canonical_payload<const W: u32>(&self, a: &str) -> SBool {
        let m = float_format(W).1;
        let payload = self.bind(format!("(extract {} 0 {a})", m - 1));
        SBool(self.op("=", &[&payload, &bv_lit_bits(m, 1u64 << (m - 1))]))
    }
    fn quiet_bit_set<const W: u32>(&self, a: &str) -> SBool {
        let m = float_format(W).1;
        let q = self.bind(format!("(extract {} {} {a})", m - 1, m - 1));
        SBool(self.op("=", &[&q, "#b1"]))
    }
}

/// A literal of any width given in binary when it is not a multiple of 4.
fn bv_lit_bits(width: u32, v: u64) -> String {
    if width % 4 == 0 {
        bv_lit(width, v)
    } else {
        format!("#b{:0w$b}", v & ((1u64 << width) - 1), w = width as usize)
    }
}

impl<const W: u32> FloatOps<Fp<W>> for SpecDomain {
    type Bits = Bv<W>;
    const WIDTH: u32 = W;
    const EXP_BITS: u32 = float_format(W).0;
    const MANT_BITS: u32 = float_format(W).1;

    fn to_bits(&self, a: &Fp<W>) -> Bv<W> {
        Bv(a.0.clone())
    }
    fn from_bits(&self, a: &Bv<W>) -> Fp<W> {
        Fp(a.0.clone())
    }
    fn flit(&self, bits: u64) -> Fp<W> {
        Fp(Rc::from(bv_lit(W, bits)))
    }
    fn fselect(&self, c: &SBool, a: &Fp<W>, b: &Fp<W>) -> Fp<W> {
        Fp(self.op("if", &[&c.0, &a.0, &b.0]))
    }
    fn fadd(&self, a: &Fp<W>, b: &Fp<W>) -> Fp<W> {
        Fp(self.op("fp.add", &[&a.0, &b.0]))
    }
    fn fsub(&self, a: &Fp<W>, b: &Fp<W>) -> Fp<W> {
        Fp(self.op("fp.sub", &[&a.0, &b.0]))
    }
    fn fmul(&self, a: &Fp<W>, b: &Fp<W>) -> Fp<W> {
        Fp(self.op("fp.mul", &[&a.0, &b.0]))
    }
    fn fdiv(&self, a: &Fp<W>, b: &Fp<W>) -> Fp<W> {
        Fp(self.op("fp.div", &[&a.0, &b.0]))
    }
    fn fsqrt(&self, a: &Fp<W>) -> Fp<W> {
        Fp(self.op("fp.sqrt", &[&a.0]))
    }
    fn fround(&self, a: &Fp<W>, mode: RoundMode) -> Fp<W> {
        let head = match mode {
            RoundMode::NearestEven => "fp.nearest",
            RoundMode::TowardPositive => "fp.ceil",
            RoundMode::TowardNegative => "fp.floor",
            RoundMode::TowardZero => "fp.trunc",
        };
        Fp(self.op(head, &[&a.0]))
    }
    fn fis_nan(&self, a: &Fp<W>) -> SBool {
        SBool(self.op("fp.isNaN", &[&a.0]))
    }
    fn fis_zero(&self, a: &Fp<W>) -> SBool {
        SBool(self.op("fp.isZero", &[&a.0]))
    }
    fn fis_negative(&self, a: &Fp<W>) -> SBool {
        // The sign bit, also of NaNs (SMT's fp.isNegative is false on NaN).
        let s = self.bind(format!("(extract {} {} {})", W - 1, W - 1, a.0));
        SBool(self.op("=", &[&s, "#b1"]))
    }
    fn feq(&self, a: &Fp<W>, b: &Fp<W>) -> SBool {
        SBool(self.op("fp.eq", &[&a.0, &b.0]))
    }
    fn flt(&self, a: &Fp<W>, b: &Fp<W>) -> SBool {
        SBool(self.op("fp.lt", &[&a.0, &b.0]))
    }
    fn fle(&self, a: &Fp<W>, b: &Fp<W>) -> SBool {
        SBool(self.op("fp.le", &[&a.0, &b.0]))
    }

    fn fis_noncanonical_nan(&self, a: &Fp<W>) -> SBool {
        let nan = FloatOps::<Fp<W>>::fis_nan(self, a);
        let canon = self.is_canonical_payload::<W>(&a.0);
        let noncanonical = self.bnot(&canon);
        self.band(&nan, &noncanonical)
    }

    /// The allowed set is a canonical NaN (either sign), or any arithmetic NaN
    /// when `arithmetic_allowed`. The result is the other side's float when
    /// that lies in the set (a witness for the existential choice), else the
    /// positive canonical NaN: sound, since a proof with one allowed choice
    /// proves that some allowed choice agrees.
    fn fnan_allowed(&self, arithmetic_allowed: &SBool) -> Fp<W> {
        match self.nan_witness.clone().filter(|(w, _)| *w == W) {
            Some((_, r)) => self.nan_in_set::<W>(&r, arithmetic_allowed),
            None => Fp(Rc::from(canonical_nan(W))),
        }
    }

    fn fnan_result(&self, operands: &[&Fp<W>]) -> Fp<W> {
        let mut any = self.bool_lit(false);
        for op in operands {
            any = self.bor(&any, &self.fis_noncanonical_nan(op));
        }
        if !self.propagate {
            return self.fnan_allowed(&any);
        }
        let quiet = bv_lit(W, 1u64 << (float_format(W).1 - 1));
        let mut candidate: Rc<str> = Rc::from(canonical_nan(W));
        for op in operands.iter().rev() {
            let is_nan = FloatOps::<Fp<W>>::fis_nan(self, op);
            let quieted = self.op("bvor", &[&op.0, &quiet]);
            candidate = self.op("if", &[&is_nan.0, &quieted, &candidate]);
        }
        self.nan_in_set::<W>(&candidate, &any)
    }
}

impl<const I: u32, const F: u32> IntFloatOps<Bv<I>, Fp<F>> for SpecDomain {
    fn sint_to_float(&self, a: &Bv<I>) -> Fp<F> {
        Fp(self.bind(format!("(to_fp {F} {})", a.0)))
    }
    fn uint_to_float(&self, a: &Bv<I>) -> Fp<F> {
        Fp(self.bind(format!("(to_fp_unsigned {F} {})", a.0)))
    }
    fn float_to_sint(&self, a: &Fp<F>) -> Bv<I> {
        Bv(self.bind(format!("(fp.to_sbv {I} {})", a.0)))
    }
    fn float_to_uint(&self, a: &Fp<F>) -> Bv<I> {
        Bv(self.bind(format!("(fp.to_ubv {I} {})", a.0)))
    }
}

impl<const A: u32, const B: u32> FloatConvert<Fp<A>, Fp<B>> for SpecDomain {
    fn fconvert(&self, a: &Fp<A>) -> Fp<B> {
        Fp(self.bind(format!("(to_fp_from_fp {B} {})", a.0)))
    }

    /// With propagation, the NaN the reference interpreter returns: `a`'s
    /// sign and the top bits of its payload (padded with zeros when the
    /// target is wider), quiet bit set -- the refinement CLIF's `fpromote` and
    /// `fdemote` specs pick, so a conversion inside a chain is compared choice
    /// for choice. It lies in the allowed set (a canonical input gives a
    /// canonical NaN, any other an arithmetic one); the set check keeps that
    /// from being an assumption. Otherwise the witness, as for arithmetic.
    fn fconvert_nan(&self, a: &Fp<A>, arithmetic_allowed: &SBool) -> Fp<B> {
        if !self.propagate {
            return FloatOps::<Fp<B>>::fnan_allowed(self, arithmetic_allowed);
        }
        let (exp_b, frac_b) = float_format(B);
        let frac_a = float_format(A).1;
        let sign = self.bind(format!("(extract {} {} {})", A - 1, A - 1, a.0));
        let payload: Rc<str> = if frac_a >= frac_b {
            self.bind(format!("(extract {} {} {})", frac_a - 1, frac_a - frac_b, a.0))
        } else {
            let top = self.bind(format!("(extract {} 0 {})", frac_a - 1, a.0));
            self.op("concat", &[&top, &bv_lit_bits(frac_b - frac_a, 0)])
        };
        let sign_and_exponent = self.op("concat", &[&sign, &bv_lit_bits(exp_b, 0)]);
        let fields = self.op("concat", &[&sign_and_exponent, &payload]);
        let candidate = self.op("bvor", &[&canonical_nan(B), &fields]);
        self.nan_in_set::<B>(&candidate, arithmetic_allowed)
    }
}

impl Types for SpecDomain {
    type I32 = Bv<32>;
    type I64 = Bv<64>;
    type F32 = Fp<32>;
    type F64 = Fp<64>;
}

impl Domain for SpecDomain {
    fn wrap_64_32(&self, a: &Bv<64>) -> Bv<32> {
        Bv(self.bind(format!("(extract 31 0 {})", a.0)))
    }
    fn zext_32_64(&self, a: &Bv<32>) -> Bv<64> {
        Bv(self.bind(format!("(zero_ext 64 {})", a.0)))
    }
    fn sext_32_64(&self, a: &Bv<32>) -> Bv<64> {
        Bv(self.bind(format!("(sign_ext 64 {})", a.0)))
    }
}
