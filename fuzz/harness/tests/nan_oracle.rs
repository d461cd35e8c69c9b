//! The strict NaN oracle must accept every NaN the spec allows and trap on
//! every NaN it forbids. The "operation" here is a stand-in engine that
//! returns a chosen result regardless of its operands, so forbidden NaNs can
//! be produced on purpose; the check code runs in wasmtime.

use saffron_fuzz::nan_oracle::{emit_after, emit_before, Arithmetic, FloatShape, NanOracle, Scratch, SCRATCH_LOCALS};
use wasm_encoder::{CodeSection, ExportSection, ExportKind, Function, FunctionSection, Instruction, Module, TypeSection, ValType};

/// A module exporting `check(a, b, r)`: the oracle's code around a binary
/// operation on `a` and `b` whose result is `r`.
fn check_module(shape: FloatShape) -> Vec<u8> {
    let ty = match shape {
        FloatShape::F32 => ValType::F32,
        FloatShape::F64 => ValType::F64,
        FloatShape::F32x4 | FloatShape::F64x2 => ValType::V128,
    };
    let op = Arithmetic { arity: 2, input: shape, result: shape };
    let mut types = TypeSection::new();
    types.ty().function([ty, ty, ty], [ty]);
    let mut funcs = FunctionSection::new();
    funcs.function(0);
    let scratch = Scratch::new(3);
    let mut f = Function::new(SCRATCH_LOCALS);
    f.instruction(&Instruction::LocalGet(0));
    f.instruction(&Instruction::LocalGet(1));
    emit_before(&mut f, op, &scratch);
    // The "operation": ignore both operands, produce r.
    f.instruction(&Instruction::Drop);
    f.instruction(&Instruction::Drop);
    f.instruction(&Instruction::LocalGet(2));
    emit_after(&mut f, op, &scratch, NanOracle::Strict);
    f.instruction(&Instruction::End);
    let mut code = CodeSection::new();
    code.function(&f);
    let mut exports = ExportSection::new();
    exports.export("check", ExportKind::Func, 0);
    let mut m = Module::new();
    m.section(&types).section(&funcs).section(&exports).section(&code);
    m.finish()
}

/// Some(result bits) when the oracle accepts, None when it traps.
fn run(shape: FloatShape, a: u128, b: u128, r: u128) -> Option<u128> {
    let engine = wasmtime::Engine::default();
    let module = wasmtime::Module::new(&engine, check_module(shape)).expect("check module validates");
    let mut store = wasmtime::Store::new(&engine, ());
    let instance = wasmtime::Instance::new(&mut store, &module, &[]).unwrap();
    let func = instance.get_func(&mut store, "check").unwrap();
    let val = |x: u128| match shape {
        FloatShape::F32 => wasmtime::Val::F32(x as u32),
        FloatShape::F64 => wasmtime::Val::F64(x as u64),
        _ => wasmtime::Val::V128(x.into()),
    };
    let mut out = [wasmtime::Val::I32(0)];
    match func.call(&mut store, &[val(a), val(b), val(r)], &mut out) {
        Ok(()) => Some(match out[0] {
            wasmtime::Val::F32(x) => x as u128,
            wasmtime::Val::F64(x) => x as u128,
            wasmtime::Val::V128(x) => x.as_u128(),
            _ => unreachable!(),
        }),
        Err(e) => {
            assert_eq!(e.downcast_ref::<wasmtime::Trap>(), Some(&wasmtime::Trap::UnreachableCodeReached), "{e:#}");
            None
        }
    }
}

const ONE32: u128 = 0x3f80_0000;
const CANON32: u128 = 0x7fc0_0000;
const NEG_CANON32: u128 = 0xffc0_0000;
const SNAN32: u128 = 0x7fa0_0001;
const QUIETED32: u128 = 0x7fe0_0001;

#[test]
fn scalar_f32_rule() {
    use FloatShape::F32;
    // No NaN operand: a NaN result must be canonical, either sign.
    assert_eq!(run(F32, ONE32, ONE32, CANON32), Some(CANON32));
    assert_eq!(run(F32, ONE32, ONE32, NEG_CANON32), Some(CANON32), "sign is free; result canonicalised");
    assert_eq!(run(F32, ONE32, ONE32, 0x7fc0_0001), None, "payload from nowhere");
    assert_eq!(run(F32, ONE32, ONE32, SNAN32), None, "signalling result");
    // Canonical NaN operand: still canonical.
    assert_eq!(run(F32, CANON32, ONE32, QUIETED32), None);
    assert_eq!(run(F32, CANON32, ONE32, NEG_CANON32), Some(CANON32));
    // Non-canonical NaN operand: any arithmetic NaN.
    assert_eq!(run(F32, SNAN32, ONE32, QUIETED32), Some(CANON32));
    assert_eq!(run(F32, ONE32, SNAN32, 0xffc1_2345), Some(CANON32));
    assert_eq!(run(F32, SNAN32, ONE32, SNAN32), None, "must be quieted");
    // Non-NaN results are not the oracle's business (compared bit-exactly later).
    assert_eq!(run(F32, SNAN32, ONE32, ONE32), Some(ONE32));
}

#[test]
fn scalar_f64_rule() {
    use FloatShape::F64;
    let one = 1f64.to_bits() as u128;
    let canon = 0x7ff8_0000_0000_0000u128;
    let snan = 0x7ff4_0000_0000_0001u128;
    assert_eq!(run(F64, one, one, canon | 1 << 63), Some(canon));
    assert_eq!(run(F64, one, one, canon | 1), None);
    assert_eq!(run(F64, snan, one, 0x7ffc_0000_0000_0001), Some(canon));
    assert_eq!(run(F64, snan, one, snan), None);
}

#[test]
fn vector_rule_is_lane_wise() {
    use FloatShape::F32x4;
    let lanes = |l: [u128; 4]| l[0] | l[1] << 32 | l[2] << 64 | l[3] << 96;
    let a = lanes([SNAN32, ONE32, ONE32, CANON32]);
    let b = lanes([ONE32; 4]);
    // Lane 0 may carry a payload (non-canonical operand); lane 3 may not.
    assert_eq!(run(F32x4, a, b, lanes([QUIETED32, ONE32, CANON32, NEG_CANON32])), Some(lanes([CANON32, ONE32, CANON32, CANON32])));
    assert_eq!(run(F32x4, a, b, lanes([QUIETED32, ONE32, ONE32, QUIETED32])), None);
    assert_eq!(run(F32x4, a, b, lanes([ONE32, 0x7fc0_0001, ONE32, ONE32])), None);
    assert_eq!(run(F32x4, a, b, lanes([SNAN32, ONE32, ONE32, ONE32])), None);
    let f64x2 = |l: [u128; 2]| l[0] | l[1] << 64;
    let one = 1f64.to_bits() as u128;
    let canon = 0x7ff8_0000_0000_0000u128;
    assert_eq!(run(FloatShape::F64x2, f64x2([one, one]), f64x2([one, one]), f64x2([one, canon | 5])), None);
    assert_eq!(run(FloatShape::F64x2, f64x2([one, one]), f64x2([one, one]), f64x2([canon, one])), Some(f64x2([canon, one])));
}
