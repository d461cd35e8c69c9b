//! The Wasm side of a loop-free function: Saffron's semantics of its body
//! over spec terms, one path at a time.
//!
//! Each `if`, `br_if` and `br_table` splits a path in two (or more); a path
//! carries its condition (the branch directions taken, as terms over the
//! parameters), the condition under which it has trapped, and at its end the
//! values it returns. Every numeric instruction is the generic numerics
//! ([`instr::apply`]) evaluated in [`SpecDomain`], the same definitions the
//! interpreter runs. The function's meaning is then: it traps iff, on the
//! path taken, a trap condition holds; otherwise it returns that path's
//! value. Paths partition the inputs, so this is a case split, not an
//! approximation.

use super::heap;
use crate::catalog::{MemArg, ValType};
use crate::clif_isle::Unsupported;
use crate::sym::{Bv, Fp, SBool, SpecDomain};
pub use crate::sym_val::{is_true, select, term};
use saffron_semantics::numerics::domain::{BoolOps, FloatOps, IntOps};
use saffron_semantics::numerics::instr::{self, Val};
use std::rc::Rc;
use wasmparser::{BlockType, Operator};

/// More paths than this are reported as unsupported (each is a case of the
/// query).
pub const MAX_PATHS: usize = 256;

/// One way through the function.
pub struct PathEnd {
    pub cond: SBool,
    pub trap: SBool,
    pub result: Option<Val<SpecDomain>>,
    pub access: Option<HeapAccess>,
}

/// The function's one heap access on a path: what it does, the address
/// operand, and for a store the stored operand.
#[derive(Clone)]
pub struct HeapAccess {
    pub mem: MemArg,
    pub addr: Rc<str>,
    pub stored: Option<Rc<str>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Function,
    Block,
    If,
}

#[derive(Clone)]
struct Frame {
    kind: FrameKind,
    /// Values a branch to this label carries (its results: no loops here).
    arity: usize,
    /// Operand stack height at entry.
    height: usize,
    /// Index of the matching `end`.
    end: usize,
}

#[derive(Clone)]
pub(super) struct State {
    pc: usize,
    pub(super) stack: Vec<Val<SpecDomain>>,
    locals: Vec<Val<SpecDomain>>,
    frames: Vec<Frame>,
    pub(super) cond: SBool,
    pub(super) trap: SBool,
    pub(super) access: Option<HeapAccess>,
}

/// The matching `else` (if any) and `end` of each structured instruction.
fn structure(ops: &[Operator]) -> Result<(Vec<Option<usize>>, Vec<usize>), Unsupported> {
    let mut else_of = vec![None; ops.len()];
    let mut end_of = vec![usize::MAX; ops.len()];
    let mut open: Vec<usize> = vec![usize::MAX];
    for (i, op) in ops.iter().enumerate() {
        match op {
            Operator::Block { .. } | Operator::If { .. } | Operator::Loop { .. } | Operator::TryTable { .. } => open.push(i),
            Operator::Else => {
                let &o = open.last().ok_or_else(|| Unsupported("`else` outside a block".into()))?;
                else_of[o] = Some(i);
            }
            Operator::End => {
                let o = open.pop().ok_or_else(|| Unsupported("unbalanced `end`".into()))?;
                if o != usize::MAX {
                    end_of[o] = i;
                }
            }
            _ => {}
        }
    }
    Ok((else_of, end_of))
}

fn arity(bt: BlockType) -> Result<usize, Unsupported> {
    match bt {
        BlockType::Empty => Ok(0),
        BlockType::Type(_) => Ok(1),
        BlockType::FuncType(_) => Err(Unsupported("a block with a function type (multi-value block)".into())),
    }
}

fn zero(d: &SpecDomain, t: ValType) -> Val<SpecDomain> {
    match t {
        ValType::I32 => Val::I32(IntOps::<Bv<32>>::lit(d, 0)),
        ValType::I64 => Val::I64(IntOps::<Bv<64>>::lit(d, 0)),
        ValType::F32 => Val::F32(FloatOps::<Fp<32>>::flit(d, 0)),
        ValType::F64 => Val::F64(FloatOps::<Fp<64>>::flit(d, 0)),
    }
}

pub(super) fn pop(st: &mut State) -> Result<Val<SpecDomain>, Unsupported> {
    st.stack.pop().ok_or_else(|| Unsupported("operand stack underflow (the module should not validate)".into()))
}

