//! Is a native outcome allowed by the spec?
//!
//! The question is satisfiability: with the inputs, the trap flag and the
//! native result fixed, do the probe query's facts (the instruction's spec,
//! the state defaults, and -- when the call returned -- the probe's
//! comparison) have a model? The concrete evaluator answers it fast when the
//! remaining variables are *defined* by the facts (`(= low ...)`,
//! `(= produces_nan (fp.isNaN result))`, state defaults): those are filled
//! in by propagation and the whole query is evaluated. If that assignment
//! fails -- a spec that leaves a choice open, or a genuine disagreement --
//! the solver decides.

use saffron_verifier::encode::rotate;
use saffron_verifier::ir::dag;
use saffron_verifier::ir::{Condition, Const, Expr, ExprId, Query, Sort, VarId};
use saffron_verifier::ir::{eval, Bits, Model, Value};
use saffron_verifier::solve::{self, Outcome, SolveOptions};
use std::collections::HashMap;

/// A spec under test, as one query: the spec's facts, the variables the
/// native outcome is pinned to, and the spec's own answer.
pub trait Judged {
    fn query(&self) -> &Query;
    /// The variables the native outputs are pinned to, in output order.
    fn native_vars(&self) -> Vec<VarId>;
    /// The spec's own results, in the same order (for reports).
    fn result_vars(&self) -> Vec<VarId>;
    /// The spec's trap flag, pinned to whether the native code trapped.
    fn trap_var(&self) -> Option<VarId>;

    /// Width of a bitvector variable (0 for other sorts).
    fn width(&self, v: VarId) -> u32 {
        match self.query().var(v).sort {
            Sort::BitVec(w) => w,
            _ => 0,
        }
    }
}

/// What the native code did, as the query sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Native {
    /// The outputs, one per [`Judged::native_vars`].
    Returned(Vec<Bits>),
    Trapped,
    /// Died of a signal that is not a trap: no spec allows it.
    Crashed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Allowed; `by_solver` when the concrete assignment did not settle it.
    Allowed { by_solver: bool },
    Disallowed,
    /// The solver gave up (timeout or unknown).
    Undecided(String),
}

/// Per-case facts about the query's expressions, computed once.
pub struct Prepared {
    order: Vec<ExprId>,
    canon: Vec<ExprId>,
    /// The variables each expression depends on, sorted.
    deps: Vec<Vec<VarId>>,
}

pub fn prepare(q: &Query) -> Result<Prepared, String> {
    let order = dag::topo_order(q)?;
    let canon = dag::canonical_ids(q, &order);
    let mut deps: Vec<Vec<VarId>> = vec![Vec::new(); q.exprs.len()];
    for &id in &order {
        let e = q.expr(id);
        let mut d: Vec<VarId> = match e {
            Expr::Var(v) => vec![*v],
            _ => e.operands().iter().flat_map(|a| deps[a.0 as usize].iter().copied()).collect(),
        };
        d.sort();
        d.dedup();
        deps[id.0 as usize] = d;
    }
    Ok(Prepared { order, canon, deps })
}

fn facts<'a>(q: &'a Query, returned: bool) -> impl Iterator<Item = &'a Condition> {
    let obligations: &[Condition] = if returned { &q.obligations } else { &[] };
    q.lhs_conditions.iter().chain(&q.rhs_assumptions).chain(obligations)
}

/// Fixed values of a judgement: the inputs plus what the native code did.
fn pinned(case: &impl Judged, inputs: &HashMap<VarId, Value>, native: &Native) -> HashMap<VarId, Value> {
    let mut known = inputs.clone();
    if let Some(t) = case.trap_var() {
        known.insert(t, Value::Bool(*native == Native::Trapped));
    }
    if let Native::Returned(outputs) = native {
        for (v, bits) in case.native_vars().into_iter().zip(outputs) {
            known.insert(v, Value::Bv(bits.clone()));
        }
    }
    known
}

