//! Shared driver for the `verify_*` end-to-end tests: runs rules of a
//! Cranelift unit through the verifier library (load → expand → instantiate →
//! solve → replay) and reports one outcome per type instance.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use saffron_verifier::expand::{expand, ExpandOptions};
use saffron_verifier::front::instantiate::{instantiate, InstanceBody};
use saffron_verifier::load::{load, LoadOptions, Program, Unit};
use saffron_verifier::replay::ReplayStatus;
use saffron_verifier::solve::{check, Outcome, OutcomeKind, SolveOptions};

/// One type instance of one expansion and what the verifier said about it.
#[derive(Debug, Clone)]
pub struct InstanceResult {
    pub rule: String,
    pub chain: Vec<String>,
    pub types: String,
    pub outcome: OutcomeKind,
    /// For counterexamples: whether concrete replay confirmed it.
    pub replayed: bool,
    pub detail: String,
}

impl InstanceResult {
    pub fn is_replayed_counterexample(&self) -> bool {
        self.outcome == OutcomeKind::Counterexample && self.replayed
    }
}

impl std::fmt::Display for InstanceResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let chain = if self.chain.is_empty() { String::new() } else { format!(" via {}", self.chain.join(" > ")) };
        write!(f, "{}{} @ {}: {}", self.rule, chain, self.types, self.outcome)?;
        if self.outcome == OutcomeKind::Counterexample {
            write!(f, " ({})", if self.replayed { "replayed" } else { "NOT replayed" })?;
        }
        if !self.detail.is_empty() {
            write!(f, " {}", self.detail)?;
        }
        Ok(())
    }
}

/// Runs `f` on a thread with a large stack and re-raises its panic.
///
/// Why: the verifier recurses over deep aarch64 expansions and overflowed the
/// default 2 MiB test-thread stack (reported in notes/verifier-bugs.md); an
/// overflow aborts the whole test binary without any report.
pub fn with_big_stack<F: FnOnce() + Send + 'static>(f: F) {
    let handle = std::thread::Builder::new().stack_size(512 << 20).spawn(f).expect("spawn verifier thread");
    if let Err(panic) = handle.join() {
        std::panic::resume_unwind(panic);
    }
}

/// Repository root (the workspace directory).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("crate dir has a parent").to_path_buf()
}

/// The pinned cranelift-codegen source directory the verifier uses by default.
pub fn pinned_cranelift_dir() -> PathBuf {
    saffron_verifier::load::cranelift_codegen_dir(None).expect("pinned cranelift-codegen sources")
}

pub fn load_unit(unit: Unit, cranelift_dir: Option<PathBuf>, extra: &[PathBuf]) -> Program {
    let opts = LoadOptions { unit: Some(unit), cranelift_dir, extra_files: extra.to_vec(), ..Default::default() };
    load(&opts).unwrap_or_else(|e| panic!("loading {unit:?}: {e}"))
}

/// Every type instance of every expansion of the named rule.
pub fn verify_rule(program: &Program, rule: &str, timeout: Duration) -> Vec<InstanceResult> {
    verify_rule_until(program, rule, timeout, |_| false)
}

/// As [`verify_rule`], but stops after the first instance for which `stop` holds: a bug
/// test needs one replayed counterexample, not all of them (the x64 amode bug reaches about
/// 8,000 instances through every load and store, at about 0.1 s each).
pub fn verify_rule_until(
    program: &Program,
    rule: &str,
    timeout: Duration,
    stop: impl Fn(&InstanceResult) -> bool,
) -> Vec<InstanceResult> {
    let opts = ExpandOptions { rule: Some(rule.to_string()), ..ExpandOptions::default() };
    let expansions = expand(program, &opts).unwrap_or_else(|e| panic!("expanding rule {rule}: {e}"));
    let mut results = Vec::new();
    for e in &expansions {
        for inst in instantiate(program, e) {
            let (outcome, replayed, detail) = match &inst.body {
                InstanceBody::Query(q) => match check(q, &SolveOptions { timeout, ..SolveOptions::default() }) {
                    Outcome::Counterexample(cx) => {
                        let inputs: Vec<String> = cx.inputs.iter().map(|b| format!("{}={}", b.name, b.value)).collect();
                        let replayed = cx.replay == ReplayStatus::Replayed;
                        let mut detail = inputs.join(" ");
                        if !replayed {
                            detail.push_str(&format!(" [{:?}]", cx.replay));
                        }
                        (OutcomeKind::Counterexample, replayed, detail)
                    }
                    Outcome::Unknown(r) => (OutcomeKind::Unknown, false, r),
                    Outcome::Unsupported(r) => (OutcomeKind::Unsupported, false, r),
                    Outcome::Error(m) => (OutcomeKind::Error, false, m),
                    other => (other.kind(), false, String::new()),
                },
                InstanceBody::Unsupported { reason, span } => (OutcomeKind::Unsupported, false, format!("{span}: {reason}")),
                InstanceBody::Error { message, span } => (OutcomeKind::Error, false, format!("{span}: {message}")),
                InstanceBody::Inapplicable { reason, span } => (OutcomeKind::Inapplicable, false, format!("{span}: {reason}")),
            };
            results.push(InstanceResult {
                rule: e.rule.clone(),
                chain: e.chain.clone(),
                types: inst.types.clone(),
                outcome,
                replayed,
                detail,
            });
            if results.last().is_some_and(&stop) {
                return results;
            }
        }
    }
    results
}

pub fn describe(results: &[InstanceResult]) -> String {
    results.iter().map(|r| format!("  {r}")).collect::<Vec<_>>().join("\n")
}
