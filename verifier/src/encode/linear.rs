//! Equalities of bitvector sums in a normal form: `p = q` as `P = N`, where
//! `P - N` is `p - q` collected into sorted leaves with coefficients.
//!
//! Rules like `(eq (isub a b) (isub c d)) => (eq (iadd a d) (iadd c b))`
//! compare two equations of sums. Bit-blasted literally, both sides are
//! adders the SAT solver must relate: at 64 bits Z3 needs 3-10 s. Modulo
//! `2^w`, `p = q` holds exactly when `p - q = 0`, so collecting `p - q` as
//! `Σ c_i * leaf_i + k` and writing it as "leaves with coefficients below
//! `2^(w-1)` plus `k`" = "the others, negated" is an identity; both sides of
//! such rules then build the very same Z3 term.
//!
//! Term results are variables bound by asserted equations, so the sums look
//! through variables defined as a sum, difference or negation, with the
//! soundness argument and encoding-order edges of the rotate normal form
//! (see `super::rotate`). The asserted equations that define variables are
//! never rewritten themselves (only equations nested in other facts, such as
//! an `icmp` result's `ite`): a definition must stay literal for the
//! variable to equal what it is replaced by.

use super::rotate;
use super::terms::bv_const;
use crate::ir::{BvBinOp, BvUnOp, Expr, ExprId, Query, VarId};
use crate::ir::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use z3::ast::{Bool, BV};

/// `Σ coefficient * leaf + constant = 0`, modulo `2^width`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub width: u32,
    /// Canonical leaf ids with non-zero coefficients, sorted.
    pub leaves: BTreeMap<ExprId, u128>,
    pub constant: u128,
    followed: Vec<(ExprId, ExprId)>,
}

/// The normal forms of a query's nested bitvector equalities, by canonical id.
#[derive(Debug, Default)]
pub struct Forms(pub HashMap<ExprId, Form>);

impl Forms {
    /// Forms of the nested bitvector equalities in `order`; sums do not look
    /// into the expressions `opaque` holds (another normal form's).
    pub fn new(q: &Query, order: &[ExprId], canon: &[ExprId], folded: &[Option<Value>], equations: &[(ExprId, ExprId)], opaque: &HashSet<ExprId>) -> Forms {
        let c = |e: ExprId| canon[e.0 as usize];
        let defs = rotate::definitions(q, canon, equations);
        // Every asserted top-level equation stays literal (see above).
        let mut top: HashSet<ExprId> = HashSet::new();
        let mut stack: Vec<ExprId> = q.lhs_conditions.iter().chain(&q.rhs_assumptions).map(|cond| cond.expr).collect();
        while let Some(e) = stack.pop() {
            if top.insert(c(e)) {
                if let Expr::And(xs) = q.expr(e) {
                    stack.extend(xs.iter().copied());
                }
            }
        }
        let mut forms = HashMap::new();
        for &id in order {
            if c(id) != id || folded[id.0 as usize].is_some() || top.contains(&id) {
                continue;
            }
            let Expr::Eq(a, b) = q.expr(id) else { continue };
            let Some(width) = rotate::width(q, *a).filter(|w| (1..=128).contains(w)) else { continue };
            let mut s = Sum { q, canon, folded, defs: &defs, opaque, width, leaves: BTreeMap::new(), constant: 0, followed: Vec::new(), seen: HashSet::new(), steps: 0 };
            s.add(c(*a), 1);
            s.add(c(*b), s.mask());
            // Plain `x = y` gains nothing.
            if s.steps == 0 {
                continue;
            }
            s.leaves.retain(|_, k| *k != 0);
            s.followed.sort();
            s.followed.dedup();
            forms.insert(id, Form { width, leaves: s.leaves, constant: s.constant, followed: s.followed });
        }
        Forms(forms)
    }

    /// Adds the edges "equality -> leaves" and "followed variable ->
    /// definition" to `extra` (see `rotate::order_with`).
    pub fn add_edges(&self, extra: &mut HashMap<ExprId, Vec<ExprId>>) {
        for (&id, f) in &self.0 {
            extra.entry(id).or_default().extend(f.leaves.keys().copied());
            for &(var, def) in &f.followed {
                extra.entry(var).or_default().push(def);
            }
        }
    }
}

struct Sum<'a> {
    q: &'a Query,
    canon: &'a [ExprId],
    folded: &'a [Option<Value>],
    defs: &'a HashMap<VarId, (ExprId, ExprId)>,
    opaque: &'a HashSet<ExprId>,
    width: u32,
    leaves: BTreeMap<ExprId, u128>,
    constant: u128,
    followed: Vec<(ExprId, ExprId)>,
    seen: HashSet<VarId>,
    /// Sums, differences, negations and definitions looked through.
    steps: usize,
}

