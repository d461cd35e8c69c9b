//! Runtime values (spec §4.2.1) and their encoding in untyped 128-bit stack slots.
//!
//! Validation guarantees every slot is used at one type only, so the evaluator keeps raw bits:
//! i32 in the low 32 bits (upper bits zero), i64 in the low 64, floats as IEEE bits, v128 as is,
//! and references as a tag in bits 64..72 plus a 64-bit payload (see [`Ref`]).

use crate::syntax::types::{HeapTop, ValType};


/// An address of a function instance in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncAddr(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableAddr(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemAddr(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlobalAddr(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagAddr(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceAddr(pub u32);

/// External values: what imports and exports denote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Extern {
    Func(FuncAddr),
    Table(TableAddr),
    Memory(MemAddr),
    Global(GlobalAddr),
    Tag(TagAddr),
}

/// A WebAssembly value. Floats are kept as bit patterns so NaN payloads survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    Ref(Ref),
}

pub(crate) const TAG_NULL: u64 = 0;
pub(crate) const TAG_FUNC: u64 = 1;
pub(crate) const TAG_I31: u64 = 2;
pub(crate) const TAG_STRUCT: u64 = 3;
pub(crate) const TAG_ARRAY: u64 = 4;
pub(crate) const TAG_EXN: u64 = 5;
/// `ref.host n` of the spec test harness: an opaque host address inside `anyref`.
pub(crate) const TAG_HOST: u64 = 6;
/// Set on top of an any-hierarchy tag when the reference was externalised (`extern.convert_any`).
/// Host extern references `(ref.extern n)` are externalised host addresses, as in the spec.
pub(crate) const EXTERN_FLAG: u64 = 0x80;

/// A reference value, encoded exactly as it lives in a stack slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ref(pub(crate) u128);

/// What a reference denotes, for embedders (e.g. matching `(ref.func)` in assertions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefKind {
    Null,
    Func(FuncAddr),
    /// An extern reference: `Some(n)` for the host reference `(ref.extern n)`,
    /// `None` for an externalised internal reference.
    Extern(Option<u32>),
    Host(u32),
    I31(i32),
    Struct,
    Array,
    Exn,
}

impl Ref {
    pub(crate) fn encode(tag: u64, payload: u64) -> u128 {
        ((tag as u128) << 64) | payload as u128
    }
    pub(crate) fn tag_of(bits: u128) -> u64 {
        (bits >> 64) as u64
    }
    pub(crate) fn payload_of(bits: u128) -> u64 {
        bits as u64
    }
    pub(crate) fn is_null_bits(bits: u128) -> bool {
        Ref::tag_of(bits) == TAG_NULL
    }
    pub(crate) fn null_bits(top: HeapTop) -> u128 {
        Ref::encode(TAG_NULL, top as u64)
    }

    /// The null reference of the given type hierarchy.
    pub fn null(top: HeapTop) -> Ref {
        Ref(Ref::null_bits(top))
    }
    /// The spec harness's `(ref.extern n)`.
    pub fn host_extern(n: u32) -> Ref {
        Ref(Ref::encode(TAG_HOST | EXTERN_FLAG, n as u64))
    }
    /// The spec harness's `(ref.host n)`.
    pub fn host(n: u32) -> Ref {
        Ref(Ref::encode(TAG_HOST, n as u64))
    }
    /// A reference to a function.
    pub fn func(f: FuncAddr) -> Ref {
        Ref(Ref::encode(TAG_FUNC, f.0 as u64))
    }
    pub fn is_null(&self) -> bool {
        Ref::is_null_bits(self.0)
    }
    /// The hierarchy of a null reference.
    pub fn null_top(&self) -> Option<HeapTop> {
        if !self.is_null() {
            return None;
        }
        Some(match Ref::payload_of(self.0) {
            1 => HeapTop::Func,
            2 => HeapTop::Extern,
            3 => HeapTop::Exn,
            _ => HeapTop::Any,
        })
    }
    /// Classification of this reference (does not need the store).
    pub fn kind(&self) -> RefKind {
        let tag = Ref::tag_of(self.0);
        let payload = Ref::payload_of(self.0);
        if tag & EXTERN_FLAG != 0 {
            return match tag & !EXTERN_FLAG {
                TAG_HOST => RefKind::Extern(Some(payload as u32)),
                _ => RefKind::Extern(None),
            };
        }
        match tag {
            TAG_NULL => RefKind::Null,
            TAG_FUNC => RefKind::Func(FuncAddr(payload as u32)),
            TAG_I31 => RefKind::I31(((payload as u32) << 1) as i32 >> 1),
            TAG_STRUCT => RefKind::Struct,
            TAG_ARRAY => RefKind::Array,
            TAG_EXN => RefKind::Exn,
            _ => RefKind::Host(payload as u32),
        }
    }
}

impl Value {
    /// Raw slot bits of this value.
    pub(crate) fn to_bits(self) -> u128 {
        match self {
            Value::I32(v) => v as u32 as u128,
            Value::I64(v) => v as u64 as u128,
            Value::F32(v) => v as u128,
            Value::F64(v) => v as u128,
            Value::V128(v) => v,
            Value::Ref(r) => r.0,
        }
    }
    /// Reinterpret slot bits at a value type.
    pub(crate) fn from_bits(bits: u128, ty: ValType) -> Value {
        match ty {
            ValType::I32 => Value::I32(bits as u32 as i32),
            ValType::I64 => Value::I64(bits as u64 as i64),
            ValType::F32 => Value::F32(bits as u32),
            ValType::F64 => Value::F64(bits as u64),
            ValType::V128 => Value::V128(bits),
            ValType::Ref(_) => Value::Ref(Ref(bits)),
        }
    }
}
