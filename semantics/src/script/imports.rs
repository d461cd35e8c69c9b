//! The `(module, name)` pairs a binary module imports, in import order.
//!
//! Contract A's `Store::instantiate` takes the imports as an ordered slice of
//! externs; the script runner resolves each pair against registered instances.

use wasmparser::{Parser, Payload};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportName {
    pub module: String,
    pub name: String,
}

/// Reads the import section of `bytes`. Only called for modules the engine
/// already accepted, so a read error here means the engine and wasmparser
/// disagree; it is returned as a message.
pub(crate) fn import_names(bytes: &[u8]) -> Result<Vec<ImportName>, String> {
    let mut names = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(|e| e.to_string())? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(|e| e.to_string())?;
                    names.push(ImportName {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                    });
                }
            }
            // Imports come before any code; stop early on big modules.
            Payload::CodeSectionStart { .. } => break,
            _ => {}
        }
    }
    Ok(names)
}
