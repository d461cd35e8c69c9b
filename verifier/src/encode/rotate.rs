//! Rotates in a normal form: `rotl(base, Σ ±leaf + offset)` modulo the width,
//! and the Z3 encoding of rotates.
//!
//! Rules like `(rotl (rotl x y) z) => (rotl x (iadd y z))` compare nested
//! rotates with one rotate by a sum. Encoded literally, both sides are
//! barrel shifters and the solver must relate them through an adder: at 64
//! bits Z3 and cvc5 need minutes (or a case split of thousands of cases).
//! Rotates commute and compose (`rotl(rotl(b, s), t) = rotl(b, s + t)`,
//! `rotr(b, t) = rotl(b, -t)`), and for a power-of-two width `w = 2^k` only
//! the amount's low `k` bits matter, which `+`, `-`, negation, extensions
//! and low extracts of at least `k` bits preserve. So every rotate of a
//! power-of-two width is encoded as one left rotate of its innermost
//! non-rotate operand by a sorted, cancelled sum of `k`-bit leaves; both
//! sides of such rules then build the very same Z3 term.
//!
//! Term results are variables bound by asserted equations
//! (`v12 = rotl(x, y)`, `v21 = y + z`), so the normal form looks through
//! variables defined by a top-level asserted equation. Soundness: every step
//! is an identity, or replaces a variable by its definition, which holds in
//! every model of the asserted facts. The encoder adds the edges "rotate ->
//! base and leaves" and "followed variable -> definition" to the encoding
//! order; when that graph is acyclic, induction along it shows the rewritten
//! facts hold exactly when the original ones do (so sat and unsat answers
//! both carry over). With a cycle, [`Forms::order`] gives up and every
//! rotate is encoded literally.

use super::terms::bv_const;
use crate::ir::dag;
use crate::ir::{BvBinOp, BvUnOp, Const, Expr, ExprId, Query, Sort, VarId};
use crate::ir::Value;
use std::collections::{HashMap, HashSet};
use z3::ast::BV;

/// A rotate as `rotl(base, offset + Σ leaves)`, modulo `2^bits`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// `log2` of the rotated width.
    pub bits: u32,
    /// Canonical id of the innermost operand that is not a rotate.
    pub base: ExprId,
    /// Canonical ids with `true` for a subtracted leaf, sorted, no leaf both
    /// added and subtracted.
    pub leaves: Vec<(ExprId, bool)>,
    /// Sum of the constant leaves, modulo `2^bits`.
    pub offset: u128,
    /// Variables looked through, as (the variable's expression, its definition).
    followed: Vec<(ExprId, ExprId)>,
}

/// The normal forms of a query's rotates, by canonical expression id.
#[derive(Debug)]
pub struct Forms(pub HashMap<ExprId, Form>);

impl Forms {
    /// Forms of every canonical rotate in `order` of power-of-two width at
    /// least 2, looking through the variables defined by `equations` (the
    /// asserted top-level `a = b` conjuncts) and treating `folded`
    /// expressions as constants.
    pub fn new(q: &Query, order: &[ExprId], canon: &[ExprId], folded: &[Option<Value>], equations: &[(ExprId, ExprId)]) -> Forms {
        let c = |e: ExprId| canon[e.0 as usize];
        let defs = definitions(q, canon, equations);
        let mut forms = HashMap::new();
        for &id in order {
            if c(id) != id || folded[id.0 as usize].is_some() {
                continue;
            }
            let Expr::BvBin(BvBinOp::Rotl | BvBinOp::Rotr, x, _) = q.expr(id) else { continue };
            let Some(w) = width(q, *x) else { continue };
            if w < 2 || !w.is_power_of_two() {
                continue;
            }
            let mut b = Builder { q, canon, folded, defs: &defs, bits: w.trailing_zeros(), followed: Vec::new(), seen: HashSet::new(), sum: Vec::new(), offset: 0 };
            let base = b.compose(id);
            forms.insert(id, b.finish(base));
        }
        Forms(forms)
    }

    /// `order` (canonical ids, operands first) reordered so that every
    /// form's base and leaves, and every followed variable's definition,
    /// come before their users; `None` if those edges make a cycle.
    pub fn order(&self, q: &Query, canon: &[ExprId]) -> Option<Vec<ExprId>> {
        let mut extra = HashMap::new();
        self.add_edges(&mut extra);
        order_with(q, canon, &extra)
    }

