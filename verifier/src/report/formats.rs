//! A run's reports as JSON, the deterministic ledger and SARIF 2.1.0.

use super::instance::{Summary, UnitReport};
use crate::solve::OutcomeKind;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

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
        // Left out when zero, so that ledgers of runs without any stay as
        // they were.
        #[serde(skip_serializing_if = "is_zero")]
        out_of_scope: usize,
        counterexample: usize,
        error: usize,
        replay_mismatch: usize,
        total: usize,
    }
    fn is_zero(n: &usize) -> bool {
        *n == 0
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
            out_of_scope: s.out_of_scope,
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
        (OutcomeKind::Counterexample, "The rule is wrong: a replayed input where the right-hand side disagrees with the left."),
        (OutcomeKind::Error, "The rule could not be checked because of an internal or input error."),
        (OutcomeKind::Timeout, "The solver ran out of time."),
        (OutcomeKind::Unknown, "The solver gave up."),
        (OutcomeKind::Unsupported, "The rule uses something the verifier cannot model."),
        (OutcomeKind::OutOfScope, "The rule uses something the verifier cannot model, in a family of operations outside the unit's scope."),
        (OutcomeKind::Inapplicable, "The rule never matches at this type instance."),
    ];
    let rules: Vec<_> = kinds
        .iter()
        .map(|(kind, text)| json!({"id": kind.word(), "shortDescription": {"text": text}}))
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
