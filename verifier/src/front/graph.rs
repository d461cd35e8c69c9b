//! The untyped-then-typed graph of one expansion: every ISLE value, every
//! spec expression (macros, `let` and `with` already resolved), the term
//! applications, and the conditions, each node carrying a type variable.

use super::types::{Info, Tv, TypeStore};
use crate::ir::{Side, VarRole};
use crate::span::Span;
use cranelift_isle::ast::{ModelType, Signature, SpecOp};
use cranelift_isle::sema::TypeId;

pub(crate) type NodeId = usize;

#[derive(Clone, Debug)]
pub(crate) enum NodeKind {
    /// A variable of the query.
    Leaf { name: String, role: VarRole },
    Bool(bool),
    BitVec { width: u32, value: u128 },
    /// An integer literal typed by context: Int, or a bitvector (two's
    /// complement, modulo width), or Bool (non-zero).
    Num(i128),
    Op(SpecOp, Vec<NodeId>),
    Field(String, NodeId),
    IsVariant(String, NodeId),
    VariantField { x: NodeId, variant: String, index: usize },
    MakeStruct(Vec<(String, NodeId)>),
    MakeEnum { variant: String, args: Vec<NodeId> },
    Switch { on: NodeId, cases: Vec<(NodeId, NodeId)> },
    Match { on: NodeId, arms: Vec<(String, NodeId)> },
}

impl NodeKind {
    /// The nodes this one is built from, in a fixed order.
    pub fn children(&self) -> Vec<NodeId> {
        match self {
            NodeKind::Leaf { .. } | NodeKind::Bool(_) | NodeKind::BitVec { .. } | NodeKind::Num(_) => vec![],
            NodeKind::Op(_, a) | NodeKind::MakeEnum { args: a, .. } => a.clone(),
            NodeKind::Field(_, x) | NodeKind::IsVariant(_, x) | NodeKind::VariantField { x, .. } => vec![*x],
            NodeKind::MakeStruct(fs) => fs.iter().map(|(_, n)| *n).collect(),
            NodeKind::Switch { on, cases } => {
                std::iter::once(*on).chain(cases.iter().flat_map(|(k, v)| [*k, *v])).collect()
            }
            NodeKind::Match { on, arms } => std::iter::once(*on).chain(arms.iter().map(|(_, n)| *n)).collect(),
        }
    }

    /// The same node over new children, given in the order of [`Self::children`].
    pub fn with_children(&self, kids: &[NodeId]) -> NodeKind {
        let mut k = kids.iter().copied();
        let mut next = || k.next().expect("one child per child slot");
        match self {
            NodeKind::Leaf { .. } | NodeKind::Bool(_) | NodeKind::BitVec { .. } | NodeKind::Num(_) => self.clone(),
            NodeKind::Op(op, a) => NodeKind::Op(op.clone(), a.iter().map(|_| next()).collect()),
            NodeKind::MakeEnum { variant, args } => {
                NodeKind::MakeEnum { variant: variant.clone(), args: args.iter().map(|_| next()).collect() }
            }
            NodeKind::Field(f, _) => NodeKind::Field(f.clone(), next()),
            NodeKind::IsVariant(v, _) => NodeKind::IsVariant(v.clone(), next()),
            NodeKind::VariantField { variant, index, .. } => {
                NodeKind::VariantField { x: next(), variant: variant.clone(), index: *index }
            }
            NodeKind::MakeStruct(fs) => NodeKind::MakeStruct(fs.iter().map(|(f, _)| (f.clone(), next())).collect()),
            NodeKind::Switch { cases, .. } => {
                let on = next();
                NodeKind::Switch { on, cases: cases.iter().map(|_| (next(), next())).collect() }
            }
            NodeKind::Match { arms, .. } => {
                let on = next();
                NodeKind::Match { on, arms: arms.iter().map(|(v, _)| (v.clone(), next())).collect() }
            }
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub tv: Tv,
    pub span: Span,
}

/// Where a boolean condition goes in the query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dest {
    Lhs,
    RhsAssume,
    Obligation,
}

#[derive(Clone, Debug)]
pub(crate) struct Cond {
    pub node: NodeId,
    pub span: Span,
    pub what: String,
    pub dest: Dest,
}

#[derive(Clone, Debug)]
pub(crate) struct App {
    pub term: String,
    pub side: Side,
    pub span: Span,
    pub args: Vec<NodeId>,
    pub result: NodeId,
}

/// A term application whose types must follow one of the listed signatures.
#[derive(Clone, Debug)]
pub(crate) struct SigChoice {
    pub term: String,
    pub args: Vec<Tv>,
    pub ret: Tv,
    pub sigs: Vec<Signature>,
}

/// Width/shape constraints that wait until enough is known.
#[derive(Clone, Debug)]
pub(crate) enum Deferred {
    /// width(bv) = value of the integer node.
    WidthIs { bv: Tv, int: NodeId },
    Concat { result: Tv, parts: Vec<Tv> },
    Extract { result: Tv, hi: NodeId, lo: NodeId },
    FieldOf { result: Tv, x: Tv, name: String },
    VariantField { result: Tv, x: Tv, variant: String, index: usize },
    HasVariant { x: Tv, variant: String },
    /// Literal must end up Int, Bool or a bitvector.
    Numeric { tv: Tv },
    /// A constraint that is fully discharged.
    Done,
}

/// Why type propagation failed.
#[derive(Clone, Debug)]
pub(crate) enum TypeFail {
    /// The types are consistent, but a left-side equality between known
    /// constants is false: the rule cannot match at this type instance.
    Inapplicable(String),
    /// The types themselves are inconsistent.
    Ill(String),
}

impl From<String> for TypeFail {
    fn from(m: String) -> Self {
        TypeFail::Ill(m)
    }
}

impl std::fmt::Display for TypeFail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeFail::Inapplicable(m) | TypeFail::Ill(m) => f.write_str(m),
        }
    }
}

