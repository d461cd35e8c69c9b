//! What the two spec campaigns' drivers share: the head of their report, the
//! solver budget per judged outcome, and the schedule that runs every
//! prepared instance once and then round-robin until the time is up.

use super::Tally;
use saffron_verifier::ir::Value;
use saffron_verifier::solve::SolveOptions;
use serde::Serialize;
use std::time::{Duration, Instant};

/// The fields both spec reports start with (flattened into their JSON, so
/// the keys keep their place).
#[derive(Clone, Debug, Serialize)]
pub struct RunSummary {
    pub seconds: f64,
    pub seed: u64,
    #[serde(flatten)]
    pub tally: Tally,
    /// Instructions (terms) of the unit with a spec.
    pub specs_total: usize,
    pub specs_covered: usize,
    pub covered: Vec<String>,
}

impl RunSummary {
    /// A summary before any execution: nothing counted, no time spent.
    pub fn new(seed: u64, specs_total: usize, covered: Vec<String>) -> RunSummary {
        RunSummary { seconds: 0.0, seed, tally: Tally::default(), specs_total, specs_covered: covered.len(), covered }
    }

    /// Records the campaign's length, measured from `start`, and the rate.
    pub fn finish(&mut self, start: Instant) {
        self.seconds = start.elapsed().as_secs_f64();
        self.tally.finish(self.seconds);
    }
}

/// The solver's budget for one outcome the concrete evaluator does not settle.
pub fn solve_options() -> SolveOptions {
    SolveOptions { timeout: Duration::from_secs(5), rlimit: None }
}

/// A spec value in a mismatch report.
pub fn show_spec_value(v: &Option<Value>) -> String {
    v.as_ref().map(|v| v.to_string()).unwrap_or_else(|| "not determined by the facts alone".into())
}

/// Which pass over the instances a run belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    /// The first: every instance once, whatever the deadline (the edge values).
    First,
    /// Every later pass, while the deadline has not passed (random values).
    Later,
}

/// Calls `visit(pass, index, item)` for every item once, then round-robin
/// until `deadline`; stops at the first error. Without items it returns at
/// once: there would be nothing to wait for.
pub fn round_robin<T, E>(
    items: &[T],
    deadline: Instant,
    mut visit: impl FnMut(Pass, usize, &T) -> Result<(), E>,
) -> Result<(), E> {
    if items.is_empty() {
        return Ok(());
    }
    let mut pass = Pass::First;
    loop {
        for (i, item) in items.iter().enumerate() {
            if pass == Pass::Later && Instant::now() >= deadline {
                return Ok(());
            }
            visit(pass, i, item)?;
        }
        pass = Pass::Later;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_runs_once_even_past_the_deadline_then_nothing_more() {
        let mut seen = Vec::new();
        let past = Instant::now();
        round_robin(&['a', 'b', 'c'], past, |pass, i, c| {
            seen.push((pass, i, *c));
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(seen, vec![(Pass::First, 0, 'a'), (Pass::First, 1, 'b'), (Pass::First, 2, 'c')]);
    }

    #[test]
    fn later_passes_run_until_the_deadline_and_errors_stop_the_schedule() {
        let mut later = 0;
        let deadline = Instant::now() + Duration::from_millis(30);
        round_robin(&[1, 2], deadline, |pass, _, _| {
            later += usize::from(pass == Pass::Later);
            Ok::<(), ()>(())
        })
        .unwrap();
        assert!(later > 0);
        let mut calls = 0;
        let r = round_robin(&[1, 2, 3], deadline, |_, i, _| {
            calls += 1;
            if i == 1 { Err(i) } else { Ok(()) }
        });
        assert_eq!((r, calls), (Err(1), 2));
        assert_eq!(round_robin(&[] as &[u8], deadline, |_, _, _| Err(())), Ok(()));
    }
}
