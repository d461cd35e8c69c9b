//! Floating-point arithmetic as uninterpreted functions: a sound
//! abstraction for proving.
//!
//! Bit-blasting an IEEE adder, multiplier or divider is what makes float
//! queries slow, yet a lowering rule usually computes *the same* operation on
//! both sides (CLIF's `fadd` spec and ARM's `FPAdd` both end in `fp.add x y`)
//! and only the special-case logic around it differs. Here each such
//! operation becomes an application `U(x, y)` of an uninterpreted function on
//! IEEE bit patterns, and the result is a witness `w` with
//! `w = U(x, y) or (w and U(x, y) are both NaN)`, mirroring the full
//! encoding's `to_fp(w) = fp.add(to_fp x, to_fp y)`.
//!
//! Why this is sound for proving: take any model of the full query and read
//! `U(p, q)` as "the IEEE bits of `fp.add(to_fp p, to_fp q)`" (a function;
//! NaN gets one fixed pattern). Every witness of the full model satisfies
//! the abstract witness fact, so the model is also a model of the abstract
//! query. Hence an unsat abstract query means an unsat full query. The
//! converse fails: a model of the abstraction may interpret `U` as no IEEE
//! operation does, so it is never a counterexample (the caller then runs the
//! full encoding).
//!
//! The [`lemmas`] are facts of IEEE 754 (round to nearest, ties to even) about
//! the real operation, instantiated at each application: they hold for the
//! interpretation above, so adding them keeps the abstraction sound. They
//! cover what the specs' special-case logic relies on: zero sums and their
//! signs, `0 + y = y`, `x + (-x) = +0`, NaN propagation, commutativity.

use crate::ir::float::float_format;
use crate::ir::{Expr, ExprId, FpBinOp, FpUnOp};
use std::collections::HashMap;
use z3::ast::{Ast, Bool, BV};
use z3::FuncDecl;

/// Which operation an uninterpreted function stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    Bin(FpBinOp),
    Un(FpUnOp),
    /// Integer to float; the argument is extended to [`INT_ARG_WIDTH`] bits
    /// first (the value, not its width, determines the result).
    FromInt { signed: bool },
    /// Float to float of another width.
    Convert,
}

impl Operation {
    /// The abstracted operation of `e`, if the uninterpreted encoding abstracts it.
    pub fn of(e: &Expr) -> Option<Operation> {
        match e {
            Expr::FpBin(op @ (FpBinOp::Add | FpBinOp::Sub | FpBinOp::Mul | FpBinOp::Div), ..) => Some(Operation::Bin(*op)),
            Expr::FpUn(op, _) if !matches!(op, FpUnOp::Neg | FpUnOp::Abs) => Some(Operation::Un(*op)),
            Expr::ToFp { signed, .. } => Some(Operation::FromInt { signed: *signed }),
            Expr::FpToFp { .. } => Some(Operation::Convert),
            _ => None,
        }
    }
}

/// Integer arguments of int-to-float conversions are extended to this width
/// (wider ones keep theirs), so `to_fp(x32)` and `to_fp(zero_ext 64 x32)`
/// are one function applied to equal arguments.
pub const INT_ARG_WIDTH: u32 = 64;

/// One application: the function's arguments and its (bit pattern) result.
struct Application {
    expr: ExprId,
    op: Operation,
    args: Vec<BV>,
    result: BV,
}

/// The functions and applications of one encoding.
#[derive(Default)]
pub struct Functions {
    decls: HashMap<(Operation, Vec<u32>, u32), FuncDecl>,
    applications: Vec<Application>,
}

impl Functions {
    /// How many applications of live expressions the encoding made.
    pub fn live_applications(&self, live: &[bool]) -> usize {
        self.applications.iter().filter(|a| live[a.expr.0 as usize]).count()
    }

    /// `U_op(args)` as a `width`-bit vector, the value of expression `expr`.
    pub fn apply(&mut self, expr: ExprId, op: Operation, args: &[BV], width: u32) -> BV {
        let arg_widths: Vec<u32> = args.iter().map(|a| a.get_size()).collect();
        let key = (op, arg_widths.clone(), width);
        let decl = self.decls.entry(key).or_insert_with(|| {
            let name = format!("{}_{}", op_name(op), arg_widths.iter().map(|w| w.to_string()).collect::<Vec<_>>().join("_"));
            let domain: Vec<z3::Sort> = arg_widths.iter().map(|&w| z3::Sort::bitvector(w)).collect();
            let domain_refs: Vec<&z3::Sort> = domain.iter().collect();
            FuncDecl::new(name, &domain_refs, &z3::Sort::bitvector(width))
        });
        let arg_refs: Vec<&dyn Ast> = args.iter().map(|a| a as &dyn Ast).collect();
        let result = decl.apply(&arg_refs).as_bv().expect("the function's range is a bitvector sort");
        self.applications.push(Application { expr, op, args: args.to_vec(), result: result.clone() });
        result
    }

