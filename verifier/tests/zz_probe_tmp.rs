// TEMPORARY probe by ver-corpus; deleted before the report.
#[path = "../../tests/tests/verify_support/mod.rs"]
mod verify_support;
use saffron_verifier::expand::{expand, ExpandOptions, Filter};
use saffron_verifier::instantiate::{instantiate, InstanceBody};
use saffron_verifier::load::Unit;
use saffron_verifier::solve::{check, SolveOptions};
use std::collections::BTreeMap;
use std::path::PathBuf;
#[test]
fn probe() {
    let unit: Unit = std::env::var("PROBE_UNIT").unwrap().parse().unwrap();
    let extra: Vec<PathBuf> = std::env::var("PROBE_EXTRA").ok().filter(|s| !s.is_empty()).map(|s| s.split(',').map(PathBuf::from).collect()).unwrap_or_default();
    let dir = std::env::var("PROBE_DIR").ok().map(PathBuf::from);
    let t = std::time::Instant::now();
    let p = verify_support::load_unit(unit, dir, &extra);
    println!("load {:?}", t.elapsed());
    let rules = std::env::var("PROBE_RULES").unwrap();
    if rules == "*" {
        let filters: Vec<Filter> = std::env::var("PROBE_FILTERS").unwrap_or_default().split(',').filter(|s| !s.is_empty()).map(|s| s.parse().unwrap()).collect();
        let opts = ExpandOptions { default_excludes: true, filters, ..ExpandOptions::default() };
        let es = expand(&p, &opts).unwrap();
        println!("{} expansions ({:?})", es.len(), t.elapsed());
        let timeout = std::time::Duration::from_secs(std::env::var("PROBE_TIMEOUT").map(|s| s.parse().unwrap()).unwrap_or(10));
        let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut slow = Vec::new();
        for e in &es {
            let te = std::time::Instant::now();
            for i in instantiate(&p, e) {
                let w = match &i.body {
                    InstanceBody::Query(q) => check(q, &SolveOptions { timeout, ..SolveOptions::default() }).word(),
                    InstanceBody::Unsupported { .. } => "unsupported",
                    InstanceBody::Error { .. } => "error",
                };
                *counts.entry(w).or_default() += 1;
                if w == "counterexample" { println!("CX {} {}", e.rule, i.types); }
            }
            if te.elapsed().as_secs_f64() > 2.0 { slow.push((te.elapsed(), e.rule.clone())); }
        }
        println!("{counts:?} total {:?}", t.elapsed());
        slow.sort(); for s in slow.iter().rev().take(15) { println!("slow {:?} {}", s.0, s.1); }
        return;
    }
    for rule in rules.split(',') {
        let t = std::time::Instant::now();
        let r = verify_support::verify_rule(&p, rule, std::time::Duration::from_secs(60));
        println!("{rule} ({:?}):\n{}", t.elapsed(), verify_support::describe(&r));
    }
}
