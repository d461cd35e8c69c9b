//! The assembler's instruction forms, as the build script lists them (see
//! `build.rs`), and the harness operands they are built from.

use cranelift_assembler_x64::{inst, AvailableFeatures, Fixed, Gpr, GprMem, Imm16, Imm32, Imm64, Imm8, Inst, Registers};
use cranelift_assembler_x64::{Amode, AmodeOffset, AmodeOffsetPlusKnownOffset, Simm32, Simm8, TrapCode};

/// Registers are their hardware encodings.
#[derive(Clone, Copy, Debug)]
pub struct HwRegs;

impl Registers for HwRegs {
    type ReadGpr = u8;
    type ReadWriteGpr = u8;
    type WriteGpr = u8;
    type ReadXmm = u8;
    type ReadWriteXmm = u8;
    type WriteXmm = u8;
}

/// What kind of operand a form position is, for the harness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperandKind {
    /// A register the form fixes (its hardware encoding).
    FixedGpr(u8),
    Gpr,
    /// A register or memory; the harness always uses the register form.
    GprMem,
    /// A memory-only operand (an address).
    Mem,
    Imm,
    /// An XMM register or memory: not set up by the harness.
    Unsupported,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutability {
    Read,
    ReadWrite,
    Write,
}

#[derive(Clone, Copy, Debug)]
pub struct FormOperand {
    /// The assembler's name of the position (`r8`, `rm64`, `imm8`, `cl`, ...).
    pub location: &'static str,
    pub kind: OperandKind,
    pub bits: u32,
    pub mutability: Mutability,
    /// An immediate the instruction sign-extends (`Simm*` in the assembler).
    pub sign_extended: bool,
}

impl FormOperand {
    /// Whether the generated ISLE constructor `x64_<form>_raw` takes this
    /// operand as an argument: read operands, and register/memory operands
    /// even when only written (they may name memory); the rule of
    /// cranelift-codegen-meta's `gen_asm`.
    pub fn is_isle_param(&self) -> bool {
        self.mutability != Mutability::Write || matches!(self.kind, OperandKind::GprMem | OperandKind::Mem)
    }

    pub fn is_written(&self) -> bool {
        self.mutability != Mutability::Read
    }

    pub fn is_register(&self) -> bool {
        matches!(self.kind, OperandKind::FixedGpr(_) | OperandKind::Gpr | OperandKind::GprMem)
    }
}

/// A constructor of the assembler instruction from harness operands (one
/// per form position, in the form's order).
pub type Build = fn(&[Operand]) -> Inst<HwRegs>;

#[derive(Debug)]
pub struct Form {
    /// `<mnemonic>_<format>`, e.g. `addb_rm`; the ISLE term is `x64_<name>_raw`.
    pub name: &'static str,
    pub has_trap: bool,
    pub operands: &'static [FormOperand],
    /// The constructor, or why the harness has none.
    pub build: Result<Build, &'static str>,
}

/// One operand value at encoding time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    Reg(u8),
    Imm(u64),
}

impl Operand {
    pub fn reg(&self) -> u8 {
        match self {
            Operand::Reg(r) => *r,
            Operand::Imm(_) => panic!("register operand expected"),
        }
    }
    pub fn imm(&self) -> u64 {
        match self {
            Operand::Imm(v) => *v,
            Operand::Reg(_) => panic!("immediate operand expected"),
        }
    }
    fn gpr_mem(&self) -> GprMem<u8, u8> {
        GprMem::Gpr(self.reg())
    }
    /// Memory-only operands are reported unsupported before any is built
    /// (see `OperandKind::Mem`); this address through the register is what
    /// a later memory model would start from.
    fn amode(&self) -> Amode<u8> {
        Amode::ImmReg { base: self.reg(), simm32: AmodeOffsetPlusKnownOffset { simm32: AmodeOffset::ZERO, offset: None }, trap: None }
    }
}

/// The trap code of forms that can trap (division): any; the CPU's fault
/// is what is observed.
fn trap_code() -> TrapCode {
    TrapCode(std::num::NonZeroU8::new(1).expect("nonzero"))
}

include!(concat!(env!("OUT_DIR"), "/asm_forms.rs"));

pub fn find(name: &str) -> Option<&'static Form> {
    FORMS.iter().find(|f| f.name == name)
}

/// This machine's CPU features, for `Inst::is_available`.
pub struct Host;

fn host_has(feature: &str) -> bool {
    match feature {
        "_64b" => true,
        "compat" => false,
        "sse" => std::arch::is_x86_feature_detected!("sse"),
        "sse2" => std::arch::is_x86_feature_detected!("sse2"),
        "sse3" => std::arch::is_x86_feature_detected!("sse3"),
        "ssse3" => std::arch::is_x86_feature_detected!("ssse3"),
        "sse41" => std::arch::is_x86_feature_detected!("sse4.1"),
        "sse42" => std::arch::is_x86_feature_detected!("sse4.2"),
        "bmi1" => std::arch::is_x86_feature_detected!("bmi1"),
        "bmi2" => std::arch::is_x86_feature_detected!("bmi2"),
        "lzcnt" => std::arch::is_x86_feature_detected!("lzcnt"),
        "popcnt" => std::arch::is_x86_feature_detected!("popcnt"),
        "avx" => std::arch::is_x86_feature_detected!("avx"),
        "avx2" => std::arch::is_x86_feature_detected!("avx2"),
        "cmpxchg16b" => std::arch::is_x86_feature_detected!("cmpxchg16b"),
        "fma" => std::arch::is_x86_feature_detected!("fma"),
        // AVX-512 and VNNI forms use XMM operands, which the harness does
        // not set up: reported as not available rather than probed.
        _ => false,
    }
}

macro_rules! host_features {
    ($($f:ident)+) => {
        impl AvailableFeatures for Host {
            $(fn $f(&self) -> bool { host_has(stringify!($f)) })+
        }
    };
}
cranelift_assembler_x64::for_each_feature!(host_features);
