//! What a run records: one [`InstanceResult`] per type instance, their
//! [`Summary`], and a unit's [`UnitReport`].

use crate::replay::{Counterexample, ReplayStatus};
use crate::solve::{Outcome, OutcomeKind};
use crate::span::Span;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How a set of scope tags is named in reasons and counts: `tag` or
/// `tag1+tag2`.
fn scope_key(tags: &[String]) -> String {
    tags.join("+")
}

/// The result of one expansion at one type instance.
#[derive(Clone, Debug, Serialize)]
pub struct InstanceResult {
    pub rule: String,
    pub chain: Vec<String>,
    pub types: String,
    #[serde(serialize_with = "span_text")]
    pub span: Span,
    pub outcome: OutcomeKind,
    pub reason: Option<String>,
    /// For `out_of_scope`: the scope tags the expansion carries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scope_tags: Vec<String>,
    pub millis: u64,
    pub counterexample: Option<Counterexample>,
    /// Where the outcome came from.
    pub source: Source,
    /// Which query a solver decided it with (`None` unless `source` is
    /// the solver).
    pub method: Option<crate::solve::Method>,
    /// The hash of the query's content (see `cache::query_hash`), if the
    /// instance reached the solver stage.
    pub query_hash: Option<String>,
    /// With `--certify`, for verified instances: both solvers' answers on
    /// the exported correctness query (see `certify`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<crate::certify::Certificate>,
}

/// Where an instance's outcome came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Decided by the front end without a solver (unsupported, error, or
    /// inapplicable by the types alone).
    #[default]
    Front,
    /// Solved in this run.
    Solver,
    /// Read from the verification cache.
    Cache,
}

fn span_text<S: serde::Serializer>(s: &Span, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(&s.to_string())
}

impl InstanceResult {
    pub fn new(rule: String, chain: Vec<String>, types: String, span: Span, outcome: Outcome, millis: u64) -> Self {
        let kind = outcome.kind();
        let mut scope_tags = Vec::new();
        let (reason, counterexample) = match outcome {
            Outcome::Verified => (None, None),
            Outcome::Inapplicable => (Some("the left-hand side never matches at these types".into()), None),
            Outcome::Timeout => (Some(format!("solver timed out after {millis} ms")), None),
            Outcome::Unknown(r) | Outcome::Unsupported(r) | Outcome::Error(r) => (Some(r), None),
            Outcome::OutOfScope { tags, reason } => {
                let named = format!("out of the unit's scope ({}): {reason}", scope_key(&tags));
                scope_tags = tags;
                (Some(named), None)
            }
            Outcome::Counterexample(cx) => {
                let failed: Vec<&str> = cx.failed.iter().map(|f| f.what.as_str()).collect();
                let mut reason = if failed.is_empty() {
                    "an obligation fails".to_string()
                } else {
                    format!("fails: {}", failed.join(", "))
                };
                match &cx.replay {
                    ReplayStatus::Replayed => reason.push_str(" (replayed)"),
                    ReplayStatus::Mismatch(m) => write!(reason, " (REPLAY MISMATCH: {m})").unwrap(),
                    ReplayStatus::Unsupported(m) => write!(reason, " (not replayed: {m})").unwrap(),
                }
                (Some(reason), Some(*cx))
            }
        };
        InstanceResult {
            rule,
            chain,
            types,
            span,
            outcome: kind,
            reason,
            scope_tags,
            millis,
            counterexample,
            source: Source::Front,
            method: None,
            query_hash: None,
            certificate: None,
        }
    }