impl Sum<'_> {
    fn mask(&self) -> u128 {
        u128::MAX >> (128 - self.width)
    }

    /// Adds `k * e` (modulo `2^width`).
    fn add(&mut self, e: ExprId, k: u128) {
        let m = self.mask();
        let e = self.canon[e.0 as usize];
        if let Some(Value::Bv(v)) = &self.folded[e.0 as usize] {
            if let Some(x) = v.to_u128() {
                self.constant = self.constant.wrapping_add(k.wrapping_mul(x)) & m;
                return;
            }
        }
        let neg = k.wrapping_neg() & m;
        if self.opaque.contains(&e) {
            return self.leaf(e, k);
        }
        match self.q.expr(e).clone() {
            Expr::BvBin(BvBinOp::Add, a, b) => {
                self.steps += 1;
                self.add(a, k);
                self.add(b, k);
            }
            Expr::BvBin(BvBinOp::Sub, a, b) => {
                self.steps += 1;
                self.add(a, k);
                self.add(b, neg);
            }
            Expr::BvUn(BvUnOp::Neg, a) => {
                self.steps += 1;
                self.add(a, neg);
            }
            Expr::Var(v) => match self.defs.get(&v) {
                Some(&(var, def)) if is_linear(self.q, def) && !self.opaque.contains(&def) && self.folded[def.0 as usize].is_none() && self.seen.insert(v) => {
                    self.steps += 1;
                    self.followed.push((var, def));
                    self.add(def, k);
                }
                _ => self.leaf(e, k),
            },
            _ => self.leaf(e, k),
        }
    }

    fn leaf(&mut self, e: ExprId, k: u128) {
        let m = self.mask();
        let c = self.leaves.entry(e).or_insert(0);
        *c = c.wrapping_add(k) & m;
    }
}

fn is_linear(q: &Query, e: ExprId) -> bool {
    matches!(q.expr(e), Expr::BvBin(BvBinOp::Add | BvBinOp::Sub, ..) | Expr::BvUn(BvUnOp::Neg, _))
}

/// `P = N` for the form `f`, given the Z3 terms of its leaves (in order):
/// leaves whose coefficient is below `2^(width-1)` and the constant on the
/// left, the others with negated coefficients on the right.
pub fn encode(f: &Form, leaves: &[BV]) -> Bool {
    let w = f.width;
    let m = u128::MAX >> (128 - w);
    let half = 1u128 << (w - 1);
    let (mut pos, mut neg): (Vec<BV>, Vec<BV>) = (Vec::new(), Vec::new());
    for ((_, &k), t) in f.leaves.iter().zip(leaves) {
        let (side, k) = if k < half || w == 1 { (&mut pos, k) } else { (&mut neg, k.wrapping_neg() & m) };
        side.push(if k == 1 { t.clone() } else { t.bvmul(&bv_const(w, k)) });
    }
    if f.constant != 0 {
        pos.push(bv_const(w, f.constant));
    }
    let sum = |xs: Vec<BV>| xs.into_iter().reduce(|s, x| s.bvadd(&x)).unwrap_or_else(|| bv_const(w, 0));
    sum(pos).eq(sum(neg))
}

#[cfg(test)]
mod tests {
    use crate::ir::{BvBinOp, Expr, ExprId, Query, Side, Sort};
    use crate::replay::ReplayStatus;
    use crate::ir::build::QueryBuilder;
    use crate::solve::{check, Outcome, SolveOptions};

    /// `ite((a - b) = (c - d), 1, 0)` against `ite((a + d) = (c + rhs_last), 1, 0)`
    /// at 64 bits, the differences and sums bound to term results as the
    /// front end does (opts/icmp.isle:41 when `rhs_last` is `b`).
    fn icmp_of_differences(swap: bool) -> Query {
        let s = Sort::BitVec(64);
        let mut q = QueryBuilder::new("eq_sub_sub", "bv 64");
        let (a, b, c, d) = (q.input("a", s), q.input("b", s), q.input("c", s), q.input("d", s));
        let one = q.bv(8, 1);
        let zero = q.bv(8, 0);
        let test = |q: &mut QueryBuilder, side: Side, op: BvBinOp, x: (ExprId, ExprId), y: (ExprId, ExprId)| {
            let l = q.e(Expr::BvBin(op, x.0, x.1));
            let l = q.term("l", side, &[], l, s);
            let r = q.e(Expr::BvBin(op, y.0, y.1));
            let r = q.term("r", side, &[], r, s);
            let eq = q.e(Expr::Eq(l, r));
            q.e(Expr::Ite(eq, one, zero))
        };
        let lhs = test(&mut q, Side::Lhs, BvBinOp::Sub, (a, b), (c, d));
        let rhs = test(&mut q, Side::Rhs, BvBinOp::Add, (a, d), (c, if swap { d } else { b }));
        q.proving_equal(lhs, rhs)
    }

    fn opts() -> SolveOptions {
        SolveOptions { timeout: std::time::Duration::from_secs(20), rlimit: None }
    }

    #[test]
    fn equal_differences_verified() {
        assert!(matches!(check(&icmp_of_differences(false), &opts()), Outcome::Verified));
    }

    /// A wrong right side still gives a counterexample that replays, and the
    /// definitions of the term results stay literal.
    #[test]
    fn wrong_sums_give_replayed_counterexamples() {
        match check(&icmp_of_differences(true), &opts()) {
            Outcome::Counterexample(cx) => assert_eq!(cx.replay, ReplayStatus::Replayed, "{cx:?}"),
            o => panic!("expected a counterexample, got {o:?}"),
        }
    }
}
