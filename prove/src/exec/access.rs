//! Loads and stores: how many bytes they touch and how a value is converted.

use crate::machine::NumType;
use wasmparser::{MemArg, Operator};

#[derive(Clone, Copy, Debug)]
pub enum Direction {
    /// Loads `bytes` bytes into a value of the type; `signed` says how narrow loads extend.
    Load { ty: NumType, signed: bool },
    /// Stores the low `bytes` bytes of a value of the type.
    Store { ty: NumType },
}

#[derive(Clone, Copy, Debug)]
pub struct Access {
    pub memarg: MemArg,
    pub bytes: u32,
    pub dir: Direction,
}

pub fn access(op: &Operator) -> Option<Access> {
    use NumType::*;
    let load = |memarg: &MemArg, bytes, ty, signed| Access { memarg: *memarg, bytes, dir: Direction::Load { ty, signed } };
    let store = |memarg: &MemArg, bytes, ty| Access { memarg: *memarg, bytes, dir: Direction::Store { ty } };
    Some(match op {
        Operator::I32Load { memarg } => load(memarg, 4, I32, false),
        Operator::I64Load { memarg } => load(memarg, 8, I64, false),
        Operator::F32Load { memarg } => load(memarg, 4, F32, false),
        Operator::F64Load { memarg } => load(memarg, 8, F64, false),
        Operator::I32Load8S { memarg } => load(memarg, 1, I32, true),
        Operator::I32Load8U { memarg } => load(memarg, 1, I32, false),
        Operator::I32Load16S { memarg } => load(memarg, 2, I32, true),
        Operator::I32Load16U { memarg } => load(memarg, 2, I32, false),
        Operator::I64Load8S { memarg } => load(memarg, 1, I64, true),
        Operator::I64Load8U { memarg } => load(memarg, 1, I64, false),
        Operator::I64Load16S { memarg } => load(memarg, 2, I64, true),
        Operator::I64Load16U { memarg } => load(memarg, 2, I64, false),
        Operator::I64Load32S { memarg } => load(memarg, 4, I64, true),
        Operator::I64Load32U { memarg } => load(memarg, 4, I64, false),
        Operator::I32Store { memarg } => store(memarg, 4, I32),
        Operator::I64Store { memarg } => store(memarg, 8, I64),
        Operator::F32Store { memarg } => store(memarg, 4, F32),
        Operator::F64Store { memarg } => store(memarg, 8, F64),
        Operator::I32Store8 { memarg } => store(memarg, 1, I32),
        Operator::I32Store16 { memarg } => store(memarg, 2, I32),
        Operator::I64Store8 { memarg } => store(memarg, 1, I64),
        Operator::I64Store16 { memarg } => store(memarg, 2, I64),
        Operator::I64Store32 { memarg } => store(memarg, 4, I64),
        _ => return None,
    })
}
