//! cvc5 as a second solver for queries with float or Int terms (run beside
//! Z3, see `super::race`).
//!
//! Z3 4.8.12 bit-blasts floating-point multiplication and conversions
//! eagerly and times out on e.g. `fmul (fneg x) (fneg y) = fmul x y` at 64
//! bits; cvc5 1.0.3 (Debian's `cvc5` package) decides those queries in
//! under 5 s. The query goes over as the SMT-LIB text Z3 prints for the very
//! same solver, so both decide the same formula.
//!
//! For a correctness query only an `unsat` answer is used (it makes the
//! query verified); `sat` carries no model back here, so it becomes
//! `unknown`, never a counterexample and never "verified". For the vacuity
//! check (left side and right-side assumptions satisfiable together) both
//! answers are used. SAFFRON_CVC5 names the binary
//! (default `cvc5` on PATH); SAFFRON_CVC5=off disables the fallback.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// cvc5's answer to one query.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    Unsat,
    Sat,
    /// Unknown, timeout, a crash or an unreadable answer (in its words).
    Other(String),
}

/// The cvc5 binary, if one answers `--version`.
fn binary() -> Option<&'static str> {
    static BIN: OnceLock<Option<String>> = OnceLock::new();
    BIN.get_or_init(|| {
        let bin = std::env::var("SAFFRON_CVC5").unwrap_or_else(|_| "cvc5".into());
        if bin == "off" {
            return None;
        }
        let ok = Command::new(&bin)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(bin)
    })
    .as_deref()
}

/// The first line of `cvc5 --version`, if cvc5 is used.
pub fn version() -> Option<&'static str> {
    static VERSION: OnceLock<Option<String>> = OnceLock::new();
    VERSION
        .get_or_init(|| {
            let out = Command::new(binary()?).arg("--version").stderr(Stdio::null()).output().ok()?;
            String::from_utf8_lossy(&out.stdout).lines().next().map(|l| l.trim().to_string())
        })
        .as_deref()
}

pub fn available() -> bool {
    binary().is_some()
}

/// Runs cvc5 on `smt2` (a complete script ending in `(check-sat)`): for
/// certificates; the verifier itself runs cvc5 beside Z3 (see `super::race`).
pub fn check(smt2: &str, timeout: Duration) -> Answer {
    check_with(smt2, timeout, &[])
}

/// [`check`] with further cvc5 options (another encoding, say).
pub fn check_with(smt2: &str, timeout: Duration, options: &[&str]) -> Answer {
    let mut child = match spawn_with(timeout, options) {
        Ok(c) => c,
        Err(a) => return a,
    };
    let (stdin, stdout) = (child.stdin.take(), child.stdout.take());
    let answer = converse(stdin, stdout, smt2);
    let _ = child.wait();
    answer
}

/// A cvc5 process with piped stdin and stdout, limited to `timeout`.
pub fn spawn(timeout: Duration) -> Result<Child, Answer> {
    spawn_with(timeout, &[])
}

fn spawn_with(timeout: Duration, options: &[&str]) -> Result<Child, Answer> {
    let Some(bin) = binary() else { return Err(Answer::Other("cvc5 not available".into())) };
    let ms = timeout.as_millis().max(1);
    Command::new(bin)
        .args(["--lang=smt2", &format!("--tlimit={ms}")])
        .args(options)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Answer::Other(format!("cvc5 did not start: {e}")))
}

/// Sends `smt2` to a spawned cvc5 and reads its answer (until it exits or
/// is killed).
pub fn converse(stdin: Option<ChildStdin>, stdout: Option<ChildStdout>, smt2: &str) -> Answer {
    if let Some(mut stdin) = stdin {
        // Every theory: the text may mix bitvectors, floats and integers.
        let _ = stdin.write_all(b"(set-logic ALL)\n");
        let _ = stdin.write_all(smt2.as_bytes());
    }
    let mut text = String::new();
    if let Some(mut out) = stdout {
        if let Err(e) = out.read_to_string(&mut text) {
            return Answer::Other(format!("cvc5: {e}"));
        }
    }
    // The answer to the script's only (check-sat) is its last line.
    match text.lines().map(str::trim).filter(|l| !l.is_empty()).last() {
        Some("unsat") => Answer::Unsat,
        Some("sat") => Answer::Sat,
        Some(other) => Answer::Other(format!("cvc5: {other}")),
        None => Answer::Other("cvc5 gave no answer (time limit?)".into()),
    }
}

/// `text` with Z3's spelling of SMT-LIB functions cvc5 names differently.
pub fn portable(text: &str) -> String {
    // Whole tokens only: `bv2int` inside a symbol name must stay.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("bv2int") {
        let before_ok = rest[..at].chars().last().is_none_or(|c| c == '(' || c.is_whitespace());
        let after = &rest[at + "bv2int".len()..];
        let after_ok = after.chars().next().is_none_or(|c| c == ')' || c.is_whitespace());
        out.push_str(&rest[..at]);
        out.push_str(if before_ok && after_ok { "bv2nat" } else { "bv2int" });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_and_errors_are_never_unsat() {
        if !available() {
            eprintln!("cvc5 not installed: skipped");
            return;
        }
        let t = Duration::from_secs(10);
        let decl = "(declare-fun x () (_ BitVec 8))\n";
        assert_eq!(check(&format!("{decl}(assert (bvult x x))\n(check-sat)\n"), t), Answer::Unsat);
        assert_eq!(check(&format!("{decl}(assert (bvult x #x05))\n(check-sat)\n"), t), Answer::Sat);
        // An ill-formed script must not read as an answer.
        assert!(matches!(check(&format!("{decl}(assert (bvult x))\n(check-sat)\n"), t), Answer::Other(_)));
    }
}
