//! Binary format (spec §5): decoding with wasmparser into [`ModuleRepr`], validating every
//! section with wasmparser's validator (see [`crate::valid`]) and translating code once.
mod convert;

use std::sync::Arc;

use wasmparser::{Parser, Payload, ValidPayload};

use crate::exec::translate;
use crate::syntax::module::*;
use crate::syntax::types::*;
pub(crate) use convert::*;

/// Whether a module was rejected by the decoder or by the validator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecodeErrorKind {
    Malformed,
    Invalid,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind:?} module: {message}{}", offset.map(|o| format!(" (at offset {o:#x})")).unwrap_or_default())]
pub struct DecodeError {
    pub kind: DecodeErrorKind,
    pub message: String,
    pub offset: Option<usize>,
}

impl DecodeError {
    pub(crate) fn malformed(e: wasmparser::BinaryReaderError) -> DecodeError {
        DecodeError { kind: DecodeErrorKind::Malformed, message: e.message().to_string(), offset: Some(e.offset() as usize) }
    }
    pub(crate) fn invalid(e: wasmparser::BinaryReaderError) -> DecodeError {
        DecodeError { kind: DecodeErrorKind::Invalid, message: e.message().to_string(), offset: Some(e.offset() as usize) }
    }
    pub(crate) fn invalid_msg(message: impl Into<String>, offset: usize) -> DecodeError {
        DecodeError { kind: DecodeErrorKind::Invalid, message: message.into(), offset: Some(offset) }
    }
}

/// A decoded, validated module whose code has been translated to the internal form.
#[derive(Debug, Clone)]
pub struct Module {
    pub(crate) repr: Arc<ModuleRepr>,
}

impl Module {
    pub fn from_binary(bytes: &[u8]) -> Result<Module, DecodeError> {
        Ok(Module { repr: Arc::new(decode(bytes)?) })
    }

    pub fn from_text(text: &str) -> Result<Module, DecodeError> {
        let bytes = wat::parse_str(text).map_err(|e| DecodeError {
            kind: DecodeErrorKind::Malformed,
            message: e.to_string(),
            offset: None,
        })?;
        Module::from_binary(&bytes)
    }

    pub fn exports(&self) -> Vec<ExportInfo> {
        let m = &self.repr;
        m.exports
            .iter()
            .map(|e| ExportInfo {
                name: e.name.clone(),
                kind: e.kind,
                func_type: match e.kind {
                    ExternKind::Func => m
                        .func_type(m.func_types[e.index as usize])
                        .map(|f| FuncTypeInfo { params: f.params.clone(), results: f.results.clone() }),
                    _ => None,
                },
            })
            .collect()
    }

    /// Imports as (module, name, kind), in order.
    pub fn imports(&self) -> Vec<(String, String, ExternKind)> {
        self.repr
            .imports
            .iter()
            .map(|i| {
                let kind = match i.desc {
                    ImportDesc::Func(_) => ExternKind::Func,
                    ImportDesc::Table(_) => ExternKind::Table,
                    ImportDesc::Memory(_) => ExternKind::Memory,
                    ImportDesc::Global(_) => ExternKind::Global,
                    ImportDesc::Tag(_) => ExternKind::Tag,
                };
                (i.module.clone(), i.name.clone(), kind)
            })
            .collect()
    }

    /// The decoded representation.
    pub fn repr(&self) -> &ModuleRepr {
        &self.repr
    }
}

/// Decodes and validates a binary module, translating every body once.
pub(crate) fn decode(bytes: &[u8]) -> Result<ModuleRepr, DecodeError> {
    let mut validator = crate::valid::validator();
    let mut m = ModuleRepr::default();
    let mut allocs = wasmparser::FuncValidatorAllocations::default();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(DecodeError::malformed)?;
        // Decode first so that binary-level errors are reported as malformed; the validator
        // then decides validity. `pending` holds decoder complaints that are really validity issues.
        let pending = read_section(&mut m, &payload)?;
        let valid = validator.payload(&payload).map_err(DecodeError::invalid)?;
        if let Some(e) = pending {
            return Err(e);
        }
        match valid {
            ValidPayload::Func(to_validate, body) => {
                let mut fv = to_validate.into_validator(std::mem::take(&mut allocs));
                let code = translate::translate_body(&m, &mut fv, &body)?;
                m.code.push(Arc::new(code));
                allocs = fv.into_allocations();
            }
            ValidPayload::End(_) => break,
            _ => {}
        }
    }
    Ok(m)
}

/// Reads one section into `m`. Reader errors are malformed-module errors; an inner
/// `Some(error)` reports a problem the validator is expected to flag as invalid.
fn read_section(m: &mut ModuleRepr, payload: &Payload) -> Result<Option<DecodeError>, DecodeError> {
    let mal = DecodeError::malformed;
    match payload {
        Payload::TypeSection(reader) => {
            for group in reader.clone() {
                let group = group.map_err(mal)?;
                let start = m.types.len() as u32;
                let mut len = 0;
                for sub in group.into_types() {
                    match sub_type(&sub) {
                        Ok(s) => m.types.push(s),
                        Err(e) => return Ok(Some(DecodeError::invalid_msg(e, reader.range().start as usize))),
                    }
                    len += 1;
                }
                m.rec_groups.push((start, len));
            }
        }
        Payload::ImportSection(reader) => {
            for import in reader.clone().into_imports() {
                let import = import.map_err(mal)?;
                let desc = match import.ty {
                    wasmparser::TypeRef::Func(t) | wasmparser::TypeRef::FuncExact(t) => {
                        m.func_types.push(t);
                        m.num_imported_funcs += 1;
                        ImportDesc::Func(t)
                    }
                    wasmparser::TypeRef::Table(t) => ImportDesc::Table(table_type(t)),
                    wasmparser::TypeRef::Memory(t) => ImportDesc::Memory(mem_type(t)),
                    wasmparser::TypeRef::Global(t) => ImportDesc::Global(global_type(t)),
                    wasmparser::TypeRef::Tag(t) => ImportDesc::Tag(t.func_type_idx),
                };
                m.imports.push(Import { module: import.module.to_string(), name: import.name.to_string(), desc });
            }
        }
        Payload::FunctionSection(reader) => {
            for t in reader.clone() {
                m.func_types.push(t.map_err(mal)?);
            }
        }
        Payload::TableSection(reader) => {
            for t in reader.clone() {
                let t = t.map_err(mal)?;
                let init = match t.init {
                    wasmparser::TableInit::RefNull => None,
                    wasmparser::TableInit::Expr(e) => Some(const_expr(m, &e)?),
                };
                m.tables.push(TableDef { ty: table_type(t.ty), init });
            }
        }
        Payload::MemorySection(reader) => {
            for t in reader.clone() {
                m.mems.push(mem_type(t.map_err(mal)?));
            }
        }
        Payload::TagSection(reader) => {
            for t in reader.clone() {
                m.tags.push(t.map_err(mal)?.func_type_idx);
            }
        }
        Payload::GlobalSection(reader) => {
            for g in reader.clone() {
                let g = g.map_err(mal)?;
                let init = const_expr(m, &g.init_expr)?;
                m.globals.push(GlobalDef { ty: global_type(g.ty), init });
            }
        }
        Payload::ExportSection(reader) => {
            for e in reader.clone() {
                let e = e.map_err(mal)?;
                let kind = match e.kind {
                    wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact => ExternKind::Func,
                    wasmparser::ExternalKind::Table => ExternKind::Table,
                    wasmparser::ExternalKind::Memory => ExternKind::Memory,
                    wasmparser::ExternalKind::Global => ExternKind::Global,
                    wasmparser::ExternalKind::Tag => ExternKind::Tag,
                };
                m.exports.push(Export { name: e.name.to_string(), kind, index: e.index });
            }
        }
        Payload::StartSection { func, .. } => m.start = Some(*func),
        Payload::ElementSection(reader) => {
            for e in reader.clone() {
                let e = e.map_err(mal)?;
                let (ty, items) = match e.items {
                    wasmparser::ElementItems::Functions(funcs) => {
                        let mut items = Vec::new();
                        for f in funcs {
                            items.push(Arc::new(translate::ref_func_expr(f.map_err(mal)?)));
                        }
                        (RefType { nullable: false, heap: HeapType::Func }, items)
                    }
                    wasmparser::ElementItems::Expressions(ty, exprs) => {
                        let mut items = Vec::new();
                        for e in exprs {
                            items.push(const_expr(m, &e.map_err(mal)?)?);
                        }
                        match ref_type(ty) {
                            Ok(t) => (t, items),
                            Err(msg) => return Ok(Some(DecodeError::invalid_msg(msg, e.range.start as usize))),
                        }
                    }
                };
                let mode = match e.kind {
                    wasmparser::ElementKind::Passive => ElemMode::Passive,
                    wasmparser::ElementKind::Declared => ElemMode::Declarative,
                    wasmparser::ElementKind::Active { table_index, offset_expr } => {
                        ElemMode::Active { table: table_index.unwrap_or(0), offset: const_expr(m, &offset_expr)? }
                    }
                };
                m.elems.push(ElemSegment { ty, items, mode });
            }
        }
        Payload::DataSection(reader) => {
            for d in reader.clone() {
                let d = d.map_err(mal)?;
                let mode = match d.kind {
                    wasmparser::DataKind::Passive => DataMode::Passive,
                    wasmparser::DataKind::Active { memory_index, offset_expr } => {
                        DataMode::Active { memory: memory_index, offset: const_expr(m, &offset_expr)? }
                    }
                };
                m.datas.push(DataSegment { bytes: d.data.into(), mode });
            }
        }
        _ => {}
    }
    Ok(None)
}

fn const_expr(m: &ModuleRepr, e: &wasmparser::ConstExpr) -> Result<ConstExpr, DecodeError> {
    translate::translate_const(m, e).map(Arc::new)
}
