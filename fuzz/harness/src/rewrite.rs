//! Module rewriting with wasm-encoder's `Reencode`: NaN canonicalisation of
//! float conversions, and the structural passes the minimizer uses
//! (dropping an export, replacing a function body by `unreachable`).

use anyhow::{Context, Result};
use std::convert::Infallible;
use wasm_encoder::reencode::{Error as ReencodeError, Reencode};
use wasm_encoder::{CodeSection, ExportSection, Function, Instruction, ValType};
use wasmparser::{CompositeInnerType, Operator, Parser, Payload};

/// What to change while re-encoding.
#[derive(Clone, Debug, Default)]
pub struct Rewrite {
    /// Follow float promote/demote (scalar and SIMD) with NaN canonicalisation.
    pub canonicalize_conversions: bool,
    /// Remove the export with this name.
    pub drop_export: Option<String>,
    /// Replace the body of the n-th defined function (0 = first in the code
    /// section) with `unreachable`.
    pub stub_body: Option<usize>,
}

/// Apply `rewrite` to `wasm`.
pub fn rewrite(wasm: &[u8], rewrite: &Rewrite) -> Result<Vec<u8>> {
    let mut r = Rewriter { plan: rewrite.clone(), defined_params: defined_param_counts(wasm)?, next_body: 0 };
    let mut module = wasm_encoder::Module::new();
    r.parse_core_module(&mut module, Parser::new(0), wasm).map_err(|e| anyhow::anyhow!("{e}")).context("re-encoding module")?;
    Ok(module.finish())
}

/// Number of parameters of each function defined (not imported) in `wasm`, in
/// code-section order: scratch locals are numbered after params and locals.
fn defined_param_counts(wasm: &[u8]) -> Result<Vec<u32>> {
    let mut type_params: Vec<u32> = Vec::new();
    let mut out = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::TypeSection(reader) => {
                for group in reader {
                    for sub in group?.into_types() {
                        type_params.push(match &sub.composite_type.inner {
                            CompositeInnerType::Func(f) => f.params().len() as u32,
                            _ => 0,
                        });
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for t in reader {
                    out.push(type_params.get(t? as usize).copied().unwrap_or(0));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

#[derive(Clone, Copy)]
enum FloatShape {
    F32,
    F64,
    F32x4,
    F64x2,
}

/// Which conversions wasm-smith's own `canonicalize_nans` leaves alone: their
/// NaN results are nondeterministic (canonical vs. payload-preserving).
fn conversion_shape(op: &Operator<'_>) -> Option<FloatShape> {
    Some(match op {
        Operator::F32DemoteF64 => FloatShape::F32,
        Operator::F64PromoteF32 => FloatShape::F64,
        Operator::F32x4DemoteF64x2Zero => FloatShape::F32x4,
        Operator::F64x2PromoteLowF32x4 => FloatShape::F64x2,
        _ => return None,
    })
}

struct Rewriter {
    plan: Rewrite,
    defined_params: Vec<u32>,
    next_body: usize,
}

struct Scratch {
    f32: u32,
    f64: u32,
    v128: u32,
}

/// `x` on the stack -> `x == x ? x : canonical NaN` (lane-wise for SIMD).
fn emit_canonicalize(f: &mut Function, shape: FloatShape, s: &Scratch) {
    const NAN32: u32 = 0x7fc0_0000;
    const NAN64: u64 = 0x7ff8_0000_0000_0000;
    let local = match shape {
        FloatShape::F32 => s.f32,
        FloatShape::F64 => s.f64,
        FloatShape::F32x4 | FloatShape::F64x2 => s.v128,
    };
    f.instruction(&Instruction::LocalTee(local));
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

impl Reencode for Rewriter {
    type Error = Infallible;

    fn parse_export(
        &mut self,
        exports: &mut ExportSection,
        export: wasmparser::Export<'_>,
    ) -> Result<(), ReencodeError<Infallible>> {
        if self.plan.drop_export.as_deref() == Some(export.name) {
            return Ok(());
        }
        wasm_encoder::reencode::utils::parse_export(self, exports, export)
    }

    fn parse_function_body(
        &mut self,
        code: &mut CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<(), ReencodeError<Infallible>> {
        let index = self.next_body;
        self.next_body += 1;
        if self.plan.stub_body == Some(index) {
            let mut f = Function::new([]);
            f.instruction(&Instruction::Unreachable);
            f.instruction(&Instruction::End);
            code.function(&f);
            return Ok(());
        }
        if !self.plan.canonicalize_conversions {
            return wasm_encoder::reencode::utils::parse_function_body(self, code, func);
        }
        let mut locals = Vec::new();
        let mut count = self.defined_params.get(index).copied().unwrap_or(0);
        for pair in func.get_locals_reader()? {
            let (n, ty) = pair?;
            count += n;
            locals.push((n, self.val_type(ty)?));
        }
        let scratch = Scratch { f32: count, f64: count + 1, v128: count + 2 };
        locals.extend([(1, ValType::F32), (1, ValType::F64), (1, ValType::V128)]);
        let mut f = Function::new(locals);
        let mut reader = func.get_operators_reader()?;
        while !reader.eof() {
            let op = reader.read()?;
            let shape = conversion_shape(&op);
            f.instruction(&self.instruction(op)?);
            if let Some(shape) = shape {
                emit_canonicalize(&mut f, shape, &scratch);
            }
        }
        code.function(&f);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validate(wasm: &[u8]) {
        wasmparser::Validator::new().validate_all(wasm).expect("rewritten module validates");
    }

    #[test]
    fn canonicalizes_promote_and_demote() {
        let wasm = wat::parse_str(
            r#"(module (func (export "d") (param f64 f32) (result f32 f64)
                 local.get 0 f32.demote_f64 local.get 1 f64.promote_f32))"#,
        )
        .unwrap();
        let out = rewrite(&wasm, &Rewrite { canonicalize_conversions: true, ..Rewrite::default() }).unwrap();
        validate(&out);
        let text = wasmprinter::print_bytes(&out).unwrap();
        assert_eq!(text.matches("select").count(), 2, "{text}");
        assert!(text.contains("local f32 f64 v128") || text.contains("(local f32 f64 v128)"), "{text}");
    }

    #[test]
    fn drops_export_and_stubs_body() {
        let wasm = wat::parse_str(r#"(module (func (export "a") (result i32) i32.const 7) (func (export "b")))"#).unwrap();
        let out = rewrite(&wasm, &Rewrite { drop_export: Some("b".into()), stub_body: Some(0), ..Rewrite::default() })
            .unwrap();
        validate(&out);
        let text = wasmprinter::print_bytes(&out).unwrap();
        assert!(!text.contains("\"b\""), "{text}");
        assert!(text.contains("unreachable"), "{text}");
    }
}
