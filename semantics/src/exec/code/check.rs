//! The bounds the evaluator relies on, checked once per translated body.
//!
//! The evaluator reads and writes registers without a bounds check and fetches instructions
//! by index without one (that check was an eighth of the work of a simple instruction). This
//! is sound because every body is checked here when it is translated: each register an
//! instruction names lies inside the frame, each jump lands on an instruction, and the last
//! instruction never falls through. A body that fails is a translator bug; it is reported as
//! an error instead of being run.

use super::scale::Form;
use super::{BrTarget, Code, Instr, Reg};

/// Why a translated body cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("internal translation error at instruction {at}: {what}")]
pub struct CodeError {
    pub at: usize,
    pub what: String,
}

impl Code {
    /// Checks that every register operand is below `frame_size`, every jump target and
    /// branch-table index is in range, and the body ends in an instruction that does not
    /// fall through.
    pub fn check(&self) -> Result<(), CodeError> {
        let len = self.instrs.len();
        let fail = |at: usize, what: String| Err(CodeError { at, what });
        match self.instrs.last() {
            Some(last) if ends_flow(last) => {}
            last => return fail(len, format!("the body ends in {last:?}, which falls through")),
        }
        // Operands become byte offsets (`prepare`), which must fit a `u32`.
        if u64::from(self.frame_size) * u64::from(super::scale::CELL_BYTES) > u64::from(u32::MAX) {
            return fail(0, format!("frame of {} registers is too large", self.frame_size));
        }
        if (self.frame_init.len() as u64) + u64::from(self.num_params) > u64::from(self.frame_size) {
            return fail(0, format!("frame of {} registers is too small", self.frame_size));
        }
        for h in &self.handlers {
            for c in &h.catches {
                if let Err(what) = self.target_in_range(&c.target) {
                    return fail(h.start as usize, what);
                }
            }
        }
        for (at, instr) in self.instrs.iter().enumerate() {
            let uses = self.operands(instr);
            if let Some(what) = uses.bad {
                return fail(at, format!("{instr:?} {what}"));
            }
            for r in uses.regs {
                if r.0 as u64 + u64::from(r.1) > u64::from(self.frame_size) {
                    return fail(at, format!("{instr:?} names registers {}..{} of a frame of {}", r.0, r.0 as u64 + u64::from(r.1), self.frame_size));
                }
            }
            for pc in uses.pcs {
                if pc as usize >= len {
                    return fail(at, format!("{instr:?} jumps to {pc}, past the {len} instructions"));
                }
            }
            for t in uses.tables {
                let Some(target) = self.br_tables.get(t as usize) else {
                    return fail(at, format!("{instr:?} names branch table entry {t} of {}", self.br_tables.len()));
                };
                if let Err(what) = self.target_in_range(target) {
                    return fail(at, what);
                }
            }
            if let Some(t) = uses.target {
                if let Err(what) = self.target_in_range(&t) {
                    return fail(at, what);
                }
            }
        }
        Ok(())
    }

    fn target_in_range(&self, t: &BrTarget) -> Result<(), String> {
        let end = |r: Reg| u64::from(r) + u64::from(t.keep);
        if t.pc as usize >= self.instrs.len() {
            return Err(format!("branch to {} past the {} instructions", t.pc, self.instrs.len()));
        }
        if end(t.from).max(end(t.drop_to)) > u64::from(self.frame_size) {
            return Err(format!("{t:?} moves registers outside a frame of {}", self.frame_size));
        }
        Ok(())
    }