    /// The IEEE facts about every application of a live expression (see
    /// the module comment).
    pub fn lemmas(&self, live: &[bool]) -> Vec<Bool> {
        let mut out = Vec::new();
        let applications: Vec<&Application> = self.applications.iter().filter(|a| live[a.expr.0 as usize]).collect();
        for (i, a) in applications.iter().enumerate() {
            single_lemmas(a, &mut out);
            // Commutativity, between applications of one commutative operation.
            if matches!(a.op, Operation::Bin(FpBinOp::Add | FpBinOp::Mul)) {
                for b in &applications[..i] {
                    if b.op == a.op && b.result.get_size() == a.result.get_size() {
                        let swapped = Bool::and(&[a.args[0].eq(&b.args[1]), a.args[1].eq(&b.args[0])]);
                        out.push(swapped.implies(a.result.eq(&b.result)));
                    }
                }
            }
            // Negating both operands of a product or quotient changes
            // neither the result's sign (the exclusive or of the operands'
            // signs) nor its magnitude, so not the rounded result; a NaN
            // operand stays a NaN, and NaN results are one pattern here.
            if matches!(a.op, Operation::Bin(FpBinOp::Mul | FpBinOp::Div)) {
                for b in &applications[..i] {
                    if b.op == a.op && b.result.get_size() == a.result.get_size() {
                        let (x, y) = (&a.args[0], &a.args[1]);
                        let mut cases = vec![Bool::and(&[x.eq(negated(&b.args[0])), y.eq(negated(&b.args[1]))])];
                        if a.op == Operation::Bin(FpBinOp::Mul) {
                            cases.push(Bool::and(&[x.eq(negated(&b.args[1])), y.eq(negated(&b.args[0]))]));
                        }
                        out.push(Bool::or(&cases).implies(a.result.eq(&b.result)));
                    }
                }
            }
        }
        out
    }
}

fn op_name(op: Operation) -> String {
    match op {
        Operation::Bin(b) => format!("fp_{b:?}").to_lowercase(),
        Operation::Un(u) => format!("fp_{u:?}").to_lowercase(),
        Operation::FromInt { signed: true } => "fp_from_sint".into(),
        Operation::FromInt { signed: false } => "fp_from_uint".into(),
        Operation::Convert => "fp_convert".into(),
    }
}

/// Classification of an IEEE bit pattern, in bitvector terms (exact: the
/// same predicates the floating-point theory defines on `to_fp` of it).
pub struct Bits<'a>(pub &'a BV);

impl Bits<'_> {
    fn parts(&self) -> (BV, BV) {
        let w = self.0.get_size();
        let (_, s) = float_format(w).expect("float width checked by the encoder");
        let m = s - 1;
        (self.0.extract(w - 2, m), self.0.extract(m - 1, 0))
    }
    pub fn is_nan(&self) -> Bool {
        let (e, m) = self.parts();
        Bool::and(&[all_ones(&e), m.eq(BV::from_u64(0, m.get_size())).not()])
    }
    pub fn is_infinite(&self) -> Bool {
        let (e, m) = self.parts();
        Bool::and(&[all_ones(&e), m.eq(BV::from_u64(0, m.get_size()))])
    }
    pub fn is_zero(&self) -> Bool {
        let w = self.0.get_size();
        self.0.extract(w - 2, 0).eq(BV::from_u64(0, w - 1))
    }
    /// The sign bit (the floating-point theory's `isNegative` also requires "not NaN").
    pub fn sign(&self) -> Bool {
        let w = self.0.get_size();
        self.0.extract(w - 1, w - 1).eq(BV::from_u64(1, 1))
    }
    pub fn is_negative(&self) -> Bool {
        Bool::and(&[self.sign(), self.is_nan().not()])
    }
    pub fn is_positive(&self) -> Bool {
        Bool::and(&[self.sign().not(), self.is_nan().not()])
    }
    fn is_finite_nonzero(&self) -> Bool {
        let (e, _) = self.parts();
        Bool::and(&[all_ones(&e).not(), self.is_zero().not()])
    }
}

