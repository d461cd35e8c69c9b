//! Table, memory, constant, reference, GC and numeric operators.

use wasmparser::{MemArg, Operator};

use super::{mem, module_top, unsupported, Translator};
use crate::binary::{heap_type, DecodeError};
use crate::exec::code::*;
use crate::syntax::types::*;

impl Translator<'_> {
    pub(super) fn data_op(&mut self, op: Operator, offset: usize) -> Result<(), DecodeError> {
        use Instr as I;
        use Operator as O;
        let heap = |h| heap_type(h).map_err(|e| unsupported(e, offset));
        match op {
            O::TableGet { table } => self.emit(I::TableGet(table)),
            O::TableSet { table } => self.emit(I::TableSet(table)),
            O::TableSize { table } => self.emit(I::TableSize(table)),
            O::TableGrow { table } => self.emit(I::TableGrow(table)),
            O::TableFill { table } => self.emit(I::TableFill(table)),
            O::TableCopy {
                dst_table,
                src_table,
            } => self.emit(I::TableCopy {
                dst: dst_table,
                src: src_table,
            }),
            O::TableInit { elem_index, table } => self.emit(I::TableInit {
                table,
                elem: elem_index,
            }),
            O::ElemDrop { elem_index } => self.emit(I::ElemDrop(elem_index)),
            O::I32Load { memarg } => self.load(LoadOp::I32, &memarg),
            O::I64Load { memarg } => self.load(LoadOp::I64, &memarg),
            O::F32Load { memarg } => self.load(LoadOp::F32, &memarg),
            O::F64Load { memarg } => self.load(LoadOp::F64, &memarg),
            O::I32Load8S { memarg } => self.load(LoadOp::I32S8, &memarg),
            O::I32Load8U { memarg } => self.load(LoadOp::I32U8, &memarg),
            O::I32Load16S { memarg } => self.load(LoadOp::I32S16, &memarg),
            O::I32Load16U { memarg } => self.load(LoadOp::I32U16, &memarg),
            O::I64Load8S { memarg } => self.load(LoadOp::I64S8, &memarg),
            O::I64Load8U { memarg } => self.load(LoadOp::I64U8, &memarg),
            O::I64Load16S { memarg } => self.load(LoadOp::I64S16, &memarg),
            O::I64Load16U { memarg } => self.load(LoadOp::I64U16, &memarg),
            O::I64Load32S { memarg } => self.load(LoadOp::I64S32, &memarg),
            O::I64Load32U { memarg } => self.load(LoadOp::I64U32, &memarg),
            O::V128Load { memarg } => self.load(LoadOp::V128, &memarg),
            O::V128Load8x8S { memarg } => self.load(LoadOp::V128S8x8, &memarg),
            O::V128Load8x8U { memarg } => self.load(LoadOp::V128U8x8, &memarg),
            O::V128Load16x4S { memarg } => self.load(LoadOp::V128S16x4, &memarg),
            O::V128Load16x4U { memarg } => self.load(LoadOp::V128U16x4, &memarg),
            O::V128Load32x2S { memarg } => self.load(LoadOp::V128S32x2, &memarg),
            O::V128Load32x2U { memarg } => self.load(LoadOp::V128U32x2, &memarg),
            O::V128Load8Splat { memarg } => self.load(LoadOp::Splat8, &memarg),
            O::V128Load16Splat { memarg } => self.load(LoadOp::Splat16, &memarg),
            O::V128Load32Splat { memarg } => self.load(LoadOp::Splat32, &memarg),
            O::V128Load64Splat { memarg } => self.load(LoadOp::Splat64, &memarg),
            O::V128Load32Zero { memarg } => self.load(LoadOp::Zero32, &memarg),
            O::V128Load64Zero { memarg } => self.load(LoadOp::Zero64, &memarg),
            O::I32Store { memarg } | O::F32Store { memarg } | O::I64Store32 { memarg } => {
                self.store(4, &memarg)
            }
            O::I64Store { memarg } | O::F64Store { memarg } => self.store(8, &memarg),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(1, &memarg),
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store(2, &memarg),
            O::V128Store { memarg } => self.store(16, &memarg),
            O::V128Load8Lane { memarg, lane } => self.lane(false, 1, lane, &memarg),
            O::V128Load16Lane { memarg, lane } => self.lane(false, 2, lane, &memarg),
            O::V128Load32Lane { memarg, lane } => self.lane(false, 4, lane, &memarg),
            O::V128Load64Lane { memarg, lane } => self.lane(false, 8, lane, &memarg),
            O::V128Store8Lane { memarg, lane } => self.lane(true, 1, lane, &memarg),
            O::V128Store16Lane { memarg, lane } => self.lane(true, 2, lane, &memarg),
            O::V128Store32Lane { memarg, lane } => self.lane(true, 4, lane, &memarg),
            O::V128Store64Lane { memarg, lane } => self.lane(true, 8, lane, &memarg),
            O::MemorySize { mem } => self.emit(I::MemorySize(mem)),
            O::MemoryGrow { mem } => self.emit(I::MemoryGrow(mem)),
            O::MemoryFill { mem } => self.emit(I::MemoryFill(mem)),
            O::MemoryCopy { dst_mem, src_mem } => self.emit(I::MemoryCopy {
                dst: dst_mem,
                src: src_mem,
            }),
            O::MemoryInit { data_index, mem } => self.emit(I::MemoryInit {
                mem,
                data: data_index,
            }),
            O::DataDrop { data_index } => self.emit(I::DataDrop(data_index)),
            O::I32Const { value } => self.emit(I::Const32(value as u32)),
            O::I64Const { value } => self.emit(I::Const64(value as u64)),
            O::F32Const { value } => self.emit(I::Const32(value.bits())),
            O::F64Const { value } => self.emit(I::Const64(value.bits())),
            O::V128Const { value } => {
                let p = self.pool(u128::from_le_bytes(*value.bytes()));
                self.emit(I::ConstPool(p))
            }
            O::RefNull { hty } => {
                let top = module_top(self.module, heap(hty)?);
                self.emit(I::RefNull(top))
            }
            O::RefIsNull => self.emit(I::RefIsNull),
            O::RefFunc { function_index } => self.emit(I::RefFunc(function_index)),
            O::RefAsNonNull => self.emit(I::RefAsNonNull),
            O::RefEq => self.emit(I::RefEq),
            O::StructNew { struct_type_index } => self.emit(I::StructNew(struct_type_index)),
            O::StructNewDefault { struct_type_index } => {
                self.emit(I::StructNewDefault(struct_type_index))
            }
            O::StructGet {
                struct_type_index: ty,
                field_index: field,
            } => self.emit(I::StructGet {
                ty,
                field,
                ext: Ext::None,
            }),
            O::StructGetS {
                struct_type_index: ty,
                field_index: field,
            } => {
                let ext = self.field_ext(ty, Some(field), true);
                self.emit(I::StructGet { ty, field, ext })
            }
            O::StructGetU {
                struct_type_index: ty,
                field_index: field,
            } => {
                let ext = self.field_ext(ty, Some(field), false);
                self.emit(I::StructGet { ty, field, ext })
            }
            O::StructSet {
                struct_type_index: ty,
                field_index: field,
            } => self.emit(I::StructSet { ty, field }),
            O::ArrayNew { array_type_index } => self.emit(I::ArrayNew(array_type_index)),
            O::ArrayNewDefault { array_type_index } => {
                self.emit(I::ArrayNewDefault(array_type_index))
            }
            O::ArrayNewFixed {
                array_type_index: ty,
                array_size: len,
            } => self.emit(I::ArrayNewFixed { ty, len }),
            O::ArrayNewData {
                array_type_index: ty,
                array_data_index: data,
            } => self.emit(I::ArrayNewData { ty, data }),
            O::ArrayNewElem {
                array_type_index: ty,
                array_elem_index: elem,
            } => self.emit(I::ArrayNewElem { ty, elem }),
            O::ArrayGet {
                array_type_index: ty,
            } => self.emit(I::ArrayGet { ty, ext: Ext::None }),
            O::ArrayGetS {
                array_type_index: ty,
            } => {
                let ext = self.field_ext(ty, None, true);
                self.emit(I::ArrayGet { ty, ext })
            }
            O::ArrayGetU {
                array_type_index: ty,
            } => {
                let ext = self.field_ext(ty, None, false);
                self.emit(I::ArrayGet { ty, ext })
            }
            O::ArraySet { array_type_index } => self.emit(I::ArraySet(array_type_index)),
            O::ArrayLen => self.emit(I::ArrayLen),
            O::ArrayFill { array_type_index } => self.emit(I::ArrayFill(array_type_index)),
            O::ArrayCopy {
                array_type_index_dst: dst,
                array_type_index_src: src,
            } => self.emit(I::ArrayCopy { dst, src }),
            O::ArrayInitData {
                array_type_index: ty,
                array_data_index: data,
            } => self.emit(I::ArrayInitData { ty, data }),
            O::ArrayInitElem {
                array_type_index: ty,
                array_elem_index: elem,
            } => self.emit(I::ArrayInitElem { ty, elem }),
            O::RefI31 => self.emit(I::RefI31),
            O::I31GetS => self.emit(I::I31Get { signed: true }),
            O::I31GetU => self.emit(I::I31Get { signed: false }),
            O::RefTestNonNull { hty }
            | O::RefTestNullable { hty }
            | O::RefCastNonNull { hty }
            | O::RefCastNullable { hty } => {
                let nullable = matches!(op, O::RefTestNullable { .. } | O::RefCastNullable { .. });
                let rt = self.ref_type_index(RefType {
                    nullable,
                    heap: heap(hty)?,
                });
                let test = matches!(op, O::RefTestNonNull { .. } | O::RefTestNullable { .. });
                self.emit(if test { I::RefTest(rt) } else { I::RefCast(rt) })
            }
            O::AnyConvertExtern => self.emit(I::AnyConvertExtern),
            O::ExternConvertAny => self.emit(I::ExternConvertAny),
            other => self.numeric(&other, offset)?,
        }
        Ok(())
    }

    pub(super) fn field_ext(&self, ty: u32, field: Option<u32>, signed: bool) -> Ext {
        let storage = match self.module.types.get(ty as usize).map(|s| &s.composite) {
            Some(CompositeType::Struct(fields)) => field
                .and_then(|f| fields.get(f as usize))
                .map(|f| f.storage),
            Some(CompositeType::Array(f)) => Some(f.storage),
            _ => None,
        };
        match (storage, signed) {
            (Some(StorageType::I8), true) => Ext::S8,
            (Some(StorageType::I8), false) => Ext::U8,
            (Some(StorageType::I16), true) => Ext::S16,
            (Some(StorageType::I16), false) => Ext::U16,
            _ => Ext::None,
        }
    }

    pub(super) fn lane(&mut self, store: bool, bytes: u8, lane: u8, memarg: &MemArg) {
        let (mem, offset) = mem(memarg);
        self.emit(if store {
            Instr::StoreLane {
                bytes,
                lane,
                mem,
                offset,
            }
        } else {
            Instr::LoadLane {
                bytes,
                lane,
                mem,
                offset,
            }
        });
    }

    /// Pure numeric instructions are looked up once here; the evaluator just calls them.
    pub(super) fn numeric(&mut self, op: &Operator, offset: usize) -> Result<(), DecodeError> {
        use crate::numerics::{ops::Hot, NumericFn};
        let f = crate::numerics::lookup(op).ok_or_else(|| unsupported(op, offset))?;
        match f {
            NumericFn::Un(f) => self.emit_numeric(Instr::Un(Hot::of(op), f)),
            NumericFn::Bin(f) => self.emit_numeric(Instr::Bin(Hot::of(op), f)),
            NumericFn::Tern(f) => self.emit(Instr::Tern(f)),
            NumericFn::UnImm(f, imm) => {
                let p = self.pool(imm);
                self.emit(Instr::UnImm(f, p))
            }
            NumericFn::BinImm(f, imm) => {
                let p = self.pool(imm);
                self.emit(Instr::BinImm(f, p))
            }
        }
        Ok(())
    }
}
