//! A symbolic executor of WebAssembly function bodies, generic over the value domain.
//!
//! It lives in `saffron-prove` with a generic API ([`Exec`] over any [`Machine`]) rather than
//! in `saffron-semantics`: it needs nothing from a solver, but its loop and call policies
//! (havoc, unrolling, inlining depth) are the prover's choices, not the spec's. `saffron-link`
//! can depend on this crate (prove depends only on semantics and verifier), so its
//! `SpecDomain` can instantiate the same executor without a cycle.
//!
//! Paths: `if`, `br_if` and `br_table` split the path condition; every label collects the
//! states arriving at it with their path conditions and merges them with `select` at its end.
//! Each trap site records `path ∧ trap condition`; execution continues under `path ∧ ¬trap`.
//! Loops ([`LoopMode`]): `Havoc` makes every local, global and memory the body writes
//! unknown at the header, constrained only by the given invariants, and runs the body once —
//! sound for every iteration, so only this mode proves sites safe; `Unroll(k)` runs k
//! iterations exactly and drops the rest, which only serves to find trapping inputs.

pub mod access;
mod calls;
mod fixpoint;
pub mod effects;
mod memory;
mod ops;
pub mod sites;

use crate::machine::{select, type_of, Fresh, Machine, NumType};
use crate::module::{BlockKind, ModuleInfo, Node};
use saffron_semantics::numerics::domain::IntOps;
use saffron_semantics::numerics::instr::Val;
use sites::SiteKind;
use std::collections::HashMap;

/// How loops are executed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoopMode {
    Havoc,
    Unroll(u32),
    /// Iterate each loop to a fixpoint of the domain's [`Lattice`](crate::machine::Lattice)
    /// and record the header ranges of the locals it writes as its invariant.
    Fixpoint,
}

/// Rounds of a loop fixpoint before giving up (widening normally ends it far earlier).
const MAX_FIXPOINT_ROUNDS: usize = 12;

/// An unsigned range known to hold of a local at a loop's header (every iteration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invariant {
    pub local: u32,
    pub lo: u64,
    pub hi: u64,
}

/// Loop invariants by the offset of the `loop` instruction.
pub type Invariants = HashMap<usize, Vec<Invariant>>;

/// A construct the executor cannot follow; the analysis of the function stops.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    pub offset: usize,
    pub what: String,
}

/// One trap site and when it traps (over all the contexts it was reached in).
pub struct Site<B> {
    pub offset: usize,
    pub op: String,
    pub kind: SiteKind,
    /// Path condition and trap condition, disjoined over every visit.
    pub cond: B,
    /// Set when the executor could not model the site (a call it does not follow).
    pub not_modelled: Option<String>,
}

pub struct State<D: Machine> {
    pub locals: Vec<Val<D>>,
    pub globals: Vec<Val<D>>,
    /// Current size in pages of every memory.
    pub pages: Vec<D::I32>,
    pub stack: Vec<Val<D>>,
}

impl<D: Machine> Clone for State<D> {
    fn clone(&self) -> Self {
        State { locals: self.locals.clone(), globals: self.globals.clone(), pages: self.pages.clone(), stack: self.stack.clone() }
    }
}

struct Label<D: Machine> {
    arity: usize,
    height: usize,
    arrivals: Vec<(D::Bool, State<D>)>,
}

type Step = Result<(), Unsupported>;

pub struct Exec<'x, 'a, D: Machine> {
    d: &'x D,
    m: &'x ModuleInfo<'a>,
    mode: LoopMode,
    invariants: &'x Invariants,
    sites: Vec<Site<D::Bool>>,
    site_index: HashMap<usize, usize>,
    memory: memory::Memory<D>,
    labels: Vec<Label<D>>,
    call_depth: u32,
    havocked_loops: bool,
    found: Invariants,
}

/// What a run found: the sites reached, and whether a loop was havocked on the way (then
/// a possible trap may be an artefact of the over-approximation).
pub struct Explored<B> {
    pub sites: Vec<Site<B>>,
    pub havocked_loops: bool,
    /// Invariants found ([`LoopMode::Fixpoint`] only).
    pub invariants: Invariants,
}

impl<'x, 'a, D: Machine> Exec<'x, 'a, D> {
    pub fn new(d: &'x D, m: &'x ModuleInfo<'a>, mode: LoopMode, invariants: &'x Invariants) -> Self {
        Exec { d, m, mode, invariants, sites: vec![], site_index: HashMap::new(), memory: memory::Memory::new(), labels: vec![], call_depth: 0, havocked_loops: false, found: Invariants::new() }
    }

