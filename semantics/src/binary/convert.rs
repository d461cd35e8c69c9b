//! Conversion of wasmparser's type syntax to ours. Type indices stay module indices.
use crate::syntax::types::*;

pub(crate) fn val_type(v: wasmparser::ValType) -> Result<ValType, String> {
    Ok(match v {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) => ValType::Ref(ref_type(r)?),
    })
}

pub(crate) fn ref_type(r: wasmparser::RefType) -> Result<RefType, String> {
    Ok(RefType { nullable: r.is_nullable(), heap: heap_type(r.heap_type())? })
}

pub(crate) fn heap_type(h: wasmparser::HeapType) -> Result<HeapType, String> {
    use wasmparser::AbstractHeapType as A;
    Ok(match h {
        wasmparser::HeapType::Abstract { shared: false, ty } => match ty {
            A::Func => HeapType::Func,
            A::Extern => HeapType::Extern,
            A::Any => HeapType::Any,
            A::None => HeapType::None,
            A::NoExtern => HeapType::NoExtern,
            A::NoFunc => HeapType::NoFunc,
            A::Eq => HeapType::Eq,
            A::Struct => HeapType::Struct,
            A::Array => HeapType::Array,
            A::I31 => HeapType::I31,
            A::Exn => HeapType::Exn,
            A::NoExn => HeapType::NoExn,
            other => return Err(format!("unsupported heap type {other:?}")),
        },
        wasmparser::HeapType::Concrete(idx) => {
            HeapType::Concrete(idx.as_module_index().ok_or("type index outside module")?)
        }
        other => return Err(format!("unsupported heap type {other:?}")),
    })
}

fn storage(s: wasmparser::StorageType) -> Result<StorageType, String> {
    Ok(match s {
        wasmparser::StorageType::I8 => StorageType::I8,
        wasmparser::StorageType::I16 => StorageType::I16,
        wasmparser::StorageType::Val(v) => StorageType::Val(val_type(v)?),
    })
}

fn field(f: wasmparser::FieldType) -> Result<FieldType, String> {
    Ok(FieldType { storage: storage(f.element_type)?, mutable: f.mutable })
}

pub(crate) fn func_type(f: &wasmparser::FuncType) -> Result<FuncType, String> {
    Ok(FuncType {
        params: f.params().iter().map(|v| val_type(*v)).collect::<Result<_, _>>()?,
        results: f.results().iter().map(|v| val_type(*v)).collect::<Result<_, _>>()?,
    })
}

pub(crate) fn sub_type(s: &wasmparser::SubType) -> Result<SubType, String> {
    let composite = match &s.composite_type.inner {
        wasmparser::CompositeInnerType::Func(f) => CompositeType::Func(func_type(f)?),
        wasmparser::CompositeInnerType::Struct(st) => {
            CompositeType::Struct(st.fields.iter().map(|f| field(*f)).collect::<Result<_, _>>()?)
        }
        wasmparser::CompositeInnerType::Array(a) => CompositeType::Array(field(a.0)?),
        wasmparser::CompositeInnerType::Cont(_) => return Err("continuation types are not supported".into()),
    };
    let supertype = match s.supertype_idxs.first() {
        Some(i) => Some(i.as_module_index().ok_or("supertype index outside module")?),
        None => None,
    };
    Ok(SubType { is_final: s.is_final, supertype, composite })
}

pub(crate) fn table_type(t: wasmparser::TableType) -> TableType {
    TableType {
        // Element types the decoder cannot express are rejected by the validator first.
        elem: ref_type(t.element_type).unwrap_or(RefType { nullable: true, heap: HeapType::Func }),
        limits: Limits { min: t.initial, max: t.maximum },
        is64: t.table64,
    }
}

pub(crate) fn mem_type(t: wasmparser::MemoryType) -> MemType {
    MemType { limits: Limits { min: t.initial, max: t.maximum }, is64: t.memory64, page_size_log2: t.page_size_log2() }
}

pub(crate) fn global_type(t: wasmparser::GlobalType) -> GlobalType {
    GlobalType { content: val_type(t.content_type).unwrap_or(ValType::I32), mutable: t.mutable }
}