fn all_ones(e: &BV) -> Bool {
    e.eq(BV::from_u64(0, e.get_size()).bvnot())
}

/// `to_fp(a) = to_fp(b)` (structural float equality) on bit patterns.
pub fn same_float(a: &BV, b: &BV) -> Bool {
    Bool::or(&[a.eq(b), Bool::and(&[Bits(a).is_nan(), Bits(b).is_nan()])])
}

fn negated(x: &BV) -> BV {
    let w = x.get_size();
    x.bvxor(BV::from_u64(1, 1).concat(&BV::from_u64(0, w - 1)))
}

fn single_lemmas(a: &Application, out: &mut Vec<Bool>) {
    let r = &a.result;
    let op = match a.op {
        Operation::Bin(op) => op,
        Operation::Un(op) => return unary_lemmas(op, &a.args[0], r, out),
        Operation::Convert => {
            // Converting between formats gives NaN exactly for NaN.
            out.push(Bits(r).is_nan().eq(&Bits(&a.args[0]).is_nan()));
            return;
        }
        Operation::FromInt { signed } => return from_int_lemmas(signed, &a.args[0], r, out),
    };
    let (x, y) = (&a.args[0], &a.args[1]);
    let (bx, by) = (Bits(x), Bits(y));
    // The result is NaN exactly when an operand is NaN or the operation is
    // invalid (IEEE 754 7.2): inf - inf, 0 * inf, 0 / 0, inf / inf.
    let opposite_signs = bx.sign().xor(&by.sign());
    let invalid = match op {
        FpBinOp::Add => Bool::and(&[bx.is_infinite(), by.is_infinite(), opposite_signs]),
        FpBinOp::Sub => Bool::and(&[bx.is_infinite(), by.is_infinite(), opposite_signs.not()]),
        FpBinOp::Mul => Bool::or(&[
            Bool::and(&[bx.is_zero(), by.is_infinite()]),
            Bool::and(&[bx.is_infinite(), by.is_zero()]),
        ]),
        FpBinOp::Div => Bool::or(&[
            Bool::and(&[bx.is_zero(), by.is_zero()]),
            Bool::and(&[bx.is_infinite(), by.is_infinite()]),
        ]),
        FpBinOp::Min | FpBinOp::Max => return,
    };
    out.push(Bits(r).is_nan().eq(&Bool::or(&[bx.is_nan(), by.is_nan(), invalid])));
    match op {
        FpBinOp::Add => sum_lemmas(x, y, r, out),
        // IEEE 754 defines x - y as x + (-y), exactly.
        FpBinOp::Sub => sum_lemmas(x, &negated(y), r, out),
        FpBinOp::Mul => {
            // A finite product with a zero factor is a zero whose sign is the
            // exclusive or of the factors' signs.
            let finite = |v: &BV| Bool::and(&[Bits(v).is_nan().not(), Bits(v).is_infinite().not()]);
            let zero_factor = Bool::and(&[finite(x), finite(y), Bool::or(&[Bits(x).is_zero(), Bits(y).is_zero()])]);
            let sign = Bits(x).sign().xor(&Bits(y).sign());
            out.push(zero_factor.implies(Bool::and(&[Bits(r).is_zero(), Bits(r).sign().eq(&sign)])));
        }
        FpBinOp::Div | FpBinOp::Min | FpBinOp::Max => {}
    }
}

/// Facts of a one-operand operation.
fn unary_lemmas(op: FpUnOp, x: &BV, r: &BV, out: &mut Vec<Bool>) {
    let bx = Bits(x);
    // NaN exactly for NaN, or (square root) a negative non-zero operand.
    let nan = match op {
        FpUnOp::Sqrt => Bool::or(&[bx.is_nan(), Bool::and(&[bx.sign(), bx.is_zero().not()])]),
        _ => bx.is_nan(),
    };
    out.push(Bits(r).is_nan().eq(&nan));
}

/// Facts of an integer-to-float conversion: an integer is never NaN, is
/// zero only for 0 (then +0), and is negative only for a negative signed one.
fn from_int_lemmas(signed: bool, x: &BV, r: &BV, out: &mut Vec<Bool>) {
    let br = Bits(r);
    let zero = BV::from_u64(0, x.get_size());
    out.push(br.is_nan().not());
    out.push(br.is_zero().eq(&x.eq(&zero)));
    let negative = if signed { x.bvslt(&zero) } else { Bool::from_bool(false) };
    out.push(br.sign().eq(&negative));
}

