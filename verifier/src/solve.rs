//! Deciding one query with Z3: applicability, then correctness.
//!
//! All Z3 objects live in the calling thread's context (z3 0.22 keeps one
//! per thread), so worker threads never share anything.
//!
//! "verified" is returned only when the full query
//! `lhs ∧ rhs_assumptions ∧ ¬(∧ obligations)` is unsat and
//! `lhs ∧ rhs_assumptions` is sat (not vacuous).

mod abstraction;
pub(crate) mod cvc5;
mod outcome;
mod probe;
mod race;
mod solver;
mod split;
mod witness;
#[cfg(test)]
mod tests;

use crate::encode::{self, Encoded};
use crate::ir::Query;
use solver::{assert_all, assuming, check_raced, correctness_solver, counterexample, dump, new_solver, unknown};
use split::SplitBudget;
use std::time::{Duration, Instant};
use z3::SatResult;

pub use cvc5::version as cvc5_version;
pub use outcome::{Method, Outcome, OutcomeKind, VACUOUS};

#[derive(Clone, Debug)]
pub struct SolveOptions {
    /// Budget for both solver calls of one query together.
    pub timeout: Duration,
    /// Z3's deterministic resource limit per solver call (`rlimit`), if any:
    /// unlike wall-clock timeouts it gives the same answer on every machine.
    pub rlimit: Option<u32>,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions { timeout: Duration::from_secs(10), rlimit: None }
    }
}

/// Applicability, then correctness, of `q`.
pub fn check(q: &Query, opts: &SolveOptions) -> Outcome {
    check_with_method(q, opts).0
}

/// [`check`], and which query decided it.
pub fn check_with_method(q: &Query, opts: &SolveOptions) -> (Outcome, Method) {
    let start = Instant::now();
    let mut method = Method::Full;
    let outcome = check_from(q, opts, start, &mut method);
    (outcome, method)
}

fn check_from(q: &Query, opts: &SolveOptions, start: Instant, method: &mut Method) -> Outcome {
    // A concrete assignment satisfying the left side settles applicability
    // without a solver.
    if !probe::holds_somewhere(q, encode::Facts::Lhs) {
        if let Some(o) = applicability(q, opts, start) {
            return o;
        }
    }
    correctness(q, opts, start, method)
}

/// The applicability query: `Some(outcome)` unless the left side can match.
fn applicability(q: &Query, opts: &SolveOptions, start: Instant) -> Option<Outcome> {
    let lhs_enc = match encode::encode_with(q, encode::Facts::Lhs) {
        Ok(e) => e,
        Err(e) => return Some(Outcome::Error(e.to_string())),
    };
    let remaining = || opts.timeout.saturating_sub(start.elapsed());

    // The cheap query first: most inapplicable instances are rejected here.
    // Float constraints on the left (constant folding of fadd etc.) can
    // defeat Z3 4.8.12; cvc5's answer is as good either way.
    let applicability = new_solver(remaining(), opts.rlimit, lhs_enc.pure_bv);
    assert_all(&applicability, &lhs_enc.side_conditions);
    assert_all(&applicability, &lhs_enc.lhs_conditions);
    dump(q, "applicability", &applicability);
    let r = check_raced(&applicability, lhs_enc.pure_bv, remaining(), |a| matches!(a, cvc5::Answer::Unsat | cvc5::Answer::Sat));
    match r.decided() {
        SatResult::Unsat => Some(Outcome::Inapplicable),
        SatResult::Sat => None,
        SatResult::Unknown => Some(unknown(&applicability, start, opts.timeout)),
    }
}

