//! The verification-condition language: the contract between type
//! instantiation (which produces a [`Query`] per expansion and type instance)
//! and encoding/solving/replay (which consume it).
//!
//! Everything here is first-order, flat and fully typed: structs, enums,
//! macros, `let`, `match` and `switch` are gone, every bitvector has a known
//! width. That keeps the SMT encoder and the concrete replay evaluator small
//! and lets both interpret exactly the same thing.

//!
//! - [`expr`]: sorts, constants, operators, [`Expr`] and its one operand
//!   traversal ([`Expr::operands`], [`Expr::map_operands`]);
//! - [`query`]: variables, conditions and the [`Query`] itself;
//! - [`dag`]: evaluation order and structural sharing of a query's
//!   expressions, the same for every pass;
//! - [`bits`], [`value`]: concrete values and solver models;
//! - [`float`]: IEEE formats of float bitvectors;
//! - [`eval`]: the concrete semantics, for replay and constant folding;
//! - [`build`]: hand-written queries for tests and benchmarks.
//!
//! This module is a facade: its children depend on each other and on
//! nothing else of the crate but `span`, and every other pass depends on it.

pub mod bits;
pub mod build;
pub mod dag;
pub mod eval;
pub mod expr;
pub mod float;
pub mod query;
pub mod value;

pub use bits::Bits;
pub use expr::{
    BvBinOp, BvCmpOp, BvUnOp, Const, Expr, ExprId, FpBinOp, FpCmpOp, FpConstKind, FpTestOp, FpUnOp, IntOp, Sort,
    VarId,
};
pub use query::{Condition, Query, Side, TermApp, Var, VarRole};
pub use value::{Model, Value};