/// An asserted equality that type inference may use.
#[derive(Clone, Copy, Debug)]
pub(crate) struct IntEq {
    pub a: NodeId,
    pub b: NodeId,
    pub role: IntEqRole,
}

/// What a contradicted [`IntEq`] means for a type instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IntEqRole {
    /// A left-side condition: the instance is inapplicable (the solver
    /// would say the same).
    Lhs,
    /// A right-side assumption that ties a value's width to an integer
    /// (`(= (:bits ty) (widthof result))`): it is how a spec types its term,
    /// so a signature choice that contradicts it is no typing at all and is
    /// dropped, as one contradicting an `instantiate` signature is.
    RhsTyping,
    /// Any other right-side assumption must not prune: the instance stays,
    /// and the solver sees the contradiction (a vacuous instance is not
    /// verified).
    RhsValue,
}

#[derive(Clone, Debug)]
pub(crate) struct Graph {
    pub nodes: Vec<Node>,
    pub store: TypeStore,
    pub deferred: Vec<Deferred>,
    pub conds: Vec<Cond>,
    pub apps: Vec<App>,
    pub sig_choices: Vec<SigChoice>,
    /// Root term's argument nodes and result node (for the type summary).
    pub root_args: Vec<NodeId>,
    pub root_result: Option<NodeId>,
    /// Equalities asserted at top level of left-side conditions or
    /// right-side assumptions; they carry type-level integer values (widths)
    /// between expressions.
    pub int_eqs: Vec<IntEq>,
}

impl Graph {
    pub fn new() -> Self {
        Graph {
            nodes: vec![],
            store: TypeStore::new(),
            deferred: vec![],
            conds: vec![],
            apps: vec![],
            sig_choices: vec![],
            root_args: vec![],
            root_result: None,
            int_eqs: vec![],
        }
    }

    pub fn add(&mut self, kind: NodeKind, tv: Tv, span: Span) -> NodeId {
        self.nodes.push(Node { kind, tv, span });
        self.nodes.len() - 1
    }

    pub fn children(&self, n: NodeId) -> Vec<NodeId> {
        self.nodes[n].kind.children()
    }

    pub fn tv(&self, n: NodeId) -> Tv {
        self.nodes[n].tv
    }

    pub fn fresh_tv(&mut self, info: Info) -> Tv {
        self.store.fresh(info)
    }

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

    /// Apply deferred constraints until nothing changes.
    pub fn propagate(&mut self, p: &crate::load::Program) -> Result<(), TypeFail> {
        loop {
            let mut changed = false;
            for i in 0..self.deferred.len() {
                changed |= self.apply(p, i)?;
            }
            for k in 0..self.int_eqs.len() {
                changed |= self.apply_int_eq(k)?;
            }
            if !changed {
                return Ok(());
            }
        }
    }