/// Every path through `ops` (a function body, `end` included) from the
/// given parameters; `locals` are the declared locals' types.
pub fn paths(
    d: &SpecDomain,
    ops: &[Operator],
    params: Vec<Val<SpecDomain>>,
    locals: &[ValType],
    results: usize,
) -> Result<Vec<PathEnd>, Unsupported> {
    let (else_of, end_of) = structure(ops)?;
    let mut all_locals = params;
    all_locals.extend(locals.iter().map(|t| zero(d, *t)));
    let start = State {
        pc: 0,
        stack: Vec::new(),
        locals: all_locals,
        frames: vec![Frame { kind: FrameKind::Function, arity: results, height: 0, end: ops.len() - 1 }],
        cond: d.bool_lit(true),
        trap: d.bool_lit(false),
        access: None,
    };
    let mut work = vec![start];
    let mut done = Vec::new();
    while let Some(mut st) = work.pop() {
        if done.len() + work.len() > MAX_PATHS {
            return Err(Unsupported(format!("more than {MAX_PATHS} paths through the function")));
        }
        loop {
            let op = ops.get(st.pc).ok_or_else(|| Unsupported("ran past the end of the body".into()))?;
            match step(d, op, &mut st, &else_of, &end_of, &mut work)? {
                Step::Next => st.pc += 1,
                Step::Jumped => {}
                Step::Returned => {
                    let result = if results == 1 { st.stack.pop() } else { None };
                    done.push(PathEnd { cond: st.cond, trap: st.trap, result, access: st.access });
                    break;
                }
                Step::Replaced => break,
            }
        }
    }
    Ok(done)
}

enum Step {
    Next,
    Jumped,
    Returned,
    /// The state was split into the queued ones.
    Replaced,
}

/// Leaves label `depth`: keeps its values, drops its frames, continues after its `end`.
fn branch(st: &mut State, depth: u32) -> Result<Step, Unsupported> {
    let i = st.frames.len().checked_sub(1 + depth as usize).ok_or_else(|| Unsupported("branch to an unknown label".into()))?;
    let f = st.frames[i].clone();
    if f.kind == FrameKind::Function {
        // A return: go to the function's `end` with the results on top.
        st.frames.truncate(1);
        st.pc = f.end;
        return Ok(Step::Jumped);
    }
    let keep = st.stack.split_off(st.stack.len().checked_sub(f.arity).ok_or_else(|| Unsupported("stack underflow at a branch".into()))?);
    st.stack.truncate(f.height);
    st.stack.extend(keep);
    st.frames.truncate(i);
    st.pc = f.end + 1;
    Ok(Step::Jumped)
}

