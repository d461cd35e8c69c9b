//! Single instructions: variables, constants, numerics (from `numerics::instr::apply`, trap
//! conditions included), memory accesses and branches.

use super::access::{access, Access, Direction};
use super::sites::{op_name, SiteKind};
use super::{Exec, State, Step, Unsupported};
use crate::machine::{is_true, select, Machine, NumType};
use saffron_semantics::numerics::domain::{FloatOps, IntOps};
use saffron_semantics::numerics::instr::{self, Val};
use saffron_semantics::numerics::NumTrap;
use wasmparser::Operator;

impl<'x, 'a, D: Machine> Exec<'x, 'a, D> {
    pub(super) fn step(&mut self, offset: usize, op: &Operator<'a>, pc: &mut D::Bool, st: &mut State<D>) -> Step {
        let d = self.d;
        let bad = |what: &str| Unsupported { offset, what: what.into() };
        match op {
            Operator::Nop => {}
            Operator::Drop => {
                self.pop(offset, st)?;
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                let c = self.pop_i32(offset, st)?;
                let b = self.pop(offset, st)?;
                let a = self.pop(offset, st)?;
                let v = select(d, &is_true(d, &c), &a, &b).ok_or_else(|| bad("select of non-numeric values"))?;
                st.stack.push(v);
            }
            Operator::LocalGet { local_index } => {
                let v = st.locals.get(*local_index as usize).ok_or_else(|| bad("local index"))?.clone();
                st.stack.push(v);
            }
            Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
                let v = self.pop(offset, st)?;
                if matches!(op, Operator::LocalTee { .. }) {
                    st.stack.push(v.clone());
                }
                *st.locals.get_mut(*local_index as usize).ok_or_else(|| bad("local index"))? = v;
            }
            Operator::GlobalGet { global_index } => {
                let v = st.globals.get(*global_index as usize).ok_or_else(|| bad("global index"))?.clone();
                st.stack.push(v);
            }
            Operator::GlobalSet { global_index } => {
                let v = self.pop(offset, st)?;
                *st.globals.get_mut(*global_index as usize).ok_or_else(|| bad("global index"))? = v;
            }
            Operator::I32Const { value } => st.stack.push(Val::I32(IntOps::<D::I32>::lit(d, *value as u32 as u64))),
            Operator::I64Const { value } => st.stack.push(Val::I64(IntOps::<D::I64>::lit(d, *value as u64))),
            Operator::F32Const { value } => st.stack.push(Val::F32(FloatOps::<D::F32>::flit(d, value.bits() as u64))),
            Operator::F64Const { value } => st.stack.push(Val::F64(FloatOps::<D::F64>::flit(d, value.bits()))),
            Operator::Unreachable => {
                let t = d.bool_lit(true);
                self.site(offset, "unreachable".into(), SiteKind::Unreachable, &t, pc);
            }
            Operator::Br { relative_depth } => self.arrive(*relative_depth, pc, st),
            Operator::BrIf { relative_depth } => {
                let c = self.pop_i32(offset, st)?;
                let c = is_true(d, &c);
                let mut taken = d.band(pc, &c);
                self.arrive(*relative_depth, &mut taken, st);
                *pc = d.band(pc, &d.bnot(&c));
            }
            Operator::BrTable { targets } => {
                let i = self.pop_i32(offset, st)?;
                let depths: Vec<u32> = targets.targets().collect::<Result<_, _>>().map_err(|_| bad("br_table"))?;
                let n = IntOps::<D::I32>::lit(d, depths.len() as u64);
                let mut by_depth: Vec<(u32, D::Bool)> = vec![(targets.default(), IntOps::<D::I32>::ule(d, &n, &i))];
                for (j, depth) in depths.iter().enumerate() {
                    let here = IntOps::<D::I32>::eq(d, &i, &IntOps::<D::I32>::lit(d, j as u64));
                    match by_depth.iter_mut().find(|(t, _)| t == depth) {
                        Some((_, c)) => *c = d.bor(c, &here),
                        None => by_depth.push((*depth, here)),
                    }
                }
                for (depth, c) in by_depth {
                    let mut p = d.band(pc, &c);
                    self.arrive(depth, &mut p, st);
                }
                *pc = d.bool_lit(false);
            }
            Operator::Return => {
                let depth = self.labels.len() as u32 - 1;
                self.arrive(depth, pc, st);
            }
            Operator::Call { function_index } => self.call(offset, *function_index, pc, st)?,
            Operator::CallIndirect { type_index, table_index } => self.call_indirect(offset, *type_index, *table_index, pc, st)?,
            Operator::MemorySize { mem } => {
                let p = st.pages.get(*mem as usize).ok_or_else(|| bad("memory index"))?.clone();
                st.stack.push(Val::I32(p));
            }
            Operator::MemoryGrow { mem } => {
                // Success or failure is the host's choice: the result is unknown, the new
                // size anything within the limits.
                self.pop_i32(offset, st)?;
                st.stack.push(self.d.fresh(NumType::I32, crate::machine::Fresh::Unknown));
                let m = *mem as usize;
                if m >= st.pages.len() {
                    return Err(bad("memory index"));
                }
                st.pages[m] = self.fresh_pages(m);
            }
            op => {
                if let Some(a) = access(op) {
                    return self.memory_access(offset, op, a, pc, st);
                }
                self.numeric(offset, op, pc, st)?;
            }
        }
        Ok(())
    }

    /// A numeric instruction of one or two operands, with its trap conditions as a site.
    fn numeric(&mut self, offset: usize, op: &Operator<'a>, pc: &mut D::Bool, st: &mut State<D>) -> Step {
        let n = st.stack.len();
        let applied = (1..=2).filter(|k| *k <= n).find_map(|k| instr::apply(self.d, op, &st.stack[n - k..]).map(|a| (k, a)));
        let Some((k, applied)) = applied else {
            return Err(Unsupported { offset, what: format!("instruction `{}`", op_name(op)) });
        };
        st.stack.truncate(n - k);
        if !applied.traps.is_empty() {
            let kinds: Vec<NumTrap> = applied.traps.iter().map(|(_, t)| *t).collect();
            let cond = applied.traps.iter().skip(1).fold(applied.traps[0].0.clone(), |acc, (c, _)| self.d.bor(&acc, c));
            self.site(offset, op_name(op), SiteKind::of_num_traps(&kinds), &cond, pc);
        }
        st.stack.push(applied.value);
        Ok(())
    }

    fn memory_access(&mut self, offset: usize, op: &Operator<'a>, a: Access, pc: &mut D::Bool, st: &mut State<D>) -> Step {
        let d = self.d;
        let wasmparser::MemArgTarget::Memory(mem) = a.memarg.target else {
            return Err(Unsupported { offset, what: "an access to a GC array".into() });
        };
        let value = match a.dir {
            Direction::Store { .. } => Some(self.pop(offset, st)?),
            Direction::Load { .. } => None,
        };
        let addr = self.pop_i32(offset, st)?;
        let pages = st.pages.get(mem as usize).ok_or(Unsupported { offset, what: "memory index".into() })?.clone();
        // In 64 bits nothing wraps: address and offset are both below 2^32.
        let ea = IntOps::<D::I64>::add(d, &d.zext_32_64(&addr), &IntOps::<D::I64>::lit(d, a.memarg.offset));
        let end = IntOps::<D::I64>::add(d, &ea, &IntOps::<D::I64>::lit(d, a.bytes as u64));
        let size = IntOps::<D::I64>::shl(d, &d.zext_32_64(&pages), &IntOps::<D::I64>::lit(d, 16));
        let oob = IntOps::<D::I64>::ult(d, &size, &end);
        self.site(offset, op_name(op), SiteKind::MemoryAccess, &oob, pc);
        let bits = a.bytes * 8;
        match (a.dir, value) {
            (Direction::Store { .. }, Some(v)) => {
                let word = match v {
                    Val::I32(x) => d.zext_32_64(&x),
                    Val::I64(x) => x,
                    Val::F32(x) => d.zext_32_64(&FloatOps::<D::F32>::to_bits(d, &x)),
                    Val::F64(x) => FloatOps::<D::F64>::to_bits(d, &x),
                };
                let word = if bits < 64 { IntOps::<D::I64>::and(d, &word, &IntOps::<D::I64>::lit(d, (1u64 << bits) - 1)) } else { word };
                self.memory.store(pc.clone(), mem, ea, a.bytes, word);
            }
            (Direction::Load { ty, signed }, _) => {
                let raw = self.memory.load(d, mem, &ea, a.bytes);
                let word = if bits == 64 {
                    raw
                } else if signed {
                    IntOps::<D::I64>::sext_low(d, &raw, bits)
                } else {
                    IntOps::<D::I64>::and(d, &raw, &IntOps::<D::I64>::lit(d, (1u64 << bits) - 1))
                };
                st.stack.push(match ty {
                    NumType::I32 => Val::I32(d.wrap_64_32(&word)),
                    NumType::I64 => Val::I64(word),
                    NumType::F32 => Val::F32(FloatOps::<D::F32>::from_bits(d, &d.wrap_64_32(&word))),
                    NumType::F64 => Val::F64(FloatOps::<D::F64>::from_bits(d, &word)),
                });
            }
            (Direction::Store { .. }, None) => unreachable!("a store pops its value"),
        }
        Ok(())
    }
}
