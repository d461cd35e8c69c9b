//! Encoded instances of a form: registers and immediates chosen, the
//! instruction assembled by the pinned assembler and wrapped in the stub.

use super::forms::{Host, Operand, OperandKind};
use super::machine::{self, ExecCode, MachineState, GPRS, RSP};
use super::probe::IsaCase;
use crate::spec_fuzz::judge::Judged as _;
use crate::campaign::SplitMix64;
use crate::clif_specs::inputs::{self, mask};
use cranelift_codegen::ir::Type;
use saffron_verifier::ir::VarId;
use saffron_verifier::ir::{Bits, Value};
use std::collections::HashMap;

/// Random immediates per immediate operand, on top of its edge values.
const RANDOM_IMMEDIATES: usize = 4;
/// At most this many immediate combinations per form.
const MAX_COMBINATIONS: usize = 64;

pub struct Runnable {
    pub case: usize,
    /// Harness operand per form position.
    pub operands: Vec<Operand>,
    pub bytes: Vec<u8>,
    /// The assembler's own rendering of the instruction.
    pub assembly: String,
    pub code: ExecCode,
    /// Query values fixed at encoding time (the immediates).
    pub fixed: HashMap<VarId, Value>,
    /// Edge values of each form position (empty for immediates).
    pub edges: Vec<Vec<u64>>,
}

pub fn int_type(bits: u32) -> Type {
    Type::int(bits as u16).expect("8, 16, 32 or 64 bits")
}

/// Edge values of an operand of `bits`: its own, and those of the form's
/// other widths (so an 8-bit shift count meets 31, 32, 33 and 63, 64, 65).
fn operand_edges(case: &IsaCase, bits: u32) -> Vec<u64> {
    let mut widths: Vec<u32> = case.form.operands.iter().filter(|o| o.kind != OperandKind::Imm).map(|o| o.bits).collect();
    widths.push(bits);
    widths.sort();
    widths.dedup();
    let mut v: Vec<u64> = widths.into_iter().flat_map(inputs::int_edges).map(|x| x & mask(bits)).collect();
    v.sort();
    v.dedup();
    v
}

/// Every immediate combination to encode (each is its own instance).
fn immediate_choices(case: &IsaCase, rng: &mut SplitMix64) -> Vec<Vec<u64>> {
    let mut combos: Vec<Vec<u64>> = vec![Vec::new()];
    for op in case.form.operands.iter().filter(|o| o.kind == OperandKind::Imm) {
        let mut picks = operand_edges(case, op.bits);
        picks.extend((0..RANDOM_IMMEDIATES).map(|_| inputs::random(rng, int_type(op.bits)) & mask(op.bits)));
        picks.sort();
        picks.dedup();
        combos = combos.into_iter().flat_map(|c| picks.iter().map(move |p| [c.clone(), vec![*p]].concat())).collect();
    }
    while combos.len() > MAX_COMBINATIONS {
        let i = (rng.next_u64() % combos.len() as u64) as usize;
        combos.swap_remove(i);
    }
    combos
}

/// Distinct registers for the form's register operands: never RSP (the
/// stub's stack) nor a register the form fixes.
fn choose_registers(case: &IsaCase, rng: &mut SplitMix64) -> Vec<Option<u8>> {
    let fixed: Vec<u8> = case.form.operands.iter().filter_map(|o| if let OperandKind::FixedGpr(r) = o.kind { Some(r) } else { None }).collect();
    let mut free: Vec<u8> = (0..GPRS as u8).filter(|r| *r != RSP && !fixed.contains(r)).collect();
    case.form
        .operands
        .iter()
        .map(|o| match o.kind {
            OperandKind::FixedGpr(r) => Some(r),
            OperandKind::Gpr | OperandKind::GprMem => Some(free.swap_remove((rng.next_u64() % free.len() as u64) as usize)),
            _ => None,
        })
        .collect()
}

