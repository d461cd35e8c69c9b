//! Case splits on shift and rotate amounts, for correctness queries that
//! bit-blasting cannot decide in time.
//!
//! Compositions of shifts by symbolic amounts (`(a << b) << c` against
//! `(a << c) << b`) are hard for SAT: the solver must relate barrel
//! shifters, and the effort grows about tenfold per doubling of the width.
//! (Nested rotates used to be the main case; the encoder's rotate normal
//! form, `encode::rotate`, now makes both sides of those one term.) Once
//! the low `log2(width)` bits of the amounts' variables are fixed, the
//! shifts are wiring and Z3's simplifier decides each case in about a
//! millisecond.
//!
//! Soundness: a split on variable `v`'s low `k` bits has the `2^k` cases
//! `v = concat(h, c)` for every `k`-bit constant `c` and a fresh `h`; they
//! cover every value of `v`. "verified" needs every case unsat; a sat case
//! is a model of the whole query (replayed as usual); anything else is an
//! unknown or timeout for the whole query.
//!
//! SAFFRON_SPLIT_TRACE=1 prints every case's pins, answer and time on stderr.

use super::outcome::Outcome;
use super::solver::{correctness_solver, counterexample, unknown};
use crate::encode::{self, Encoded, Pin, Term};
use crate::ir::{Expr, Query, Sort, VarId};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use z3::ast::Ast;
use z3::SatResult;

/// Variables to split on, most used in shift/rotate amounts first, with the
/// number of low bits that decide an amount modulo the shifted width.
pub fn candidates(q: &Query, enc: &Encoded) -> Vec<(VarId, u32)> {
    let mut uses: HashMap<VarId, (usize, u32)> = HashMap::new();
    for &(amount, width) in &enc.amounts {
        // Low bits of the amount decide everything for power-of-two widths;
        // otherwise fixing log2 bits still narrows the cases.
        let k = 32 - (width.max(2) - 1).leading_zeros();
        let mut stack = vec![amount];
        let mut seen = std::collections::HashSet::new();
        while let Some(e) = stack.pop() {
            if !seen.insert(e) {
                continue;
            }
            match q.expr(e) {
                Expr::Var(v) => {
                    if let (Sort::BitVec(w), Term::Bv(t)) = (q.var(*v).sort, &enc.vars[v.0 as usize]) {
                        if !is_numeral(t) {
                            let u = uses.entry(*v).or_insert((0, 0));
                            u.0 += 1;
                            u.1 = u.1.max(k.min(w));
                        }
                    }
                }
                other => stack.extend(other.operands()),
            }
        }
    }
    let mut c: Vec<(VarId, usize, u32)> = uses.into_iter().map(|(v, (n, k))| (v, n, k)).collect();
    c.sort_by(|a, b| b.1.cmp(&a.1).then(a.0 .0.cmp(&b.0 .0)));
    // Variables merged into one solver term (`encode::alias`) are one
    // candidate: a pin on either pins the term.
    let mut out: Vec<(VarId, u32)> = Vec::new();
    for (v, _, k) in c {
        match out.iter_mut().find(|(u, _)| same_term(&enc.vars[u.0 as usize], &enc.vars[v.0 as usize])) {
            Some((_, bits)) => *bits = (*bits).max(k),
            None => out.push((v, k)),
        }
    }
    out
}

fn same_term(a: &Term, b: &Term) -> bool {
    matches!((a, b), (Term::Bv(x), Term::Bv(y)) if x == y)
}

fn is_numeral(t: &z3::ast::BV) -> bool {
    unsafe { z3_sys::Z3_is_numeral_ast(t.get_ctx().get_z3_context(), t.get_z3_ast()) }
}

/// How a query with symbolic shift/rotate amounts spends its budget.
#[derive(Clone, Copy, Debug)]
pub struct SplitBudget {
    /// Share of the budget for the unsplit query.
    pub direct_share: f64,
    /// Per case when a deeper split is available: a case that needs longer
    /// is split further (so are its siblings, without probing).
    pub probe: Duration,
}

/// What one case or group of cases came to.
enum Verdict {
    Unsat,
    /// Stop: a counterexample, a timeout or an error for the whole query.
    Stop(Outcome),
    /// Undecided within the probe budget (only when a deeper split exists).
    Undecided,
}

pub struct Splitter<'a> {
    pub q: &'a Query,
    pub candidates: &'a [(VarId, u32)],
    pub budget: SplitBudget,
    pub start: Instant,
    pub timeout: Duration,
    pub rlimit: Option<u32>,
}

impl Splitter<'_> {
    fn left(&self) -> Duration {
        self.timeout.saturating_sub(self.start.elapsed())
    }

    /// Every case of the candidates from `level` on, under `pins`: `None`
    /// when all are unsat, otherwise the outcome of the whole query.
    pub fn run(&self, level: usize, pins: &mut Vec<Pin>) -> Option<Outcome> {
        let (var, bits) = self.candidates[level];
        let deeper = level + 1 < self.candidates.len();
        // After one case needed the deeper split, its siblings will too.
        let mut go_deeper = false;
        for value in 0..(1u128 << bits) {
            pins.push(Pin { var, bits, value });
            let r = if go_deeper {
                self.run(level + 1, pins).map_or(Verdict::Unsat, Verdict::Stop)
            } else {
                match self.case(pins, deeper) {
                    Verdict::Undecided => {
                        go_deeper = true;
                        self.run(level + 1, pins).map_or(Verdict::Unsat, Verdict::Stop)
                    }
                    v => v,
                }
            };
            pins.pop();
            match r {
                Verdict::Unsat => {}
                Verdict::Stop(o) => return Some(o),
                Verdict::Undecided => unreachable!("resolved above"),
            }
        }
        None
    }

    /// One case: the correctness query under `pins`.
    fn case(&self, pins: &[Pin], can_go_deeper: bool) -> Verdict {
        let left = self.left();
        if left.is_zero() {
            return Verdict::Stop(Outcome::Timeout);
        }
        let budget = if can_go_deeper { left.min(self.budget.probe) } else { left };
        let enc = match encode::encode_pinned(self.q, encode::Facts::LhsAndRhs, pins) {
            Ok(e) => e,
            Err(e) => return Verdict::Stop(Outcome::Error(e.to_string())),
        };
        let s = correctness_solver(&enc, budget, self.rlimit);
        let t0 = Instant::now();
        let r = s.check();
        if std::env::var_os("SAFFRON_SPLIT_TRACE").is_some() {
            eprintln!("case {:?} {:?} {} us", pins.iter().map(|p| p.value).collect::<Vec<_>>(), r, t0.elapsed().as_micros());
        }
        match r {
            SatResult::Unsat => Verdict::Unsat,
            SatResult::Sat => Verdict::Stop(counterexample(self.q, &enc, &s)),
            SatResult::Unknown if can_go_deeper && !self.left().is_zero() => Verdict::Undecided,
            SatResult::Unknown => Verdict::Stop(unknown(&s, self.start, self.timeout)),
        }
    }
}
