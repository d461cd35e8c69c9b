//! Each hot instruction, evaluated inline by the dispatch loop, gives what the table row's
//! raw-bits function gives, traps included; each compare-and-branch form branches exactly
//! when its predicate holds.

use super::Machine;
use crate::exec::code::{BrTarget, Code, Instr, HOT_OPS};
use crate::exec::store::Store;
use crate::numerics::{lookup, NumericFn};


/// Operand bit patterns: edges of every width, NaNs, infinities, signed zeros, and noise.
fn samples() -> Vec<u128> {
    let mut v: Vec<u128> = vec![
        0,
        1,
        2,
        7,
        31,
        32,
        33,
        63,
        64,
        0x7f,
        0x80,
        0xff,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        0x7fff_ffff_ffff_ffff,
        0x8000_0000_0000_0000,
        u64::MAX as u128,
        0x7f80_0000,
        0xff80_0000,
        0x7fc0_0000,
        0x7fa0_0001,
        0x3f80_0000,
        0xbf80_0000,
        0x7ff0_0000_0000_0000,
        0xfff0_0000_0000_0000,
        0x7ff8_0000_0000_0000,
        0x7ff4_0000_0000_0001,
        0x3ff0_0000_0000_0000,
        0xc000_0000_0000_0000,
        0x4330_0000_0000_0000,
    ];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..40 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.push(x as u128);
        v.push((x as u32) as u128);
    }
    v
}

/// Runs the one instruction `Instr::hot(op)` on registers 0 and 1, result in register 2.
fn run_hot(store: &mut Store, op: &wasmparser::Operator, a: u128, b: u128) -> Result<u128, String> {
    let code = Code {
        instrs: vec![Instr::hot(op, 2, 0, 1).unwrap(), Instr::Return { from: 2 }],
        num_params: 2,
        num_results: 1,
        frame_size: 3,
        ..Code::default()
    };
    run(store, &code, a, b)
}

/// Runs `code` with `a` and `b` in registers 0 and 1; its one result.
fn run(store: &mut Store, code: &Code, a: u128, b: u128) -> Result<u128, String> {
    let code = &code.clone().prepare().expect("the evaluator runs prepared code only");
    let mut m = Machine::new(store, vec![a, b, 0]);
    m.run(code, 0, 0).map_err(|t| format!("{:?}", t.kind))?;
    Ok(m.stack[0])
}

/// Runs the compare-and-branch forms of `Instr::hot(op)`: 1 when the predicate held (the
/// `br_if` form branched and the `if` form did not jump), else 0; both must agree.
fn run_branch(store: &mut Store, op: &wasmparser::Operator, a: u128, b: u128) -> Option<Result<u128, String>> {
    let branched = run_compare_and_jump(store, Instr::hot(op, 2, 0, 1).unwrap().branch_on(0)?, a, b);
    let fell_through = run_compare_and_jump(store, Instr::hot(op, 2, 0, 1).unwrap().jump_unless(3)?, a, b);
    assert_eq!(branched, fell_through.map(|v| 1 - v), "{op:?} {a:#x} {b:#x}: br_if and if forms");
    Some(branched)
}

/// Runs `jump` (to pc 3, or br_tables[0] which is pc 3): 1 when it jumped, else 0.
fn run_compare_and_jump(store: &mut Store, jump: Instr, a: u128, b: u128) -> Result<u128, String> {
    let code = Code {
        instrs: vec![
            jump,
            Instr::Const32 { dst: 2, c: 0 },
            Instr::Return { from: 2 },
            Instr::Const32 { dst: 2, c: 1 },
            Instr::Return { from: 2 },
        ],
        br_tables: vec![BrTarget { pc: 3, keep: 0, drop_to: 0, from: 0 }],
        num_params: 2,
        num_results: 1,
        frame_size: 3,
        ..Code::default()
    };
    run(store, &code, a, b)
}

#[test]
fn hot_instructions_agree_with_the_table_functions() {
    let s = samples();
    let mut store = Store::new();
    for op in HOT_OPS {
        let expect = |r: crate::numerics::NumResult| {
            r.map_err(|t| format!("{:?}", crate::exec::trap::Trap::from(t).kind))
        };
        match lookup(op) {
            Some(NumericFn::Bin(f)) => {
                for &a in &s {
                    for &b in &s {
                        let got = run_hot(&mut store, op, a, b);
                        assert_eq!(got, expect(f(a, b)), "{op:?} {a:#x} {b:#x}");
                        if let Some(branched) = run_branch(&mut store, op, a, b) {
                            assert_eq!(branched, got.map(|v| (v != 0) as u128), "{op:?} br_if");
                        }
                    }
                }
            }
            Some(NumericFn::Un(f)) => {
                for &a in &s {
                    let got = run_hot(&mut store, op, a, 0);
                    assert_eq!(got, expect(f(a)), "{op:?} {a:#x}");
                    if let Some(branched) = run_branch(&mut store, op, a, 0) {
                        assert_eq!(branched, got.map(|v| (v != 0) as u128), "{op:?} br_if");
                    }
                }
            }
            other => panic!("{op:?}: {other:?}"),
        }
    }
    assert!(Instr::hot(&wasmparser::Operator::I32DivS, 0, 0, 0).is_none());
    // Predicates (and only they) have a branch form.
    let branch_of = |op| Instr::hot(&op, 0, 0, 0).unwrap().branch_on(0).is_some();
    assert!(branch_of(wasmparser::Operator::I64LtS) && branch_of(wasmparser::Operator::I32Eqz));
    assert!(!branch_of(wasmparser::Operator::I32Add));
}
