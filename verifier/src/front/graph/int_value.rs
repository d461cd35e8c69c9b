//! Type-level integers of the graph: the value of an integer node when
//! literals, `widthof`, arithmetic and `switch` fix it, and the asserted
//! equalities that carry such values between expressions.

use super::{Graph, IntEq, IntEqRole, NodeId, NodeKind, TypeFail};
use crate::front::types::Info;
use cranelift_isle::ast::SpecOp;

impl Graph {
    /// Value of an integer-valued node when it is a type-level constant
    /// (literals, `widthof`, arithmetic and `switch` over those).
    pub fn int_value(&self, n: NodeId) -> Option<i128> {
        self.int_value_depth(n, 0)
    }

    /// A name for the value of `n` that is the same for every syntactic
    /// occurrence: variables and field paths of variables.
    pub fn value_key(&self, n: NodeId) -> String {
        match &self.nodes[n].kind {
            NodeKind::Leaf { .. } => format!("v{n}"),
            NodeKind::Field(f, x) => format!("{}.{f}", self.value_key(*x)),
            _ => format!("n{n}"),
        }
    }

    /// Record the equalities under top-level conjunctions of `cond`.
    pub fn collect_int_eqs(&mut self, cond: NodeId, lhs: bool) {
        match &self.nodes[cond].kind {
            NodeKind::Op(SpecOp::And, args) => {
                for a in args.clone() {
                    self.collect_int_eqs(a, lhs);
                }
            }
            NodeKind::Op(SpecOp::Eq, args) if args.len() == 2 => {
                let (a, b) = (args[0], args[1]);
                let width_of = |n: NodeId| matches!(self.nodes[n].kind, NodeKind::Op(SpecOp::WidthOf, _));
                let role = if lhs {
                    IntEqRole::Lhs
                } else if width_of(a) || width_of(b) {
                    IntEqRole::RhsTyping
                } else {
                    IntEqRole::RhsValue
                };
                self.int_eqs.push(IntEq { a, b, role })
            }
            _ => {}
        }
    }

    fn int_value_depth(&self, n: NodeId, depth: u32) -> Option<i128> {
        if depth > 64 {
            return None;
        }
        if let Some(v) = self.int_value_structural(n, depth) {
            return Some(v);
        }
        if self.store.int_facts.is_empty() {
            return None;
        }
        self.store.int_facts.get(&self.value_key(n)).copied()
    }

    fn int_value_structural(&self, n: NodeId, depth: u32) -> Option<i128> {
        let node = &self.nodes[n];
        match &node.kind {
            NodeKind::Num(v) => match self.store.info(node.tv) {
                Info::Int | Info::Unknown => Some(*v),
                _ => None,
            },
            NodeKind::Op(SpecOp::WidthOf, args) => self.store.width(self.tv(args[0])).map(|w| w as i128),
            NodeKind::Op(op @ (SpecOp::Add | SpecOp::Sub | SpecOp::Mul), args) if !args.is_empty() => {
                let mut acc = self.int_value_depth(args[0], depth + 1)?;
                for a in &args[1..] {
                    let v = self.int_value_depth(*a, depth + 1)?;
                    acc = match op {
                        SpecOp::Add => acc.checked_add(v)?,
                        SpecOp::Sub => acc.checked_sub(v)?,
                        _ => acc.checked_mul(v)?,
                    };
                }
                if matches!(op, SpecOp::Sub) && args.len() == 1 {
                    acc = -acc;
                }
                Some(acc)
            }
            NodeKind::Switch { on, cases } => {
                let key = self.int_value_depth(*on, depth + 1)?;
                for (k, v) in cases {
                    if self.int_value_depth(*k, depth + 1)? == key {
                        return self.int_value_depth(*v, depth + 1);
                    }
                }
                None
            }
            _ => None,
        }
    }

    /// Carry a known integer value across an asserted equality: between two
    /// integers, or field by field between a struct value (`$I64`) and a
    /// struct variable (`ty`, whose `:bits` other specs equate to widths).
    pub(super) fn apply_int_eq(&mut self, k: usize) -> Result<bool, TypeFail> {
        let IntEq { a, b, role } = self.int_eqs[k];
        // Pairs of integers the equality makes equal: (name, value if known)
        // for each side.
        type Side = (String, Option<i128>);
        let node = |g: &Self, n: NodeId| -> Side { (g.value_key(n), g.int_value(n)) };
        let field = |g: &Self, x: NodeId, f: &str| -> Side {
            let key = format!("{}.{f}", g.value_key(x));
            let known = g.store.int_facts.get(&key).copied();
            (key, known)
        };
        let pairs: Vec<(Side, Side)> = match self.store.info(self.tv(a)).clone() {
            Info::Int => vec![(node(self, a), node(self, b))],
            Info::Struct(ftys) => match (&self.nodes[a].kind, &self.nodes[b].kind) {
                (NodeKind::MakeStruct(fs), _) | (_, NodeKind::MakeStruct(fs)) => {
                    let other = if matches!(self.nodes[a].kind, NodeKind::MakeStruct(_)) { b } else { a };
                    fs.iter()
                        .filter(|(_, n)| *self.store.info(self.tv(*n)) == Info::Int)
                        .map(|(f, n)| (node(self, *n), field(self, other, f)))
                        .collect()
                }
                // Two named struct values (`ty` matched twice): their
                // integer fields are equal too.
                _ => ftys
                    .iter()
                    .filter(|(_, t)| *self.store.info(*t) == Info::Int)
                    .map(|(f, _)| (field(self, a, f), field(self, b, f)))
                    .collect(),
            },
            _ => return Ok(false),
        };
        let mut changed = false;
        for ((x_key, vx), (y_key, vy)) in pairs {
            match (vx, vy) {
                (Some(v), Some(w)) if v != w && role == IntEqRole::Lhs => {
                    return Err(TypeFail::Inapplicable(format!("integer {v} cannot equal {w}")))
                }
                (Some(v), Some(w)) if v != w && role == IntEqRole::RhsTyping => {
                    let at = &self.nodes[a].span;
                    return Err(TypeFail::Ill(format!("right side types a width as {v} and {w} (at {at})")));
                }
                (Some(v), None) => {
                    self.store.int_facts.insert(y_key, v);
                    changed = true;
                }
                (None, Some(w)) => {
                    self.store.int_facts.insert(x_key, w);
                    changed = true;
                }
                _ => {}
            }
        }
        Ok(changed)
    }
}
