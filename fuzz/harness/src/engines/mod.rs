//! The engines under comparison, behind one trait.

use crate::module_info::{ExportKind, ModuleInfo};
use crate::value::{FinalState, Instantiation, Outcome, Val};

// Saffron joins as soon as its Contract A surface compiles (feature
// `saffron`, on by default once wired).
#[cfg(feature = "saffron")]
mod saffron;
mod wasmi_engine;
mod wasmtime_engine;

#[cfg(feature = "saffron")]
pub use saffron::SaffronEngine;
pub use wasmi_engine::WasmiEngine;
pub use wasmtime_engine::WasmtimeEngine;

/// Execution budget shared by all engines. Each engine meters in its own unit
/// (wasmtime: ~1 per operator, wasmi: per operator plus per byte of bulk
/// operations, Saffron: per backward branch or call, see [`FuelUnit`]), so
/// running out of fuel in any engine is "inconclusive", never a mismatch.
pub const DEFAULT_FUEL: u64 = 200_000;

/// One WebAssembly engine holding at most one live instance.
///
/// Engines are reused across modules (creating a wasmtime `Engine` is
/// expensive); `instantiate` discards the previous instance.
pub trait Engine {
    fn name(&self) -> &'static str;
    /// Compile and instantiate `wasm` (no imports), running its start
    /// function with `fuel`.
    fn instantiate(&mut self, wasm: &[u8], info: &ModuleInfo, fuel: u64) -> Instantiation;
    /// Call the exported function `name` of the live instance with `fuel`.
    fn call(&mut self, name: &str, args: &[Val], fuel: u64) -> Outcome;
    /// Read every exported memory, global and table of the live instance.
    fn final_state(&mut self, info: &ModuleInfo) -> FinalState;
    /// What one unit of this engine's fuel pays for.
    fn fuel_unit(&self) -> FuelUnit {
        FuelUnit::Operator
    }
}

/// The unit engines meter fuel in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FuelUnit {
    /// About one executed operator (wasmtime, wasmi).
    Operator,
    /// One backward branch or call (Saffron): a loop iteration of any
    /// length, so the same budget buys many more operators.
    Iteration,
}

/// Fuel for [`FuelUnit::Iteration`] engines in a step where an operator-
/// metered engine already ran out. Such a step is never compared (see
/// `Differ::judge`), so the budget only needs to run the code long enough
/// to catch a panic in it; the full budget spent 40-60% of a campaign in
/// Saffron's loop for results that were thrown away.
pub const PEER_EXHAUSTED_FUEL: u64 = 1_000;

/// The three engines of a differential run: Saffron first (the engine under
/// test), then the references.
pub fn all_engines() -> Vec<Box<dyn Engine>> {
    let mut engines: Vec<Box<dyn Engine>> = Vec::new();
    #[cfg(feature = "saffron")]
    engines.push(Box::new(SaffronEngine::new()));
    engines.push(Box::new(WasmtimeEngine::new()));
    engines.push(Box::new(WasmiEngine::new()));
    engines
}

/// Names of [`all_engines`], without building them.
pub fn engine_names() -> Vec<&'static str> {
    let mut names = Vec::new();
    if SAFFRON_ENABLED {
        names.push("saffron");
    }
    names.extend(["wasmtime", "wasmi"]);
    names
}

/// Whether Saffron takes part in differential runs in this build.
pub const SAFFRON_ENABLED: bool = cfg!(feature = "saffron");

/// A live instance's exports read by name, each engine through its own API.
trait ExportReader {
    fn memory(&mut self, name: &str) -> Option<Vec<u8>>;
    fn global(&mut self, name: &str) -> Option<Val>;
    fn table(&mut self, name: &str) -> Option<Vec<Val>>;
}

/// Every exported memory, global and table `info` lists, as the engine sees
/// it now; exports the engine does not find are left out.
fn read_exports(info: &ModuleInfo, live: &mut impl ExportReader) -> FinalState {
    let mut state = FinalState::default();
    for export in &info.exports {
        let name = export.name.clone();
        match export.kind {
            ExportKind::Memory => {
                if let Some(bytes) = live.memory(&name) {
                    state.memories.push((name, bytes));
                }
            }
            ExportKind::Global => {
                if let Some(v) = live.global(&name) {
                    state.globals.push((name, v));
                }
            }
            ExportKind::Table => {
                if let Some(elems) = live.table(&name) {
                    state.tables.push((name, elems));
                }
            }
            _ => {}
        }
    }
    state
}
