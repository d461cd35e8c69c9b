// TEMPORARY probe by ver-corpus; deleted before the report.
#[path = "../../tests/tests/verify_support/mod.rs"]
mod verify_support;
use saffron_verifier::load::Unit;
use std::path::PathBuf;
#[test]
fn probe() {
    let unit: Unit = std::env::var("PROBE_UNIT").unwrap().parse().unwrap();
    let extra: Vec<PathBuf> = std::env::var("PROBE_EXTRA").ok().filter(|s| !s.is_empty()).map(|s| s.split(',').map(PathBuf::from).collect()).unwrap_or_default();
    let dir = std::env::var("PROBE_DIR").ok().map(PathBuf::from);
    let t = std::time::Instant::now();
    let p = verify_support::load_unit(unit, dir, &extra);
    println!("load {:?}", t.elapsed());
    for rule in std::env::var("PROBE_RULES").unwrap().split(',') {
        let t = std::time::Instant::now();
        let r = verify_support::verify_rule(&p, rule, std::time::Duration::from_secs(60));
        println!("{rule} ({:?}):\n{}", t.elapsed(), verify_support::describe(&r));
    }
}
