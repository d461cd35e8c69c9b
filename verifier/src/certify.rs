//! Certificates: every "verified" re-checked by both solvers from the
//! exported SMT-LIB text of its correctness query.
//!
//! Example: `saffron verify --unit opt --certify --certificates certs/`
//! verifies as usual, then writes each verified instance's correctness
//! query (`lhs ∧ assumptions ∧ ¬obligations`, the formula whose `unsat`
//! made it verified) to `certs/<sha256 of the text>.smt2` and gives it to
//! Z3 (parsed back from the text, in a fresh solver) and to cvc5:
//!
//! ```text
//! certs/3f9a….smt2   ; opt/arithmetic.isle:21 [i32]  z3 unsat, cvc5 unsat -> cross-checked
//! ```
//!
//! Both `unsat`: **cross-checked**. Either `sat`: a **disagreement** — the
//! instance is no longer `verified` (it becomes an `error` naming both
//! answers), because one of the two solvers, or the export, is wrong.
//! Anything else (a timeout, a parse error, cvc5 missing): **unconfirmed**,
//! with the reason; the verdict stands but is not counted as cross-checked.
//! `saffron recheck DIR` runs the same check on a directory offline, with the
//! built-in solvers or a user's own.
//!
//! Why the text and not the solver object: a certificate is only worth
//! something if another program can check it. Going through the text also
//! checks the export itself (a query that changes meaning when printed
//! would show up as a disagreement). Z3 prints `bv2int`, which cvc5 1.0.3
//! spells `bv2nat` ([`cvc5::portable`]); nothing else needs rewriting.
//!
//! What a certificate covers: the correctness query. The second half of
//! "verified" — the left side and the right side's assumptions are
//! satisfiable together (not vacuous) — is a `sat` answer with a model the
//! verifier has already checked by evaluating it, so it is not repeated.

use crate::cache::Hash;
use crate::solve::{cvc5, Method};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One solver's answer to a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "answer", content = "detail")]
pub enum Answer {
    Unsat,
    Sat,
    /// A timeout, a parse error, a missing solver: in its own words.
    Undecided(String),
}

impl Answer {
    fn word(&self) -> String {
        match self {
            Answer::Unsat => "unsat".into(),
            Answer::Sat => "sat".into(),
            Answer::Undecided(why) => format!("undecided ({why})"),
        }
    }
}

impl From<cvc5::Answer> for Answer {
    fn from(a: cvc5::Answer) -> Answer {
        match a {
            cvc5::Answer::Unsat => Answer::Unsat,
            cvc5::Answer::Sat => Answer::Sat,
            cvc5::Answer::Other(why) => Answer::Undecided(why),
        }
    }
}

/// What the two answers together say about a verified instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Both solvers answered unsat.
    CrossChecked,
    /// A solver answered sat: the instance is not verified.
    Disagreement,
    /// At least one solver did not decide; no solver said sat.
    Unconfirmed,
}

/// The certificate of one verified instance.
#[derive(Clone, Debug, Serialize)]
pub struct Certificate {
    /// The instance's query hash (as in the cache and the JSON).
    pub query_hash: String,
    /// SHA-256 of the exported SMT-LIB text (the file name, when written).
    pub text_hash: String,
    /// The solver whose unsat this certificate leads with, and the other one.
    pub proved_by: &'static str,
    pub rechecked_by: &'static str,
    /// Which query the text is: the full one, or its sound abstraction of
    /// float arithmetic (whose unsat implies the full query's).
    pub query: Method,
    pub z3: Answer,
    pub cvc5: Answer,
    pub status: Status,
}

impl Certificate {
    /// The verdict of the two answers on `text`, identified by `query_hash`.
    pub fn judge(query_hash: String, query: Method, text: &str, z3: Answer, cvc5: Answer) -> Certificate {
        let status = match (&z3, &cvc5) {
            (Answer::Unsat, Answer::Unsat) => Status::CrossChecked,
            (Answer::Sat, _) | (_, Answer::Sat) => Status::Disagreement,
            _ => Status::Unconfirmed,
        };
        // Z3 leads unless only cvc5 proved it.
        let (proved_by, rechecked_by) =
            if z3 != Answer::Unsat && cvc5 == Answer::Unsat { ("cvc5", "z3") } else { ("z3", "cvc5") };
        let text_hash = Hash::of(text.as_bytes()).to_string();
        Certificate { query_hash, text_hash, proved_by, rechecked_by, query, z3, cvc5, status }
    }

