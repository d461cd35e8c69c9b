//! What the harness needs to know about a module, read once with wasmparser so
//! every engine is driven identically: its exports, in order, with the
//! signature of each exported function.

use crate::value::ValKind;
use anyhow::{bail, Context, Result};
use wasmparser::{CompositeInnerType, ExternalKind, Parser, Payload, TypeRef};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// An exported function the harness can call (all params/results are
    /// [`ValKind`]s).
    Func { params: Vec<ValKind>, results: Vec<ValKind> },
    /// An exported function with a type the harness cannot pass values of.
    UncallableFunc,
    Memory,
    Global,
    Table,
    Tag,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    pub name: String,
    pub kind: ExportKind,
}

#[derive(Clone, Debug, Default)]
pub struct ModuleInfo {
    pub exports: Vec<Export>,
    pub has_imports: bool,
}

impl ModuleInfo {
    /// Read the export list of a (syntactically well-formed) module.
    pub fn parse(wasm: &[u8]) -> Result<ModuleInfo> {
        // Signature of each type index (None for non-function types).
        let mut types: Vec<Option<(Vec<ValKind>, Vec<ValKind>)>> = Vec::new();
        // Type index of each function index (imports first).
        let mut func_types: Vec<u32> = Vec::new();
        let mut info = ModuleInfo::default();
        let mut raw_exports = Vec::new();
        for payload in Parser::new(0).parse_all(wasm) {
            match payload.context("parsing module")? {
                Payload::TypeSection(reader) => {
                    for group in reader {
                        for sub in group?.into_types() {
                            types.push(match &sub.composite_type.inner {
                                CompositeInnerType::Func(f) => {
                                    let conv = |tys: &[wasmparser::ValType]| {
                                        tys.iter().map(|t| ValKind::from_wasmparser(*t)).collect::<Option<Vec<_>>>()
                                    };
                                    conv(f.params()).zip(conv(f.results()))
                                }
                                _ => None,
                            });
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        // (wasm-smith may emit an empty import section.)
                        info.has_imports = true;
                        if let TypeRef::Func(t) = import?.ty {
                            func_types.push(t);
                        }
                    }
                }
                Payload::FunctionSection(reader) => {
                    for t in reader {
                        func_types.push(t?);
                    }
                }
                Payload::ExportSection(reader) => {
                    for e in reader {
                        let e = e?;
                        raw_exports.push((e.name.to_string(), e.kind, e.index));
                    }
                }
                _ => {}
            }
        }
        for (name, kind, index) in raw_exports {
            let kind = match kind {
                ExternalKind::Func | ExternalKind::FuncExact => {
                    let ty = func_types.get(index as usize).and_then(|t| types.get(*t as usize));
                    match ty {
                        Some(Some((params, results))) => {
                            ExportKind::Func { params: params.clone(), results: results.clone() }
                        }
                        Some(None) => ExportKind::UncallableFunc,
                        None => bail!("export `{name}` names function {index}, which does not exist"),
                    }
                }
                ExternalKind::Memory => ExportKind::Memory,
                ExternalKind::Global => ExportKind::Global,
                ExternalKind::Table => ExportKind::Table,
                ExternalKind::Tag => ExportKind::Tag,
            };
            info.exports.push(Export { name, kind });
        }
        Ok(info)
    }
}
