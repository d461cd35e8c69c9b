//! The Wasm spec's NaN rule, checked inside the generated module.
//!
//! NaN bits of a float operation's result are partly up to the engine, so
//! engines may legitimately disagree on them. Two ways make runs comparable:
//!
//! - [`NanOracle::Canonicalize`]: every arithmetic float result is replaced
//!   by the canonical NaN when it is a NaN (wasm-smith's `canonicalize_nans`
//!   plus the conversions it leaves alone). Which NaN an engine produced is
//!   never looked at, so a NaN-propagation bug is invisible.
//! - [`NanOracle::Strict`]: after every arithmetic float operation the module
//!   itself checks the result against the spec (numerics, "NaN propagation"):
//!   a NaN result must be an arithmetic NaN (quiet bit set; sign free), and a
//!   canonical NaN (payload = quiet bit only) when every NaN operand was
//!   canonical, or there was none. A violation executes `unreachable`, so the
//!   engine that broke the rule traps where the others return. Only then is
//!   the result canonicalised, which keeps what follows deterministic.
//!
//! Operations the spec defines bitwise (`neg`, `abs`, `copysign`, loads,
//! stores, reinterpretations, `pmin`/`pmax`) are not arithmetic: their
//! results are deterministic and stay compared bit-exactly.

use wasm_encoder::{BlockType, Function, Instruction, ValType};
use wasmparser::Operator;

/// How the differential harness makes NaN results comparable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NanOracle {
    /// Check each arithmetic float result against the spec's NaN rule, then
    /// canonicalise it.
    #[default]
    Strict,
    /// Canonicalise arithmetic float results without checking them.
    Canonicalize,
}

/// A float value: scalar or SIMD, with its lane width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatShape {
    F32,
    F64,
    F32x4,
    F64x2,
}

/// An arithmetic float operation: its operand count and shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arithmetic {
    pub arity: u8,
    pub input: FloatShape,
    pub result: FloatShape,
}

/// The float operations whose NaN results the spec leaves partly open.
pub fn arithmetic(op: &Operator<'_>) -> Option<Arithmetic> {
    use FloatShape::*;
    use Operator as O;
    let (arity, input, result) = match op {
        O::F32Add | O::F32Sub | O::F32Mul | O::F32Div | O::F32Min | O::F32Max => (2, F32, F32),
        O::F64Add | O::F64Sub | O::F64Mul | O::F64Div | O::F64Min | O::F64Max => (2, F64, F64),
        O::F32Sqrt | O::F32Ceil | O::F32Floor | O::F32Trunc | O::F32Nearest => (1, F32, F32),
        O::F64Sqrt | O::F64Ceil | O::F64Floor | O::F64Trunc | O::F64Nearest => (1, F64, F64),
        O::F32DemoteF64 => (1, F64, F32),
        O::F64PromoteF32 => (1, F32, F64),
        O::F32x4Add | O::F32x4Sub | O::F32x4Mul | O::F32x4Div | O::F32x4Min | O::F32x4Max => (2, F32x4, F32x4),
        O::F64x2Add | O::F64x2Sub | O::F64x2Mul | O::F64x2Div | O::F64x2Min | O::F64x2Max => (2, F64x2, F64x2),
        O::F32x4Sqrt | O::F32x4Ceil | O::F32x4Floor | O::F32x4Trunc | O::F32x4Nearest => (1, F32x4, F32x4),
        O::F64x2Sqrt | O::F64x2Ceil | O::F64x2Floor | O::F64x2Trunc | O::F64x2Nearest => (1, F64x2, F64x2),
        O::F32x4DemoteF64x2Zero => (1, F64x2, F32x4),
        O::F64x2PromoteLowF32x4 => (1, F32x4, F64x2),
        _ => return None,
    };
    Some(Arithmetic { arity, input, result })
}

/// Extra locals a function body needs for [`emit_after`]: operands `a`, `b`
/// and result `r` for each of f32, f64 and v128, numbered from `first`.
pub struct Scratch {
    first: u32,
}

/// The local types [`Scratch`] numbers, in order.
pub const SCRATCH_LOCALS: [(u32, ValType); 3] = [(3, ValType::F32), (3, ValType::F64), (3, ValType::V128)];

impl Scratch {
    pub fn new(first: u32) -> Scratch {
        Scratch { first }
    }
    /// Local `slot` (0 = a, 1 = b, 2 = r) of the given shape.
    fn local(&self, shape: FloatShape, slot: u32) -> u32 {
        let base = match shape {
            FloatShape::F32 => 0,
            FloatShape::F64 => 3,
            FloatShape::F32x4 | FloatShape::F64x2 => 6,
        };
        self.first + base + slot
    }
}