pub fn judge(case: &impl Judged, prep: &Prepared, inputs: &HashMap<VarId, Value>, native: &Native, solve_opts: &SolveOptions) -> Verdict {
    if *native == Native::Crashed {
        return Verdict::Disallowed;
    }
    let known = pinned(case, inputs, native);
    let returned = matches!(native, Native::Returned(_));
    if concrete_holds(case.query(), prep, known.clone(), returned, native) {
        return Verdict::Allowed { by_solver: false };
    }
    match solve::check(&pinned_query(case.query(), &known, returned), solve_opts) {
        Outcome::Inapplicable | Outcome::Verified => Verdict::Disallowed,
        Outcome::Counterexample(_) => Verdict::Allowed { by_solver: true },
        other => Verdict::Undecided(format!("{}: {other:?}", other.kind())),
    }
}

/// The spec's own answer at these inputs (results, trap), where the facts
/// determine it; for the mismatch report.
pub fn spec_answer(case: &impl Judged, prep: &Prepared, inputs: &HashMap<VarId, Value>) -> (Vec<Option<Value>>, Option<Value>) {
    let mut known = inputs.clone();
    propagate(case.query(), prep, &mut known, false, &Native::Trapped);
    let results = case.result_vars().iter().map(|r| known.get(r).cloned()).collect();
    (results, case.trap_var().and_then(|t| known.get(&t).cloned()))
}

/// Values of the expressions that only depend on known variables.
struct Determined<'a> {
    prep: &'a Prepared,
    known: &'a HashMap<VarId, Value>,
    values: Vec<Option<Value>>,
}

impl Determined<'_> {
    fn get(&self, e: ExprId) -> Option<&Value> {
        let i = e.0 as usize;
        if self.prep.deps[i].iter().all(|v| self.known.contains_key(v)) {
            self.values[i].as_ref()
        } else {
            None
        }
    }
}

/// Fills in variables the facts define, until nothing changes.
fn propagate(q: &Query, prep: &Prepared, known: &mut HashMap<VarId, Value>, returned: bool, native: &Native) {
    loop {
        let Ok(ev) = eval::evaluate(q, &model(q, prep, known, native)) else { return };
        let snapshot = known.clone();
        let det = Determined { prep, known: &snapshot, values: ev.values };
        for c in facts(q, returned) {
            define(q, &det, c.expr, known);
        }
        if known.len() == snapshot.len() {
            return;
        }
    }
}

