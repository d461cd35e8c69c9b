//! `saffron prove`: proving that a WebAssembly function cannot trap.
//!
//! ```text
//! (module
//!   (memory 1)
//!   (func (export "get") (param $i i32) (result i32)
//!     (i32.load (i32.and (local.get $i) (i32.const 0xfffc))))   ;; safe: masked into the page
//!   (func (export "div") (param $a i32) (param $b i32) (result i32)
//!     (i32.div_u (local.get $a) (local.get $b))))                  ;; may-trap, input: 0 0
//! ```
//!
//! gives `get: safe` (the load at its offset is `safe`, its bounds check redundant) and
//! `div: may-trap` with the input `0 0`, confirmed by the interpreter ("integer divide by zero").
//!
//! How:
//! * [`module`] reads the validated module into trees of structured control, and decides
//!   which memories and tables no other code can change.
//! * [`exec`] is a symbolic executor generic over the numerics' [`Domain`] plus [`Machine`]
//!   (fresh values, decided conditions, facts). Numeric instructions, and their trap
//!   conditions, come from `saffron_semantics::numerics::instr::apply` — one semantics.
//! * [`smt`] instantiates the domain over the verifier's IR; [`solve`] turns each site's
//!   `path ∧ trap` into a verifier query decided by `saffron_verifier::solve::check`.
//! * [`interval`] computes loop invariants; [`replay`] confirms every possible trap on the
//!   interpreter (else the site is `unknown`); [`report`] holds the verdicts.
//!
//! Soundness: arguments, mutable globals, memory contents and (when other code can grow it)
//! memory sizes within the limits are unknown on entry; loops are havocked; calls are
//! inlined to a depth, otherwise unknown.
//!
//! [`Domain`]: saffron_semantics::numerics::domain::Domain
//! [`Machine`]: machine::Machine

pub mod exec;
mod function;
pub mod interval;
pub mod machine;
pub mod module;
pub mod replay;
pub mod report;
pub mod smt;
pub mod solve;

use report::ModuleReport;
use saffron_semantics::script::{load_module_binary, read_module_binary, LoadError, LoadedModule};
use saffron_verifier::solve::SolveOptions;
use std::path::Path;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Options {
    /// Only this export (default: every exported function).
    pub func: Option<String>,
    /// Solver budget per query.
    pub solve: SolveOptions,
    /// Iterations of each loop in the run that looks for real traps.
    pub unroll: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options { func: None, solve: SolveOptions { timeout: Duration::from_secs(5), rlimit: None }, unroll: 4 }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("{path}: malformed module at offset {offset:#x}: {message}")]
    Malformed { path: String, offset: usize, message: String },
    #[error("no exported function named {0:?}")]
    NoSuchFunction(String),
}

/// Proves the exported functions of the module in `path` (`.wasm` or `.wat`).
pub fn prove_file(path: &Path, opts: &Options) -> Result<ModuleReport, ProveError> {
    let bytes = read_module_binary(path)?;
    let loaded = load_module_binary(path, &bytes)?;
    prove_loaded(path, &bytes, &loaded, opts)
}

/// Proves the exported functions of an already validated module (`bytes` is its binary).
pub fn prove_loaded(path: &Path, bytes: &[u8], loaded: &LoadedModule, opts: &Options) -> Result<ModuleReport, ProveError> {
    let info = module::parse(bytes).map_err(|e| ProveError::Malformed {
        path: path.display().to_string(),
        offset: e.offset() as usize,
        message: e.message().to_string(),
    })?;
    let subject = function::Subject { info: &info, loaded, opts };
    let mut functions = vec![];
    for (name, func) in &info.exports {
        if opts.func.as_ref().is_none_or(|f| f == name) {
            functions.push(subject.prove(name, *func));
        }
    }
    if let Some(f) = &opts.func {
        if functions.is_empty() {
            return Err(ProveError::NoSuchFunction(f.clone()));
        }
    }
    Ok(ModuleReport { functions })
}