    pub fn failed(&self) -> bool {
        self.outcome.failed()
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Summary {
    pub verified: usize,
    /// counterexample + error
    pub failed: usize,
    pub inapplicable: usize,
    pub timeout: usize,
    pub unknown: usize,
    pub unsupported: usize,
    /// Unsupported instances of expansions outside the unit's scope (see
    /// [`Outcome::OutOfScope`]), also counted per set of scope tags.
    pub out_of_scope: usize,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub out_of_scope_by_tags: BTreeMap<String, usize>,
    pub counterexample: usize,
    pub error: usize,
    /// Counterexamples whose replay disagreed with the solver.
    pub replay_mismatch: usize,
    pub total: usize,
    /// Instances whose verdict came from the cache.
    pub cached: usize,
    /// Instances a solver decided in this run.
    pub solved: usize,
    /// With `--certify`: verified instances both solvers re-proved from
    /// the exported text, ...
    pub cross_checked: usize,
    /// ... instances a solver found satisfiable after all (not verified),
    pub disagreements: usize,
    /// ... and verified instances a solver could not re-decide.
    pub unconfirmed: usize,
}

impl Summary {
    pub fn of<'a>(results: impl IntoIterator<Item = &'a InstanceResult>) -> Summary {
        let mut s = Summary::default();
        for r in results {
            let mismatch = matches!(r.counterexample.as_ref().map(|c| &c.replay), Some(ReplayStatus::Mismatch(_)));
            s.count(r.outcome, mismatch, r.source);
            if r.outcome == OutcomeKind::OutOfScope {
                *s.out_of_scope_by_tags.entry(scope_key(&r.scope_tags)).or_default() += 1;
            }
            if let Some(c) = &r.certificate {
                s.certified(c.status);
            }
        }
        s
    }

    /// Counts one instance of outcome `outcome`.
    pub fn count(&mut self, outcome: OutcomeKind, replay_mismatch: bool, source: Source) {
        self.total += 1;
        *match outcome {
            OutcomeKind::Verified => &mut self.verified,
            OutcomeKind::Inapplicable => &mut self.inapplicable,
            OutcomeKind::Timeout => &mut self.timeout,
            OutcomeKind::Unknown => &mut self.unknown,
            OutcomeKind::Unsupported => &mut self.unsupported,
            OutcomeKind::OutOfScope => &mut self.out_of_scope,
            OutcomeKind::Counterexample => &mut self.counterexample,
            OutcomeKind::Error => &mut self.error,
        } += 1;
        self.replay_mismatch += usize::from(replay_mismatch);
        match source {
            Source::Cache => self.cached += 1,
            Source::Solver => self.solved += 1,
            Source::Front => {}
        }
        self.failed = self.counterexample + self.error;
    }

    /// Counts one certificate.
    pub fn certified(&mut self, status: crate::certify::Status) {
        use crate::certify::Status;
        match status {
            Status::CrossChecked => self.cross_checked += 1,
            Status::Disagreement => self.disagreements += 1,
            Status::Unconfirmed => self.unconfirmed += 1,
        }
    }

    pub fn add(&mut self, o: &Summary) {
        self.verified += o.verified;
        self.failed += o.failed;
        self.inapplicable += o.inapplicable;
        self.timeout += o.timeout;
        self.unknown += o.unknown;
        self.unsupported += o.unsupported;
        self.out_of_scope += o.out_of_scope;
        for (tags, n) in &o.out_of_scope_by_tags {
            *self.out_of_scope_by_tags.entry(tags.clone()).or_default() += n;
        }
        self.counterexample += o.counterexample;
        self.error += o.error;
        self.replay_mismatch += o.replay_mismatch;
        self.total += o.total;
        self.cached += o.cached;
        self.solved += o.solved;
        self.cross_checked += o.cross_checked;
        self.disagreements += o.disagreements;
        self.unconfirmed += o.unconfirmed;
    }

    /// The contract's closing line; out-of-scope instances, when there are
    /// any, after it with their tags.
    pub fn line(&self) -> String {
        let mut line = format!(
            "{} verified, {} failed, {} inapplicable, {} timeout, {} unknown, {} unsupported",
            self.verified, self.failed, self.inapplicable, self.timeout, self.unknown, self.unsupported
        );
        if self.out_of_scope > 0 {
            let tags: Vec<String> = self.out_of_scope_by_tags.iter().map(|(t, n)| format!("{t} {n}")).collect();
            write!(line, ", {} out of scope ({})", self.out_of_scope, tags.join(", ")).unwrap();
        }
        line
    }
}

/// Everything one unit (or standalone program) produced.
#[derive(Clone, Debug, Serialize)]
pub struct UnitReport {
    pub unit: String,
    pub expansions: usize,
    pub instantiations: Vec<InstanceResult>,
    pub summary: Summary,
    /// Wall-clock time of the whole unit.
    pub millis: u64,
    /// `K/N` when only shard K of N was checked (see `shard`).
    pub shard: Option<String>,
}

impl UnitReport {
    pub fn new(unit: String, expansions: usize, instantiations: Vec<InstanceResult>, millis: u64) -> Self {
        let summary = Summary::of(&instantiations);
        UnitReport { unit, expansions, instantiations, summary, millis, shard: None }
    }
}
