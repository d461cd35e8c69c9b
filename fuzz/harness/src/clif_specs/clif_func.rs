//! One-instruction CLIF functions with a uniform native signature.
//!
//! Every function is `fn(i64, i64, i64) -> i64` (System V), so one Rust
//! function-pointer type calls them all. Inside, operand `k` is parameter
//! `k` narrowed to the operand's type (`ireduce` for narrow integers,
//! `ireduce`+`bitcast` / `bitcast` for floats), and the result is widened
//! back (`uextend` for narrow integers, `bitcast` (+`uextend`) for floats).
//! Those wrapper instructions only move bits between the ABI register and
//! the typed value; whatever the instruction under test computes still
//! decides every bit of the returned value of its own width, which is all
//! that is compared. (When the instruction under test is itself `ireduce`,
//! `uextend` or `bitcast`, its own spec is still what the result is checked
//! against, at operand and result widths the wrappers do not share.)

use super::judge::Judged as _;
use super::probe::{ArgKind, SpecCase};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64, Imm64};
use cranelift_codegen::ir::instructions::{InstructionFormat, ResolvedConstraint};
use cranelift_codegen::ir::{
    types, AbiParam, Function, InstBuilder, InstBuilderBase, InstructionData, MemFlags, MemFlagsData, Opcode,
    Signature, TrapCode, Type, UserFuncName, Value,
};
use cranelift_codegen::isa::{CallConv, TargetFrontendConfig};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

/// Native parameters: at most this many operands are passed.
pub const PARAMS: usize = 3;

/// The concrete CLIF choices for one compiled function of a case.
#[derive(Clone, Debug)]
pub struct Shape {
    pub ctrl: Type,
    /// Type of each `Value` argument, in argument order.
    pub operands: Vec<Type>,
    pub result: Option<Type>,
    /// Variant index of the condition-code argument, if any.
    pub cond: Option<usize>,
    /// Bit pattern of each immediate argument, in argument order.
    pub imms: Vec<u64>,
}

const CANDIDATES: [Type; 6] = [types::I8, types::I16, types::I32, types::I64, types::F32, types::F64];

/// Type assignments of `opcode` that agree with the case's widths.
pub fn type_choices(case: &SpecCase, opcode: Opcode) -> Result<Vec<(Type, Vec<Type>, Option<Type>)>, String> {
    let c = opcode.constraints();
    let value_widths: Vec<u32> =
        case.args.iter().filter(|a| a.kind == ArgKind::Value).map(|a| a.var.map(|v| case.width(v)).unwrap_or(0)).collect();
    if value_widths.len() > PARAMS {
        return Err(format!("{} operands; the harness passes at most {PARAMS}", value_widths.len()));
    }
    if c.num_fixed_value_arguments() != value_widths.len() {
        return Err(format!(
            "the ISLE term has {} operands, the opcode {}",
            value_widths.len(),
            c.num_fixed_value_arguments()
        ));
    }
    let result_width = case.width(case.result);
    if value_widths.iter().chain([&result_width]).any(|w| *w > 64) {
        return Err("values wider than 64 bits: the harness passes operands and results in 64-bit registers".into());
    }
    let ctrls: Vec<Type> = match c.ctrl_typeset() {
        Some(set) => CANDIDATES.iter().copied().filter(|t| set.contains(*t)).collect(),
        None => vec![types::INVALID],
    };
    let mut out = Vec::new();
    for ctrl in ctrls {
        let result = (c.num_fixed_results() > 0).then(|| c.result_type(0, ctrl));
        if let Some(r) = result {
            if r.bits() != result_width {
                continue;
            }
        }
        let mut combos: Vec<Vec<Type>> = vec![Vec::new()];
        for (i, w) in value_widths.iter().enumerate() {
            let options: Vec<Type> = match c.value_argument_constraint(i, ctrl) {
                ResolvedConstraint::Bound(t) => vec![t],
                ResolvedConstraint::Free(set) => CANDIDATES.iter().copied().filter(|t| set.contains(*t)).collect(),
            };
            let options: Vec<Type> = options.into_iter().filter(|t| t.bits() == *w).collect();
            combos = combos.into_iter().flat_map(|pre| options.iter().map(move |t| [pre.clone(), vec![*t]].concat())).collect();
        }
        out.extend(combos.into_iter().map(|ops| (ctrl, ops, result)));
    }
    if out.is_empty() {
        return Err(format!("no CLIF type of widths {value_widths:?} -> {result_width} fits the opcode's constraints"));
    }
    Ok(out)
}

fn narrow(b: &mut FunctionBuilder, param: Value, ty: Type) -> Value {
    match ty {
        types::I64 => param,
        types::F64 => b.ins().bitcast(types::F64, MemFlagsData::new(), param),
        types::F32 => {
            let i = b.ins().ireduce(types::I32, param);
            b.ins().bitcast(types::F32, MemFlagsData::new(), i)
        }
        t => b.ins().ireduce(t, param),
    }
}

fn widen(b: &mut FunctionBuilder, v: Value, ty: Type) -> Value {
    match ty {
        types::I64 => v,
        types::F64 => b.ins().bitcast(types::I64, MemFlagsData::new(), v),
        types::F32 => {
            let i = b.ins().bitcast(types::I32, MemFlagsData::new(), v);
            b.ins().uextend(types::I64, i)
        }
        _ => b.ins().uextend(types::I64, v),
    }
}

fn int_cc(name: &str) -> Option<IntCC> {
    IntCC::all().iter().copied().find(|c| format!("{c:?}") == name)
}
fn float_cc(name: &str) -> Option<FloatCC> {
    FloatCC::all().iter().copied().find(|c| format!("{c:?}") == name)
}

