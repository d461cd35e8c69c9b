//! What the two spec fuzzers share (`clif-specs`: CLIF instruction specs
//! against code Cranelift compiles; `isa-specs`: x64 instruction specs
//! against the CPU running the assembled instruction):
//!
//! - [`judge`]: whether the spec allows what the native code did, by the
//!   verifier's concrete evaluator (the solver where that does not settle it);
//! - [`probe_rules`]: loading generated probe rules, one query per
//!   instruction and type instance;
//! - [`fork`]: running native code on a batch of inputs in forked children,
//!   so that a trap is an outcome, never the end of the run;
//! - [`campaign`]: the head of both reports and the round-robin schedule
//!   both drivers run their instances on.

pub mod campaign;
pub mod fork;
pub mod judge;
pub mod probe_rules;

/// An instruction (or term) the fuzzer does not run, and why.
#[derive(Clone, Debug, serde::Serialize)]
pub struct NotCovered {
    pub inst: String,
    pub reason: String,
}

/// The counts both spec fuzzers report (flattened into their JSON).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Tally {
    pub execs: u64,
    pub execs_per_sec: f64,
    pub mismatching_execs: u64,
    /// Outcomes the concrete evaluator could not settle, and their time.
    pub solver_calls: u64,
    pub solver_ms: u64,
    /// Outcomes neither could decide (solver timeout): not agreements.
    pub undecided: u64,
}

impl Tally {
    /// Counts one judged execution; true when it is a mismatch.
    pub fn record(&mut self, native: &judge::Native, verdict: &judge::Verdict, judged_in: std::time::Duration) -> bool {
        self.execs += 1;
        if used_solver(native, verdict) {
            self.solver_calls += 1;
            self.solver_ms += judged_in.as_millis() as u64;
        }
        match verdict {
            judge::Verdict::Allowed { .. } => false,
            judge::Verdict::Undecided(_) => {
                self.undecided += 1;
                false
            }
            judge::Verdict::Disallowed => {
                self.mismatching_execs += 1;
                true
            }
        }
    }

    pub fn finish(&mut self, seconds: f64) {
        self.execs_per_sec = self.execs as f64 / seconds.max(1e-9);
    }
}

/// Whether judging went past the concrete evaluator (a crash is disallowed
/// without asking anything).
pub fn used_solver(native: &judge::Native, verdict: &judge::Verdict) -> bool {
    *verdict != (judge::Verdict::Allowed { by_solver: false }) && *native != judge::Native::Crashed
}
