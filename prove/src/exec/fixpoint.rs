//! Loops iterated to a fixpoint over an abstract domain ([`LoopMode::Fixpoint`]).
//!
//! The header state starts as the entry state; each round runs the body from the header
//! (written locals renamed to fresh symbols with the header's ranges, so back-edge conditions
//! yield facts about them), joins the entry with the back edges and widens. When a round's
//! join is below the header, the header is an invariant of every iteration.

use super::{effects, Exec, Invariant, Label, State, Step, Unsupported, MAX_FIXPOINT_ROUNDS};
use crate::machine::{type_of, Fresh, Machine};
use crate::module::Node;

impl<'x, 'a, D: Machine> Exec<'x, 'a, D> {
    pub(super) fn fixpoint_loop(&mut self, offset: usize, params: usize, body: &[Node<'a>], height: usize, pc: &mut D::Bool, st: &mut State<D>) -> Step {
        let d = self.d;
        let lat = d.lattice().ok_or(Unsupported { offset, what: "a loop fixpoint over a domain without a lattice".into() })?;
        let fx = effects::effects(body);
        let written: Vec<usize> = fx.locals.iter().map(|l| *l as usize).filter(|l| *l < st.locals.len()).collect();
        let entry = st.clone();
        let mut header = entry.clone();
        for _ in 0..MAX_FIXPOINT_ROUNDS {
            let mut h = header.clone();
            for &l in &written {
                h.locals[l] = lat.reseed(&h.locals[l]);
            }
            let mut p = pc.clone();
            self.havoc_for_round(&fx, height, &mut p, &mut h);
            self.labels.push(Label { arity: params, height, arrivals: vec![] });
            self.run_seq(body, &mut p, &mut h)?;
            let label = self.labels.pop().expect("loop label");
            let mut joined: Vec<_> = written.iter().map(|&l| header.locals[l].clone()).collect();
            let mut grew = false;
            for (_, back) in label.arrivals.iter().filter(|(bp, _)| !self.dead(bp)) {
                for (j, &l) in written.iter().enumerate() {
                    if !lat.leq(&back.locals[l], &joined[j]) {
                        grew = true;
                        joined[j] = lat.join(&joined[j], &back.locals[l]);
                    }
                }
            }
            if !grew {
                self.record_invariant(offset, &written, &header);
                *pc = p;
                *st = h;
                return Ok(());
            }
            for (j, &l) in written.iter().enumerate() {
                header.locals[l] = lat.widen(&header.locals[l], &joined[j]);
            }
        }
        // No fixpoint within the rounds: the written locals are unknown, no invariant.
        for &l in &written {
            st.locals[l] = d.fresh(type_of(&st.locals[l]), Fresh::Unknown);
        }
        self.havoc_for_round(&fx, height, pc, st);
        self.labels.push(Label { arity: params, height, arrivals: vec![] });
        self.run_seq(body, pc, st)?;
        self.labels.pop();
        Ok(())
    }

    /// What the abstract domain does not track across iterations becomes unknown.
    fn havoc_for_round(&mut self, fx: &effects::Effects, height: usize, pc: &mut D::Bool, st: &mut State<D>) {
        for v in &mut st.stack[height..] {
            *v = self.d.fresh(type_of(v), Fresh::Unknown);
        }
        if fx.globals || fx.calls {
            self.havoc_globals(st);
        }
        if fx.stores || fx.calls {
            self.havoc_memories(pc, st, fx.grows || fx.calls);
        }
    }

    /// Joins the header ranges into the invariant of this loop: a loop reached in several
    /// contexts (inlined twice, or inside another loop's rounds) gets the hull of all.
    fn record_invariant(&mut self, offset: usize, written: &[usize], header: &State<D>) {
        let lat = self.d.lattice().expect("fixpoint mode has a lattice");
        let new: Vec<Invariant> = written
            .iter()
            .filter_map(|&l| lat.range(&header.locals[l]).map(|(lo, hi)| Invariant { local: l as u32, lo, hi }))
            .collect();
        let merged = match self.found.remove(&offset) {
            None => new,
            Some(old) => new
                .iter()
                .filter_map(|n| {
                    old.iter().find(|o| o.local == n.local).map(|o| Invariant { local: n.local, lo: o.lo.min(n.lo), hi: o.hi.max(n.hi) })
                })
                .collect(),
        };
        self.found.insert(offset, merged);
    }
}