/// The correctness query of an applicable `q`.
fn correctness(q: &Query, opts: &SolveOptions, start: Instant, method: &mut Method) -> Outcome {
    let remaining = || opts.timeout.saturating_sub(start.elapsed());
    // Re-encoded with the right-hand side's facts as well, which may fix
    // more variables (both sets are asserted in this query).
    let enc = match encode::encode_with(q, encode::Facts::LhsAndRhs) {
        Ok(e) => e,
        Err(e) => return Outcome::Error(e.to_string()),
    };

    // Float arithmetic abstracted first: when both sides compute the same
    // IEEE operation, the abstraction is unsat at a fraction of the cost.
    if encode::has_rounding_operations(q) && abstraction::proves(q, remaining().min(opts.timeout / 4), opts.rlimit) {
        *method = Method::UfAbstraction;
        return non_vacuous(q, &enc, remaining(), opts.rlimit, start, opts.timeout);
    }

    // A separate one-shot solver: Z3 keeps its fast non-incremental
    // (bit-blasting) strategy for solvers used once.
    let left = remaining();
    if left.is_zero() {
        return Outcome::Timeout;
    }
    // Queries with symbolic shift or rotate amounts get part of the budget
    // whole, then the rest as a case split on the amounts' variables.
    let candidates = if enc.amounts.is_empty() { Vec::new() } else { split::candidates(q, &enc) };
    let direct = if candidates.is_empty() { left } else { left.mul_f64(SPLIT.direct_share) };
    let correctness = correctness_solver(&enc, direct, opts.rlimit);
    dump(q, "correctness", &correctness);
    // Only cvc5's unsat is used (it carries no model for a counterexample),
    // so only unsat stops Z3.
    let r = if candidates.is_empty() {
        check_raced(&correctness, enc.pure_bv, left, |a| *a == cvc5::Answer::Unsat)
    } else {
        race::Race { z3: correctness.check(), cvc5: None }
    };
    match r.decided() {
        SatResult::Unsat => {
            drop(correctness);
            non_vacuous(q, &enc, remaining(), opts.rlimit, start, opts.timeout)
        }
        SatResult::Unknown if !candidates.is_empty() && !remaining().is_zero() => {
            drop(correctness);
            let splitter = split::Splitter {
                q,
                candidates: &candidates,
                budget: SPLIT,
                start,
                timeout: opts.timeout,
                rlimit: opts.rlimit,
            };
            match splitter.run(0, &mut Vec::new()) {
                None => non_vacuous(q, &enc, remaining(), opts.rlimit, start, opts.timeout),
                Some(o) => o,
            }
        }
        SatResult::Sat if r.z3 == SatResult::Sat => counterexample(q, &enc, &correctness),
        SatResult::Sat => Outcome::Unknown(
            "Z3 timed out; cvc5 found the query satisfiable (a counterexample exists, no model read back)".into(),
        ),
        SatResult::Unknown => unknown(&correctness, start, opts.timeout),
    }
}

/// The SMT-LIB text of `q`'s correctness query (what a certificate
/// re-checks): side conditions, left side, right-side assumptions and the
/// negated obligations, as Z3 prints them, ending in `(check-sat)`.
pub fn correctness_smt2(q: &Query) -> Result<String, String> {
    // (See `abstracted_smt2` for the sound abstraction of float arithmetic.)
    let enc = encode::encode_with(q, encode::Facts::LhsAndRhs).map_err(|e| e.to_string())?;
    Ok(correctness_solver(&enc, Duration::from_secs(1), None).to_smt2())
}

/// The SMT-LIB text of `q`'s correctness query with float arithmetic as
/// uninterpreted functions (see `abstraction`), if `q` has rounding
/// operations: its unsat implies the full query's.
pub fn abstracted_smt2(q: &Query) -> Option<String> {
    encode::has_rounding_operations(q).then(|| abstraction::smt2(q)).flatten()
}

/// The probe is twice the slowest case of the 64-bit nested shifts
/// (`opts/shifts.isle:152-170`) on an idle machine: at 150 ms, a case slowed
/// by the other worker sent all 64 siblings one level deeper (4,096 cases,
/// a timeout).
const SPLIT: SplitBudget = SplitBudget { direct_share: 0.1, probe: Duration::from_millis(300) };

/// The verdict on an instance whose correctness query was unsat: verified
/// only if the left side and the right side's assumptions can hold together.
/// Otherwise the unsat answer says nothing about the rule (every obligation
/// holds of no input at all): `unknown` with reason [`VACUOUS`].
fn non_vacuous(q: &Query, enc: &Encoded, left: Duration, rlimit: Option<u32>, start: Instant, timeout: Duration) -> Outcome {
    // With no assumption beyond the (satisfiable) left side there is nothing to check.
    if enc.rhs_assumptions.iter().all(encode::simplify::simplifies_to_true) || probe::holds_somewhere(q, encode::Facts::LhsAndRhs) {
        return Outcome::Verified;
    }
    if left.is_zero() {
        return Outcome::Timeout;
    }
    if witness::holds_with_fixed_inputs(q, enc, left / 4, rlimit) {
        return Outcome::Verified;
    }
    let left = timeout.saturating_sub(start.elapsed());
    if left.is_zero() {
        return Outcome::Timeout;
    }
    let s = assuming(enc, left, rlimit);
    // A model of left side and assumptions is all this check needs, so
    // cvc5's sat counts here too (as does its unsat).
    let r = check_raced(&s, enc.pure_bv, left, |a| matches!(a, cvc5::Answer::Unsat | cvc5::Answer::Sat));
    match r.decided() {
        SatResult::Sat => Outcome::Verified,
        SatResult::Unsat => Outcome::Unknown(VACUOUS.into()),
        SatResult::Unknown => unknown(&s, start, timeout),
    }
}

