//! Results of a verification run: the text report, JSON, SARIF 2.1.0 and
//! the deterministic ledger (JSON without timings, for `proofs/`).

mod text;

pub use text::{text, MAX_LINES};

use crate::replay::{Counterexample, ReplayStatus};
use crate::solve::{Outcome, OutcomeKind};
use crate::span::Span;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

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
        let (reason, counterexample) = match outcome {
            Outcome::Verified => (None, None),
            Outcome::Inapplicable => (Some("the left-hand side never matches at these types".into()), None),
            Outcome::Timeout => (Some(format!("solver timed out after {millis} ms")), None),
            Outcome::Unknown(r) | Outcome::Unsupported(r) | Outcome::Error(r) => (Some(r), None),
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

    /// The contract's closing line.
    pub fn line(&self) -> String {
        format!(
            "{} verified, {} failed, {} inapplicable, {} timeout, {} unknown, {} unsupported",
            self.verified, self.failed, self.inapplicable, self.timeout, self.unknown, self.unsupported
        )
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

pub fn json(reports: &[UnitReport]) -> String {
    let v = if reports.len() == 1 {
        serde_json::to_value(&reports[0])
    } else {
        serde_json::to_value(reports)
    };
    serde_json::to_string_pretty(&v.expect("serialisable")).expect("serialisable")
}

/// The ledger: instances in a stable order, no timings, so re-running on
/// the same Cranelift gives the same bytes (timeouts aside).
pub fn ledger(reports: &[UnitReport]) -> String {
    let units: Vec<serde_json::Value> = reports.iter().map(|r| serde_json::to_value(r).expect("serialisable")).collect();
    ledger_of_json(&units).expect("a report's own JSON has the ledger's fields")
}

/// [`ledger`] of reports in their JSON form (as `saffron merge` has them).
pub fn ledger_of_json(units: &[serde_json::Value]) -> Result<String, serde_json::Error> {
    #[derive(Serialize, serde::Deserialize)]
    struct Entry {
        rule: String,
        chain: Vec<String>,
        types: String,
        span: String,
        outcome: String,
    }
    #[derive(serde::Deserialize)]
    struct Input {
        unit: String,
        expansions: usize,
        summary: Summary,
        instantiations: Vec<Entry>,
    }
    /// The summary without how the outcomes were reached (cache or
    /// solver), which varies from run to run.
    #[derive(Serialize)]
    struct Counts {
        verified: usize,
        failed: usize,
        inapplicable: usize,
        timeout: usize,
        unknown: usize,
        unsupported: usize,
        counterexample: usize,
        error: usize,
        replay_mismatch: usize,
        total: usize,
    }
    #[derive(Serialize)]
    struct Unit {
        unit: String,
        expansions: usize,
        summary: Counts,
        instantiations: Vec<Entry>,
    }
    let mut out = Vec::new();
    for u in units {
        let mut u = Input::deserialize(u)?;
        u.instantiations.sort_by(|a, b| (&a.span, &a.chain, &a.types).cmp(&(&b.span, &b.chain, &b.types)));
        let s = u.summary;
        let summary = Counts {
            verified: s.verified,
            failed: s.failed,
            inapplicable: s.inapplicable,
            timeout: s.timeout,
            unknown: s.unknown,
            unsupported: s.unsupported,
            counterexample: s.counterexample,
            error: s.error,
            replay_mismatch: s.replay_mismatch,
            total: s.total,
        };
        out.push(Unit { unit: u.unit, expansions: u.expansions, summary, instantiations: u.instantiations });
    }
    Ok(serde_json::to_string_pretty(&out).expect("serialisable") + "\n")
}

/// SARIF 2.1.0: one result per instance that is not verified.
pub fn sarif(reports: &[UnitReport]) -> serde_json::Value {
    use serde_json::json;
    let kinds = [
        ("counterexample", "The rule is wrong: a replayed input where the right-hand side disagrees with the left."),
        ("error", "The rule could not be checked because of an internal or input error."),
        ("timeout", "The solver ran out of time."),
        ("unknown", "The solver gave up."),
        ("unsupported", "The rule uses something the verifier cannot model."),
        ("inapplicable", "The rule never matches at this type instance."),
    ];
    let rules: Vec<_> = kinds
        .iter()
        .map(|(id, text)| json!({"id": id, "shortDescription": {"text": text}}))
        .collect();
    let mut results = Vec::new();
    for r in reports {
        for i in r.instantiations.iter().filter(|i| i.outcome != OutcomeKind::Verified) {
            let level = match i.outcome {
                OutcomeKind::Counterexample | OutcomeKind::Error => "error",
                OutcomeKind::Inapplicable => "note",
                _ => "warning",
            };
            let mut text = format!("{} [{}]: {}", i.rule, i.types, i.outcome);
            if let Some(reason) = &i.reason {
                let _ = write!(text, ": {reason}");
            }
            let mut flow = Vec::new();
            if let Some(cx) = &i.counterexample {
                for d in &cx.differs {
                    let _ = write!(text, "; differs: {}  vs  {}", d.left, d.right);
                }
                let inputs: Vec<String> =
                    cx.inputs.iter().filter(|b| b.relevant).map(|b| format!("{} = {}", b.name, b.value)).collect();
                let _ = write!(text, "; inputs: {}", inputs.join(", "));
                flow = cx
                    .terms
                    .iter()
                    .map(|t| {
                        let what = format!("({} {}) = {}", t.term, t.args.join(" "), t.result);
                        json!({"location": {"physicalLocation": physical(&t.span), "message": {"text": what}}})
                    })
                    .collect();
            }
            let related: Vec<_> = flow
                .iter()
                .enumerate()
                .map(|(k, f)| json!({"id": k, "physicalLocation": f["location"]["physicalLocation"], "message": f["location"]["message"]}))
                .collect();
            let code_flows = if flow.is_empty() { json!([]) } else { json!([{"threadFlows": [{"locations": flow}]}]) };
            results.push(json!({
                "codeFlows": code_flows,
                "relatedLocations": related,
                "ruleId": i.outcome.word(),
                "level": level,
                "message": {"text": text},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": i.span.file.to_string()},
                    "region": {"startLine": i.span.line.max(1), "startColumn": i.span.col.max(1)}
                }}],
                "properties": {"unit": r.unit, "chain": i.chain, "types": i.types}
            }));
        }
    }
    json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": {"driver": {
                "name": "saffron",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/saffron",
                "rules": rules
            }},
            "results": results
        }]
    })
}

