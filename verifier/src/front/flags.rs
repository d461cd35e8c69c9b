//! Flag and state threading: the condition flags from one emitted
//! instruction to the next on the right side, and the states specs read.

use super::graph::{Dest, NodeId};
use super::walk::{Binding, Env, Walker, R};
use crate::expand::is_chained;
use cranelift_isle::ast::{self};
use cranelift_isle::lexer::Pos;
use cranelift_isle::sema::TermId;

impl Walker<'_> {
    /// Threads the condition flags through consecutive `emit`s: ISLE runs a
    /// right-hand side's constructors in order, so an emitted instruction
    /// reads the flags that the one emitted just before it wrote, unless a
    /// constructor that may emit ran in between (then they are unknown).
    /// Chained terms are walked in place, so their own `emit`s come by here.
    pub(super) fn track_flags(&mut self, t: TermId, vals: &[NodeId], pos: Pos) -> R<()> {
        let p = self.p;
        if let Some(inst) = self.emitted_instruction(t, vals) {
            if let Some(before) = self.flags {
                let flags_in = self.field(inst, "flags_in", pos);
                let eq = self.eq_node(flags_in, before, pos)?;
                self.cond(eq, pos, "flags written by the previous `emit`".into(), Dest::RhsAssume);
            }
            self.flags = Some(self.field(inst, "flags_out", pos));
        } else if !is_chained(p, t) && !p.emission_free.contains(&t) {
            self.flags = None;
        }
        Ok(())
    }

    /// The instruction of an `(emit inst)` whose instruction model carries
    /// the flags it reads and writes (`flags_in`, `flags_out`).
    pub(super) fn emitted_instruction(&self, t: TermId, vals: &[NodeId]) -> Option<NodeId> {
        let p = self.p;
        let term = &p.termenv.terms[t.index()];
        let [inst] = vals else { return None };
        if p.term_name(t) != "emit" || term.arg_tys.len() != 1 {
            return None;
        }
        let Some(ast::ModelType::Struct(fields)) = p.type_models.get(&term.arg_tys[0]) else { return None };
        let has = |n: &str| fields.iter().any(|f| f.name.0 == n);
        (has("flags_in") && has("flags_out")).then_some(*inst)
    }

    pub(super) fn state_env(&self) -> Env {
        self.states.iter().map(|(n, id)| (n.clone(), Binding::Node(*id))).collect()
    }
}