/// Facts of `r = x + y` (round to nearest even).
fn sum_lemmas(x: &BV, y: &BV, r: &BV, out: &mut Vec<Bool>) {
    let (bx, by, br) = (Bits(x), Bits(y), Bits(r));
    // Two zeros add to a zero, negative only if both are (IEEE 754 6.3).
    out.push(Bool::and(&[bx.is_zero(), by.is_zero()]).implies(Bool::and(&[
        br.is_zero(),
        br.sign().eq(&Bool::and(&[bx.sign(), by.sign()])),
    ])));
    // Adding a zero to a non-zero, non-NaN value gives that value exactly.
    let plain = |b: &Bits| Bool::and(&[b.is_zero().not(), b.is_nan().not()]);
    out.push(Bool::and(&[bx.is_zero(), plain(&by)]).implies(r.eq(y)));
    out.push(Bool::and(&[by.is_zero(), plain(&bx)]).implies(r.eq(x)));
    // A zero sum is -0 only for (-0) + (-0): an exact zero sum of operands
    // of opposite signs is +0 in round-to-nearest, and a non-zero exact sum
    // of two floats is at least the smallest subnormal, so never rounds to 0.
    out.push(Bool::and(&[br.is_zero(), br.sign()]).implies(Bool::and(&[bx.is_zero(), bx.sign(), by.is_zero(), by.sign()])));
    // x + (-x) = +0 for finite non-zero x.
    out.push(Bool::and(&[bx.is_finite_nonzero(), x.eq(negated(y))]).implies(r.eq(BV::from_u64(0, r.get_size()))));
}

#[cfg(test)]
mod tests {
    use crate::ir::{Expr, FpBinOp, FpTestOp, FpUnOp, Sort};
    use crate::ir::build::QueryBuilder;
    use crate::solve::{check_with_method, Method, Outcome, SolveOptions};
    use z3::ast::{Float, BV};
    use z3::{SatResult, Solver};

    /// The negated-operands lemma is an IEEE fact: checked with the full
    /// floating-point theory at half precision (every case, by Z3).
    #[test]
    fn negating_both_operands_keeps_products_and_quotients() {
        let (x, y) = (BV::new_const("x", 16), BV::new_const("y", 16));
        let f = |b: &BV| crate::encode::terms::fp_of_bits(b).unwrap();
        let rm = crate::encode::terms::rne();
        let (nx, ny) = (super::negated(&x), super::negated(&y));
        for op in [FpBinOp::Mul, FpBinOp::Div] {
            let apply = |a: &Float, b: &Float| if op == FpBinOp::Mul { a.mul_with_rounding_mode(b, &rm) } else { a.div_with_rounding_mode(b, &rm) };
            let s = Solver::new();
            s.assert(&apply(&f(&nx), &f(&ny)).eq(&apply(&f(&x), &f(&y))).not());
            assert_eq!(s.check(), SatResult::Unsat, "{op:?}");
        }
    }

    /// `fmul (fneg x) (fneg y) = fmul x y` at 64 bits (opts/arithmetic.isle's
    /// `fmul_fneg_fneg`, NaN results equal whatever their bits), and the
    /// same for `fdiv`: the full encoding times out, the abstraction with
    /// the lemma decides them.
    #[test]
    fn products_of_negations_verified_by_the_abstraction() {
        for op in [FpBinOp::Mul, FpBinOp::Div] {
            let s = Sort::BitVec(64);
            let mut b = QueryBuilder::new("fmul_fneg_fneg", "f64");
            let (x, y) = (b.input("x", s), b.input("y", s));
            let (nx, ny) = (b.e(Expr::FpUn(FpUnOp::Neg, x)), b.e(Expr::FpUn(FpUnOp::Neg, y)));
            let l = b.e(Expr::FpBin(op, nx, ny));
            let r = b.e(Expr::FpBin(op, x, y));
            let same = b.e(Expr::Eq(l, r));
            let (ln, rn) = (b.e(Expr::FpTest(FpTestOp::IsNaN, l)), b.e(Expr::FpTest(FpTestOp::IsNaN, r)));
            let both = b.e(Expr::And(vec![ln, rn]));
            let ok = b.e(Expr::Or(vec![same, both]));
            b.obligation(ok, "same float");
            let opts = SolveOptions { timeout: std::time::Duration::from_secs(20), rlimit: None };
            let (o, m) = check_with_method(&b.build(), &opts);
            assert!(matches!(o, Outcome::Verified), "{op:?}: {o:?}");
            assert_eq!(m, Method::UfAbstraction, "{op:?}");
        }
    }
}
