//! Bridge from a query to ver-back's solver and replay (Contract C).
use super::Observed;
use saffron_verifier::ir::Query;
use saffron_verifier::replay::ReplayStatus;
use saffron_verifier::solve::{check as solve, Outcome, SolveOptions};
use std::time::Duration;

pub fn check(q: &Query, timeout: Duration) -> Observed {
    match solve(q, &SolveOptions { timeout, ..SolveOptions::default() }) {
        Outcome::Verified => Observed::Verified,
        Outcome::Counterexample(cx) => {
            let detail = cx.inputs.iter().map(|b| format!("{}={}", b.name, b.value)).collect::<Vec<_>>().join(" ");
            match &cx.replay {
                ReplayStatus::Replayed => Observed::Counterexample { replayed: true, detail },
                other => Observed::Counterexample { replayed: false, detail: format!("{detail} [{other:?}]") },
            }
        }
        Outcome::Inapplicable => Observed::Inapplicable,
        Outcome::Timeout => Observed::Timeout,
        Outcome::Unknown(r) => Observed::Unknown(r),
        Outcome::Unsupported(r) => Observed::Unsupported(r),
        Outcome::Error(m) => Observed::Error(m),
    }
}