    /// Carry a known integer value across an asserted equality: between two
    /// integers, or field by field between a struct value (`$I64`) and a
    /// struct variable (`ty`, whose `:bits` other specs equate to widths).
    fn apply_int_eq(&mut self, k: usize) -> Result<bool, TypeFail> {
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

    fn apply(&mut self, p: &crate::load::Program, i: usize) -> Result<bool, String> {
        let d = self.deferred[i].clone();
        match d {
            Deferred::WidthIs { bv, int } => {
                let known = self.store.width(bv);
                match (known, self.int_value(int)) {
                    (Some(w), Some(v)) => {
                        if w as i128 != v {
                            // Name the spec expression that asks for the width: the
                            // expansion's own span says little about which spec.
                            let at = &self.nodes[int].span;
                            return Err(format!("width {w} does not match required width {v} (required at {at})"));
                        }
                        self.deferred[i] = Deferred::Done;
                        Ok(false)
                    }
                    (None, Some(v)) => {
                        if v <= 0 || v > 1 << 16 {
                            return Err(format!("invalid bitvector width {v}"));
                        }
                        self.store.constrain(bv, Info::Bv(Some(v as u32)))
                    }
                    _ => Ok(false),
                }
            }
            Deferred::Concat { result, parts } => {
                let ws: Vec<Option<u32>> = parts.iter().map(|t| self.store.width(*t)).collect();
                let r = self.store.width(result);
                let unknown = ws.iter().filter(|w| w.is_none()).count();
                if unknown == 0 {
                    let sum: u32 = ws.iter().map(|w| w.unwrap()).sum();
                    match r {
                        Some(r) if r != sum => Err(format!("concat width {sum} vs {r}")),
                        Some(_) => {
                            self.deferred[i] = Deferred::Done;
                            Ok(false)
                        }
                        None => self.store.constrain(result, Info::Bv(Some(sum))),
                    }
                } else if unknown == 1 {
                    if let Some(r) = r {
                        let known: u32 = ws.iter().flatten().sum();
                        if r <= known {
                            return Err(format!("concat width {r} too small"));
                        }
                        let idx = ws.iter().position(|w| w.is_none()).unwrap();
                        return self.store.constrain(parts[idx], Info::Bv(Some(r - known)));
                    }
                    Ok(false)
                } else {
                    Ok(false)
                }
            }
            Deferred::Extract { result, hi, lo } => match (self.int_value(hi), self.int_value(lo)) {
                (Some(h), Some(l)) if h >= l && l >= 0 => {
                    let w = (h - l + 1) as u32;
                    match self.store.width(result) {
                        Some(x) if x != w => Err(format!("extract width {w} vs {x}")),
                        Some(_) => {
                            self.deferred[i] = Deferred::Done;
                            Ok(false)
                        }
                        None => self.store.constrain(result, Info::Bv(Some(w))),
                    }
                }
                (Some(h), Some(l)) => Err(format!("bad extract range {h}..{l}")),
                _ => Ok(false),
            },
            Deferred::FieldOf { result, x, name } => match self.store.info(x).clone() {
                Info::Struct(fs) => {
                    let f = fs.iter().find(|(n, _)| *n == name).ok_or_else(|| format!("no field `{name}`"))?;
                    self.deferred[i] = Deferred::Done;
                    self.store.unify(result, f.1)
                }
                Info::Unknown => Ok(false),
                other => Err(format!("field access `:{name}` on non-struct {other:?}")),
            },
            Deferred::HasVariant { x, variant } => match self.store.info(x).clone() {
                Info::Enum(ty) => {
                    if super::types::enum_variants(p, ty).iter().any(|v| v.0 == variant) {
                        self.deferred[i] = Deferred::Done;
                        Ok(false)
                    } else {
                        Err(format!("enum `{}` has no variant `{variant}`", p.type_name(ty)))
                    }
                }
                Info::Unknown => Ok(false),
                _ => Err(format!("variant `{variant}` of a non-enum value")),
            },
            Deferred::VariantField { result, x, variant, index } => match self.store.info(x).clone() {
                Info::Enum(ty) => {
                    let vs = super::types::enum_variants(p, ty);
                    let v = vs
                        .iter()
                        .find(|v| v.0 == variant)
                        .ok_or_else(|| format!("enum `{}` has no variant `{variant}`", p.type_name(ty)))?;
                    let fty = *v.2.get(index).ok_or_else(|| format!("variant `{variant}` has too few fields"))?;
                    let ftv = self.store.from_isle_type(p, fty)?;
                    let before = self.store.info(result).clone();
                    self.store.unify(result, ftv)?;
                    // Remove the constraint's repeated effect: it is now an equality.
                    self.deferred[i] = Deferred::Done;
                    Ok(before != *self.store.info(result) || true)
                }
                Info::Unknown => Ok(false),
                _ => Err(format!("variant `{variant}` of a non-enum value")),
            },
            Deferred::Numeric { .. } | Deferred::Done => Ok(false),
        }
    }

    /// Model type of a signature entry.
    pub fn sig_tv(&mut self, p: &crate::load::Program, m: &ModelType) -> Result<Tv, String> {
        self.store.from_model(p, m)
    }

    pub fn isle_tv(&mut self, p: &crate::load::Program, ty: TypeId) -> Result<Tv, String> {
        self.store.from_isle_type(p, ty)
    }
}
