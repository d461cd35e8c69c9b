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
            O::TableGet { table } => self.stacked(I::TableGet(table)),
            O::TableSet { table } => self.stacked(I::TableSet(table)),
            O::TableSize { table } => self.stacked(I::TableSize(table)),
            O::TableGrow { table } => self.stacked(I::TableGrow(table)),
            O::TableFill { table } => self.stacked(I::TableFill(table)),
            O::TableCopy {
                dst_table,
                src_table,
            } => self.stacked(I::TableCopy {
                dst: dst_table,
                src: src_table,
            }),
            O::TableInit { elem_index, table } => self.stacked(I::TableInit {
                table,
                elem: elem_index,
            }),
            O::ElemDrop { elem_index } => self.stacked(I::ElemDrop(elem_index)),
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
            O::MemorySize { mem } => self.stacked(I::MemorySize(mem)),
            O::MemoryGrow { mem } => self.stacked(I::MemoryGrow(mem)),
            O::MemoryFill { mem } => self.stacked(I::MemoryFill(mem)),
            O::MemoryCopy { dst_mem, src_mem } => self.stacked(I::MemoryCopy {
                dst: dst_mem,
                src: src_mem,
            }),
            O::MemoryInit { data_index, mem } => self.stacked(I::MemoryInit {
                mem,
                data: data_index,
            }),
            O::DataDrop { data_index } => self.stacked(I::DataDrop(data_index)),
            O::I32Const { value } => self.constant(value as u32 as u128, false),
            O::I64Const { value } => self.constant(value as u64 as u128, true),
            O::F32Const { value } => self.constant(value.bits() as u128, false),
            O::F64Const { value } => self.constant(value.bits() as u128, true),
            O::V128Const { value } => {
                let p = self.pool(u128::from_le_bytes(*value.bytes()));
                self.emit_result(|dst| I::ConstPool { dst, p })
            }
            O::RefNull { hty } => {
                let top = module_top(self.module, heap(hty)?);
                self.stacked(I::RefNull(top))
            }
            O::RefIsNull => self.stacked(I::RefIsNull),
            O::RefFunc { function_index } => self.stacked(I::RefFunc(function_index)),
            O::RefAsNonNull => self.stacked(I::RefAsNonNull),
            O::RefEq => self.stacked(I::RefEq),
            O::StructNew { struct_type_index } => self.stacked(I::StructNew(struct_type_index)),
            O::StructNewDefault { struct_type_index } => {
                self.stacked(I::StructNewDefault(struct_type_index))
            }
            O::StructGet {
                struct_type_index: ty,
                field_index: field,
            } => self.stacked(I::StructGet {
                ty,
                field,
                ext: Ext::None,
            }),
            O::StructGetS {
                struct_type_index: ty,
                field_index: field,
            } => {
                let ext = self.field_ext(ty, Some(field), true);
                self.stacked(I::StructGet { ty, field, ext })
            }
            O::StructGetU {
                struct_type_index: ty,
                field_index: field,
            } => {
                let ext = self.field_ext(ty, Some(field), false);
                self.stacked(I::StructGet { ty, field, ext })
            }
            O::StructSet {
                struct_type_index: ty,
                field_index: field,
            } => self.stacked(I::StructSet { ty, field }),
            O::ArrayNew { array_type_index } => self.stacked(I::ArrayNew(array_type_index)),
            O::ArrayNewDefault { array_type_index } => {
                self.stacked(I::ArrayNewDefault(array_type_index))
            }
            O::ArrayNewFixed {
                array_type_index: ty,
                array_size: len,
            } => self.stacked(I::ArrayNewFixed { ty, len }),
            O::ArrayNewData {
                array_type_index: ty,
                array_data_index: data,
            } => self.stacked(I::ArrayNewData { ty, data }),
            O::ArrayNewElem {
                array_type_index: ty,
                array_elem_index: elem,
            } => self.stacked(I::ArrayNewElem { ty, elem }),
            O::ArrayGet {
                array_type_index: ty,
            } => self.stacked(I::ArrayGet { ty, ext: Ext::None }),
            O::ArrayGetS {
                array_type_index: ty,
            } => {
                let ext = self.field_ext(ty, None, true);
                self.stacked(I::ArrayGet { ty, ext })
            }
            O::ArrayGetU {
                array_type_index: ty,
            } => {
                let ext = self.field_ext(ty, None, false);
                self.stacked(I::ArrayGet { ty, ext })
            }
            O::ArraySet { array_type_index } => self.stacked(I::ArraySet(array_type_index)),
            O::ArrayLen => self.stacked(I::ArrayLen),
            O::ArrayFill { array_type_index } => self.stacked(I::ArrayFill(array_type_index)),
            O::ArrayCopy {
                array_type_index_dst: dst,
                array_type_index_src: src,
            } => self.stacked(I::ArrayCopy { dst, src }),
            O::ArrayInitData {
                array_type_index: ty,
                array_data_index: data,
            } => self.stacked(I::ArrayInitData { ty, data }),
            O::ArrayInitElem {
                array_type_index: ty,
                array_elem_index: elem,
            } => self.stacked(I::ArrayInitElem { ty, elem }),
            O::RefI31 => self.stacked(I::RefI31),
            O::I31GetS => self.stacked(I::I31Get { signed: true }),
            O::I31GetU => self.stacked(I::I31Get { signed: false }),
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
                self.stacked(if test { I::RefTest(rt) } else { I::RefCast(rt) })
            }
            O::AnyConvertExtern => self.stacked(I::AnyConvertExtern),
            O::ExternConvertAny => self.stacked(I::ExternConvertAny),
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
        self.stacked(if store {
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

    /// Pure numeric instructions are looked up once here: the table's hot rows become their
    /// own instruction, the others carry their raw-bits function.
    pub(super) fn numeric(&mut self, op: &Operator, offset: usize) -> Result<(), DecodeError> {
        use crate::numerics::NumericFn;
        let f = crate::numerics::lookup(op).ok_or_else(|| unsupported(op, offset))?;
        match f {
            NumericFn::Un(f) => {
                let a = self.pop();
                self.emit_result(|dst| Instr::hot(op, dst, a, a).unwrap_or(Instr::Un { f, dst, a }));
            }
            NumericFn::Bin(f) => {
                let b = self.pop();
                let a = self.pop();
                self.emit_result(|dst| Instr::hot(op, dst, a, b).unwrap_or(Instr::Bin { f, dst, a, b }));
            }
            NumericFn::Tern(f) => self.stacked(Instr::Tern(f)),
            NumericFn::UnImm(f, imm) => {
                let p = self.pool(imm);
                self.stacked(Instr::UnImm(f, p))
            }
            NumericFn::BinImm(f, imm) => {
                let p = self.pool(imm);
                self.stacked(Instr::BinImm(f, p))
            }
        }
        Ok(())
    }
}
