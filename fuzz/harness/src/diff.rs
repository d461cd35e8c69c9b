//! Running one module in every engine and judging the results.
//!
//! Comparison rule: everything is compared bit-exactly, floats included.
//! NaN nondeterminism is removed at the source instead (wasm-smith's
//! `canonicalize_nans` plus [`crate::rewrite`] for promote/demote), so a NaN
//! bit difference that still shows up is a real divergence. Resource
//! exhaustion (fuel, stack) is never a mismatch: a step where any engine is
//! exhausted ends the run as inconclusive unless all are exhausted alike.

use crate::engines::{all_engines, Engine, FuelUnit, DEFAULT_FUEL, PEER_EXHAUSTED_FUEL};
use crate::generate;
use crate::module_info::{ExportKind, ModuleInfo};
use crate::value::{Exhaustion, FinalState, Instantiation, Outcome, Val};
use arbitrary::Unstructured;
use serde::Serialize;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The verdict of one differential run (or one run of a no-panic target).
#[derive(Clone, Debug)]
pub enum Verdict {
    /// Every engine agreed on everything observed.
    Agree,
    /// Nothing comparable happened: the input was not a usable module, or an
    /// engine ran out of fuel/stack where the others did not.
    Inconclusive(String),
    Mismatch(Mismatch),
}

impl Verdict {
    /// For libFuzzer targets: a mismatch must crash the process.
    pub fn assert_agree(self) {
        if let Verdict::Mismatch(m) = self {
            panic!("differential mismatch [{}] between {}:\n{}", m.signature, m.engines.join(", "), m.detail);
        }
    }
}

/// A disagreement between engines (or a panic inside one).
#[derive(Clone, Debug, Serialize)]
pub struct Mismatch {
    /// Engines outside the majority (all engines when there is no majority).
    pub engines: Vec<String>,
    /// Stable key of what disagreed, used to check that minimisation keeps
    /// the same bug: e.g. `call-result:saffron` or `memory:wasmi`.
    pub signature: String,
    /// Human-readable per-engine account.
    pub detail: String,
    /// The module that shows it (generated, or the raw input for decode_wasm).
    #[serde(skip)]
    pub wasm: Vec<u8>,
    /// Bytes arguments were drawn from (see [`generate::arg`]).
    #[serde(skip)]
    pub arg_bytes: Vec<u8>,
}

/// Engines plus budget; reused across modules.
pub struct Differ {
    engines: Vec<Box<dyn Engine>>,
    pub fuel: u64,
}

impl Default for Differ {
    fn default() -> Self {
        Self::new()
    }
}

/// Result of one step in every engine, comparable with `==`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Ready,
    Rejected,
    Done(Outcome),
    Panicked(String),
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_string()
    }
}

impl Differ {
    pub fn new() -> Differ {
        Differ { engines: all_engines(), fuel: DEFAULT_FUEL }
    }

    /// A differ over an explicit engine list (tests, or fewer engines).
    pub fn with_engines(engines: Vec<Box<dyn Engine>>) -> Differ {
        Differ { engines, fuel: DEFAULT_FUEL }
    }

