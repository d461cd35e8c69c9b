//! The untyped-then-typed graph of one expansion: every ISLE value, every
//! spec expression (macros, `let` and `with` already resolved), the term
//! applications, and the conditions, each node carrying a type variable.
//!
//! The graph's data is here; [`int_value`] reads type-level integers off
//! it and [`propagate`] applies the deferred constraints.

mod int_value;
mod propagate;

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

    /// Model type of a signature entry.
    pub fn sig_tv(&mut self, p: &crate::load::Program, m: &ModelType) -> Result<Tv, String> {
        self.store.from_model(p, m)
    }

    pub fn isle_tv(&mut self, p: &crate::load::Program, ty: TypeId) -> Result<Tv, String> {
        self.store.from_isle_type(p, ty)
    }
}
