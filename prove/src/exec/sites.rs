//! Trap sites: which instructions can trap, what kind of trap, and their names.

use saffron_semantics::numerics::concrete::Concrete;
use saffron_semantics::numerics::instr::{self, Val};
use saffron_semantics::numerics::NumTrap;
use serde::Serialize;
use wasmparser::Operator;

/// What can go wrong at a site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteKind {
    /// A load or store out of bounds.
    MemoryAccess,
    /// Integer division or remainder by zero, or signed overflow.
    DivRem,
    /// Float-to-integer truncation of NaN or out of range.
    Truncation,
    /// `call_indirect`: index out of bounds, null slot or signature mismatch.
    CallIndirect,
    Unreachable,
    /// A call the prover does not follow (import, depth limit): its callee may trap.
    Call,
}

impl SiteKind {
    /// How the interpreter's trap messages for this kind of site begin.
    pub fn messages(self) -> &'static [&'static str] {
        match self {
            SiteKind::MemoryAccess => &["out of bounds memory access"],
            SiteKind::DivRem => &["integer divide by zero", "integer overflow"],
            SiteKind::Truncation => &["invalid conversion to integer", "integer overflow"],
            SiteKind::CallIndirect => &[
                "undefined element",
                "uninitialized element",
                "indirect call type mismatch",
                "out of bounds table access",
            ],
            SiteKind::Unreachable => &["unreachable"],
            SiteKind::Call => &[],
        }
    }

    pub fn of_num_traps(traps: &[NumTrap]) -> SiteKind {
        if traps.contains(&NumTrap::InvalidConversion) {
            SiteKind::Truncation
        } else {
            SiteKind::DivRem
        }
    }
}

/// The kind of trap site `op` is, without executing it. Numeric instructions count when the
/// numerics give them trap conditions (probed on zero operands in the concrete domain, so
/// which operators trap is read from the one operator table, not listed again here).
pub fn site_kind(op: &Operator) -> Option<SiteKind> {
    match op {
        Operator::Unreachable => return Some(SiteKind::Unreachable),
        Operator::CallIndirect { .. } => return Some(SiteKind::CallIndirect),
        Operator::Call { .. } => return None,
        _ => {}
    }
    if crate::exec::access::access(op).is_some() {
        return Some(SiteKind::MemoryAccess);
    }
    let zeros: [&[Val<Concrete>]; 8] = [
        &[Val::I32(0)],
        &[Val::I64(0)],
        &[Val::F32(0.0)],
        &[Val::F64(0.0)],
        &[Val::I32(0), Val::I32(0)],
        &[Val::I64(0), Val::I64(0)],
        &[Val::F32(0.0), Val::F32(0.0)],
        &[Val::F64(0.0), Val::F64(0.0)],
    ];
    zeros.iter().find_map(|args| instr::apply(&Concrete, op, args)).and_then(|a| {
        let traps: Vec<NumTrap> = a.traps.iter().map(|(_, t)| *t).collect();
        (!traps.is_empty()).then(|| SiteKind::of_num_traps(&traps))
    })
}

/// The text-format name of an operator (`I32DivS` is `i32.div_s`).
pub fn op_name(op: &Operator) -> String {
    let debug = format!("{op:?}");
    let camel = debug.split([' ', '{', '(']).next().unwrap_or_default();
    // Instruction families written `family.rest` in the text format.
    const FAMILIES: [&str; 11] = ["I32", "I64", "F32", "F64", "Memory", "Table", "Local", "Global", "Ref", "Data", "Elem"];
    let (prefix, rest) = match FAMILIES.iter().find(|f| camel.len() > f.len() && camel.starts_with(*f)) {
        Some(f) => (format!("{}.", f.to_lowercase()), &camel[f.len()..]),
        None => (String::new(), camel),
    };
    let mut out = prefix;
    for (i, c) in rest.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