    pub fn engine_names(&self) -> Vec<&'static str> {
        self.engines.iter().map(|e| e.name()).collect()
    }

    /// Run `wasm` in every engine: instantiate, call each exported function
    /// once in export order with arguments drawn from `arg_bytes`, then
    /// compare the final exported memories, globals and tables.
    pub fn run(&mut self, wasm: &[u8], arg_bytes: &[u8]) -> Verdict {
        let info = match ModuleInfo::parse(wasm) {
            Ok(info) => info,
            Err(e) => return Verdict::Inconclusive(format!("unreadable: {e:#}")),
        };
        if info.has_imports {
            return Verdict::Inconclusive("imports: module has imports".into());
        }
        let mismatch = |signature: String, engines: Vec<String>, detail: String| {
            Verdict::Mismatch(Mismatch { engines, signature, detail, wasm: wasm.to_vec(), arg_bytes: arg_bytes.to_vec() })
        };

        // Instantiation.
        let fuel = self.fuel;
        let mut rejections = Vec::new();
        let steps = self.step(fuel, |e, fuel| match catch_unwind(AssertUnwindSafe(|| e.instantiate(wasm, &info, fuel))) {
            Ok(Instantiation::Ready) => Step::Ready,
            Ok(Instantiation::Rejected(msg)) => {
                rejections.push(format!("{}: {msg}", e.name()));
                Step::Rejected
            }
            Ok(Instantiation::Failed(o)) => Step::Done(o),
            Err(p) => Step::Panicked(panic_message(&*p)),
        });
        if steps.iter().all(|s| *s == Step::Rejected) {
            return Verdict::Inconclusive(format!("rejected-by-all: {}", rejections.join("; ")));
        }
        if let Some(v) = self.judge("instantiate", &steps, &mismatch, &rejections) {
            return v;
        }
        if steps[0] != Step::Ready {
            // Every engine failed instantiation the same way.
            return Verdict::Agree;
        }

        // Calls.
        let mut u = Unstructured::new(arg_bytes);
        for export in &info.exports {
            let ExportKind::Func { params, .. } = &export.kind else { continue };
            let args: Vec<Val> = params.iter().map(|k| generate::arg(&mut u, *k)).collect();
            let steps = self.step(fuel, |e, fuel| match catch_unwind(AssertUnwindSafe(|| e.call(&export.name, &args, fuel))) {
                Ok(o) => Step::Done(o),
                Err(p) => Step::Panicked(panic_message(&*p)),
            });
            let what = format!("call `{}`({})", export.name, args.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", "));
            if let Some(v) = self.judge(&what, &steps, &mismatch, &[]) {
                return v;
            }
        }

        // Final state.
        let mut states = Vec::new();
        for e in self.engines.iter_mut() {
            match catch_unwind(AssertUnwindSafe(|| e.final_state(&info))) {
                Ok(s) => states.push(s),
                Err(p) => {
                    return mismatch("panic:final-state".into(), vec![e.name().into()], panic_message(&*p));
                }
            }
        }
        let names = self.engine_names();
        if let Some((signature, engines, detail)) = compare_states(&names, &states) {
            return mismatch(signature, engines, detail);
        }
        Verdict::Agree
    }

    /// One step in every engine, results in engine order. Operator-metered
    /// engines run first; when one of them runs out of fuel the step cannot
    /// be compared, and iteration-metered engines get [`PEER_EXHAUSTED_FUEL`].
    fn step(&mut self, fuel: u64, mut run: impl FnMut(&mut dyn Engine, u64) -> Step) -> Vec<Step> {
        let mut steps: Vec<Option<Step>> = vec![None; self.engines.len()];
        let mut exhausted = false;
        for unit in [FuelUnit::Operator, FuelUnit::Iteration] {
            let budget = if unit == FuelUnit::Iteration && exhausted { PEER_EXHAUSTED_FUEL.min(fuel) } else { fuel };
            for (slot, e) in steps.iter_mut().zip(self.engines.iter_mut()) {
                if e.fuel_unit() == unit {
                    let s = run(e.as_mut(), budget);
                    exhausted |= matches!(s, Step::Done(Outcome::Exhausted(Exhaustion::Fuel)));
                    *slot = Some(s);
                }
            }
        }
        steps.into_iter().map(|s| s.expect("every engine has a fuel unit")).collect()
    }

    /// `None` when all engines agree on this step and the run goes on.
    fn judge(
        &self,
        what: &str,
        steps: &[Step],
        mismatch: &dyn Fn(String, Vec<String>, String) -> Verdict,
        rejections: &[String],
    ) -> Option<Verdict> {
        let names = self.engine_names();
        if let Some(i) = steps.iter().position(|s| matches!(s, Step::Panicked(_))) {
            let Step::Panicked(msg) = &steps[i] else { unreachable!() };
            return Some(mismatch(
                format!("panic:{}", names[i]),
                vec![names[i].to_string()],
                format!("{what}: {} panicked: {msg}", names[i]),
            ));
        }
        let exhausted = steps.iter().filter(|s| matches!(s, Step::Done(Outcome::Exhausted(_)))).count();
        if exhausted > 0 {
            let all_same = steps.iter().all(|s| *s == steps[0]);
            return Some(if all_same {
                Verdict::Agree
            } else {
                let who: Vec<String> = names
                    .iter()
                    .zip(steps)
                    .filter_map(|(n, s)| match s {
                        Step::Done(Outcome::Exhausted(e)) => Some(format!("{n}-{e:?}").to_lowercase()),
                        _ => None,
                    })
                    .collect();
                Verdict::Inconclusive(format!("exhausted {}: {what}", who.join("+")))
            });
        }
        if steps.iter().all(|s| *s == steps[0]) {
            return None;
        }
        let odd = minority(steps);
        let category = category_of(steps);
        let mut detail = format!("{what}:\n");
        for (name, step) in names.iter().zip(steps) {
            let text = match step {
                Step::Ready => "instantiated".to_string(),
                Step::Rejected => {
                    let why = rejections.iter().find(|r| r.starts_with(name)).cloned().unwrap_or_default();
                    format!("rejected ({why})")
                }
                Step::Done(o) => o.to_string(),
                Step::Panicked(m) => format!("panicked: {m}"),
            };
            detail.push_str(&format!("  {name}: {text}\n"));
        }
        let engines: Vec<String> = odd.iter().map(|&i| names[i].to_string()).collect();
        Some(mismatch(format!("{category}:{}", engines.join("+")), engines, detail))
    }
}

