//! One Z3 solver call and what surrounds it: building the solver with its
//! budget, asserting an encoded query, racing cvc5, reading a model back as
//! a counterexample and naming why Z3 gave up. The deciding logic
//! (`solve`, `split`, `abstraction`) stands on these.

use super::cvc5;
use super::outcome::Outcome;
use super::race;
use crate::encode::{Encoded, Term};
use crate::ir::{Bits, ExprId, Model, Query, Value};
use crate::replay::{self, Counterexample};
use std::ffi::CStr;
use std::time::{Duration, Instant};
use z3::ast::{Ast, Bool, BV};
use z3::{Params, Solver};

/// A solver asserting `enc`'s side conditions, left side and right-side
/// assumptions: satisfiable exactly when the instance is not vacuous.
pub(crate) fn assuming(enc: &Encoded, budget: Duration, rlimit: Option<u32>) -> Solver {
    let s = new_solver(budget, rlimit, enc.pure_bv);
    assert_all(&s, &enc.side_conditions);
    assert_all(&s, &enc.lhs_conditions);
    assert_all(&s, &enc.rhs_assumptions);
    s
}

/// The correctness query: [`assuming`], and some obligation fails.
pub(crate) fn correctness_solver(enc: &Encoded, budget: Duration, rlimit: Option<u32>) -> Solver {
    let s = assuming(enc, budget, rlimit);
    s.assert(Bool::and(&enc.obligations).not());
    s
}

/// The counterexample in the model of `s`, a correctness query Z3 found sat.
pub(crate) fn counterexample(q: &Query, enc: &Encoded, s: &Solver) -> Outcome {
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
pub(crate) fn check_raced(s: &Solver, pure_bv: bool, budget: Duration, decisive: fn(&cvc5::Answer) -> bool) -> race::Race {
    if pure_bv {
        return race::Race { z3: s.check(), cvc5: None };
    }
    // Printed before the check: afterwards Z3 prints its preprocessed
    // (bit-blasted) assertions instead.
    race::run(s, cvc5::portable(&s.to_smt2()), budget, decisive)
}

/// SAFFRON_VERIFY_DUMP=DIR: write each solver query (IR and SMT-LIB) to
/// DIR, for debugging the front and back ends. Instances of one rule at one
/// type signature differ only inside, so the name ends in a hash of the text.
pub(crate) fn dump(q: &Query, kind: &str, s: &Solver) {
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

pub(crate) fn new_solver(timeout: Duration, rlimit: Option<u32>, pure_bv: bool) -> Solver {
    // Declaring QF_BV selects Z3's bit-blasting strategy up front; with Int
    // or float terms left, Z3's default picks a general strategy.
    new_solver_for(if pure_bv { Some("QF_BV") } else { None }, timeout, rlimit)
}

pub(crate) fn new_solver_for(logic: Option<&str>, timeout: Duration, rlimit: Option<u32>) -> Solver {
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

pub(crate) fn assert_all(s: &Solver, bs: &[Bool]) {
    for b in bs {
        s.assert(b);
    }
}

pub(crate) fn unknown(s: &Solver, start: Instant, timeout: Duration) -> Outcome {
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
        let dead_value = || crate::ir::float::fp_const_bits(w.get_size(), crate::ir::FpConstKind::NaN).map(|b| Bits::new(w.get_size(), b));
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