    /// One line for reports: both answers and the status.
    pub fn describe(&self) -> String {
        format!("z3 {}, cvc5 {}", self.z3.word(), self.cvc5.word())
    }
}

/// Options of `--certify`.
#[derive(Clone, Debug)]
pub struct CertifyOptions {
    /// Budget for each solver on each certificate.
    pub timeout: Duration,
    /// Where to write the certificates (`<text hash>.smt2`), if anywhere.
    pub dir: Option<PathBuf>,
}

/// Z3 on `text`, parsed into a fresh solver of this thread's context.
pub fn check_z3(text: &str, timeout: Duration) -> Answer {
    if text.contains('\0') {
        return Answer::Undecided("the text contains a NUL byte".into());
    }
    let solver = z3::Solver::new();
    let mut p = z3::Params::new();
    p.set_u32("timeout", timeout.as_millis().clamp(1, u32::MAX as u128) as u32);
    solver.set_params(&p);
    solver.from_string(text);
    if let Some(e) = z3_error() {
        return Answer::Undecided(format!("z3 cannot read the text: {e}"));
    }
    match solver.check() {
        z3::SatResult::Unsat => Answer::Unsat,
        z3::SatResult::Sat => Answer::Sat,
        z3::SatResult::Unknown => {
            Answer::Undecided(solver.get_reason_unknown().unwrap_or_else(|| "no reason given".into()))
        }
    }
}

/// The error the last Z3 call left on this thread's context, if any. (The
/// z3 crate installs no error handler, so a parse error only sets a code.)
fn z3_error() -> Option<String> {
    let ctx = z3::Context::thread_local();
    let raw = ctx.get_z3_context();
    // SAFETY: `raw` is this thread's live context; the message is a static
    // string owned by Z3.
    unsafe {
        let code = z3_sys::Z3_get_error_code(raw);
        if code == z3_sys::ErrorCode::Ok {
            return None;
        }
        let msg = z3_sys::Z3_get_error_msg(raw, code);
        let msg = if msg.is_null() { "unknown error".into() } else { std::ffi::CStr::from_ptr(msg).to_string_lossy().into_owned() };
        Some(msg)
    }
}

/// cvc5 on `text` (its spelling, see [`cvc5::portable`]). Bit-blasting cannot
/// decide some small multiplier identities in minutes (`(a * b) mod 2^16`
/// through 64-bit products, which Z3's rewriter settles at once); when the
/// default configuration gives no answer, cvc5 tries again with its
/// translation of bitvectors to integer arithmetic (`--solve-bv-as-int=sum`,
/// an equivalent encoding: an `unsat` there is an `unsat` of the same text).
pub fn check_cvc5(text: &str, timeout: Duration) -> Answer {
    let text = cvc5::portable(text);
    match cvc5::check(&text, timeout) {
        cvc5::Answer::Other(first) => match cvc5::check_with(&text, timeout, &["--solve-bv-as-int=sum"]) {
            cvc5::Answer::Other(_) => Answer::Undecided(first),
            decided => decided.into(),
        },
        decided => decided.into(),
    }
}

/// Both solvers on `text` (a `query` kind of query), judged.
pub fn certify_text(query_hash: String, query: Method, text: &str, timeout: Duration) -> Certificate {
    let z3 = check_z3(text, timeout);
    let cvc5 = check_cvc5(text, timeout);
    Certificate::judge(query_hash, query, text, z3, cvc5)
}