    /// The registers (first, count), jump targets and branch-table entries `instr` names.
    fn operands(&self, instr: &Instr) -> Uses {
        use Instr as I;
        let mut u = Uses::default();
        if let Form::Stack = { *instr }.for_each_operand(&mut |r| u.regs.push((*r, 1))) {
            u.bad = Some("is a stack-form instruction outside `Code::stacked`".into());
            return u;
        }
        if let Some((table, pc)) = instr.hot_branch_targets() {
            u.tables.extend(table);
            u.pcs.extend(pc);
            return u;
        }
        // What is not an operand: jump targets, and register numbers computed with.
        match *instr {
            I::Jump(pc) | I::JumpIfZero { pc, .. } => u.pcs.push(pc),
            I::Br(t) | I::BrIf { t, .. } | I::BrOnNull { t, .. } | I::BrOnNonNull { t, .. } => {
                u.target = Some(t)
            }
            I::BrTable { first, len, .. } => {
                u.tables.extend((0..=len).map(|i| first.saturating_add(i)))
            }
            I::BrOnCast { target, .. } | I::BrOnCastFail { target, .. } => u.tables.push(target),
            I::Return { from } => u.regs.push((from, self.num_results)),
            I::Call { base, .. }
            | I::ReturnCall { base, .. }
            | I::CallIndirect { base, .. }
            | I::ReturnCallIndirect { base, .. }
            | I::CallRef { base, .. }
            | I::ReturnCallRef { base, .. } => u.regs.push((base, 0)),
            I::Throw { height, .. } | I::ThrowRef { height, .. } => u.regs.push((height, 0)),
            I::ConstPool { p, .. } if p as usize >= self.imms.len() => {
                u.bad = Some(format!("names constant {p} of {}", self.imms.len()))
            }
            I::Stacked { height, i } => {
                u.regs.push((height, 0));
                if i as usize >= self.stacked.len() {
                    u.bad = Some(format!("names stack-form instruction {i} of {}", self.stacked.len()));
                }
            }
            _ => {}
        }
        u
    }
}

#[derive(Default)]
struct Uses {
    regs: Vec<(Reg, u32)>,
    pcs: Vec<u32>,
    tables: Vec<u32>,
    target: Option<BrTarget>,
    /// What else is wrong with the instruction.
    bad: Option<String>,
}

/// Whether control never passes from `instr` to the next instruction.
fn ends_flow(instr: &Instr) -> bool {
    use Instr as I;
    matches!(
        instr,
        I::Unreachable
            | I::Jump(_)
            | I::Br(_)
            | I::BrTable { .. }
            | I::Return { .. }
            | I::ReturnCall { .. }
            | I::ReturnCallIndirect { .. }
            | I::ReturnCallRef { .. }
            | I::Throw { .. }
            | I::ThrowRef { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(instrs: Vec<Instr>, frame_size: u32) -> Code {
        Code { instrs, num_results: 1, frame_size, ..Code::default() }
    }

    #[test]
    fn a_body_inside_its_frame_passes() {
        let code = body(vec![Instr::Const32 { dst: 1, c: 7 }, Instr::Return { from: 1 }], 2);
        assert_eq!(code.check(), Ok(()));
    }

    #[test]
    fn registers_outside_the_frame_are_refused() {
        let code = body(vec![Instr::Const32 { dst: 2, c: 7 }, Instr::Return { from: 1 }], 2);
        assert_eq!(code.check().unwrap_err().at, 0);
        // The results a return moves must be inside too.
        let code = Code { num_results: 2, ..body(vec![Instr::Return { from: 1 }], 2) };
        assert_eq!(code.check().unwrap_err().at, 0);
    }

    #[test]
    fn jumps_outside_the_body_and_falling_off_its_end_are_refused() {
        let code = body(vec![Instr::Jump(2), Instr::Return { from: 0 }], 1);
        assert!(code.check().unwrap_err().what.contains("jumps to 2"));
        let code = body(vec![Instr::Const32 { dst: 0, c: 1 }], 1);
        assert!(code.check().unwrap_err().what.contains("falls through"));
        let code = Code {
            br_tables: vec![BrTarget { pc: 0, keep: 2, drop_to: 0, from: 1 }],
            ..body(vec![Instr::BrTable { index: 0, first: 0, len: 0 }], 2)
        };
        assert!(code.check().unwrap_err().what.contains("outside a frame"));
    }

    #[test]
    fn stack_form_instructions_are_refused_in_the_register_code() {
        let code = body(vec![Instr::RefIsNull, Instr::Return { from: 0 }], 1);
        assert!(code.check().unwrap_err().what.contains("stack-form"));
    }
}
