//! The prover's results: per function a verdict and one entry per trap site.

use crate::exec::sites::SiteKind;
use serde::Serialize;

/// The verdict on a site or a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// No argument and no state the function can observe makes it trap.
    Safe,
    /// The interpreter traps on the given input.
    MayTrap,
    /// Neither could be established; the reason says why.
    Unknown,
}

/// Why a site is `unknown`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", content = "detail", rename_all = "kebab-case")]
pub enum UnknownReason {
    /// The solver ran out of time.
    Timeout,
    /// The solver gave up (its words).
    SolverGaveUp(String),
    /// The function uses a construct the executor does not model (named, with its offset).
    Unsupported(String),
    /// A call the prover does not follow.
    CallNotFollowed(String),
    /// The trap is possible for the havocked loop state, and no unrolled run confirmed it.
    LoopNotSummarised,
    /// The solver's input does not trap on a fresh instance (it needs memory, table or
    /// global contents the instance does not have); the detail says what happened instead.
    NotConfirmed(String),
}

#[derive(Clone, Debug, Serialize)]
pub struct SiteReport {
    /// Byte offset of the instruction from the start of the code section's
    /// contents (the section id and size excluded).
    pub offset: usize,
    pub op: String,
    pub kind: SiteKind,
    pub verdict: Verdict,
    /// For `may-trap`: the arguments, as `saffron run FILE --invoke NAME ARGS` takes them.
    pub input: Option<Vec<String>>,
    /// For `may-trap`: the interpreter's trap message.
    pub trap: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<UnknownReason>,
    /// Memory accesses only: the access can never be out of bounds in this function.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounds_check_redundant: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FunctionReport {
    pub name: String,
    pub verdict: Verdict,
    pub sites: Vec<SiteReport>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ModuleReport {
    pub functions: Vec<FunctionReport>,
}

impl FunctionReport {
    /// `safe` if every site is, `may-trap` if any site is, else `unknown`.
    pub fn combine(sites: &[SiteReport]) -> Verdict {
        if sites.iter().any(|s| s.verdict == Verdict::MayTrap) {
            Verdict::MayTrap
        } else if sites.iter().all(|s| s.verdict == Verdict::Safe) {
            Verdict::Safe
        } else {
            Verdict::Unknown
        }
    }
}

impl ModuleReport {
    /// Exit status: 0 if every function is safe, 1 if any may trap, 2 is for bad input.
    pub fn exit_code(&self) -> u8 {
        match self.functions.iter().map(|f| f.verdict).collect::<Vec<_>>() {
            v if v.contains(&Verdict::MayTrap) => 1,
            v if v.iter().all(|x| *x == Verdict::Safe) => 0,
            // Some function unknown: not proven, so not 0.
            _ => 1,
        }
    }

    /// One line per site: offset, instruction, verdict, input.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in &self.functions {
            out.push_str(&format!("{}: {}\n", f.name, word(f.verdict)));
            for s in &f.sites {
                out.push_str(&format!("  {:#08x} {:<20} {}", s.offset, s.op, word(s.verdict)));
                if let Some(input) = &s.input {
                    out.push_str(&format!("  input: {}", if input.is_empty() { "(none)".into() } else { input.join(" ") }));
                }
                if let Some(t) = &s.trap {
                    out.push_str(&format!("  trap: {t}"));
                }
                if let Some(r) = &s.reason {
                    out.push_str(&format!("  ({})", reason_text(r)));
                }
                out.push('\n');
            }
        }
        out
    }
}

fn word(v: Verdict) -> &'static str {
    match v {
        Verdict::Safe => "safe",
        Verdict::MayTrap => "may-trap",
        Verdict::Unknown => "unknown",
    }
}

fn reason_text(r: &UnknownReason) -> String {
    match r {
        UnknownReason::Timeout => "solver timeout".into(),
        UnknownReason::SolverGaveUp(s) => format!("solver gave up: {s}"),
        UnknownReason::Unsupported(s) => format!("unsupported: {s}"),
        UnknownReason::CallNotFollowed(s) => format!("call not followed: {s}"),
        UnknownReason::LoopNotSummarised => "loop not summarised".into(),
        UnknownReason::NotConfirmed(s) => format!("solver's input not confirmed by the interpreter: {s}"),
    }
}
