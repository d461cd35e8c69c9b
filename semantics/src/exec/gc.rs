//! GC objects (spec §4.2 "aggregate instances"), exceptions, and the dynamic type tests of
//! `ref.test` / `ref.cast` / `br_on_cast` / `call_indirect`.

use super::store::{ExnObject, GcObject, Store};
use super::trap::{Trap, TrapKind};
use super::value::*;
use crate::syntax::types::*;

/// Arrays longer than this are refused: the arena holds one u128 per element.
const MAX_ARRAY_LEN: u64 = 1 << 24;

impl Store {
    /// Default bits of a field (spec `default_t`; packed fields are zero).
    pub(crate) fn default_field(&self, st: StorageType) -> u128 {
        match st {
            StorageType::Val(ValType::Ref(r)) => Ref::null_bits(self.types.top(r.heap)),
            _ => 0,
        }
    }

    pub(crate) fn struct_fields(&self, ty: u32) -> &[FieldType] {
        match &self.types.get(ty).composite {
            CompositeType::Struct(f) => f,
            _ => &[],
        }
    }

    pub(crate) fn array_field(&self, ty: u32) -> FieldType {
        match &self.types.get(ty).composite {
            CompositeType::Array(f) => *f,
            _ => unreachable!("validation guarantees an array type"),
        }
    }

    pub(crate) fn alloc_struct(&mut self, ty: u32, fields: Vec<u128>) -> u128 {
        self.gc.push(GcObject { ty, fields });
        Ref::encode(TAG_STRUCT, (self.gc.len() - 1) as u64)
    }

    pub(crate) fn alloc_array(&mut self, ty: u32, fields: Vec<u128>) -> u128 {
        self.gc.push(GcObject { ty, fields });
        Ref::encode(TAG_ARRAY, (self.gc.len() - 1) as u64)
    }

    pub(crate) fn check_array_len(len: u64) -> Result<usize, Trap> {
        if len > MAX_ARRAY_LEN {
            return Err(Trap::new(TrapKind::ResourceExhausted, "out of memory: array too large"));
        }
        Ok(len as usize)
    }

    pub(crate) fn alloc_exn(&mut self, tag: TagAddr, fields: Vec<u128>) -> u128 {
        self.exns.push(ExnObject { tag, fields });
        Ref::encode(TAG_EXN, (self.exns.len() - 1) as u64)
    }

    /// The object a non-null struct/array reference points to.
    pub(crate) fn object(&self, bits: u128) -> &GcObject {
        &self.gc[Ref::payload_of(bits) as usize]
    }

    pub(crate) fn object_mut(&mut self, bits: u128) -> &mut GcObject {
        &mut self.gc[Ref::payload_of(bits) as usize]
    }

    /// Does the reference value `bits` have a type matching `rt` (canonical heap types)?
    pub(crate) fn ref_matches(&self, bits: u128, rt: RefType) -> bool {
        if Ref::is_null_bits(bits) {
            return rt.nullable;
        }
        let tag = Ref::tag_of(bits);
        match rt.heap {
            // Validation keeps values inside the hierarchy of the cast's source type.
            HeapType::Any | HeapType::Func | HeapType::Extern | HeapType::Exn => true,
            HeapType::Eq => matches!(tag, TAG_I31 | TAG_STRUCT | TAG_ARRAY),
            HeapType::I31 => tag == TAG_I31,
            HeapType::Struct => tag == TAG_STRUCT,
            HeapType::Array => tag == TAG_ARRAY,
            HeapType::None | HeapType::NoFunc | HeapType::NoExtern | HeapType::NoExn => false,
            HeapType::Concrete(target) => {
                let actual = match tag {
                    TAG_FUNC => self.funcs[Ref::payload_of(bits) as usize].type_id(),
                    TAG_STRUCT | TAG_ARRAY => self.object(bits).ty,
                    _ => return false,
                };
                self.types.is_subtype(actual, target)
            }
        }
    }
}

/// Reads a packed or unpacked field value as it appears on the stack.
#[inline]
pub(crate) fn extend_field(v: u128, ext: super::code::Ext) -> u128 {
    use super::code::Ext;
    match ext {
        Ext::None => v,
        Ext::S8 => v as u8 as i8 as i32 as u32 as u128,
        Ext::U8 => v as u8 as u128,
        Ext::S16 => v as u16 as i16 as i32 as u32 as u128,
        Ext::U16 => v as u16 as u128,
    }
}

/// Bits of a field after `struct.set`/`array.set`: packed fields keep only their width.
#[inline]
pub(crate) fn pack_field(v: u128, st: StorageType) -> u128 {
    match st {
        StorageType::I8 => v & 0xff,
        StorageType::I16 => v & 0xffff,
        StorageType::Val(_) => v,
    }
}

/// Elements of an array read from a data segment (`array.new_data`, `array.init_data`).
pub(crate) fn elements_from_bytes(bytes: &[u8], st: StorageType) -> Vec<u128> {
    let size = st.byte_size();
    bytes
        .chunks_exact(size)
        .map(|c| {
            let mut buf = [0u8; 16];
            buf[..size].copy_from_slice(c);
            u128::from_le_bytes(buf)
        })
        .collect()
}