/// The encoded instances of a case, or why there are none.
pub fn build(ci: usize, case: &IsaCase, rng: &mut SplitMix64) -> Result<Vec<Runnable>, String> {
    let build = case.form.build.map_err(str::to_string)?;
    let mut out = Vec::new();
    for imms in immediate_choices(case, rng) {
        let regs = choose_registers(case, rng);
        let mut imm_iter = imms.iter();
        let operands: Vec<Operand> = case
            .form
            .operands
            .iter()
            .zip(&regs)
            .map(|(o, r)| match o.kind {
                OperandKind::Imm => Operand::Imm(*imm_iter.next().expect("one immediate per position")),
                _ => Operand::Reg(r.expect("a register for every register position")),
            })
            .collect();
        let inst = std::panic::catch_unwind(|| build(&operands)).map_err(|_| "the assembler panicked building it".to_string())?;
        if !inst.is_available(&Host) {
            return Err(format!("needs CPU features {} this machine lacks", inst.features()));
        }
        let mut bytes = Vec::new();
        inst.encode(&mut bytes);
        let code = ExecCode::new(&machine::stub(&bytes))?;
        let mut fixed = HashMap::new();
        for (i, var) in &case.operand_vars {
            if let Operand::Imm(v) = operands[*i] {
                let w = case.width(*var);
                fixed.insert(*var, Value::Bv(Bits::new(w, (v & mask(w)) as u128)));
            }
        }
        let edges = case.form.operands.iter().map(|o| if o.kind == OperandKind::Imm { Vec::new() } else { operand_edges(case, o.bits) }).collect();
        out.push(Runnable { case: ci, operands, bytes, assembly: inst.to_string(), code, fixed, edges });
    }
    Ok(out)
}

impl Runnable {
    /// A machine state: every register random, the operands' low bits
    /// edge or random values (`edge` = (position, edge index) forces one).
    pub fn input(&self, case: &IsaCase, rng: &mut SplitMix64, edge: Option<(usize, usize)>) -> MachineState {
        let mut s = MachineState { rflags: rng.next_u64() & machine::ARITH_FLAGS, ..Default::default() };
        for g in s.gpr.iter_mut() {
            *g = rng.next_u64();
        }
        for (i, (o, op)) in case.form.operands.iter().zip(&self.operands).enumerate() {
            if let Operand::Reg(r) = op {
                s.gpr[*r as usize] = match edge {
                    Some((k, e)) if k == i => (self.edges[i][e] & mask(o.bits)) | (rng.next_u64() & !mask(o.bits)),
                    _ => inputs::operand_among(rng, int_type(o.bits), &self.edges[i]),
                };
            }
        }
        s
    }

    /// Every edge value of every register operand once.
    pub fn edge_sweep(&self, case: &IsaCase, rng: &mut SplitMix64) -> Vec<MachineState> {
        let mut out: Vec<MachineState> = (0..self.edges.len())
            .flat_map(|i| (0..self.edges[i].len()).map(move |e| (i, e)))
            .map(|edge| self.input(case, rng, Some(edge)))
            .collect();
        if out.is_empty() {
            out.push(self.input(case, rng, None));
        }
        out
    }

    /// The query values of one run: immediates, and each register argument
    /// as the instruction read it.
    pub fn query_inputs(&self, case: &IsaCase, before: &MachineState) -> HashMap<VarId, Value> {
        let mut m = self.fixed.clone();
        for (i, var) in &case.operand_vars {
            if let Operand::Reg(r) = self.operands[*i] {
                let w = case.width(*var);
                m.insert(*var, Value::Bv(Bits::new(w, (before.gpr[r as usize] & mask(w)) as u128)));
            }
        }
        m
    }

    /// The written registers after a run, in form order.
    pub fn outputs(&self, case: &IsaCase, after: &MachineState) -> Vec<Bits> {
        let written = case.form.operands.iter().zip(&self.operands).filter(|(o, _)| o.is_written());
        written
            .zip(&case.natives)
            .map(|((_, op), v)| {
                let w = case.width(*v);
                Bits::new(w, (after.gpr[op.reg() as usize] & mask(w)) as u128)
            })
            .collect()
    }
}