const A: u32 = 0;
const B: u32 = 1;
const R: u32 = 2;

/// Bit patterns of one lane: magnitude mask, canonical NaN, quiet-NaN test.
struct Lane {
    magnitude: u64,
    canonical: u64,
    quiet: u64,
}

fn lane(shape: FloatShape) -> Lane {
    match shape {
        FloatShape::F32 | FloatShape::F32x4 => Lane { magnitude: 0x7fff_ffff, canonical: 0x7fc0_0000, quiet: 0x7fc0_0000 },
        FloatShape::F64 | FloatShape::F64x2 => Lane {
            magnitude: 0x7fff_ffff_ffff_ffff,
            canonical: 0x7ff8_0000_0000_0000,
            quiet: 0x7ff8_0000_0000_0000,
        },
    }
}

/// Emits boolean tests over one shape: scalar tests leave an i32 0/1, vector
/// tests a lane mask (all ones per true lane).
struct Tests<'f> {
    f: &'f mut Function,
    shape: FloatShape,
}

impl Tests<'_> {
    fn is_vector(&self) -> bool {
        matches!(self.shape, FloatShape::F32x4 | FloatShape::F64x2)
    }

    fn splat(&self, v: u64) -> Instruction<'static> {
        let v = match self.shape {
            FloatShape::F32x4 => {
                let v = v as u32 as u128;
                v | v << 32 | v << 64 | v << 96
            }
            _ => (v as u128) | (v as u128) << 64,
        };
        Instruction::V128Const(v as i128)
    }

    /// `local` is a NaN.
    fn nan(&mut self, local: u32) {
        self.f.instruction(&Instruction::LocalGet(local));
        self.f.instruction(&Instruction::LocalGet(local));
        self.f.instruction(&match self.shape {
            FloatShape::F32 => Instruction::F32Ne,
            FloatShape::F64 => Instruction::F64Ne,
            FloatShape::F32x4 => Instruction::F32x4Ne,
            FloatShape::F64x2 => Instruction::F64x2Ne,
        });
    }

    /// `bits(local) & mask == expect`.
    fn bits_eq(&mut self, local: u32, mask: u64, expect: u64) {
        let ops = match self.shape {
            FloatShape::F32 => vec![
                Instruction::I32ReinterpretF32,
                Instruction::I32Const(mask as u32 as i32),
                Instruction::I32And,
                Instruction::I32Const(expect as u32 as i32),
                Instruction::I32Eq,
            ],
            FloatShape::F64 => vec![
                Instruction::I64ReinterpretF64,
                Instruction::I64Const(mask as i64),
                Instruction::I64And,
                Instruction::I64Const(expect as i64),
                Instruction::I64Eq,
            ],
            FloatShape::F32x4 | FloatShape::F64x2 => vec![
                self.splat(mask),
                Instruction::V128And,
                self.splat(expect),
                if self.shape == FloatShape::F32x4 { Instruction::I32x4Eq } else { Instruction::I64x2Eq },
            ],
        };
        self.f.instruction(&Instruction::LocalGet(local));
        for op in &ops {
            self.f.instruction(op);
        }
    }

    /// `local` is a canonical NaN (either sign).
    fn canonical(&mut self, local: u32) {
        let l = lane(self.shape);
        self.bits_eq(local, l.magnitude, l.canonical);
    }

    /// `local`, if a NaN, is an arithmetic NaN (quiet bit set).
    fn quiet(&mut self, local: u32) {
        let l = lane(self.shape);
        self.bits_eq(local, l.quiet, l.quiet);
    }

    /// `local` is not a NaN, or a canonical one.
    fn non_nan_or_canonical(&mut self, local: u32) {
        self.nan(local);
        self.not();
        self.canonical(local);
        self.or();
    }

    fn not(&mut self) {
        self.f.instruction(if self.is_vector() { &Instruction::V128Not } else { &Instruction::I32Eqz });
    }
    fn and(&mut self) {
        self.f.instruction(if self.is_vector() { &Instruction::V128And } else { &Instruction::I32And });
    }
    fn or(&mut self) {
        self.f.instruction(if self.is_vector() { &Instruction::V128Or } else { &Instruction::I32Or });
    }
    /// Mask -> i32: some lane true.
    fn any(&mut self) {
        if self.is_vector() {
            self.f.instruction(&Instruction::V128AnyTrue);
        }
    }
    /// Mask -> i32: every lane true.
    fn all(&mut self) {
        match self.shape {
            FloatShape::F32x4 => {
                self.f.instruction(&Instruction::I32x4AllTrue);
            }
            FloatShape::F64x2 => {
                self.f.instruction(&Instruction::I64x2AllTrue);
            }
            _ => {}
        }
    }
}

