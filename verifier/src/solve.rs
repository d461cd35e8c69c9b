//! Deciding one query with Z3: applicability, then correctness.
//!
//! All Z3 objects live in the calling thread's context (z3 0.22 keeps one
//! per thread), so worker threads never share anything.
//!
//! "verified" is returned only when the full query
//! `lhs ∧ rhs_assumptions ∧ ¬(∧ obligations)` is unsat and
//! `lhs ∧ rhs_assumptions` is sat (not vacuous).

mod abstraction;
pub mod build;
pub(crate) mod cvc5;
mod probe;
mod race;
mod split;
mod witness;
#[cfg(test)]
mod tests;

use crate::encode::{self, Encoded, Term};
use crate::ir::{ExprId, Query};
use crate::replay::{self, Bits, Counterexample, Model, Value};
use std::ffi::CStr;
use std::time::{Duration, Instant};
use z3::ast::{Ast, Bool, BV};
use z3::{Params, SatResult, Solver};

pub use cvc5::version as cvc5_version;

/// The result of checking one query.
#[derive(Clone, Debug)]
pub enum Outcome {
    Verified,
    Counterexample(Box<Counterexample>),
    /// The left-hand side can never match at this type instance.
    Inapplicable,
    Timeout,
    /// Z3 gave up for another reason (its own words).
    Unknown(String),
    /// The front end could not express something (never reaches the solver).
    Unsupported(String),
    /// A bug or bad input: an ill-formed query.
    Error(String),
}

impl Outcome {
    /// Which kind of outcome this is, without its details.
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Outcome::Verified => OutcomeKind::Verified,
            Outcome::Counterexample(_) => OutcomeKind::Counterexample,
            Outcome::Inapplicable => OutcomeKind::Inapplicable,
            Outcome::Timeout => OutcomeKind::Timeout,
            Outcome::Unknown(_) => OutcomeKind::Unknown,
            Outcome::Unsupported(_) => OutcomeKind::Unsupported,
            Outcome::Error(_) => OutcomeKind::Error,
        }
    }
}

/// The kind of an [`Outcome`]: what a report records per instance and
/// counts in its summary. Serialized as the contract's lowercase word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeKind {
    Verified,
    Counterexample,
    Inapplicable,
    Timeout,
    Unknown,
    Unsupported,
    Error,
}

impl OutcomeKind {
    /// The contract's outcome word.
    pub fn word(self) -> &'static str {
        match self {
            OutcomeKind::Verified => "verified",
            OutcomeKind::Counterexample => "counterexample",
            OutcomeKind::Inapplicable => "inapplicable",
            OutcomeKind::Timeout => "timeout",
            OutcomeKind::Unknown => "unknown",
            OutcomeKind::Unsupported => "unsupported",
            OutcomeKind::Error => "error",
        }
    }

    /// The kind named by `word`; a word that names none reads as an error.
    pub fn from_word(word: &str) -> OutcomeKind {
        [
            OutcomeKind::Verified,
            OutcomeKind::Counterexample,
            OutcomeKind::Inapplicable,
            OutcomeKind::Timeout,
            OutcomeKind::Unknown,
            OutcomeKind::Unsupported,
        ]
        .into_iter()
        .find(|k| k.word() == word)
        .unwrap_or(OutcomeKind::Error)
    }

    /// A wrong rule or a check that could not be made.
    pub fn failed(self) -> bool {
        matches!(self, OutcomeKind::Counterexample | OutcomeKind::Error)
    }
}

impl std::fmt::Display for OutcomeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}

/// Which query decided an outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// The query itself, floats in Z3's (or cvc5's) floating-point theory.
    Full,
    /// Float arithmetic as uninterpreted functions with IEEE lemmas, a sound
    /// abstraction for unsat (see `encode::uninterpreted`); the vacuity
    /// check still uses the full encoding.
    UfAbstraction,
}

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

/// A solver asserting `enc`'s side conditions, left side and right-side
/// assumptions: satisfiable exactly when the instance is not vacuous.
pub(super) fn assuming(enc: &Encoded, budget: Duration, rlimit: Option<u32>) -> Solver {
    let s = new_solver(budget, rlimit, enc.pure_bv);
    assert_all(&s, &enc.side_conditions);
    assert_all(&s, &enc.lhs_conditions);
    assert_all(&s, &enc.rhs_assumptions);
    s
}

