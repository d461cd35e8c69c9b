//! Module rewriting with wasm-encoder's `Reencode`: the NaN oracle after
//! every arithmetic float operation ([`crate::nan_oracle`]), and the
//! structural passes the minimizer uses (dropping an export, replacing a
//! function body by `unreachable`).

use crate::nan_oracle::{self, NanOracle, Scratch, SCRATCH_LOCALS};
use anyhow::{Context, Result};
use std::convert::Infallible;
use wasm_encoder::reencode::{Error as ReencodeError, Reencode};
use wasm_encoder::{CodeSection, ExportSection, Function, Instruction};
use wasmparser::{CompositeInnerType, Parser, Payload};

/// What to change while re-encoding.
#[derive(Clone, Debug, Default)]
pub struct Rewrite {
    /// Follow every arithmetic float operation (scalar and SIMD) with this
    /// NaN oracle; `None` leaves float operations alone.
    pub nan: Option<NanOracle>,
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

struct Rewriter {
    plan: Rewrite,
    defined_params: Vec<u32>,
    next_body: usize,
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
        let Some(oracle) = self.plan.nan else {
            return wasm_encoder::reencode::utils::parse_function_body(self, code, func);
        };
        let mut locals = Vec::new();
        let mut count = self.defined_params.get(index).copied().unwrap_or(0);
        for pair in func.get_locals_reader()? {
            let (n, ty) = pair?;
            count += n;
            locals.push((n, self.val_type(ty)?));
        }
        let scratch = Scratch::new(count);
        locals.extend(SCRATCH_LOCALS);
        let mut f = Function::new(locals);
        let mut reader = func.get_operators_reader()?;
        while !reader.eof() {
            let op = reader.read()?;
            let arithmetic = nan_oracle::arithmetic(&op);
            if let Some(a) = arithmetic {
                nan_oracle::emit_before(&mut f, a, &scratch);
            }
            f.instruction(&self.instruction(op)?);
            if let Some(a) = arithmetic {
                nan_oracle::emit_after(&mut f, a, &scratch, oracle);
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
    fn both_oracles_cover_arithmetic_and_conversions() {
        let wasm = wat::parse_str(
            r#"(module (func (export "d") (param f64 f32 v128) (result f32 f64 v128 f32)
                 local.get 0 f32.demote_f64 local.get 1 f64.promote_f32
                 local.get 2 local.get 2 f32x4.add local.get 1 f32.neg))"#,
        )
        .unwrap();
        for oracle in [NanOracle::Strict, NanOracle::Canonicalize] {
            let out = rewrite(&wasm, &Rewrite { nan: Some(oracle), ..Rewrite::default() }).unwrap();
            validate(&out);
            let text = wasmprinter::print_bytes(&out).unwrap();
            // Three arithmetic operations canonicalised; `neg` is bitwise.
            assert_eq!(text.matches("select").count(), 3, "{text}");
            let checks = text.matches("unreachable").count();
            assert_eq!(checks, if oracle == NanOracle::Strict { 3 } else { 0 }, "{text}");
        }
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