    /// Runs function `func` as called from outside: arguments, mutable globals, memory sizes
    /// within their limits and memory contents are unknown. Returns the sites reached.
    pub fn run_export(mut self, func: u32) -> Result<Explored<D::Bool>, Unsupported> {
        let unsupported = |what: &str| Unsupported { offset: 0, what: what.into() };
        let ty = self.m.func_type(func).ok_or_else(|| unsupported("function without a function type"))?;
        let mut stack = vec![];
        for (i, p) in ty.params().iter().enumerate() {
            let t = NumType::of(*p).ok_or_else(|| unsupported(&format!("parameter of type {p}")))?;
            stack.push(self.d.fresh(t, Fresh::Argument(i)));
        }
        let mut globals = vec![];
        for g in &self.m.globals {
            let t = NumType::of(g.ty).ok_or_else(|| unsupported(&format!("global of type {}", g.ty)))?;
            globals.push(match g.constant {
                Some(bits) => self.constant(t, bits),
                None => self.d.fresh(t, Fresh::Unknown),
            });
        }
        let pages = (0..self.m.memories.len()).map(|i| self.initial_pages(i)).collect::<Result<_, _>>()?;
        let mut st = State { locals: vec![], globals, pages, stack };
        let mut pc = self.d.bool_lit(true);
        self.call(0, func, &mut pc, &mut st)?;
        Ok(Explored { sites: self.sites, havocked_loops: self.havocked_loops, invariants: self.found })
    }

    fn constant(&self, t: NumType, bits: u64) -> Val<D> {
        use saffron_semantics::numerics::domain::FloatOps;
        match t {
            NumType::I32 => Val::I32(IntOps::<D::I32>::lit(self.d, bits)),
            NumType::I64 => Val::I64(IntOps::<D::I64>::lit(self.d, bits)),
            NumType::F32 => Val::F32(FloatOps::<D::F32>::flit(self.d, bits)),
            NumType::F64 => Val::F64(FloatOps::<D::F64>::flit(self.d, bits)),
        }
    }

    /// The size of memory `i` on entry: its minimum if no other code can grow it, else any
    /// size within its limits.
    fn initial_pages(&self, i: usize) -> Result<D::I32, Unsupported> {
        let mem = &self.m.memories[i];
        if mem.memory64 {
            return Err(Unsupported { offset: 0, what: "64-bit memory".into() });
        }
        if mem.fixed {
            return Ok(IntOps::<D::I32>::lit(self.d, mem.min));
        }
        Ok(self.fresh_pages(i))
    }

    fn fresh_pages(&self, i: usize) -> D::I32 {
        let mem = &self.m.memories[i];
        let Val::I32(p) = self.d.fresh(NumType::I32, Fresh::Unknown) else { unreachable!("fresh i32") };
        let lo = IntOps::<D::I32>::ule(self.d, &IntOps::<D::I32>::lit(self.d, mem.min), &p);
        let hi = IntOps::<D::I32>::ule(self.d, &p, &IntOps::<D::I32>::lit(self.d, mem.max.min(65536)));
        self.d.assume(&self.d.band(&lo, &hi));
        p
    }

    /// Records that `cond` (under the current path) makes the site at `offset` trap, then
    /// continues under the path where it does not.
    fn site(&mut self, offset: usize, op: String, kind: SiteKind, cond: &D::Bool, pc: &mut D::Bool) {
        let here = self.d.band(pc, cond);
        // A site that cannot trap on this path leaves the path condition as it is: adding
        // `¬cond` would change nothing but the size of every later query (a function of
        // a thousand stores would otherwise ask a thousand ever longer questions).
        let cannot_trap = self.d.impossible(&here);
        self.record(offset, op, kind, here, None);
        if !cannot_trap {
            *pc = self.d.band(pc, &self.d.bnot(cond));
        }
    }

    fn record(&mut self, offset: usize, op: String, kind: SiteKind, cond: D::Bool, not_modelled: Option<String>) {
        match self.site_index.get(&offset) {
            Some(&i) => {
                let s = &mut self.sites[i];
                s.cond = self.d.bor(&s.cond, &cond);
                if s.not_modelled.is_none() {
                    s.not_modelled = not_modelled;
                }
            }
            None => {
                self.site_index.insert(offset, self.sites.len());
                self.sites.push(Site { offset, op, kind, cond, not_modelled });
            }
        }
    }

    fn dead(&self, pc: &D::Bool) -> bool {
        self.d.known(pc) == Some(false)
    }

