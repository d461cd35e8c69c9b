//! Calls: defined callees are inlined up to a depth; imports, deeper calls and indirect calls
//! with many possible callees are not followed — their results, the mutable globals and the
//! memories become unknown, and the call is recorded as a site the prover cannot model.

use super::sites::SiteKind;
use super::{Exec, Label, State, Step, Unsupported};
use crate::machine::{zero, Fresh, Machine, NumType};
use saffron_semantics::numerics::domain::IntOps;
use wasmparser::FuncType;

/// Nested calls followed; deeper ones are havocked (this also stops recursion).
const MAX_CALL_DEPTH: u32 = 4;
/// Distinct callees of one `call_indirect` that are followed, each under its own path.
const MAX_INDIRECT_CALLEES: usize = 4;

impl<'x, 'a, D: Machine> Exec<'x, 'a, D> {
    /// Calls `func` with its arguments on the stack; `offset` is the call's (0 for the entry).
    pub(super) fn call(&mut self, offset: usize, func: u32, pc: &mut D::Bool, st: &mut State<D>) -> Step {
        let ty = self.m.func_type(func).ok_or(Unsupported { offset, what: format!("type of function {func}") })?.clone();
        let body = match self.m.body(func) {
            None => return self.not_followed(offset, &ty, "call to an imported function", pc, st),
            Some(_) if self.call_depth >= MAX_CALL_DEPTH => {
                return self.not_followed(offset, &ty, "call depth limit (or recursion) reached", pc, st)
            }
            Some(b) => b,
        };
        let split = st.stack.len().checked_sub(ty.params().len()).ok_or(Unsupported { offset, what: "stack underflow".into() })?;
        let mut locals = st.stack.split_off(split);
        for l in &body.locals {
            let t = NumType::of(*l).ok_or(Unsupported { offset, what: format!("local of type {l}") })?;
            locals.push(zero(self.d, t));
        }
        let mut frame = State { locals, globals: st.globals.clone(), pages: st.pages.clone(), stack: vec![] };
        let saved = std::mem::take(&mut self.labels);
        self.labels.push(Label { arity: ty.results().len(), height: 0, arrivals: vec![] });
        self.call_depth += 1;
        let ran = self.run_seq(&body.code, pc, &mut frame).and_then(|()| self.end_block(pc, &mut frame));
        self.call_depth -= 1;
        self.labels = saved;
        ran?;
        st.globals = frame.globals;
        st.pages = frame.pages;
        st.stack.extend(frame.stack);
        Ok(())
    }

    /// A call that is not followed: unknown results and state, and a site saying why.
    fn not_followed(&mut self, offset: usize, ty: &FuncType, why: &str, pc: &mut D::Bool, st: &mut State<D>) -> Step {
        self.record(offset, "call".into(), SiteKind::Call, pc.clone(), Some(why.into()));
        self.havoc_call(offset, ty, pc, st)
    }

    fn havoc_call(&mut self, offset: usize, ty: &FuncType, pc: &D::Bool, st: &mut State<D>) -> Step {
        let split = st.stack.len().checked_sub(ty.params().len()).ok_or(Unsupported { offset, what: "stack underflow".into() })?;
        st.stack.truncate(split);
        for r in ty.results() {
            let t = NumType::of(*r).ok_or(Unsupported { offset, what: format!("result of type {r}") })?;
            st.stack.push(self.d.fresh(t, Fresh::Unknown));
        }
        self.havoc_globals(st);
        self.havoc_memories(pc, st, true);
        Ok(())
    }

    pub(super) fn call_indirect(&mut self, offset: usize, type_index: u32, table: u32, pc: &mut D::Bool, st: &mut State<D>) -> Step {
        let op = "call_indirect".to_string();
        let ty = self.m.types.get(type_index as usize).and_then(|t| t.clone()).ok_or(Unsupported { offset, what: "call_indirect type".into() })?;
        let index = self.pop_i32(offset, st)?;
        let Some(slots) = self.m.tables.get(table as usize).and_then(|t| t.known.clone()) else {
            let why = "table contents can change (imported, exported or written), use non-function types, or the module has recursion groups or subtypes (type equivalence is not structural)";
            self.record(offset, op, SiteKind::CallIndirect, pc.clone(), Some(why.into()));
            return self.havoc_call(offset, &ty, pc, st);
        };
        let d = self.d;
        let size = IntOps::<D::I32>::lit(d, slots.len() as u64);
        let mut trap = IntOps::<D::I32>::ule(d, &size, &index);
        let mut callees: Vec<(u32, D::Bool)> = vec![];
        for (j, slot) in slots.iter().enumerate() {
            let here = IntOps::<D::I32>::eq(d, &index, &IntOps::<D::I32>::lit(d, j as u64));
            match slot.filter(|f| self.m.func_type(*f) == Some(&ty)) {
                None => trap = d.bor(&trap, &here),
                Some(f) => match callees.iter_mut().find(|(g, _)| *g == f) {
                    Some((_, c)) => *c = d.bor(c, &here),
                    None => callees.push((f, here)),
                },
            }
        }
        self.site(offset, op.clone(), SiteKind::CallIndirect, &trap, pc);
        if callees.len() > MAX_INDIRECT_CALLEES {
            let why = format!("call_indirect with {} possible callees", callees.len());
            self.record(offset, op, SiteKind::Call, pc.clone(), Some(why));
            return self.havoc_call(offset, &ty, pc, st);
        }
        let mut arrivals = vec![];
        for (f, cond) in callees {
            let mut p = d.band(pc, &cond);
            if self.dead(&p) {
                continue;
            }
            let mut s = st.clone();
            self.call(offset, f, &mut p, &mut s)?;
            arrivals.push((p, s));
        }
        self.merge_into(arrivals, pc, st)
    }
}
