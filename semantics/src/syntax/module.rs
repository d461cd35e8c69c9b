//! The module representation (spec §2.5), after decoding and translation of code.
use std::sync::Arc;

use super::types::*;
use crate::exec::code::Code;

/// A constant expression, translated like a function body and run by the evaluator.
pub type ConstExpr = Arc<Code>;

#[derive(Debug, Clone)]
pub enum ImportDesc {
    Func(u32),
    Table(TableType),
    Memory(MemType),
    Global(GlobalType),
    Tag(u32),
}

#[derive(Debug, Clone)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub desc: ImportDesc,
}

#[derive(Debug, Clone)]
pub struct Export {
    pub name: String,
    pub kind: ExternKind,
    pub index: u32,
}

#[derive(Debug, Clone)]
pub struct TableDef {
    pub ty: TableType,
    /// Initial value of every element; `None` means null.
    pub init: Option<ConstExpr>,
}

#[derive(Debug, Clone)]
pub struct GlobalDef {
    pub ty: GlobalType,
    pub init: ConstExpr,
}

#[derive(Debug, Clone)]
pub enum ElemMode {
    Passive,
    Active { table: u32, offset: ConstExpr },
    Declarative,
}

#[derive(Debug, Clone)]
pub struct ElemSegment {
    pub ty: RefType,
    pub items: Vec<ConstExpr>,
    pub mode: ElemMode,
}

#[derive(Debug, Clone)]
pub enum DataMode {
    Passive,
    Active { memory: u32, offset: ConstExpr },
}

#[derive(Debug, Clone)]
pub struct DataSegment {
    pub bytes: Arc<[u8]>,
    pub mode: DataMode,
}

/// A decoded, validated module. Index spaces of functions, tables, memories, globals and
/// tags start with the imports, as in the spec.
#[derive(Debug, Clone, Default)]
pub struct ModuleRepr {
    /// All defined types, flattened; `rec_groups` gives (start, len) of each recursion group.
    pub types: Vec<SubType>,
    pub rec_groups: Vec<(u32, u32)>,
    pub imports: Vec<Import>,
    /// Type index of every function (imported first).
    pub func_types: Vec<u32>,
    pub tables: Vec<TableDef>,
    pub mems: Vec<MemType>,
    pub globals: Vec<GlobalDef>,
    /// Type index of every defined tag.
    pub tags: Vec<u32>,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    /// Translated bodies of the defined functions.
    pub code: Vec<Arc<Code>>,
    pub num_imported_funcs: u32,
}

impl ModuleRepr {
    pub fn func_type(&self, type_index: u32) -> Option<&FuncType> {
        match &self.types.get(type_index as usize)?.composite {
            CompositeType::Func(f) => Some(f),
            _ => None,
        }
    }
}