/// A SARIF physical location of a `file:line:col` span text.
fn physical(span: &str) -> serde_json::Value {
    let mut parts = span.rsplitn(3, ':');
    let (col, line, file) = (parts.next(), parts.next(), parts.next());
    let num = |p: Option<&str>| p.and_then(|x| x.parse::<u32>().ok()).unwrap_or(1).max(1);
    match file {
        Some(file) => serde_json::json!({"artifactLocation": {"uri": file}, "region": {"startLine": num(line), "startColumn": num(col)}}),
        None => serde_json::json!({"artifactLocation": {"uri": span}}),
    }
}

/// Writes `contents` to `path` atomically: a temporary file in the same
/// directory, then a rename.
pub fn write_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(contents.as_bytes())?;
    tmp.flush()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(outcome: Outcome) -> InstanceResult {
        InstanceResult::new("r".into(), vec!["r".into()], "bv 8".into(), Span::new("a.isle", 3, 1), outcome, 5)
    }

    #[test]
    fn summary_counts_and_line() {
        let rs = vec![
            result(Outcome::Verified),
            result(Outcome::Verified),
            result(Outcome::Error("bad".into())),
            result(Outcome::Inapplicable),
            result(Outcome::Timeout),
            result(Outcome::Unknown("x".into())),
            result(Outcome::Unsupported("y".into())),
        ];
        let s = Summary::of(&rs);
        assert_eq!(s.line(), "2 verified, 1 failed, 1 inapplicable, 1 timeout, 1 unknown, 1 unsupported");
        let u = UnitReport::new("opt".into(), 1, rs, 9);
        let t = text(&u, true);
        assert_eq!(t.lines().count(), 5, "{t}");
        assert!(t.starts_with("a.isle:3:1: r [bv 8]: error: bad"));
        let sarif = sarif(&[u.clone()]);
        assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 5);
        let j: serde_json::Value = serde_json::from_str(&json(&[u])).unwrap();
        assert_eq!(j["summary"]["failed"], 1);
        assert_eq!(j["instantiations"][0]["outcome"], "verified");
    }

    #[test]
    fn atomic_write_replaces() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.sarif");
        write_atomically(&p, "one").unwrap();
        write_atomically(&p, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
    }
}
