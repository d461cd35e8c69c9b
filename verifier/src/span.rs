//! Source locations in ISLE files, carried by every diagnostic.

use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// A position in an ISLE source file (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub file: Arc<str>,
    pub line: u32,
    pub col: u32,
}

impl Span {
    pub fn new(file: impl Into<Arc<str>>, line: u32, col: u32) -> Self {
        Span { file: file.into(), line, col }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}
