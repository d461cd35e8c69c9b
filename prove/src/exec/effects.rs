//! What a loop body may change, read off its code: the locals it sets, and whether it writes
//! globals or memory, grows a memory or calls (a callee may do all of those).

use crate::module::Node;
use std::collections::BTreeSet;
use wasmparser::Operator;

#[derive(Default, Debug)]
pub struct Effects {
    pub locals: BTreeSet<u32>,
    pub globals: bool,
    pub stores: bool,
    pub grows: bool,
    pub calls: bool,
}

pub fn effects(nodes: &[Node]) -> Effects {
    let mut fx = Effects::default();
    walk(nodes, &mut fx);
    fx
}

fn walk(nodes: &[Node], fx: &mut Effects) {
    for n in nodes {
        match n {
            Node::Op(_, op) => match op {
                Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
                    fx.locals.insert(*local_index);
                }
                Operator::GlobalSet { .. } => fx.globals = true,
                Operator::MemoryGrow { .. } => fx.grows = true,
                Operator::Call { .. } | Operator::CallIndirect { .. } | Operator::ReturnCall { .. } => fx.calls = true,
                op if super::access::access(op).is_some() => {
                    fx.stores |= matches!(super::access::access(op).map(|a| a.dir), Some(super::access::Direction::Store { .. }));
                }
                // Bulk memory writes (unsupported by the executor today, listed for safety).
                Operator::MemoryFill { .. } | Operator::MemoryCopy { .. } | Operator::MemoryInit { .. } => fx.stores = true,
                _ => {}
            },
            Node::Block { body, els, .. } => {
                walk(body, fx);
                walk(els, fx);
            }
        }
    }
}
