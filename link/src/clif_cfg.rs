//! The control flow of a captured CLIF function, for reading it as one
//! expression: which edges enter each block, under which branch condition,
//! with which arguments; and which blocks return.
//!
//! Only acyclic control flow is read (`jump` and `brif`, ending in `return`):
//! a block is reached iff one of its incoming edges is taken, and a block
//! parameter is the argument of the edge that was taken. A back edge (a
//! loop), a `br_table` or any other terminator is reported with its name.

use crate::clif_isle::{Translator, Unsupported};
use cranelift_codegen::ir::{Block, BlockArg, BlockCall, Function, InstructionData, Opcode, Value};
use std::collections::{HashMap, HashSet};

/// When an edge is taken, given that its source block is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeCond {
    Always,
    /// `brif c` to its first target: `c` is not zero.
    NonZero(Value),
    /// `brif c` to its second target: `c` is zero.
    Zero(Value),
}

#[derive(Clone, Debug)]
pub struct Edge {
    pub from: Block,
    pub cond: EdgeCond,
    pub args: Vec<Value>,
}

/// The acyclic control-flow graph of a function.
pub struct Cfg {
    pub entry: Block,
    pub incoming: HashMap<Block, Vec<Edge>>,
    /// Every `return`, with its block and its values.
    pub returns: Vec<(Block, Vec<Value>)>,
    /// The blocks every run reaches.
    always: HashSet<Block>,
}

impl Cfg {
    pub fn of(f: &Function) -> Result<Cfg, Unsupported> {
        let entry = f.layout.entry_block().ok_or_else(|| Unsupported("the captured function has no entry block".into()))?;
        let mut incoming: HashMap<Block, Vec<Edge>> = HashMap::new();
        let mut succs: HashMap<Block, Vec<Block>> = HashMap::new();
        let mut returns = Vec::new();
        for block in f.layout.blocks() {
            let Some(last) = f.layout.last_inst(block) else { continue };
            let data = &f.dfg.insts[last];
            let mut edge = |call: &BlockCall, cond: EdgeCond| -> Result<(), Unsupported> {
                let to = call.block(&f.dfg.value_lists);
                let mut args = Vec::new();
                for a in call.args(&f.dfg.value_lists) {
                    match a {
                        BlockArg::Value(v) => args.push(v),
                        other => return Err(Unsupported(format!("branch argument {other:?} is not a value"))),
                    }
                }
                succs.entry(block).or_default().push(to);
                incoming.entry(to).or_default().push(Edge { from: block, cond, args });
                Ok(())
            };
            match data {
                InstructionData::Jump { destination, .. } => edge(destination, EdgeCond::Always)?,
                InstructionData::Brif { arg, blocks, .. } => {
                    edge(&blocks[0], EdgeCond::NonZero(*arg))?;
                    edge(&blocks[1], EdgeCond::Zero(*arg))?;
                }
                _ if data.opcode() == Opcode::Return => returns.push((block, f.dfg.inst_args(last).to_vec())),
                _ => {
                    return Err(Unsupported(format!(
                        "`{}` ends {block} (only `jump`, `brif` and `return` are read)",
                        data.opcode()
                    )))
                }
            }
        }
        if returns.is_empty() {
            return Err(Unsupported("the captured function has no `return`".into()));
        }
        if let Some((from, to)) = back_edge(entry, &succs) {
            return Err(Unsupported(format!("a loop: {from} branches back to {to}")));
        }
        let always = always_reached(entry, &incoming);
        Ok(Cfg { entry, incoming, returns, always })
    }

    /// Whether every run reaches `b`.
    pub fn always_reached(&self, b: Block) -> bool {
        self.always.contains(&b)
    }
}

/// The blocks every run reaches: the entry, and blocks entered by an
/// unconditional edge from such a block (the same rule as the reach
/// expressions of `clif_isle`, computed without building them).
fn always_reached(entry: Block, incoming: &HashMap<Block, Vec<Edge>>) -> HashSet<Block> {
    let mut always: HashSet<Block> = HashSet::from([entry]);
    loop {
        let before = always.len();
        for (to, edges) in incoming {
            if edges.iter().any(|e| e.cond == EdgeCond::Always && always.contains(&e.from)) {
                always.insert(*to);
            }
        }
        if always.len() == before {
            return always;
        }
    }
}

