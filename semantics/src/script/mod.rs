//! WebAssembly script (`.wast`) runner.
//!
//! Runs the directives of the official spec-test scripts against this crate's
//! engine (Contract A: [`crate::Store`], [`crate::Module`]) and tallies each
//! directive once as passed, failed or skipped. Every module, module instance,
//! registration, invocation and assertion is one directive. A failing
//! directive never stops the script: the runner records `{line, message}` and
//! continues, so one report shows every divergence in a file.
//!
//! Entry points: [`run_script_file`] / [`run_script_source`] for one script and
//! [`run_script_files`] for many on worker threads with large stacks (the
//! engine may recurse natively on deep wasm call chains).

mod directives;
mod files;
mod imports;
mod lines;
mod load;
mod panics;
mod values;

pub use files::{collect_wast_files, run_script_files};
pub use imports::ImportName;
pub use load::{load_module_binary, load_module_file, read_module_binary, LoadError, LoadedModule};

use std::path::{Path, PathBuf};

/// One failing directive of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptFailure {
    /// 1-based line of the directive in the script.
    pub line: usize,
    pub message: String,
}

/// The outcome of one script file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScriptReport {
    pub path: PathBuf,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub failures: Vec<ScriptFailure>,
    /// Why directives were skipped, with their lines (for `--verbose` style output).
    pub skips: Vec<ScriptFailure>,
}

impl ScriptReport {
    fn new(path: &Path) -> ScriptReport {
        ScriptReport {
            path: path.to_path_buf(),
            ..ScriptReport::default()
        }
    }

    /// True when no directive failed.
    pub fn is_clean(&self) -> bool {
        self.failed == 0
    }

    fn record_failure(&mut self, line: usize, message: String) {
        self.failed += 1;
        self.failures.push(ScriptFailure { line, message });
    }
}

/// Knobs for running scripts.
#[derive(Debug, Clone)]
pub struct ScriptOptions {
    /// Fuel granted to every single invocation, so that an engine bug that
    /// loops forever turns into a failure instead of a hang. `None` = unlimited.
    pub fuel_per_invoke: Option<u64>,
}

impl Default for ScriptOptions {
    fn default() -> Self {
        // Generous: the heaviest official scripts stay far below this.
        ScriptOptions {
            fuel_per_invoke: Some(5_000_000_000),
        }
    }
}

/// Reads and runs one script file. An unreadable file is reported as one failure.
pub fn run_script_file(path: &Path, options: &ScriptOptions) -> ScriptReport {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => run_script_source(path, &text, options),
            Err(e) => {
                let mut report = ScriptReport::new(path);
                let line = lines::LineIndex::new(&String::from_utf8_lossy(e.as_bytes()))
                    .line_of(e.utf8_error().valid_up_to());
                report.record_failure(line, "script is not valid UTF-8".to_string());
                report
            }
        },
        Err(e) => {
            let mut report = ScriptReport::new(path);
            report.record_failure(0, format!("cannot read script: {e}"));
            report
        }
    }
}

/// Runs the script `text` (named `path` in the report).
pub fn run_script_source(path: &Path, text: &str, options: &ScriptOptions) -> ScriptReport {
    directives::run(path, text, options)
}

/// Instantiates a stand-alone module whose only possible imports are from the
/// `spectest` host module (what `saffron run` offers).
pub fn instantiate_with_spectest(
    store: &mut crate::Store,
    module: &LoadedModule,
) -> Result<crate::InstanceAddr, crate::InstantiationError> {
    let spectest = crate::spectest::instantiate(store);
    let mut externs = Vec::with_capacity(module.imports.len());
    for import in &module.imports {
        let resolved = (import.module == "spectest")
            .then(|| store.export(spectest, &import.name))
            .flatten();
        match resolved {
            Some(ext) => externs.push(ext),
            None => {
                return Err(crate::InstantiationError::Unlinkable(format!(
                    "unknown import \"{}\" \"{}\" (only \"spectest\" imports are provided)",
                    import.module, import.name
                )))
            }
        }
    }
    store.instantiate(&module.module, &externs)
}