fn step(
    d: &SpecDomain,
    op: &Operator,
    st: &mut State,
    else_of: &[Option<usize>],
    end_of: &[usize],
    work: &mut Vec<State>,
) -> Result<Step, Unsupported> {
    use Operator as O;
    match op {
        O::Nop => {}
        O::Unreachable => {
            st.trap = d.bool_lit(true);
            return Ok(Step::Returned);
        }
        O::Block { blockty } => {
            let frame = Frame { kind: FrameKind::Block, arity: arity(*blockty)?, height: st.stack.len(), end: end_of[st.pc] };
            st.frames.push(frame);
        }
        O::If { blockty } => {
            let c = pop(st)?;
            let taken = is_true(d, &c)?;
            let frame = Frame { kind: FrameKind::If, arity: arity(*blockty)?, height: st.stack.len(), end: end_of[st.pc] };
            st.frames.push(frame);
            let mut other = st.clone();
            other.cond = d.band(&st.cond, &d.bnot(&taken));
            other.pc = match else_of[st.pc] {
                Some(e) => e + 1,
                None => end_of[st.pc],
            };
            work.push(other);
            st.cond = d.band(&st.cond, &taken);
        }
        // The end of the `then` arm: continue at the `end`, which pops the frame.
        O::Else => {
            let f = st.frames.last().ok_or_else(|| Unsupported("`else` outside a block".into()))?;
            st.pc = f.end;
            return Ok(Step::Jumped);
        }
        O::End => {
            let f = st.frames.pop().ok_or_else(|| Unsupported("unbalanced `end`".into()))?;
            if f.kind == FrameKind::Function {
                return Ok(Step::Returned);
            }
        }
        O::Br { relative_depth } => return branch(st, *relative_depth),
        O::BrIf { relative_depth } => {
            let c = pop(st)?;
            let taken = is_true(d, &c)?;
            let mut other = st.clone();
            other.cond = d.band(&st.cond, &taken);
            branch(&mut other, *relative_depth)?;
            work.push(other);
            st.cond = d.band(&st.cond, &d.bnot(&taken));
        }
        O::BrTable { targets } => {
            let Val::I32(index) = pop(st)? else { return Err(Unsupported("`br_table` index is not an i32".into())) };
            let mut rest = d.bool_lit(true);
            let mut cases: Vec<(SBool, u32)> = Vec::new();
            for (k, t) in targets.targets().enumerate() {
                let t = t.map_err(|e| Unsupported(format!("br_table: {e}")))?;
                let k_lit = IntOps::<Bv<32>>::lit(d, k as u64);
                let hit = d.eq(&index, &k_lit);
                cases.push((d.band(&rest, &hit), t));
                rest = d.band(&rest, &d.bnot(&hit));
            }
            cases.push((rest, targets.default()));
            for (c, t) in cases {
                let mut other = st.clone();
                other.cond = d.band(&st.cond, &c);
                branch(&mut other, t)?;
                work.push(other);
            }
            // Every case was queued: this state is replaced by them.
            return Ok(Step::Replaced);
        }
        O::Return => return branch(st, (st.frames.len() - 1) as u32),
        O::Drop => {
            pop(st)?;
        }
        O::Select | O::TypedSelect { .. } => {
            let c = pop(st)?;
            let b = pop(st)?;
            let a = pop(st)?;
            let c = is_true(d, &c)?;
            st.stack.push(select(d, &c, &a, &b)?);
        }
        O::LocalGet { local_index } => {
            let v = st.locals.get(*local_index as usize).cloned().ok_or_else(|| Unsupported("unknown local".into()))?;
            st.stack.push(v);
        }
        O::LocalSet { local_index } => {
            let v = pop(st)?;
            *st.locals.get_mut(*local_index as usize).ok_or_else(|| Unsupported("unknown local".into()))? = v;
        }
        O::LocalTee { local_index } => {
            let v = st.stack.last().cloned().ok_or_else(|| Unsupported("stack underflow".into()))?;
            *st.locals.get_mut(*local_index as usize).ok_or_else(|| Unsupported("unknown local".into()))? = v;
        }
        O::I32Const { value } => st.stack.push(Val::I32(IntOps::<Bv<32>>::lit(d, *value as u32 as u64))),
        O::I64Const { value } => st.stack.push(Val::I64(IntOps::<Bv<64>>::lit(d, *value as u64))),
        O::F32Const { value } => st.stack.push(Val::F32(FloatOps::<Fp<32>>::flit(d, value.bits() as u64))),
        O::F64Const { value } => st.stack.push(Val::F64(FloatOps::<Fp<64>>::flit(d, value.bits()))),
        O::Loop { .. } => return Err(Unsupported("a loop (`loop`): only loop-free functions are read".into())),
        O::Call { .. } | O::CallIndirect { .. } | O::ReturnCall { .. } | O::ReturnCallIndirect { .. } | O::CallRef { .. } => {
            return Err(Unsupported(format!("a call (`{}`): only functions without calls are read", operator_name(op))))
        }
        _ => match heap::memory_op(op)? {
            Some((mem, ty)) => heap::heap_access(d, mem, ty, st)?,
            None => numeric(d, op, st)?,
        },
    }
    Ok(Step::Next)
}

/// A scalar numeric instruction: binary if the top two operands fit it,
/// else unary.
fn numeric(d: &SpecDomain, op: &Operator, st: &mut State) -> Result<(), Unsupported> {
    let n = st.stack.len();
    let applied = (n >= 2).then(|| instr::apply(d, op, &st.stack[n - 2..])).flatten().map(|a| (2, a));
    let applied = applied.or_else(|| (n >= 1).then(|| instr::apply(d, op, &st.stack[n - 1..])).flatten().map(|a| (1, a)));
    let Some((k, a)) = applied else {
        return Err(Unsupported(format!("`{}` is not read by the loop-free function reader", operator_name(op))));
    };
    st.stack.truncate(n - k);
    for (c, _) in &a.traps {
        st.trap = d.bor(&st.trap, c);
    }
    st.stack.push(a.value);
    Ok(())
}

/// The operator's name as wasmparser spells it (`I32Load`).
pub fn operator_name(op: &Operator) -> String {
    let s = format!("{op:?}");
    s.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("?").to_string()
}

