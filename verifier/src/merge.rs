//! Combining the JSON reports of shard runs (`saffron merge`) into the
//! report, ledger and summary of the whole run.
//!
//! Works on the JSON text (`saffron verify --json`), unit by unit: the
//! instances of every shard are put together in a stable order and the
//! summary is counted again from them. The shards of a unit must be exactly
//! 1/N … N/N, each once, so a missing or repeated CI job is an error rather
//! than a smaller "whole".

use crate::report::Summary;
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{file}: not a saffron verify --json report: {why}")]
    Malformed { file: String, why: String },
    #[error("unit {unit}: {why}")]
    Shards { unit: String, why: String },
}

/// One unit's parts, in the order the files were given.
#[derive(Default)]
struct Parts {
    expansions: u64,
    shards: Vec<(u32, u32)>,
    instances: Vec<Value>,
}

/// Merges `reports` (file name, JSON text) into one JSON report per unit,
/// as `saffron verify --json` prints them (an array when several units).
pub fn merge(reports: &[(String, String)]) -> Result<Value, MergeError> {
    let mut units: BTreeMap<String, Parts> = BTreeMap::new();
    for (file, text) in reports {
        let bad = |why: String| MergeError::Malformed { file: file.clone(), why };
        let v: Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        let list = match v {
            Value::Array(a) => a,
            one => vec![one],
        };
        for u in list {
            let unit = u["unit"].as_str().ok_or_else(|| bad("a unit without `unit`".into()))?.to_string();
            let Some(instances) = u["instantiations"].as_array() else {
                return Err(bad(format!("unit {unit} without `instantiations`")));
            };
            let parts = units.entry(unit.clone()).or_default();
            let shard = match u.get("shard") {
                None | Some(Value::Null) => (1, 1),
                Some(s) => {
                    let s: crate::shard::Shard = s
                        .as_str()
                        .ok_or_else(|| bad("`shard` is not a string".into()))?
                        .parse()
                        .map_err(bad)?;
                    (s.index, s.count)
                }
            };
            parts.shards.push(shard);
            parts.expansions = parts.expansions.max(u["expansions"].as_u64().unwrap_or(0));
            parts.instances.extend(instances.iter().cloned());
        }
    }
    let mut out = Vec::new();
    for (unit, mut parts) in units {
        check_shards(&unit, &mut parts.shards)?;
        parts.instances.sort_by_key(order_key);
        let summary = summary(&parts.instances);
        out.push(json!({
            "unit": unit,
            "expansions": parts.expansions,
            "instantiations": parts.instances,
            "summary": summary,
        }));
    }
    Ok(if out.len() == 1 { out.pop().expect("one") } else { Value::Array(out) })
}

fn check_shards(unit: &str, shards: &mut [(u32, u32)]) -> Result<(), MergeError> {
    shards.sort();
    let n = shards[0].1;
    let expected: Vec<(u32, u32)> = (1..=n).map(|k| (k, n)).collect();
    if shards != expected.as_slice() {
        let got: Vec<String> = shards.iter().map(|(k, n)| format!("{k}/{n}")).collect();
        return Err(MergeError::Shards {
            unit: unit.into(),
            why: format!("expected each of the shards 1/{n} .. {n}/{n} once, got {}", got.join(", ")),
        });
    }
    Ok(())
}

/// The ledger's order of instances: span, chain, types.
fn order_key(i: &Value) -> (String, Vec<String>, String) {
    let s = |k: &str| i[k].as_str().unwrap_or_default().to_string();
    let chain = i["chain"].as_array().map(|c| c.iter().map(|r| r.as_str().unwrap_or_default().to_string()).collect());
    (s("span"), chain.unwrap_or_default(), s("types"))
}

/// The summary of `instances`, counted as `report::Summary::of` counts.
fn summary(instances: &[Value]) -> Value {
    let mut s = Summary::default();
    for i in instances {
        let source = serde_json::from_value(i["source"].clone()).unwrap_or_default();
        s.count(crate::solve::OutcomeKind::from_word(i["outcome"].as_str().unwrap_or_default()), i["counterexample"]["replay"]["status"] == "mismatch", source);
    }
    serde_json::to_value(s).expect("serialisable")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(shard: &str, outcomes: &[(&str, &str)]) -> (String, String) {
        let inst: Vec<Value> = outcomes
            .iter()
            .map(|(rule, o)| json!({"rule": rule, "chain": [rule], "types": "bv 8", "span": format!("a.isle:{}:1", rule.len()), "outcome": o}))
            .collect();
        (format!("{shard}.json"), json!({"unit": "opt", "expansions": 3, "shard": shard, "instantiations": inst}).to_string())
    }

    #[test]
    fn shards_combine_and_gaps_are_errors() {
        let a = report("1/2", &[("r", "verified"), ("rrr", "counterexample")]);
        let b = report("2/2", &[("rr", "inapplicable")]);
        let m = merge(&[a.clone(), b.clone()]).unwrap();
        assert_eq!(m["summary"]["total"], 3);
        assert_eq!(m["summary"]["failed"], 1);
        assert_eq!(m["summary"]["verified"], 1);
        assert_eq!(m["instantiations"][1]["rule"], "rr", "sorted by span");
        assert!(matches!(merge(&[a.clone()]), Err(MergeError::Shards { .. })));
        assert!(matches!(merge(&[a.clone(), a.clone(), b]), Err(MergeError::Shards { .. })));
        let junk = ("x.json".to_string(), "[1, 2".to_string());
        assert!(matches!(merge(&[junk]), Err(MergeError::Malformed { .. })));
    }
}