/// Save the operands of `op` (on the stack) into scratch locals and push them
/// back, so [`emit_after`] can look at them. Emit `op` itself in between.
pub fn emit_before(f: &mut Function, op: Arithmetic, s: &Scratch) {
    if op.arity == 2 {
        f.instruction(&Instruction::LocalSet(s.local(op.input, B)));
    }
    f.instruction(&Instruction::LocalTee(s.local(op.input, A)));
    if op.arity == 2 {
        f.instruction(&Instruction::LocalGet(s.local(op.input, B)));
    }
}

/// With `op`'s result on the stack: under [`NanOracle::Strict`], trap
/// (`unreachable`) unless the result obeys the spec's NaN rule for the
/// operands [`emit_before`] saved; under both oracles, replace a NaN result
/// by the canonical NaN.
pub fn emit_after(f: &mut Function, op: Arithmetic, s: &Scratch, oracle: NanOracle) {
    let r = s.local(op.result, R);
    f.instruction(&Instruction::LocalSet(r));
    if oracle == NanOracle::Strict {
        emit_rule_check(f, op, s);
    }
    emit_canonical_from(f, op.result, r);
}

/// Pushes "the rule is broken" as an i32 and traps on it.
fn emit_rule_check(f: &mut Function, op: Arithmetic, s: &Scratch) {
    let r = s.local(op.result, R);
    let mut out = Tests { f, shape: op.result };
    // A NaN result without the quiet bit is never allowed.
    out.nan(r);
    out.quiet(r);
    out.not();
    out.and();
    out.any();
    // A NaN result must be canonical if every NaN operand was.
    out.nan(r);
    out.canonical(r);
    out.not();
    out.and();
    let operands = if op.arity == 2 { &[A, B][..] } else { &[A][..] };
    if op.input == op.result {
        // Lane by lane: lane i of the result only depends on lane i of the
        // operands.
        for &slot in operands {
            out.non_nan_or_canonical(s.local(op.input, slot));
            out.and();
        }
        out.any();
    } else {
        // Conversions change the lane count: require all operand lanes to be
        // canonical-or-not-NaN (a weaker check, never a false alarm).
        out.any();
        let f = out.f;
        let mut input = Tests { f, shape: op.input };
        for &slot in operands {
            input.non_nan_or_canonical(s.local(op.input, slot));
            input.all();
            input.f.instruction(&Instruction::I32And);
        }
        out = Tests { f: input.f, shape: op.result };
    }
    let f = out.f;
    f.instruction(&Instruction::I32Or);
    f.instruction(&Instruction::If(BlockType::Empty));
    f.instruction(&Instruction::Unreachable);
    f.instruction(&Instruction::End);
}

/// Push `local`, replaced by the canonical NaN if it is a NaN (lane-wise).
fn emit_canonical_from(f: &mut Function, shape: FloatShape, local: u32) {
    const NAN32: u32 = 0x7fc0_0000;
    const NAN64: u64 = 0x7ff8_0000_0000_0000;
    f.instruction(&Instruction::LocalGet(local));
    f.instruction(&match shape {
        FloatShape::F32 => Instruction::F32Const(f32::from_bits(NAN32).into()),
        FloatShape::F64 => Instruction::F64Const(f64::from_bits(NAN64).into()),
        FloatShape::F32x4 => {
            let n = NAN32 as i128;
            Instruction::V128Const(n | (n << 32) | (n << 64) | (n << 96))
        }
        FloatShape::F64x2 => {
            let n = NAN64 as i128;
            Instruction::V128Const(n | (n << 64))
        }
    });
    f.instruction(&Instruction::LocalGet(local));
    f.instruction(&Instruction::LocalGet(local));
    f.instruction(&match shape {
        FloatShape::F32 => Instruction::F32Eq,
        FloatShape::F64 => Instruction::F64Eq,
        FloatShape::F32x4 => Instruction::F32x4Eq,
        FloatShape::F64x2 => Instruction::F64x2Eq,
    });
    f.instruction(&match shape {
        FloatShape::F32 | FloatShape::F64 => Instruction::Select,
        FloatShape::F32x4 | FloatShape::F64x2 => Instruction::V128Bitselect,
    });
}