/// The `InstructionData` of `opcode` from the case's arguments.
fn instruction(case: &SpecCase, opcode: Opcode, shape: &Shape, vals: &[Value], flags: MemFlags) -> Result<InstructionData, String> {
    let cond_name = |variants: &Vec<String>| shape.cond.and_then(|i| variants.get(i).cloned()).ok_or("no condition chosen");
    let mut int_cond = None;
    let mut float_cond = None;
    for a in &case.args {
        match &a.kind {
            ArgKind::IntCC(vs) => int_cond = Some(int_cc(&cond_name(vs)?).ok_or("unknown IntCC variant")?),
            ArgKind::FloatCC(vs) => float_cond = Some(float_cc(&cond_name(vs)?).ok_or("unknown FloatCC variant")?),
            _ => {}
        }
    }
    let imm = |i: usize| shape.imms.get(i).copied().ok_or_else(|| "missing immediate".to_string());
    let code = TrapCode::user(1).ok_or("trap code")?;
    Ok(match opcode.format() {
        InstructionFormat::Unary => InstructionData::Unary { opcode, arg: vals[0] },
        InstructionFormat::Binary => InstructionData::Binary { opcode, args: [vals[0], vals[1]] },
        InstructionFormat::Ternary => InstructionData::Ternary { opcode, args: [vals[0], vals[1], vals[2]] },
        InstructionFormat::IntCompare => {
            InstructionData::IntCompare { opcode, cond: int_cond.ok_or("no IntCC argument")?, args: [vals[0], vals[1]] }
        }
        InstructionFormat::FloatCompare => {
            InstructionData::FloatCompare { opcode, cond: float_cond.ok_or("no FloatCC argument")?, args: [vals[0], vals[1]] }
        }
        InstructionFormat::UnaryImm => InstructionData::UnaryImm { opcode, imm: Imm64::new(imm(0)? as i64) },
        InstructionFormat::UnaryIeee32 => InstructionData::UnaryIeee32 { opcode, imm: Ieee32::with_bits(imm(0)? as u32) },
        InstructionFormat::UnaryIeee64 => InstructionData::UnaryIeee64 { opcode, imm: Ieee64::with_bits(imm(0)?) },
        InstructionFormat::Trap => InstructionData::Trap { opcode, code },
        InstructionFormat::CondTrap => InstructionData::CondTrap { opcode, arg: vals[0], code },
        InstructionFormat::IntAddTrap => InstructionData::IntAddTrap { opcode, args: [vals[0], vals[1]], code },
        InstructionFormat::LoadNoOffset => InstructionData::LoadNoOffset { opcode, flags, arg: vals[0] },
        f => return Err(format!("instruction format {f:?} is not built by the harness")),
    })
}

/// The function for one shape, checked by Cranelift's IR verifier.
pub fn build(case: &SpecCase, opcode: Opcode, shape: &Shape, index: u32, frontend: TargetFrontendConfig) -> Result<Function, String> {
    let mut sig = Signature::new(CallConv::SystemV);
    sig.params.extend([AbiParam::new(types::I64); PARAMS]);
    sig.returns.push(AbiParam::new(types::I64));
    let mut func = Function::with_name_signature(UserFuncName::user(0, index), sig);
    let mut fctx = FunctionBuilderContext::new();
    {
        let mut b = FunctionBuilder::new(&mut func, &mut fctx);
        let block = b.create_block();
        b.append_block_params_for_function_params(block);
        b.switch_to_block(block);
        b.seal_block(block);
        let params = b.block_params(block).to_vec();
        let vals: Vec<Value> = shape.operands.iter().zip(&params).map(|(t, p)| narrow(&mut b, *p, *t)).collect();
        let flags = b.func.dfg.mem_flags.insert(MemFlagsData::new()).map_err(|_| "memory flags")?;
        let data = instruction(case, opcode, shape, &vals, flags)?;
        let (inst, dfg) = b.ins().build(data, shape.ctrl);
        let result = dfg.inst_results(inst).first().copied();
        // A terminator (`trap`) ends the block itself; nothing is returned.
        if !opcode.is_terminator() {
            let ret = match (result, shape.result) {
                (Some(v), Some(t)) => widen(&mut b, v, t),
                _ => b.ins().iconst(types::I64, 0),
            };
            b.ins().return_(&[ret]);
        }
        b.finalize(frontend);
    }
    let flags = cranelift_codegen::settings::Flags::new(cranelift_codegen::settings::builder());
    cranelift_codegen::verify_function(&func, &flags).map_err(|e| format!("CLIF verifier: {e}"))?;
    Ok(func)
}

impl Shape {
    /// The function in one line, e.g. `icmp.i32 SignedLessThan (i32, i32) -> i8`.
    pub fn describe(&self, case: &SpecCase, opcode: Opcode) -> String {
        let mut s = opcode.to_string();
        if self.ctrl != types::INVALID {
            s.push_str(&format!(".{}", self.ctrl));
        }
        for a in &case.args {
            if let (ArgKind::IntCC(vs) | ArgKind::FloatCC(vs), Some(i)) = (&a.kind, self.cond) {
                s.push_str(&format!(" {}", vs.get(i).map(String::as_str).unwrap_or("?")));
            }
        }
        for imm in &self.imms {
            s.push_str(&format!(" imm {imm:#x}"));
        }
        let ops: Vec<String> = self.operands.iter().map(|t| t.to_string()).collect();
        let res = self.result.map(|t| t.to_string()).unwrap_or_else(|| "()".into());
        format!("{s} ({}) -> {res}", ops.join(", "))
    }
}
