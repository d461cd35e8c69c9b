//! Concrete evaluation of the IR, independent of the SMT encoding: replay
//! checks a solver model with it, and the encoder folds what known values
//! determine.
//!
//! Semantics follow SMT-LIB (division by zero, shifts by >= width) and IEEE
//! 754 with round-to-nearest-even via Rust floats. Where the encoding leaves
//! a result open (a NaN's bit pattern, an out-of-range float-to-int
//! conversion), the solver's witness for that expression is used and checked
//! to be a legal choice.
//!
//! Logic and integers are evaluated here, bitvector operations in
//! [`bitvector_ops`], float operations in [`float_ops`].

mod bitvector_ops;
mod float_ops;

use super::bits::Bits;
use super::dag;
use super::expr::{Const, Expr, ExprId, IntOp, VarId};
use super::query::{Condition, Query};
use super::value::{Model, Value};
use std::collections::HashMap;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvalError {
    /// The evaluator cannot compute this (e.g. Int overflow of i128).
    Unsupported(String),
    /// The model is inconsistent with the IR's semantics.
    Mismatch(String),
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Unsupported(m) => write!(f, "replay unsupported: {m}"),
            EvalError::Mismatch(m) => write!(f, "replay mismatch: {m}"),
        }
    }
}

/// Truth values of every condition under a model.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// The value of every expression, by `ExprId.0`.
    pub values: Vec<Option<Value>>,
    pub lhs_conditions: Vec<bool>,
    pub rhs_assumptions: Vec<bool>,
    pub obligations: Vec<bool>,
}

impl Evaluation {
    /// A genuine counterexample: everything assumed holds, some obligation fails.
    pub fn is_counterexample(&self) -> bool {
        self.lhs_conditions.iter().all(|&b| b)
            && self.rhs_assumptions.iter().all(|&b| b)
            && self.obligations.iter().any(|&b| !b)
    }
}

/// Evaluates every condition of `q` under `m`.
pub fn evaluate(q: &Query, m: &Model) -> Result<Evaluation, EvalError> {
    let order = dag::topo_order(q).map_err(EvalError::Unsupported)?;
    let canon = dag::canonical_ids(q, &order);
    let mut ev = Evaluator { q, m, canon: &canon, values: vec![None; q.exprs.len()] };
    for &id in &order {
        let v = ev.eval_one(id).map_err(|e| match e {
            EvalError::Unsupported(s) => EvalError::Unsupported(format!("expression {}: {s}", id.0)),
            EvalError::Mismatch(s) => EvalError::Mismatch(format!("expression {}: {s}", id.0)),
        })?;
        ev.values[id.0 as usize] = Some(v);
    }
    let truth = |cs: &[Condition]| -> Result<Vec<bool>, EvalError> {
        cs.iter().map(|c| ev.bool(c.expr)).collect()
    };
    let (lhs_conditions, rhs_assumptions, obligations) =
        (truth(&q.lhs_conditions)?, truth(&q.rhs_assumptions)?, truth(&q.obligations)?);
    Ok(Evaluation { values: ev.values, lhs_conditions, rhs_assumptions, obligations })
}

/// Values of the expressions that are determined by `known` variable values
/// alone (`None` elsewhere, including nondeterministic float results).
/// Indexed by `ExprId.0`; meaningful for the ids in `order`.
pub fn partial_values(
    q: &Query,
    order: &[ExprId],
    canon: &[ExprId],
    known: &HashMap<VarId, Value>,
) -> Vec<Option<Value>> {
    let empty = Model::default();
    let mut ev = Evaluator { q, m: &empty, canon, values: vec![None; q.exprs.len()] };
    for &id in order {
        let v = match q.expr(id) {
            Expr::Var(v) => known.get(v).cloned(),
            e => {
                let known = |a: &ExprId| ev.values[canon[a.0 as usize].0 as usize].is_some();
                // An `ite` whose condition is known needs only the branch it
                // takes (the other may be a NaN without a witness).
                let ready = match e {
                    Expr::Ite(c, a, b) => match &ev.values[canon[c.0 as usize].0 as usize] {
                        Some(Value::Bool(true)) => known(a),
                        Some(Value::Bool(false)) => known(b),
                        _ => false,
                    },
                    _ => e.operands().iter().all(known),
                };
                if ready {
                    ev.eval_one(id).ok()
                } else {
                    None
                }
            }
        };
        ev.values[id.0 as usize] = v;
    }
    ev.values
}