/// The certificate of an instance from its candidate texts, cheapest first
/// and the full query last: the first one both solvers prove. A `sat` on an
/// abstraction says nothing (its models need not be real), so only the
/// full query's answers can make a disagreement. Returns the text used too.
pub fn certify_candidates(query_hash: &str, texts: Vec<(Method, String)>, timeout: Duration) -> Option<(Certificate, String)> {
    let mut last = None;
    for (query, text) in texts {
        let c = certify_text(query_hash.to_string(), query, &text, timeout);
        if c.status == Status::CrossChecked || query == Method::Full {
            return Some((c, text));
        }
        last = Some((c, text));
    }
    // Only abstractions, none proved by both: unconfirmed, never a disagreement.
    last.map(|(mut c, t)| {
        c.status = Status::Unconfirmed;
        (c, t)
    })
}

/// The first lines of a written certificate: what it is and what it claims.
pub fn header(rule: &str, span: &str, types: &str, query_hash: &str) -> String {
    format!(
        "; saffron certificate: expected answer unsat\n; rule {rule} at {span} [{types}]\n; query {query_hash}\n"
    )
}

/// Writes `header` + `text` to `dir/<text hash>.smt2` atomically.
pub fn write(dir: &Path, header: &str, text: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{}.smt2", Hash::of(text.as_bytes())));
    crate::report::write_atomically(&path, &format!("{header}{text}"))?;
    Ok(path)
}

/// What a certificate file claims, read back from its header.
pub fn expected_answer(file_text: &str) -> Option<&'static str> {
    file_text.lines().next().and_then(|l| l.strip_prefix("; saffron certificate: expected answer ")).map(|a| match a.trim() {
        "unsat" => "unsat",
        _ => "other",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNSAT: &str = "(declare-fun x () (_ BitVec 8))\n(assert (bvult x x))\n(check-sat)\n";
    const SAT: &str = "(declare-fun x () (_ BitVec 8))\n(assert (bvult x #x05))\n(check-sat)\n";

    #[test]
    fn bv2int_becomes_bv2nat_only_as_a_token() {
        assert_eq!(cvc5::portable("(= (bv2int x) 3)"), "(= (bv2nat x) 3)");
        assert_eq!(cvc5::portable("(declare-fun my_bv2int_x () Int)"), "(declare-fun my_bv2int_x () Int)");
    }

    #[test]
    fn z3_reads_text_and_rejects_garbage() {
        assert_eq!(check_z3(UNSAT, Duration::from_secs(5)), Answer::Unsat);
        assert_eq!(check_z3(SAT, Duration::from_secs(5)), Answer::Sat);
        assert!(matches!(check_z3("(assert (bvult x", Duration::from_secs(5)), Answer::Undecided(_)));
        assert!(matches!(check_z3("not smt-lib at all", Duration::from_secs(5)), Answer::Undecided(_)));
        // The context stays usable after a parse error.
        assert_eq!(check_z3(UNSAT, Duration::from_secs(5)), Answer::Unsat);
    }

    #[test]
    fn a_sat_answer_is_a_disagreement_and_undecided_is_unconfirmed() {
        let c = Certificate::judge("q".into(), Method::Full, UNSAT, Answer::Unsat, Answer::Sat);
        assert_eq!(c.status, Status::Disagreement);
        let c = Certificate::judge("q".into(), Method::Full, UNSAT, Answer::Undecided("timeout".into()), Answer::Unsat);
        assert_eq!((c.status, c.proved_by, c.rechecked_by), (Status::Unconfirmed, "cvc5", "z3"));
        let c = Certificate::judge("q".into(), Method::Full, UNSAT, Answer::Unsat, Answer::Unsat);
        assert_eq!(c.status, Status::CrossChecked);
    }

    #[test]
    fn both_solvers_on_text() {
        if !cvc5::available() {
            eprintln!("cvc5 not installed: only z3 checked");
            return;
        }
        assert_eq!(certify_text("q".into(), Method::Full, UNSAT, Duration::from_secs(5)).status, Status::CrossChecked);
        assert_eq!(certify_text("q".into(), Method::Full, SAT, Duration::from_secs(5)).status, Status::Disagreement);
    }

    #[test]
    fn written_certificates_say_what_they_claim() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), &header("r", "a.isle:1", "i8", "q"), UNSAT).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(expected_answer(&text), Some("unsat"));
        assert_eq!(check_z3(&text, Duration::from_secs(5)), Answer::Unsat);
    }
}
