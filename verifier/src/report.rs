//! Results of a verification run: the text report, JSON, SARIF 2.1.0 and
//! the deterministic ledger (JSON without timings, for `proofs/`).

use crate::replay::{Counterexample, ReplayStatus};
use crate::solve::Outcome;
use crate::span::Span;
use serde::Serialize;
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
    pub outcome: &'static str,
    pub reason: Option<String>,
    pub millis: u64,
    pub counterexample: Option<Counterexample>,
}

fn span_text<S: serde::Serializer>(s: &Span, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(&s.to_string())
}

impl InstanceResult {
    pub fn new(rule: String, chain: Vec<String>, types: String, span: Span, outcome: Outcome, millis: u64) -> Self {
        let word = outcome.word();
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
        InstanceResult { rule, chain, types, span, outcome: word, reason, millis, counterexample }
    }

    pub fn failed(&self) -> bool {
        matches!(self.outcome, "counterexample" | "error")
    }
}

#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
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
}

impl Summary {
    pub fn of<'a>(results: impl IntoIterator<Item = &'a InstanceResult>) -> Summary {
        let mut s = Summary::default();
        for r in results {
            s.total += 1;
            match r.outcome {
                "verified" => s.verified += 1,
                "inapplicable" => s.inapplicable += 1,
                "timeout" => s.timeout += 1,
                "unknown" => s.unknown += 1,
                "unsupported" => s.unsupported += 1,
                "counterexample" => s.counterexample += 1,
                _ => s.error += 1,
            }
            if let Some(ReplayStatus::Mismatch(_)) = r.counterexample.as_ref().map(|c| &c.replay) {
                s.replay_mismatch += 1;
            }
        }
        s.failed = s.counterexample + s.error;
        s
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
}

impl UnitReport {
    pub fn new(unit: String, expansions: usize, instantiations: Vec<InstanceResult>, millis: u64) -> Self {
        let summary = Summary::of(&instantiations);
        UnitReport { unit, expansions, instantiations, summary, millis }
    }
}

/// The text report: one line per instance that is not verified, every
/// counterexample in full. Ends without the summary line (callers add it).
pub fn text(r: &UnitReport) -> String {
    let mut out = String::new();
    for i in r.instantiations.iter().filter(|i| i.outcome != "verified") {
        let _ = writeln!(
            out,
            "{}: {} [{}]: {}{}",
            i.span,
            i.rule,
            i.types,
            i.outcome,
            i.reason.as_deref().map(|s| format!(": {s}")).unwrap_or_default()
        );
        if i.chain.len() > 1 {
            let _ = writeln!(out, "  chain: {}", i.chain.join(" -> "));
        }
        if let Some(cx) = &i.counterexample {
            counterexample_text(&mut out, cx);
        }
    }
    out
}

fn counterexample_text(out: &mut String, cx: &Counterexample) {
    if let ReplayStatus::Mismatch(m) = &cx.replay {
        let _ = writeln!(out, "  error: replay disagrees with the solver: {m}");
    }
    let _ = writeln!(out, "  inputs:");
    for b in &cx.inputs {
        let _ = writeln!(out, "    {} = {}", b.name, b.value);
    }
    if !cx.terms.is_empty() {
        let _ = writeln!(out, "  terms:");
        for t in &cx.terms {
            let side = match t.side {
                crate::ir::Side::Lhs => "lhs",
                crate::ir::Side::Rhs => "rhs",
            };
            let _ = writeln!(out, "    {side} ({} {}) = {}    ; {}", t.term, t.args.join(" "), t.result, t.span);
        }
    }
    for f in &cx.failed {
        let _ = writeln!(out, "  failed: {} at {}", f.what, f.span);
    }
    let status = match &cx.replay {
        ReplayStatus::Replayed => "replayed".to_string(),
        ReplayStatus::Mismatch(_) => "mismatch".to_string(),
        ReplayStatus::Unsupported(m) => format!("unsupported ({m})"),
    };
    let _ = writeln!(out, "  replay: {status}");
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
    #[derive(Serialize)]
    struct Entry<'a> {
        rule: &'a str,
        chain: &'a [String],
        types: &'a str,
        span: String,
        outcome: &'a str,
    }
    #[derive(Serialize)]
    struct Unit<'a> {
        unit: &'a str,
        expansions: usize,
        summary: &'a Summary,
        instantiations: Vec<Entry<'a>>,
    }
    let units: Vec<Unit> = reports
        .iter()
        .map(|r| {
            let mut entries: Vec<Entry> = r
                .instantiations
                .iter()
                .map(|i| Entry { rule: &i.rule, chain: &i.chain, types: &i.types, span: i.span.to_string(), outcome: i.outcome })
                .collect();
            entries.sort_by(|a, b| (&a.span, a.chain, a.types).cmp(&(&b.span, b.chain, b.types)));
            Unit { unit: &r.unit, expansions: r.expansions, summary: &r.summary, instantiations: entries }
        })
        .collect();
    serde_json::to_string_pretty(&units).expect("serialisable") + "\n"
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
        for i in r.instantiations.iter().filter(|i| i.outcome != "verified") {
            let level = match i.outcome {
                "counterexample" | "error" => "error",
                "inapplicable" => "note",
                _ => "warning",
            };
            let mut text = format!("{} [{}]: {}", i.rule, i.types, i.outcome);
            if let Some(reason) = &i.reason {
                let _ = write!(text, ": {reason}");
            }
            if let Some(cx) = &i.counterexample {
                let inputs: Vec<String> = cx.inputs.iter().map(|b| format!("{} = {}", b.name, b.value)).collect();
                let _ = write!(text, "; inputs: {}", inputs.join(", "));
            }
            results.push(json!({
                "ruleId": i.outcome,
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
        let t = text(&u);
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
