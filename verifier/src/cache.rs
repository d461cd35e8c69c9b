//! The incremental cache of solver verdicts, so that an unchanged rule is
//! never solved twice.
//!
//! An entry is keyed by a hash of what decides the answer and nothing else:
//! the query's content (variables, expressions, conditions, the type
//! instance; no spans and no rule names, so moving a rule or editing the
//! file around it keeps its entries), the versions of Z3 and cvc5, Saffron's
//! version and a hash of the verifier's own sources (a changed encoder must
//! not reuse old verdicts). Only answers that do not depend on the time
//! budget are stored: verified, inapplicable and vacuous. Counterexamples
//! are solved again so their model is always fresh; timeouts and unknowns
//! get another chance.
//!
//! Entries are written atomically (temporary file, then rename). An entry
//! that does not parse, or names another key, is ignored and re-solved.

use crate::ir::Query;
use crate::solve::{self, Outcome};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A SHA-256 content hash (of a query, or of a cache key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl Hash {
    pub fn of(bytes: &[u8]) -> Hash {
        Hash(Sha256::digest(bytes).into())
    }
}

/// The hash of a query's content: what the solver is asked, without where
/// it comes from (spans, rule and chain names are display only).
pub fn query_hash(q: &Query) -> Hash {
    let mut v = serde_json::to_value(q).expect("queries serialise");
    if let Some(top) = v.as_object_mut() {
        top.remove("rule");
        top.remove("chain");
    }
    strip_spans(&mut v);
    Hash::of(v.to_string().as_bytes())
}

fn strip_spans(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove("span");
            m.values_mut().for_each(strip_spans);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip_spans),
        _ => {}
    }
}

/// Everything besides the query that can change an answer.
fn environment() -> &'static str {
    static ENV: OnceLock<String> = OnceLock::new();
    ENV.get_or_init(|| {
        format!(
            "saffron {} sources {}; z3 {}; cvc5 {}",
            env!("CARGO_PKG_VERSION"),
            env!("SAFFRON_VERIFIER_SOURCE_HASH"),
            z3::full_version(),
            solve::cvc5_version().unwrap_or("off"),
        )
    })
}

/// A verdict worth keeping: one that no time budget can change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Verified,
    Inapplicable,
    /// Correctness unsat, but the right side's assumptions contradict the left.
    Vacuous,
}

impl Verdict {
    pub fn of(o: &Outcome) -> Option<Verdict> {
        match o {
            Outcome::Verified => Some(Verdict::Verified),
            Outcome::Inapplicable => Some(Verdict::Inapplicable),
            Outcome::Unknown(r) if r == solve::VACUOUS => Some(Verdict::Vacuous),
            _ => None,
        }
    }

    pub fn outcome(self) -> Outcome {
        match self {
            Verdict::Verified => Outcome::Verified,
            Verdict::Inapplicable => Outcome::Inapplicable,
            Verdict::Vacuous => Outcome::Unknown(solve::VACUOUS.into()),
        }
    }
}

/// One file of the cache.
#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    verdict: Verdict,
}

/// A cache directory.
#[derive(Clone, Debug)]
pub struct Cache {
    dir: PathBuf,
}

/// Where the cache lives unless told otherwise: `$SAFFRON_CACHE_DIR`, else
/// the user's cache directory (`$XDG_CACHE_HOME/saffron/verify`, else
/// `~/.cache/saffron/verify`), else `target/saffron-cache`.
pub fn default_dir() -> PathBuf {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(d) = var("SAFFRON_CACHE_DIR") {
        return d;
    }
    if let Some(d) = var("XDG_CACHE_HOME") {
        return d.join("saffron").join("verify");
    }
    if let Some(h) = var("HOME") {
        return h.join(".cache").join("saffron").join("verify");
    }
    PathBuf::from("target").join("saffron-cache")
}

impl Cache {
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of query hash `q` in this environment.
    pub fn key(q: Hash) -> Hash {
        Hash::of(format!("{}\n{q}", environment()).as_bytes())
    }

    fn path(&self, key: Hash) -> PathBuf {
        let k = key.to_string();
        self.dir.join(&k[..2]).join(format!("{k}.json"))
    }

    /// The stored verdict for `key`; a missing, unreadable, corrupt or
    /// mislabelled entry is `None` (the query is solved again).
    pub fn get(&self, key: Hash) -> Option<Verdict> {
        let text = std::fs::read_to_string(self.path(key)).ok()?;
        let e: Entry = serde_json::from_str(&text).ok()?;
        (e.key == key.to_string()).then_some(e.verdict)
    }

    /// Stores `verdict` for `key`. A cache that cannot be written only costs
    /// time, so the error is returned for the caller to warn about once.
    pub fn put(&self, key: Hash, verdict: Verdict) -> std::io::Result<()> {
        let path = self.path(key);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let text = serde_json::to_string(&Entry { key: key.to_string(), verdict }).expect("entries serialise");
        crate::report::write_atomically(&path, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_corrupt_ones_are_ignored() {
        let d = tempfile::tempdir().unwrap();
        let c = Cache::new(d.path());
        let k = Cache::key(Hash::of(b"some query"));
        assert_eq!(c.get(k), None);
        c.put(k, Verdict::Verified).unwrap();
        assert_eq!(c.get(k), Some(Verdict::Verified));
        // Truncated.
        let text = std::fs::read_to_string(c.path(k)).unwrap();
        std::fs::write(c.path(k), &text[..text.len() / 2]).unwrap();
        assert_eq!(c.get(k), None);
        // Well-formed, but another key's entry copied over this one.
        let other = Cache::key(Hash::of(b"another query"));
        c.put(other, Verdict::Inapplicable).unwrap();
        std::fs::copy(c.path(other), c.path(k)).unwrap();
        assert_eq!(c.get(k), None);
        // An unknown verdict word.
        std::fs::write(c.path(k), format!("{{\"key\":\"{k}\",\"verdict\":\"maybe\"}}")).unwrap();
        assert_eq!(c.get(k), None);
        c.put(k, Verdict::Vacuous).unwrap();
        assert_eq!(c.get(k), Some(Verdict::Vacuous));
    }

    #[test]
    fn keys_depend_on_the_query_only() {
        assert_eq!(Cache::key(Hash::of(b"a")), Cache::key(Hash::of(b"a")));
        assert_ne!(Cache::key(Hash::of(b"a")), Cache::key(Hash::of(b"b")));
    }
}