/// The correctness query: [`assuming`], and some obligation fails.
fn correctness_solver(enc: &Encoded, budget: Duration, rlimit: Option<u32>) -> Solver {
    let s = assuming(enc, budget, rlimit);
    s.assert(Bool::and(&enc.obligations).not());
    s
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

/// The counterexample in the model of `s`, a correctness query Z3 found sat.
fn counterexample(q: &Query, enc: &Encoded, s: &Solver) -> Outcome {
    match s.get_model() {
        None => Outcome::Error("solver reported sat without a model".into()),
        Some(model) => match concrete_model(enc, &model) {
            Ok(m) => Outcome::Counterexample(Box::new(replay::counterexample(q, m))),
            Err(e) => Outcome::Counterexample(Box::new(Counterexample::unreadable(q, e))),
        },
    }
}

/// `s.check()`, raced against cvc5 on the same text (see [`race`]) unless
/// the query is pure bitvector (Z3's bit-blasting wins those).
fn check_raced(s: &Solver, pure_bv: bool, budget: Duration, decisive: fn(&cvc5::Answer) -> bool) -> race::Race {
    if pure_bv {
        return race::Race { z3: s.check(), cvc5: None };
    }
    // Printed before the check: afterwards Z3 prints its preprocessed
    // (bit-blasted) assertions instead.
    race::run(s, crate::certify::portable(&s.to_smt2()), budget, decisive)
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

/// The probe is twice the slowest case of the 64-bit nested shifts
/// (`opts/shifts.isle:152-170`) on an idle machine: at 150 ms, a case slowed
/// by the other worker sent all 64 siblings one level deeper (4,096 cases,
/// a timeout).
const SPLIT: SplitBudget = SplitBudget { direct_share: 0.1, probe: Duration::from_millis(300) };

/// Why an instance whose correctness query is unsat is not verified after all.
pub const VACUOUS: &str = "vacuous: right-side assumptions contradict the left side";

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

/// SAFFRON_VERIFY_DUMP=DIR: write each solver query (IR and SMT-LIB) to
/// DIR, for debugging the front and back ends. Instances of one rule at one
/// type signature differ only inside, so the name ends in a hash of the text.
fn dump(q: &Query, kind: &str, s: &Solver) {
    let Some(dir) = std::env::var_os("SAFFRON_VERIFY_DUMP") else { return };
    let name: String = format!("{}-{}-{}", q.span, q.types, q.chain.join("-"))
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let name = &name[name.len().saturating_sub(100)..];
    let smt = s.to_smt2();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&smt, &mut h);
    let hash = std::hash::Hasher::finish(&h) as u32;
    let path = std::path::Path::new(&dir).join(format!("{name}-{kind}-{hash:08x}.txt"));
    let _ = std::fs::write(path, format!("{q:#?}\n\n{smt}"));
}

fn new_solver(timeout: Duration, rlimit: Option<u32>, pure_bv: bool) -> Solver {
    // Declaring QF_BV selects Z3's bit-blasting strategy up front; with Int
    // or float terms left, Z3's default picks a general strategy.
    new_solver_for(if pure_bv { Some("QF_BV") } else { None }, timeout, rlimit)
}

fn new_solver_for(logic: Option<&str>, timeout: Duration, rlimit: Option<u32>) -> Solver {
    let solver = match logic {
        Some(l) => Solver::new_for_logic(l).unwrap_or_else(Solver::new),
        None => Solver::new(),
    };
    let mut p = Params::new();
    let ms = timeout.as_millis().clamp(1, u32::MAX as u128) as u32;
    p.set_u32("timeout", ms);
    if let Some(r) = rlimit {
        p.set_u32("rlimit", r);
    }
    solver.set_params(&p);
    solver
}

fn assert_all(s: &Solver, bs: &[Bool]) {
    for b in bs {
        s.assert(b);
    }
}

fn unknown(s: &Solver, start: Instant, timeout: Duration) -> Outcome {
    let reason = s.get_reason_unknown().unwrap_or_else(|| "no reason given".into());
    let timed_out = start.elapsed() >= timeout
        || reason.contains("timeout")
        || reason.contains("canceled");
    if timed_out {
        Outcome::Timeout
    } else {
        Outcome::Unknown(reason)
    }
}

/// Reads the values of every variable and witness out of a Z3 model.
fn concrete_model(enc: &Encoded, model: &z3::Model) -> Result<Model, String> {
    let mut vars = Vec::with_capacity(enc.vars.len());
    for (i, t) in enc.vars.iter().enumerate() {
        let v = match t {
            Term::Bool(b) => Value::Bool(
                model.eval(b, true).and_then(|v| v.as_bool()).ok_or(format!("no value for variable {i}"))?,
            ),
            Term::Int(x) => Value::Int(
                model
                    .eval(x, true)
                    .and_then(|v| v.as_i128())
                    .ok_or(format!("value of variable {i} does not fit in i128"))?,
            ),
            Term::Bv(x) => Value::Bv(bv_value(model, x).ok_or(format!("no value for variable {i}"))?),
        };
        vars.push(v);
    }
    let mut witnesses = std::collections::HashMap::new();
    for (id, w) in &enc.witnesses {
        let dead_value = || crate::encode::fp_const_bits(w.get_size(), crate::ir::FpConstKind::NaN).map(|b| Bits::new(w.get_size(), b));
        let v = match enc.dead_witnesses.contains(id) {
            true => dead_value().ok_or(format!("no float format for witness {}", id.0))?,
            false => bv_value(model, w).ok_or(format!("no value for witness {}", id.0))?,
        };
        witnesses.insert(ExprId(id.0), v);
    }
    Ok(Model { vars, witnesses })
}

fn bv_value(model: &z3::Model, x: &BV) -> Option<Bits> {
    let v = model.eval(x, true)?;
    let width = x.get_size();
    if width <= 64 {
        if let Some(u) = v.as_u64() {
            return Some(Bits::new(width, u as u128));
        }
    }
    // Wider: read Z3's decimal numeral.
    let ctx = v.get_ctx().get_z3_context();
    unsafe {
        if !z3_sys::Z3_is_numeral_ast(ctx, v.get_z3_ast()) {
            return None;
        }
        let s = z3_sys::Z3_get_numeral_string(ctx, v.get_z3_ast());
        if s.is_null() {
            return None;
        }
        let text = CStr::from_ptr(s).to_string_lossy().into_owned();
        Bits::from_decimal(width, &text)
    }
}