/// An edge closing a cycle reachable from `entry`, if any (depth-first
/// search; a successor still on the search stack closes a cycle).
fn back_edge(entry: Block, succs: &HashMap<Block, Vec<Block>>) -> Option<(Block, Block)> {
    let mut done: HashSet<Block> = HashSet::new();
    let mut on_stack: HashSet<Block> = HashSet::new();
    let mut stack: Vec<(Block, usize)> = vec![(entry, 0)];
    on_stack.insert(entry);
    while let Some((b, i)) = stack.pop() {
        let next = succs.get(&b).and_then(|s| s.get(i)).copied();
        match next {
            Some(n) => {
                stack.push((b, i + 1));
                if on_stack.contains(&n) {
                    return Some((b, n));
                }
                if done.insert(n) {
                    on_stack.insert(n);
                    stack.push((n, 0));
                }
            }
            None => {
                on_stack.remove(&b);
            }
        }
    }
    None
}

/// Control flow as expressions, for the translator: reach conditions, block
/// parameters and the returned value.
impl Translator<'_> {
    /// When `b` is reached: `None` if always, else an expression of value
    /// 1 (reached) or 0, the disjunction of its incoming edges.
    pub(crate) fn reach_of(&mut self, b: Block) -> Result<Option<String>, Unsupported> {
        if b == self.cfg.entry {
            return Ok(None);
        }
        if let Some(r) = self.reach.get(&b) {
            return Ok(r.clone());
        }
        let edges = self.cfg.incoming.get(&b).cloned().unwrap_or_default();
        if edges.is_empty() {
            return Err(Unsupported(format!("{b} has no incoming edge")));
        }
        let mut any: Option<String> = Some(String::new());
        for e in &edges {
            match (self.edge_cond(e)?, &mut any) {
                (None, _) => any = None,
                (Some(c), Some(acc)) if acc.is_empty() => *acc = c,
                (Some(c), Some(acc)) => *acc = format!("(wasm_cfg_or {acc} {c})"),
                (Some(_), None) => {}
            }
        }
        self.reach.insert(b, any.clone());
        Ok(any)
    }

    /// When edge `e` is taken: its source is reached and its branch goes its way.
    fn edge_cond(&mut self, e: &Edge) -> Result<Option<String>, Unsupported> {
        let from = self.reach_of(e.from)?;
        let branch = match e.cond {
            EdgeCond::Always => None,
            EdgeCond::NonZero(c) => Some(format!("(wasm_cfg_nonzero {})", self.value(c, 1)?)),
            EdgeCond::Zero(c) => Some(format!("(wasm_cfg_zero {})", self.value(c, 1)?)),
        };
        Ok(match (from, branch) {
            (None, b) => b,
            (f, None) => f,
            (Some(f), Some(b)) => Some(format!("(wasm_cfg_and {f} {b})")),
        })
    }

    /// A block parameter: the argument of the edge taken into its block.
    pub(crate) fn block_param(&mut self, v: Value, block: Block, index: usize, depth: usize) -> Result<String, Unsupported> {
        let edges = self.cfg.incoming.get(&block).cloned().unwrap_or_default();
        let Some((last, rest)) = edges.split_last() else {
            return Err(Unsupported(format!("`{v}` is a parameter of {block}, which no branch enters")));
        };
        let arg = |e: &Edge| e.args.get(index).copied().ok_or_else(|| Unsupported(format!("an edge into {block} does not bind `{v}`")));
        let mut out = self.value(arg(last)?, depth + 1)?;
        for e in rest.iter().rev() {
            let a = self.value(arg(e)?, depth + 1)?;
            out = match self.edge_cond(e)? {
                Some(c) => format!("(wasm_cfg_ite {c} {a} {out})"),
                None => a,
            };
        }
        Ok(out)
    }

    /// The value returned: that of the `return` whose block is reached.
    pub(crate) fn returned_value(&mut self, returns: &[(Block, Option<Value>)]) -> Result<String, Unsupported> {
        let Some(((_, last), rest)) = returns.split_last() else {
            return Err(Unsupported("the captured function has no `return`".into()));
        };
        let mut out = self.value(last.expect("returns a value"), 0)?;
        for (b, v) in rest.iter().rev() {
            let a = self.value(v.expect("returns a value"), 0)?;
            out = match self.reach_of(*b)? {
                Some(c) => format!("(wasm_cfg_ite {c} {a} {out})"),
                None => a,
            };
        }
        Ok(out)
    }
}