    /// Adds the edges "rotate -> base and leaves" and "followed variable ->
    /// definition" to `extra`.
    pub fn add_edges(&self, extra: &mut HashMap<ExprId, Vec<ExprId>>) {
        for (&id, f) in &self.0 {
            let e = extra.entry(id).or_default();
            e.push(f.base);
            e.extend(f.leaves.iter().map(|l| l.0));
            for &(var, def) in &f.followed {
                extra.entry(var).or_default().push(def);
            }
        }
    }
}

/// Canonical ids in encoding order (operands first) with the `extra` edges
/// as further operands; `None` if they make a cycle.
pub fn order_with(q: &Query, canon: &[ExprId], extra: &HashMap<ExprId, Vec<ExprId>>) -> Option<Vec<ExprId>> {
    let roots: Vec<ExprId> = dag::roots(q).map(|r| canon[r.0 as usize]).collect();
    dag::post_order(q, &roots, |id| {
        let mut s: Vec<ExprId> = q.expr(id).operands().into_iter().map(|o| canon[o.0 as usize]).collect();
        s.extend(extra.get(&id).into_iter().flatten().copied());
        s
    })
    .ok()
}

/// The variables a top-level asserted equation defines: variable -> (its
/// canonical expression, the definition's canonical id).
pub(super) fn definitions(q: &Query, canon: &[ExprId], equations: &[(ExprId, ExprId)]) -> HashMap<VarId, (ExprId, ExprId)> {
    let c = |e: ExprId| canon[e.0 as usize];
    let mut defs: HashMap<VarId, (ExprId, ExprId)> = HashMap::new();
    for &(a, b) in equations {
        for (v, d) in [(c(a), c(b)), (c(b), c(a))] {
            let Expr::Var(x) = q.expr(v) else { continue };
            // Aliases `x = y` only point down (to the smaller id), so
            // following them cannot go round in circles.
            let alias_up = matches!(q.expr(d), Expr::Var(y) if y >= x);
            if !alias_up {
                defs.entry(*x).or_insert((v, d));
            }
        }
    }
    defs
}

struct Builder<'a> {
    q: &'a Query,
    canon: &'a [ExprId],
    folded: &'a [Option<Value>],
    defs: &'a HashMap<VarId, (ExprId, ExprId)>,
    bits: u32,
    followed: Vec<(ExprId, ExprId)>,
    /// Variables already looked through (a definition may mention itself).
    seen: HashSet<VarId>,
    sum: Vec<(ExprId, bool)>,
    offset: u128,
}

