//! Types (spec §2.3). Type indices inside a module refer to the module's type section;
//! the store canonicalises them (see `exec::types`) so that they can be compared across modules.

/// Value types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    Ref(RefType),
}

/// Reference types: a heap type plus nullability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RefType {
    pub nullable: bool,
    pub heap: HeapType,
}

/// Heap types. `Concrete` holds a type index whose meaning depends on context:
/// a module type index in `syntax`, a canonical store type id after `exec::types` resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeapType {
    Func,
    NoFunc,
    Extern,
    NoExtern,
    Any,
    Eq,
    I31,
    Struct,
    Array,
    None,
    Exn,
    NoExn,
    Concrete(u32),
}

/// The four disjoint type hierarchies; a null reference remembers which one it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeapTop {
    Any,
    Func,
    Extern,
    Exn,
}

/// Field storage types (packed i8/i16 exist only inside structs and arrays).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StorageType {
    I8,
    I16,
    Val(ValType),
}

impl StorageType {
    /// Size in bytes, used by `array.new_data` / `array.init_data`.
    pub fn byte_size(self) -> usize {
        match self {
            StorageType::I8 => 1,
            StorageType::I16 => 2,
            StorageType::Val(ValType::I32 | ValType::F32) => 4,
            StorageType::Val(ValType::I64 | ValType::F64) => 8,
            StorageType::Val(ValType::V128) => 16,
            StorageType::Val(ValType::Ref(_)) => 8,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldType {
    pub storage: StorageType,
    pub mutable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CompositeType {
    Func(FuncType),
    Struct(Vec<FieldType>),
    Array(FieldType),
}

/// A sub type: composite type plus declared supertype (at most one) and finality.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubType {
    pub is_final: bool,
    pub supertype: Option<u32>,
    pub composite: CompositeType,
}

/// Size limits of tables and memories (`max` absent means unbounded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub min: u64,
    pub max: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableType {
    pub elem: RefType,
    pub limits: Limits,
    pub is64: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemType {
    pub limits: Limits,
    pub is64: bool,
    /// log2 of the page size (16 by default; the custom-page-sizes proposal allows 0).
    pub page_size_log2: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalType {
    pub content: ValType,
    pub mutable: bool,
}

/// The kind of an import or export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExternKind {
    Func,
    Table,
    Memory,
    Global,
    Tag,
}

/// A function signature as seen by embedders (params/results are plain value types;
/// concrete reference types carry canonical store type ids when they come from the store).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncTypeInfo {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

/// One export of a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportInfo {
    pub name: String,
    pub kind: ExternKind,
    pub func_type: Option<FuncTypeInfo>,
}
