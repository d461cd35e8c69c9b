//! Results of a verification run: the text report, JSON, SARIF 2.1.0 and
//! the deterministic ledger (JSON without timings, for `proofs/`).

mod atomic;
mod formats;
mod instance;
mod text;

pub use atomic::write_atomically;
pub use formats::{json, ledger, ledger_of_json, sarif};
pub use instance::{InstanceResult, Source, Summary, UnitReport};
pub use text::{text, MAX_LINES};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::Outcome;
    use crate::span::Span;

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