impl Builder<'_> {
    fn c(&self, e: ExprId) -> ExprId {
        self.canon[e.0 as usize]
    }

    /// The definition of `e` if it is a variable defined by an asserted
    /// equation and not looked through yet.
    fn definition(&mut self, e: ExprId) -> Option<ExprId> {
        let Expr::Var(v) = self.q.expr(e) else { return None };
        let &(var, def) = self.defs.get(v)?;
        if !self.seen.insert(*v) {
            return None;
        }
        self.followed.push((var, def));
        Some(def)
    }

    /// Adds the amounts of the rotate `id` and of the rotates it rotates;
    /// returns the innermost operand that is not a rotate.
    fn compose(&mut self, id: ExprId) -> ExprId {
        let mut cur = id;
        loop {
            match self.q.expr(cur) {
                Expr::BvBin(op @ (BvBinOp::Rotl | BvBinOp::Rotr), x, a) if self.folded[cur.0 as usize].is_none() => {
                    let (x, a, neg) = (self.c(*x), self.c(*a), *op == BvBinOp::Rotr);
                    self.amount(a, neg);
                    cur = x;
                }
                // A variable defined as a rotate: that rotate (of the same
                // width, as both sides of an equation have one sort).
                Expr::Var(v) => match self.defs.get(v) {
                    Some(&(_, def)) if is_rotate(self.q, def) && self.folded[def.0 as usize].is_none() => {
                        match self.definition(cur) {
                            Some(def) => cur = def,
                            None => return cur,
                        }
                    }
                    _ => return cur,
                },
                _ => return cur,
            }
        }
    }

    /// Adds `±e mod 2^bits` to the sum, split into leaves where `e` is a
    /// sum, difference, negation, extension or low extract of at least
    /// `bits` bits (these preserve the low `bits` bits).
    fn amount(&mut self, e: ExprId, neg: bool) {
        let e = self.c(e);
        if let Some(Value::Bv(v)) = &self.folded[e.0 as usize] {
            self.constant(v.mod_small(1u32 << self.bits) as u128, neg);
            return;
        }
        let wide = |q: &Query, x: ExprId| width(q, x).is_some_and(|w| w >= self.bits);
        match self.q.expr(e).clone() {
            Expr::Const(Const::BitVec { value, .. }) => self.constant(value, neg),
            Expr::BvBin(op @ (BvBinOp::Add | BvBinOp::Sub), a, b) if wide(self.q, e) => {
                self.amount(a, neg);
                self.amount(b, neg ^ (op == BvBinOp::Sub));
            }
            Expr::BvUn(BvUnOp::Neg, a) if wide(self.q, e) => self.amount(a, !neg),
            // Masking with `w - 1` (as the specs do) keeps the low bits.
            Expr::BvBin(BvBinOp::And, a, b) if wide(self.q, e) && self.low_ones(b) => self.amount(a, neg),
            Expr::BvBin(BvBinOp::And, a, b) if wide(self.q, e) && self.low_ones(a) => self.amount(b, neg),
            Expr::ZeroExt { arg, .. } | Expr::SignExt { arg, .. } if wide(self.q, arg) => self.amount(arg, neg),
            Expr::Extract { hi, lo: 0, arg } if hi + 1 >= self.bits => self.amount(arg, neg),
            Expr::Var(_) => match self.definition(e) {
                Some(def) => self.amount(def, neg),
                None => self.sum.push((e, neg)),
            },
            _ => self.sum.push((e, neg)),
        }
    }

    /// Whether `e` is a constant whose low `bits` bits are all ones.
    fn low_ones(&self, e: ExprId) -> bool {
        let m = 1u32 << self.bits;
        matches!(&self.folded[self.c(e).0 as usize], Some(Value::Bv(v)) if v.mod_small(m) == m - 1)
    }

    fn constant(&mut self, value: u128, neg: bool) {
        let m = (1u128 << self.bits) - 1;
        let x = value & m;
        self.offset = if neg { self.offset.wrapping_sub(x) } else { self.offset.wrapping_add(x) } & m;
    }

    fn finish(mut self, base: ExprId) -> Form {
        // Net count per leaf: `a - a` cancels, `a + a` stays twice.
        let mut net: HashMap<ExprId, i64> = HashMap::new();
        for &(e, neg) in &self.sum {
            *net.entry(e).or_default() += if neg { -1 } else { 1 };
        }
        let mut ids: Vec<ExprId> = net.keys().copied().collect();
        ids.sort();
        let mut leaves = Vec::new();
        for id in ids {
            let n = net[&id];
            leaves.extend(std::iter::repeat((id, n < 0)).take(n.unsigned_abs() as usize));
        }
        self.followed.sort();
        self.followed.dedup();
        Form { bits: self.bits, base, leaves, offset: self.offset, followed: self.followed }
    }
}

/// `rotl(base, offset + Σ ±leaf)` modulo the width of `base`, given the
/// Z3 terms of the base and of the leaves (in `f.leaves`' order).
pub fn encode(f: &Form, base: &BV, leaves: &[(BV, bool)]) -> BV {
    let k = f.bits;
    let mut sum: Option<BV> = None;
    for (leaf, neg) in leaves {
        let t = low_bits(leaf, k);
        sum = Some(match (sum, neg) {
            (None, false) => t,
            (None, true) => t.bvneg(),
            (Some(s), false) => s.bvadd(&t),
            (Some(s), true) => s.bvsub(&t),
        });
    }
    let r = match (sum, f.offset) {
        (None, c) => bv_const(k, c),
        (Some(s), 0) => s,
        (Some(s), c) => s.bvadd(&bv_const(k, c)),
    };
    rotl_pow2(base, &r)
}

