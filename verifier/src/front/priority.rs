//! Priority negation: a lower-priority rule may assume that the
//! higher-priority rules of its term marked `(veri priority)` did not match.

use super::graph::{Dest, Graph, NodeId, NodeKind};
use super::types::Info;
use super::walk::{Walker, R};
use crate::ir::Side;
use cranelift_isle::ast::SpecOp;
use cranelift_isle::sema::{self, VarId};
use std::collections::HashMap;

impl Walker<'_> {
    /// `(attr rule R (veri priority))`: a lower-priority rule of the same
    /// term may assume that R did not match. R's match conditions (patterns,
    /// extractor specs, if-lets) are built on the same arguments and their
    /// conjunction is negated.
    pub(super) fn negate_priority_rules(&mut self, rule: &sema::Rule, args: &[NodeId]) -> R<()> {
        let p = self.p;
        let higher: Vec<&sema::Rule> = p
            .termenv
            .rules
            .iter()
            .filter(|r| r.root_term == rule.root_term && r.prio > rule.prio && p.priority_rules.contains(&r.id))
            // A rule that can never match where this one does needs no negating.
            .filter(|r| !p.disjoint_rules.contains(&(rule.id, r.id)))
            .collect();
        for other in higher {
            // Only the matching part (patterns, if-lets) matters; its right-hand side does not.
            let mut in_iflets = Vec::new();
            for il in &other.iflets {
                crate::expand::chained_in_expr(p, &il.rhs, &mut in_iflets);
            }
            if !in_iflets.is_empty() {
                return Err(self.unsup(other.pos, "priority rule whose if-lets apply chained terms"));
            }
            let mark = self.g.conds.len();
            let node_mark = self.g.nodes.len();
            let outer = self.negated_provides.replace(Vec::new());
            let mut vars: HashMap<VarId, NodeId> = HashMap::new();
            let mut walked = Ok(());
            for (pat, &v) in other.args.iter().zip(args) {
                walked = walked.and_then(|_| self.pattern(pat, v, &mut vars, other.pos, other));
            }
            let mut none = [].iter();
            for il in &other.iflets {
                walked = walked.and_then(|_| {
                    let v = self.expr(&il.rhs, &mut vars, Side::Lhs, &mut none, other.pos)?;
                    self.pattern(&il.lhs, v, &mut vars, other.pos, other)
                });
            }
            let provides = std::mem::replace(&mut self.negated_provides, outer).unwrap_or_default();
            walked?;
            let conds: Vec<NodeId> = self.g.conds.split_off(mark).into_iter().map(|c| c.node).collect();
            // The rule matched iff its patterns and its extractors' matches
            // hold; what an extractor provides is a fact about its results
            // wherever it matches, assumed outside the negation. Inside it a
            // provided equality may still define an extracted value (exact:
            // the match is part of the same conjunction).
            for &(m, prov) in &provides {
                let bt = self.g.fresh_tv(Info::Bool);
                let imp = self.node(NodeKind::Op(SpecOp::Imp, vec![m, prov]), bt, other.pos);
                self.cond(imp, other.pos, format!("provide of an extractor of `{}` where it matches", p.rule_name(other.id)), Dest::Lhs);
            }
            let tagged: Vec<(NodeId, bool)> =
                conds.iter().map(|&c| (c, false)).chain(provides.iter().map(|&(_, prov)| (prov, true))).collect();
            // When a leaf stays free the negation is `exists l. not C(l)`:
            // weaker than the rule's real condition, so still sound (it can
            // only let more inputs reach the obligations), but imprecise.
            let (conds, exact) = match self.eliminate_fresh_leaves(tagged, node_mark) {
                Some(c) => (c, true),
                None => (conds, false),
            };
            let bt = self.g.fresh_tv(Info::Bool);
            let all = self.node(NodeKind::Op(SpecOp::And, conds), bt, other.pos);
            let bt = self.g.fresh_tv(Info::Bool);
            let not = self.node(NodeKind::Op(SpecOp::Not, vec![all]), bt, other.pos);
            let what = if exact {
                format!("higher-priority rule `{}` does not match", p.rule_name(other.id))
            } else {
                format!("higher-priority rule `{}` does not match (approximated: its match binds values it does not determine)", p.rule_name(other.id))
            };
            self.cond(not, other.pos, what, Dest::Lhs);
        }
        Ok(())
    }

    /// The match conditions of a negated rule mention leaves made while
    /// walking it (extractor arguments, named subterms). Negating them with
    /// those leaves free would be `exists l. not C(l)`, which the solver
    /// satisfies by picking `l` badly; the negation needs `not exists l. C(l)`.
    /// Each such leaf defined by a top-level equality `l = e` is replaced by
    /// `e` (exact: `exists l. l = e and C(l)` is `C(e)`). None when a leaf
    /// is left that no equality defines.
    /// Conditions tagged `true` (provides set aside) may define leaves but
    /// are not returned.
    pub(super) fn eliminate_fresh_leaves(&mut self, mut conds: Vec<(NodeId, bool)>, node_mark: NodeId) -> Option<Vec<NodeId>> {
        let fresh = |g: &Graph, n: NodeId| n >= node_mark && matches!(g.nodes[n].kind, NodeKind::Leaf { .. });
        let mut subst: HashMap<NodeId, NodeId> = HashMap::new();
        loop {
            let def = conds.iter().enumerate().find_map(|(i, &(c, _))| match &self.g.nodes[c].kind {
                NodeKind::Op(SpecOp::Eq, a) if a.len() == 2 => [(a[0], a[1]), (a[1], a[0])]
                    .into_iter()
                    .find(|&(l, e)| fresh(&self.g, l) && !self.mentions(e, l, node_mark))
                    .map(|(l, e)| (i, l, e)),
                _ => None,
            });
            let Some((i, l, e)) = def else { break };
            conds.remove(i);
            subst.insert(l, e);
            let mut memo = HashMap::new();
            conds = conds.into_iter().map(|(c, aside)| (self.substitute(c, &subst, node_mark, &mut memo), aside)).collect();
        }
        let kept: Vec<NodeId> = conds.into_iter().filter(|&(_, aside)| !aside).map(|(c, _)| c).collect();
        let left = kept.iter().any(|&c| (node_mark..self.g.nodes.len()).any(|l| fresh(&self.g, l) && self.mentions(c, l, node_mark)));
        (!left).then_some(kept)
    }

    /// Whether node `n` refers to node `target` (only nodes made after
    /// `mark` can refer to leaves made after it).
    pub(super) fn mentions(&self, n: NodeId, target: NodeId, mark: NodeId) -> bool {
        if n == target {
            return true;
        }
        n >= mark && self.g.children(n).into_iter().any(|c| self.mentions(c, target, mark))
    }

    /// `n` with every leaf in `subst` replaced, sharing unchanged nodes.
    pub(super) fn substitute(
        &mut self,
        n: NodeId,
        subst: &HashMap<NodeId, NodeId>,
        mark: NodeId,
        memo: &mut HashMap<NodeId, NodeId>,
    ) -> NodeId {
        if let Some(&e) = subst.get(&n) {
            return self.substitute(e, subst, mark, memo);
        }
        if n < mark {
            return n;
        }
        if let Some(&m) = memo.get(&n) {
            return m;
        }
        let kids = self.g.children(n);
        let new_kids: Vec<NodeId> = kids.iter().map(|&c| self.substitute(c, subst, mark, memo)).collect();
        let out = if new_kids == kids {
            n
        } else {
            let node = self.g.nodes[n].clone();
            let kind = node.kind.with_children(&new_kids);
            self.g.add(kind, node.tv, node.span)
        };
        memo.insert(n, out);
        out
    }
}
