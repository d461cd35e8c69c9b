//! Loading one module for the runner and for `saffron run`: text or binary,
//! plus its import names, with errors that name the file and position.

use super::imports::{import_names, ImportName};
use super::lines::LineIndex;
use crate::{DecodeError, Module};
use std::path::{Path, PathBuf};

/// A decoded, validated module together with the names it imports.
pub struct LoadedModule {
    pub module: Module,
    pub imports: Vec<ImportName>,
}

impl LoadedModule {
    /// Decodes and validates a binary module.
    pub(crate) fn from_binary(bytes: &[u8]) -> Result<LoadedModule, DecodeError> {
        let module = Module::from_binary(bytes)?;
        let imports = import_names(bytes).map_err(|message| DecodeError {
            kind: crate::DecodeErrorKind::Malformed,
            message,
            offset: None,
        })?;
        Ok(LoadedModule { module, imports })
    }
}

/// Why a module file could not be loaded. `Display` starts with the path.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read", path = .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{col}: malformed text module: {message}", path = .path.display())]
    Text {
        path: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },
    #[error("{path}: {what}{at}: {message}", path = .path.display(),
        at = .offset.map(|o| format!(" at offset {o:#x}")).unwrap_or_default())]
    Decode {
        path: PathBuf,
        what: &'static str,
        offset: Option<usize>,
        message: String,
    },
}

/// The binary form of a `.wasm` (recognised by its `\0asm` magic) or `.wat` file, not yet
/// decoded or validated (for tools that read the binary themselves as well).
pub fn read_module_binary(path: &Path) -> Result<Vec<u8>, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if bytes.starts_with(b"\0asm") {
        Ok(bytes)
    } else {
        text_to_binary(path, &bytes)
    }
}

/// Loads a `.wasm` (binary, recognised by its `\0asm` magic) or `.wat` file.
pub fn load_module_file(path: &Path) -> Result<LoadedModule, LoadError> {
    let binary = read_module_binary(path)?;
    load_module_binary(path, &binary)
}

/// Decodes and validates `binary`, read from `path` (named in errors).
pub fn load_module_binary(path: &Path, binary: &[u8]) -> Result<LoadedModule, LoadError> {
    LoadedModule::from_binary(binary).map_err(|e| LoadError::Decode {
        path: path.to_path_buf(),
        what: match e.kind {
            crate::DecodeErrorKind::Malformed => "malformed module",
            crate::DecodeErrorKind::Invalid => "invalid module",
        },
        offset: e.offset,
        message: e.message,
    })
}

fn text_to_binary(path: &Path, bytes: &[u8]) -> Result<Vec<u8>, LoadError> {
    let text_error = |offset: usize, text: &str, message: String| {
        let (line, col) = LineIndex::new(text).line_col_of(offset);
        LoadError::Text {
            path: path.to_path_buf(),
            line,
            col,
            message,
        }
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let lossy = String::from_utf8_lossy(bytes);
        text_error(e.valid_up_to(), &lossy, "not valid UTF-8".to_string())
    })?;
    let error = |e: wast::Error| text_error(e.span().offset(), text, e.message());
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buffer = wast::parser::ParseBuffer::new_with_lexer(lexer).map_err(error)?;
    let mut wat = wast::parser::parse::<wast::Wat>(&buffer).map_err(error)?;
    wat.encode().map_err(error)
}