/// The low `k` bits of `b` (zero-extended if `b` is narrower): `b mod 2^k`.
fn low_bits(b: &BV, k: u32) -> BV {
    let w = b.get_size();
    if w > k {
        b.extract(k - 1, 0)
    } else if w < k {
        b.zero_ext(k - w)
    } else {
        b.clone()
    }
}

/// `rotl(x, r)` for `x` of power-of-two width `w = 2^k` and a `k`-bit `r`:
/// wiring for a constant `r`, otherwise two shifts (fast in Z3 4.8.12,
/// unlike nested `ext_rotate_*` of mixed widths).
fn rotl_pow2(x: &BV, r: &BV) -> BV {
    let w = x.get_size();
    let k = r.get_size();
    debug_assert_eq!(1u64 << k, w as u64);
    if let Some(n) = super::simplify::constant_u64(r) {
        let n = n as u32 % w;
        if n == 0 {
            return x.clone();
        }
        // High part: bits w-1-n..0; low part: bits w-1..w-n.
        return x.extract(w - 1 - n, 0).concat(&x.extract(w - 1, w - n));
    }
    // The right shift is by (w - r) mod w = (-r) mod 2^k.
    x.bvshl(&low_bits(r, w)).bvor(&x.bvlshr(&low_bits(&r.bvneg(), w)))
}

/// Rotation of `x` by a symbolic or constant `amount` of any width,
/// modulo the width of `x`.
pub fn rotate_any(x: &BV, amount: &BV, left: bool) -> BV {
    let w = x.get_size();
    if w == 1 {
        return x.clone();
    }
    if w.is_power_of_two() {
        let r = low_bits(amount, w.trailing_zeros());
        return rotl_pow2(x, &if left { r } else { r.bvneg() });
    }
    // Other widths: the remainder at the wider of the two widths, then two
    // shifts by `r` and `(w - r) mod w`.
    let aw = amount.get_size();
    let ww = aw.max(w);
    let a = if aw < ww { amount.zero_ext(ww - aw) } else { amount.clone() };
    let r = a.bvurem(&bv_const(ww, w as u128));
    let r = if ww > w { r.extract(w - 1, 0) } else { r };
    let back = bv_const(w, w as u128).bvsub(&r).bvurem(&bv_const(w, w as u128));
    let (l, rr) = if left { (r, back) } else { (back, r) };
    x.bvshl(&l).bvor(&x.bvlshr(&rr))
}

fn is_rotate(q: &Query, e: ExprId) -> bool {
    matches!(q.expr(e), Expr::BvBin(BvBinOp::Rotl | BvBinOp::Rotr, ..))
}

