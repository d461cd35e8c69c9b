//! Internals of the verifier front end: model types and inference
//! (`types`), the expansion graph (`graph`), building it from rules and specs
//! (`walk`), and lowering it into the flat IR (`lower`).
pub(crate) mod graph;
pub(crate) mod lower;
pub(crate) mod types;
pub(crate) mod walk;