    fn run_seq(&mut self, nodes: &[Node<'a>], pc: &mut D::Bool, st: &mut State<D>) -> Step {
        for node in nodes {
            if self.dead(pc) {
                return Ok(());
            }
            match node {
                Node::Op(offset, op) => self.step(*offset, op, pc, st)?,
                Node::Block { offset, kind, ty, body, els } => {
                    let (params, results) = self.block_arity(*offset, ty)?;
                    match kind {
                        BlockKind::Block => {
                            let height = self.height(*offset, st, params)?;
                            self.labels.push(Label { arity: results, height, arrivals: vec![] });
                            self.run_seq(body, pc, st)?;
                            self.end_block(pc, st)?;
                        }
                        BlockKind::If => {
                            let c = self.pop_i32(*offset, st)?;
                            let c = crate::machine::is_true(self.d, &c);
                            let height = self.height(*offset, st, params)?;
                            self.labels.push(Label { arity: results, height, arrivals: vec![] });
                            let mut pc_else = self.d.band(pc, &self.d.bnot(&c));
                            let mut st_else = st.clone();
                            *pc = self.d.band(pc, &c);
                            self.run_seq(body, pc, st)?;
                            self.arrive(0, pc, st);
                            self.run_seq(els, &mut pc_else, &mut st_else)?;
                            *pc = pc_else;
                            *st = st_else;
                            self.end_block(pc, st)?;
                        }
                        BlockKind::Loop => self.run_loop(*offset, params, body, pc, st)?,
                    }
                }
            }
        }
        Ok(())
    }

    fn height(&self, offset: usize, st: &State<D>, params: usize) -> Result<usize, Unsupported> {
        st.stack.len().checked_sub(params).ok_or(Unsupported { offset, what: "stack underflow".into() })
    }

    /// Ends the innermost label: the fallthrough and every branch to it merge.
    fn end_block(&mut self, pc: &mut D::Bool, st: &mut State<D>) -> Step {
        self.arrive(0, pc, st);
        let label = self.labels.pop().expect("a label per block");
        self.merge_into(label.arrivals, pc, st)
    }

    /// Merges disjoint arrivals into one state (or a dead path if there are none).
    fn merge_into(&mut self, arrivals: Vec<(D::Bool, State<D>)>, pc: &mut D::Bool, st: &mut State<D>) -> Step {
        let mut live: Vec<(D::Bool, State<D>)> = arrivals.into_iter().filter(|(p, _)| !self.dead(p)).collect();
        let Some((last_pc, mut merged)) = live.pop() else {
            *pc = self.d.bool_lit(false);
            return Ok(());
        };
        let mut any = last_pc;
        while let Some((p, s)) = live.pop() {
            let sel = |a: &[Val<D>], b: &[Val<D>]| -> Option<Vec<Val<D>>> {
                if a.len() != b.len() {
                    return None;
                }
                a.iter().zip(b).map(|(x, y)| select(self.d, &p, x, y)).collect()
            };
            let bad = || Unsupported { offset: 0, what: "paths with different state shapes".into() };
            merged.locals = sel(&s.locals, &merged.locals).ok_or_else(bad)?;
            merged.globals = sel(&s.globals, &merged.globals).ok_or_else(bad)?;
            merged.stack = sel(&s.stack, &merged.stack).ok_or_else(bad)?;
            merged.pages = s.pages.iter().zip(&merged.pages).map(|(a, b)| IntOps::<D::I32>::select(self.d, &p, a, b)).collect();
            any = self.d.bor(&p, &any);
        }
        *pc = any;
        *st = merged;
        Ok(())
    }

    /// The current state arrives at the label `depth` levels out, then this path ends.
    fn arrive(&mut self, depth: u32, pc: &mut D::Bool, st: &State<D>) {
        if !self.dead(pc) {
            let i = self.labels.len() - 1 - depth as usize;
            let label = &mut self.labels[i];
            let mut s = st.clone();
            let d = self.d;
            for v in s.locals.iter_mut().chain(s.stack.iter_mut()).chain(s.globals.iter_mut()) {
                *v = d.refine(pc, v);
            }
            let top = s.stack.split_off(s.stack.len().saturating_sub(label.arity));
            s.stack.truncate(label.height);
            s.stack.extend(top);
            label.arrivals.push((pc.clone(), s));
        }
        *pc = self.d.bool_lit(false);
    }

    fn run_loop(&mut self, offset: usize, params: usize, body: &[Node<'a>], pc: &mut D::Bool, st: &mut State<D>) -> Step {
        let height = self.height(offset, st, params)?;
        match self.mode {
            LoopMode::Havoc => {
                self.havocked_loops = true;
                self.havoc_loop_state(offset, body, height, pc, st);
                self.labels.push(Label { arity: params, height, arrivals: vec![] });
                self.run_seq(body, pc, st)?;
                // Back edges are covered by the havocked header.
                self.labels.pop();
                Ok(())
            }
            LoopMode::Unroll(k) => {
                let mut exits = vec![];
                let mut cur_pc = pc.clone();
                let mut cur = st.clone();
                for _ in 0..k {
                    self.labels.push(Label { arity: params, height, arrivals: vec![] });
                    self.run_seq(body, &mut cur_pc, &mut cur)?;
                    exits.push((cur_pc.clone(), cur.clone()));
                    let label = self.labels.pop().expect("loop label");
                    self.merge_into(label.arrivals, &mut cur_pc, &mut cur)?;
                    if self.dead(&cur_pc) {
                        break;
                    }
                }
                self.merge_into(exits, pc, st)
            }
            LoopMode::Fixpoint => self.fixpoint_loop(offset, params, body, height, pc, st),
        }
    }

    /// The loop header over all iterations: what the body may write becomes unknown,
    /// constrained by the invariants known for this loop.
    fn havoc_loop_state(&mut self, offset: usize, body: &[Node<'a>], height: usize, pc: &mut D::Bool, st: &mut State<D>) {
        let fx = effects::effects(body);
        for &l in &fx.locals {
            if let Some(v) = st.locals.get(l as usize) {
                st.locals[l as usize] = self.d.fresh(type_of(v), Fresh::Unknown);
            }
        }
        for v in &mut st.stack[height..] {
            *v = self.d.fresh(type_of(v), Fresh::Unknown);
        }
        if fx.globals || fx.calls {
            self.havoc_globals(st);
        }
        if fx.stores || fx.calls {
            self.havoc_memories(pc, st, fx.grows || fx.calls);
        }
        for inv in self.invariants.get(&offset).into_iter().flatten() {
            let Some(v) = st.locals.get(inv.local as usize) else { continue };
            let c = match v {
                Val::I32(x) => {
                    let lo = IntOps::<D::I32>::ule(self.d, &IntOps::<D::I32>::lit(self.d, inv.lo), x);
                    self.d.band(&lo, &IntOps::<D::I32>::ule(self.d, x, &IntOps::<D::I32>::lit(self.d, inv.hi)))
                }
                Val::I64(x) => {
                    let lo = IntOps::<D::I64>::ule(self.d, &IntOps::<D::I64>::lit(self.d, inv.lo), x);
                    self.d.band(&lo, &IntOps::<D::I64>::ule(self.d, x, &IntOps::<D::I64>::lit(self.d, inv.hi)))
                }
                _ => continue,
            };
            *pc = self.d.band(pc, &c);
        }
    }

    fn havoc_globals(&self, st: &mut State<D>) {
        for (g, info) in st.globals.iter_mut().zip(&self.m.globals) {
            if info.mutable {
                *g = self.d.fresh(type_of(g), Fresh::Unknown);
            }
        }
    }

    fn havoc_memories(&mut self, pc: &D::Bool, st: &mut State<D>, sizes: bool) {
        for i in 0..self.m.memories.len() {
            self.memory.havoc(pc.clone(), i as u32);
            if sizes && !self.m.memories[i].fixed {
                st.pages[i] = self.fresh_pages(i);
            }
        }
    }

    fn block_arity(&self, offset: usize, ty: &wasmparser::BlockType) -> Result<(usize, usize), Unsupported> {
        Ok(match ty {
            wasmparser::BlockType::Empty => (0, 0),
            wasmparser::BlockType::Type(_) => (0, 1),
            wasmparser::BlockType::FuncType(i) => {
                let f = self.m.types.get(*i as usize).and_then(|t| t.as_ref());
                let f = f.ok_or(Unsupported { offset, what: "block type".into() })?;
                (f.params().len(), f.results().len())
            }
        })
    }

    fn pop(&self, offset: usize, st: &mut State<D>) -> Result<Val<D>, Unsupported> {
        st.stack.pop().ok_or(Unsupported { offset, what: "stack underflow".into() })
    }

    fn pop_i32(&self, offset: usize, st: &mut State<D>) -> Result<D::I32, Unsupported> {
        match self.pop(offset, st)? {
            Val::I32(v) => Ok(v),
            _ => Err(Unsupported { offset, what: "ill-typed operand".into() }),
        }
    }
}