/// What kind of disagreement this is, for signatures.
fn category_of(steps: &[Step]) -> &'static str {
    let has = |f: fn(&Step) -> bool| steps.iter().any(f);
    if has(|s| matches!(s, Step::Rejected)) {
        "validity"
    } else if has(|s| matches!(s, Step::Ready)) {
        "instantiation"
    } else if has(|s| matches!(s, Step::Done(Outcome::Returned(_)))) && has(|s| matches!(s, Step::Done(Outcome::Trapped(_)))) {
        "trap-vs-return"
    } else if has(|s| matches!(s, Step::Done(Outcome::Trapped(_)))) {
        "trap-kind"
    } else {
        "result"
    }
}

/// Indices of the engines outside the largest group of equal answers (all
/// engines when no group is larger than the others).
fn minority<T: PartialEq>(answers: &[T]) -> Vec<usize> {
    let group_size = |i: usize| answers.iter().filter(|a| **a == answers[i]).count();
    let sizes: Vec<usize> = (0..answers.len()).map(group_size).collect();
    let best = *sizes.iter().max().unwrap_or(&0);
    let leaders: Vec<usize> = (0..answers.len()).filter(|&i| sizes[i] == best).collect();
    let unique_majority = leaders.iter().all(|&i| answers[i] == answers[leaders[0]]);
    if best * 2 > answers.len() && unique_majority {
        (0..answers.len()).filter(|&i| answers[i] != answers[leaders[0]]).collect()
    } else {
        (0..answers.len()).collect()
    }
}

/// Compare final states; `Some((signature, odd engines, detail))` on difference.
fn compare_states(names: &[&'static str], states: &[FinalState]) -> Option<(String, Vec<String>, String)> {
    if states.iter().all(|s| *s == states[0]) {
        return None;
    }
    let odd = minority(states);
    let engines: Vec<String> = odd.iter().map(|&i| names[i].to_string()).collect();
    let reference = if odd.len() == states.len() { 0 } else { (0..states.len()).find(|i| !odd.contains(i)).unwrap_or(0) };
    let base = &states[reference];
    let mut detail = String::new();
    let mut category = "state";
    for &i in &odd {
        if i == reference {
            continue;
        }
        let other = &states[i];
        for ((name, a), (_, b)) in base.memories.iter().zip(&other.memories) {
            if a != b {
                category = "memory";
                let first = a.iter().zip(b.iter()).position(|(x, y)| x != y);
                let differing = a.iter().zip(b.iter()).filter(|(x, y)| x != y).count();
                detail.push_str(&format!(
                    "memory `{name}`: {} has {} bytes, {} has {} bytes; {differing} bytes differ, first at {:?}",
                    names[reference],
                    a.len(),
                    names[i],
                    b.len(),
                    first
                ));
                if let Some(off) = first {
                    let end = (off + 16).min(a.len()).min(b.len());
                    detail.push_str(&format!(" ({:02x?} vs {:02x?})", &a[off..end], &b[off..end]));
                }
                detail.push('\n');
            }
        }
        for ((name, a), (_, b)) in base.globals.iter().zip(&other.globals) {
            if a != b {
                category = "global";
                detail.push_str(&format!("global `{name}`: {} = {a}, {} = {b}\n", names[reference], names[i]));
            }
        }
        for ((name, a), (_, b)) in base.tables.iter().zip(&other.tables) {
            if a != b {
                category = "table";
                let first = a.iter().zip(b.iter()).position(|(x, y)| x != y);
                detail.push_str(&format!(
                    "table `{name}`: sizes {} / {}, first difference at {first:?}\n",
                    a.len(),
                    b.len()
                ));
            }
        }
        if base.memories.len() != other.memories.len()
            || base.globals.len() != other.globals.len()
            || base.tables.len() != other.tables.len()
        {
            detail.push_str(&format!("{} reports a different set of exports than {}\n", names[i], names[reference]));
        }
    }
    Some((format!("{category}:{}", engines.join("+")), engines, detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minority_finds_the_odd_one_out() {
        assert_eq!(minority(&[1, 2, 2]), vec![0]);
        assert_eq!(minority(&[2, 2, 1]), vec![2]);
        assert_eq!(minority(&[1, 2, 3]), vec![0, 1, 2]);
        assert_eq!(minority(&[1, 2]), vec![0, 1]);
    }
}