struct Evaluator<'a> {
    q: &'a Query,
    m: &'a Model,
    canon: &'a [ExprId],
    values: Vec<Option<Value>>,
}

fn unsupported<T>(msg: impl Into<String>) -> Result<T, EvalError> {
    Err(EvalError::Unsupported(msg.into()))
}

impl<'a> Evaluator<'a> {
    fn value(&self, id: ExprId) -> &Value {
        self.values[self.canon[id.0 as usize].0 as usize]
            .as_ref()
            .expect("operands evaluated first")
    }
    fn bool(&self, id: ExprId) -> Result<bool, EvalError> {
        match self.value(id) {
            Value::Bool(b) => Ok(*b),
            v => unsupported(format!("expected Bool, got {v}")),
        }
    }
    fn int(&self, id: ExprId) -> Result<i128, EvalError> {
        match self.value(id) {
            Value::Int(i) => Ok(*i),
            v => unsupported(format!("expected Int, got {v}")),
        }
    }
    fn bv(&self, id: ExprId) -> Result<Bits, EvalError> {
        match self.value(id) {
            Value::Bv(b) => Ok(b.clone()),
            v => unsupported(format!("expected a bitvector, got {v}")),
        }
    }

    fn eval_one(&self, id: ExprId) -> Result<Value, EvalError> {
        let e = self.q.expr(id);
        Ok(match e {
            Expr::Var(v) => self
                .m
                .vars
                .get(v.0 as usize)
                .cloned()
                .ok_or_else(|| EvalError::Unsupported(format!("no value for variable {}", v.0)))?,
            Expr::Const(Const::Bool(b)) => Value::Bool(*b),
            Expr::Const(Const::Int(i)) => Value::Int(*i),
            Expr::Const(Const::BitVec { width, value }) => Value::Bv(Bits::new(*width, *value)),
            Expr::Not(a) => Value::Bool(!self.bool(*a)?),
            Expr::And(xs) => Value::Bool(xs.iter().map(|x| self.bool(*x)).collect::<Result<Vec<_>, _>>()?.into_iter().all(|b| b)),
            Expr::Or(xs) => Value::Bool(xs.iter().map(|x| self.bool(*x)).collect::<Result<Vec<_>, _>>()?.into_iter().any(|b| b)),
            Expr::Imp(a, b) => Value::Bool(!self.bool(*a)? || self.bool(*b)?),
            Expr::Eq(a, b) => Value::Bool(self.value(*a) == self.value(*b)),
            Expr::Ite(c, a, b) => {
                if self.bool(*c)? {
                    self.value(*a).clone()
                } else {
                    self.value(*b).clone()
                }
            }
            Expr::Int(op, a, b) => {
                let (x, y) = (self.int(*a)?, self.int(*b)?);
                let arith = |r: Option<i128>| {
                    r.map(Value::Int).ok_or_else(|| EvalError::Unsupported("Int overflows i128".into()))
                };
                match op {
                    IntOp::Add => arith(x.checked_add(y))?,
                    IntOp::Sub => arith(x.checked_sub(y))?,
                    IntOp::Mul => arith(x.checked_mul(y))?,
                    IntOp::Lt => Value::Bool(x < y),
                    IntOp::Le => Value::Bool(x <= y),
                    IntOp::Gt => Value::Bool(x > y),
                    IntOp::Ge => Value::Bool(x >= y),
                }
            }
            Expr::BvUn(..)
            | Expr::BvBin(..)
            | Expr::BvCmp(..)
            | Expr::Extract { .. }
            | Expr::ZeroExt { .. }
            | Expr::SignExt { .. }
            | Expr::Concat(..)
            | Expr::Int2Bv { .. }
            | Expr::Bv2Int(_) => self.eval_bitvector(e)?,
            Expr::FpConst { .. }
            | Expr::FpUn(..)
            | Expr::FpBin(..)
            | Expr::FpCmp(..)
            | Expr::FpTest(..)
            | Expr::ToFp { .. }
            | Expr::FpToFp { .. }
            | Expr::FpToBv { .. } => self.eval_float(id, e)?,
        })
    }
}