/// The width of a bitvector expression (`None` for Bool and Int).
pub fn width(q: &Query, e: ExprId) -> Option<u32> {
    let mut e = e;
    // Follows first operands iteratively: width-preserving chains can be long.
    loop {
        return match q.expr(e) {
            Expr::Var(v) => match q.var(*v).sort {
                Sort::BitVec(w) => Some(w),
                _ => None,
            },
            Expr::Const(Const::BitVec { width, .. }) => Some(*width),
            Expr::Extract { hi, lo, .. } => Some(hi + 1 - lo),
            Expr::ZeroExt { width, .. }
            | Expr::SignExt { width, .. }
            | Expr::Int2Bv { width, .. }
            | Expr::FpConst { width, .. }
            | Expr::ToFp { width, .. }
            | Expr::FpToFp { width, .. }
            | Expr::FpToBv { width, .. } => Some(*width),
            Expr::Concat(a, b) => Some(width(q, *a)? + width(q, *b)?),
            Expr::BvUn(_, a) | Expr::BvBin(_, a, _) | Expr::FpUn(_, a) | Expr::FpBin(_, a, _) | Expr::Ite(_, a, _) => {
                e = *a;
                continue;
            }
            _ => None,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Side, VarRole};
    use crate::ir::build::QueryBuilder;
    use crate::solve::{check, Outcome, SolveOptions};

    const BV64: Sort = Sort::BitVec(64);

    /// The forms of `q` as the correctness query sees them, and whether
    /// their encoding order exists.
    fn forms_of(q: &Query) -> (Forms, bool) {
        let order = dag::topo_order(q).unwrap();
        let canon = dag::canonical_ids(q, &order);
        let eqs = crate::encode::asserted_equations(q, crate::encode::Facts::LhsAndRhs);
        let folded = crate::ir::eval::partial_values(q, &order, &canon, &HashMap::new());
        let f = Forms::new(q, &order, &canon, &folded, &eqs);
        let ok = f.order(q, &canon).is_some();
        (f, ok)
    }

    fn rot(b: &mut QueryBuilder, op: BvBinOp, x: ExprId, a: ExprId) -> ExprId {
        b.e(Expr::BvBin(op, x, a))
    }

    #[test]
    fn inverse_rotates_cancel() {
        let mut b = QueryBuilder::new("rotr_rotl", "bv 64");
        let (x, a) = (b.input("x", BV64), b.input("a", BV64));
        let inner = rot(&mut b, BvBinOp::Rotl, x, a);
        let outer = rot(&mut b, BvBinOp::Rotr, inner, a);
        let q = b.proving_equal(outer, x);
        let (f, ok) = forms_of(&q);
        assert!(ok);
        let form = &f.0[&outer];
        assert_eq!((form.base, form.leaves.as_slice(), form.offset), (x, &[][..], 0));
    }

    /// `v = rotl(x, a & 63)` asserted; `rotl(v, zext(b) + 70)`: the form
    /// looks through `v`, the mask and the extension, and keeps 70 mod 64.
    #[test]
    fn forms_look_through_definitions_masks_and_extensions() {
        let mut b = QueryBuilder::new("defs", "bv 64");
        let (x, a) = (b.input("x", BV64), b.input("a", BV64));
        let n = b.input("n", Sort::BitVec(8));
        let mask = b.bv(64, 63);
        let masked = b.e(Expr::BvBin(BvBinOp::And, a, mask));
        let inner = rot(&mut b, BvBinOp::Rotl, x, masked);
        let v = b.term("rotl", Side::Lhs, &[], inner, BV64);
        let n64 = b.e(Expr::ZeroExt { width: 64, arg: n });
        let c = b.bv(64, 70);
        let amount = b.e(Expr::BvBin(BvBinOp::Add, n64, c));
        let outer = rot(&mut b, BvBinOp::Rotl, v, amount);
        let q = b.proving_equal(outer, x);
        let (f, ok) = forms_of(&q);
        assert!(ok);
        let form = &f.0[&outer];
        assert_eq!(form.base, x);
        assert_eq!(form.leaves, vec![(a, false), (n, false)]);
        assert_eq!(form.offset, 6);
    }

    /// An 8-bit amount of a 64-bit rotate is narrower than the 6 bits that
    /// matter only if its sum is: `(p + q)` at 4 bits wraps at 16, so it
    /// must stay one leaf.
    #[test]
    fn narrow_sums_stay_leaves() {
        let mut b = QueryBuilder::new("narrow", "bv 64");
        let x = b.input("x", BV64);
        let (p, r) = (b.input("p", Sort::BitVec(4)), b.input("r", Sort::BitVec(4)));
        let sum = b.e(Expr::BvBin(BvBinOp::Add, p, r));
        let outer = rot(&mut b, BvBinOp::Rotl, x, sum);
        let q = b.proving_equal(outer, x);
        let (f, _) = forms_of(&q);
        assert_eq!(f.0[&outer].leaves, vec![(sum, false)]);
    }

    /// `v = rotl(v, a)` asserted: looking through `v` from its own
    /// definition is circular, so no form is used, and the (true) claim
    /// `rotl(v, a) = v` is still decided.
    #[test]
    fn circular_definitions_fall_back_to_literal_rotates() {
        let mut b = QueryBuilder::new("circular", "bv 64");
        let (vv, v) = b.var("v", BV64, VarRole::Input);
        let a = b.input("a", BV64);
        let r = rot(&mut b, BvBinOp::Rotl, v, a);
        let def = b.e(Expr::Eq(v, r));
        b.lhs(def, "match");
        let r2 = rot(&mut b, BvBinOp::Rotl, r, a);
        let _ = vv;
        let q = b.proving_equal(r2, v);
        let (_, ok) = forms_of(&q);
        assert!(!ok, "the definition of v goes through v");
        let o = SolveOptions { timeout: std::time::Duration::from_secs(20), rlimit: None };
        assert!(matches!(check(&q, &o), Outcome::Verified));
    }
}