/// One fact that must hold: learn the variables it defines.
fn define(q: &Query, det: &Determined, e: ExprId, known: &mut HashMap<VarId, Value>) {
    let unknown_var = |x: ExprId, known: &HashMap<VarId, Value>| match q.expr(x) {
        Expr::Var(v) if !known.contains_key(v) => Some(*v),
        _ => None,
    };
    match q.expr(e) {
        Expr::Var(v) if !known.contains_key(v) => {
            known.insert(*v, Value::Bool(true));
        }
        Expr::Not(a) => {
            if let Some(v) = unknown_var(*a, known) {
                known.insert(v, Value::Bool(false));
            }
        }
        Expr::And(xs) => xs.iter().for_each(|x| define(q, det, *x, known)),
        Expr::Imp(a, b) if det.get(*a) == Some(&Value::Bool(true)) => define(q, det, *b, known),
        Expr::Ite(c, a, b) => match det.get(*c) {
            Some(Value::Bool(true)) => define(q, det, *a, known),
            Some(Value::Bool(false)) => define(q, det, *b, known),
            _ => {}
        },
        Expr::Eq(a, b) => {
            for (x, y) in [(*a, *b), (*b, *a)] {
                let Some(val) = det.get(y).cloned() else { continue };
                if let Some(v) = unknown_var(x, known) {
                    known.insert(v, val);
                    return;
                }
                // `(= (concat hi lo) known)` with `hi` known defines `lo`.
                if let (Expr::Concat(hi, lo), Value::Bv(bits)) = (q.expr(x), &val) {
                    if let (Some(Value::Bv(h)), Some(v)) = (det.get(*hi), unknown_var(*lo, known)) {
                        let lo_width = bits.width() - h.width();
                        if lo_width > 0 {
                            known.insert(v, Value::Bv(bits.extract(lo_width - 1, 0)));
                            return;
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

fn default_value(sort: Sort) -> Value {
    match sort {
        Sort::Bool => Value::Bool(false),
        Sort::Int => Value::Int(0),
        Sort::BitVec(w) => Value::Bv(Bits::new(w, 0)),
    }
}

fn quiet_nan(width: u32) -> Bits {
    match width {
        32 => Bits::new(32, 0x7fc0_0000),
        _ => Bits::new(width, 0x7ff8_0000_0000_0000),
    }
}

/// A full model: known values, defaults elsewhere. Where an operation's
/// result is a NaN the IR leaves its bits open; the witness is the native
/// NaN when there is one of that width (the likeliest legal choice), else a
/// quiet NaN. If this choice fails, the solver is asked.
fn model(q: &Query, prep: &Prepared, known: &HashMap<VarId, Value>, native: &Native) -> Model {
    let vars = (0..q.vars.len() as u32)
        .map(|i| known.get(&VarId(i)).cloned().unwrap_or_else(|| default_value(q.var(VarId(i)).sort)))
        .collect();
    let mut witnesses = HashMap::new();
    for &id in &prep.order {
        let Some(width) = rotate::width(q, id) else { continue };
        let bits = match q.expr(id) {
            Expr::FpToBv { .. } => Bits::new(width, 0),
            Expr::FpUn(..) | Expr::FpBin(..) | Expr::ToFp { .. } | Expr::FpToFp { .. } => match native {
                Native::Returned(outputs) => {
                    outputs.iter().find(|b| b.width() == width).cloned().unwrap_or_else(|| quiet_nan(width))
                }
                _ => quiet_nan(width),
            },
            _ => continue,
        };
        witnesses.insert(prep.canon[id.0 as usize], bits);
    }
    Model { vars, witnesses }
}

/// Propagate, default the rest, evaluate every fact.
fn concrete_holds(q: &Query, prep: &Prepared, mut known: HashMap<VarId, Value>, returned: bool, native: &Native) -> bool {
    propagate(q, prep, &mut known, returned, native);
    let Ok(ev) = eval::evaluate(q, &model(q, prep, &known, native)) else { return false };
    ev.lhs_conditions.iter().all(|b| *b) && ev.rhs_assumptions.iter().all(|b| *b) && (!returned || ev.obligations.iter().all(|b| *b))
}

/// The query "these facts with these values" for the solver: satisfiable
/// (a counterexample of the trivially false obligation) iff allowed.
fn pinned_query(q: &Query, known: &HashMap<VarId, Value>, returned: bool) -> Query {
    let mut out = q.clone();
    let mut conditions: Vec<Condition> = facts(q, returned).cloned().collect();
    let span = q.span.clone();
    let mut keys: Vec<&VarId> = known.keys().collect();
    keys.sort();
    for v in keys {
        let c = match &known[v] {
            Value::Bool(b) => Const::Bool(*b),
            Value::Int(i) => Const::Int(*i),
            Value::Bv(b) => Const::BitVec { width: b.width(), value: b.to_u128().unwrap_or(0) },
        };
        let var = push(&mut out, Expr::Var(*v));
        let cst = push(&mut out, Expr::Const(c));
        let eq = push(&mut out, Expr::Eq(var, cst));
        conditions.push(Condition { expr: eq, span: span.clone(), what: format!("fuzz input {}", q.var(*v).name) });
    }
    let no = push(&mut out, Expr::Const(Const::Bool(false)));
    out.lhs_conditions = conditions;
    out.rhs_assumptions = Vec::new();
    out.obligations = vec![Condition { expr: no, span, what: "native outcome is allowed".into() }];
    out
}

fn push(q: &mut Query, e: Expr) -> ExprId {
    q.exprs.push(e);
    ExprId(q.exprs.len() as u32 - 1)
}

/// Whether the spec has any model with the compile-time values `fixed`
/// (condition code, immediates): e.g. the `fcmp` spec only covers six of
/// the condition codes.
pub fn applicable(case: &impl Judged, fixed: &HashMap<VarId, Value>, solve_opts: &SolveOptions) -> bool {
    !matches!(solve::check(&pinned_query(case.query(), fixed, false), solve_opts), Outcome::Inapplicable | Outcome::Verified)
}
