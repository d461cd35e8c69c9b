//! The verifier front end: from an expansion of ISLE rules to typed
//! queries. Model types and inference (`types`), the expansion graph
//! (`graph`), building it from rules and specs (`walk` with `rules`,
//! `priority`, `flags`, `spec`, `spec_ops`), lowering it into the flat IR
//! (`lower`), and the type instances of an expansion (`instantiate`).
mod flags;
pub(crate) mod graph;
pub mod instantiate;
pub(crate) mod lower;
mod priority;
mod rules;
mod spec;
mod spec_ops;
pub(crate) mod types;
pub(crate) mod walk;
