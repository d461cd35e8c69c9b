//! One trap query: "path ∧ trap condition" over the arena of an [`Smt`] domain, as a verifier
//! [`Query`] (the arena's facts as left-hand conditions, its negation as the obligation),
//! decided by the verifier's `solve::check`: verified means the site cannot trap.

use crate::report::UnknownReason;
use crate::smt::{Smt, Term};
use saffron_verifier::ir::{Condition, Query};
use saffron_verifier::solve::{check, Outcome, SolveOptions};
use saffron_verifier::span::Span;
use saffron_semantics::numerics::domain::BoolOps;

#[derive(Clone, Debug)]
pub enum Decision {
    /// No state satisfies the condition.
    Impossible,
    /// A model: the bits of every argument (`None` if the model leaves it open).
    Possible(Vec<Option<u128>>),
    Unknown(UnknownReason),
}

/// Whether `cond` can hold, with the first `arity` arguments of a model when it can. Each
/// condition is put to the solver once per arena and set of facts (see [`Smt::answer`]):
/// the executor asks about a site while exploring, and judging it asks again.
pub fn decide(smt: &Smt, cond: Term, arity: usize, opts: &SolveOptions) -> Decision {
    let decision = smt.answer(cond).unwrap_or_else(|| {
        let d = ask(smt, cond, opts);
        smt.record_answer(cond, d.clone());
        d
    });
    match decision {
        Decision::Possible(mut args) => {
            args.resize(arity, None);
            Decision::Possible(args)
        }
        d => d,
    }
}

/// [`decide`] without the recorded answers; a model's arguments are all those it names.
fn ask(smt: &Smt, cond: Term, opts: &SolveOptions) -> Decision {
    let span = Span::new("prove", 1, 1);
    let cond_of = |expr, what: &str| Condition { expr, span: span.clone(), what: what.into() };
    let not = smt.bnot(&cond);
    let q = Query {
        rule: "trap site".into(),
        chain: vec![],
        types: String::new(),
        span: span.clone(),
        vars: smt.vars(),
        exprs: smt.exprs(),
        terms: vec![],
        lhs_conditions: smt.facts().into_iter().map(|f| cond_of(f, "fact")).collect(),
        rhs_assumptions: vec![],
        obligations: vec![cond_of(not.0, "no trap")],
    };
    match check(&q, opts) {
        Outcome::Verified | Outcome::Inapplicable => Decision::Impossible,
        Outcome::Counterexample(cex) => {
            let mut args = vec![];
            for b in &cex.inputs {
                let Some(i) = b.name.strip_prefix("arg").and_then(|n| n.parse::<usize>().ok()) else { continue };
                if args.len() <= i {
                    args.resize(i + 1, None);
                }
                args[i] = parse_bits(&b.value);
            }
            Decision::Possible(args)
        }
        Outcome::Timeout => Decision::Unknown(UnknownReason::Timeout),
        Outcome::Unknown(s) => Decision::Unknown(UnknownReason::SolverGaveUp(s)),
        Outcome::Unsupported(s) | Outcome::Error(s) | Outcome::OutOfScope { reason: s, .. } => {
            Decision::Unknown(UnknownReason::Unsupported(format!("solver: {s}")))
        }
    }
}

/// The verifier's display of a bitvector value: `#x…` or `#b…`, optionally followed by
/// decimal readings.
fn parse_bits(text: &str) -> Option<u128> {
    let word = text.split_whitespace().next()?;
    if let Some(hex) = word.strip_prefix("#x") {
        u128::from_str_radix(hex, 16).ok()
    } else {
        u128::from_str_radix(word.strip_prefix("#b")?, 2).ok()
    }
}

