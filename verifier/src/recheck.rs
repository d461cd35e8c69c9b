//! `saffron recheck DIR`: the certificates `verify --certify --certificates
//! DIR` wrote, solved again offline — by Z3 and cvc5, or by a solver of the
//! user's choice — and compared with the answer each one claims.
//!
//! Example: `saffron recheck certs/ --solver "bitwuzla"` runs
//! `bitwuzla certs/<hash>.smt2` for every file and expects `unsat` as the
//! last line of its output. A `sat` is a disagreement (exit 1); a file that
//! is not a Saffron certificate, or that a solver cannot read, is reported
//! with its path (exit 2 when nothing else went wrong).

use crate::certify::{self, Answer};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Who re-solves the certificates.
#[derive(Clone, Debug)]
pub enum Rechecker {
    /// Z3 (linked in) and cvc5 (on PATH), both.
    BuiltIn,
    /// `program args… FILE`; the last non-empty line of its stdout is the answer.
    Command(Vec<String>),
}

/// The outcome for one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileVerdict {
    /// Every solver answered unsat, as claimed.
    Confirmed,
    /// A solver answered sat.
    Disagreement,
    /// A solver did not decide (timeout, error); none said sat.
    Unconfirmed,
    /// Not a Saffron certificate (no header claiming an answer).
    NotACertificate,
}

#[derive(Clone, Debug, Serialize)]
pub struct FileResult {
    pub path: PathBuf,
    pub verdict: FileVerdict,
    /// Each solver's answer, by name.
    pub answers: Vec<(String, Answer)>,
}

#[derive(Debug, thiserror::Error)]
pub enum RecheckError {
    #[error("cannot read {path}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{0}: no certificates (*.smt2) in this directory")]
    Empty(PathBuf),
}

/// Re-solves every `*.smt2` in `dir` (sorted by name, so runs compare).
pub fn recheck_dir(dir: &Path, who: &Rechecker, timeout: Duration) -> Result<Vec<FileResult>, RecheckError> {
    let read = |path: &Path, e| RecheckError::Read { path: path.to_path_buf(), source: e };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| read(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "smt2"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(RecheckError::Empty(dir.to_path_buf()));
    }
    files.into_iter().map(|path| {
        let text = std::fs::read_to_string(&path).map_err(|e| read(&path, e))?;
        Ok(recheck_file(path, &text, who, timeout))
    }).collect()
}

fn recheck_file(path: PathBuf, text: &str, who: &Rechecker, timeout: Duration) -> FileResult {
    if certify::expected_answer(text) != Some("unsat") {
        return FileResult { path, verdict: FileVerdict::NotACertificate, answers: vec![] };
    }
    let answers = match who {
        Rechecker::BuiltIn => vec![
            ("z3".to_string(), certify::check_z3(text, timeout)),
            ("cvc5".to_string(), certify::check_cvc5(text, timeout)),
        ],
        Rechecker::Command(argv) => vec![(argv.join(" "), run_command(argv, &path))],
    };
    let verdict = if answers.iter().any(|(_, a)| *a == Answer::Sat) {
        FileVerdict::Disagreement
    } else if answers.iter().all(|(_, a)| *a == Answer::Unsat) {
        FileVerdict::Confirmed
    } else {
        FileVerdict::Unconfirmed
    };
    FileResult { path, verdict, answers }
}

/// Runs a user's solver on one file. (Its own time limit is the user's to
/// set in the command line: the tool is not ours to kill politely.)
fn run_command(argv: &[String], file: &Path) -> Answer {
    let Some((program, args)) = argv.split_first() else { return Answer::Undecided("empty solver command".into()) };
    match Command::new(program).args(args).arg(file).output() {
        Err(e) => Answer::Undecided(format!("cannot run `{program}`: {e}")),
        Ok(out) => {
            let stdout = String::from_utf8_lossy(&out.stdout);
            match stdout.lines().map(str::trim).filter(|l| !l.is_empty()).last() {
                Some("unsat") => Answer::Unsat,
                Some("sat") => Answer::Sat,
                Some(other) => Answer::Undecided(other.to_string()),
                None => Answer::Undecided(format!("no answer (exit status {})", out.status)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirms_claims_and_rejects_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let unsat = "(declare-fun x () (_ BitVec 8))\n(assert (bvult x x))\n(check-sat)\n";
        let sat = "(declare-fun x () (_ BitVec 8))\n(assert (bvult x #x05))\n(check-sat)\n";
        certify::write(dir.path(), &certify::header("good", "a.isle:1", "i8", "q1"), unsat).unwrap();
        certify::write(dir.path(), &certify::header("bad", "a.isle:2", "i8", "q2"), sat).unwrap();
        std::fs::write(dir.path().join("zz-stray.smt2"), "(check-sat)\n").unwrap();
        // z3 alone (through a command would need a binary): the built-in pair.
        let results = recheck_dir(dir.path(), &Rechecker::BuiltIn, Duration::from_secs(5)).unwrap();
        let verdicts: Vec<_> = results.iter().map(|r| r.verdict.clone()).collect();
        assert!(verdicts.contains(&FileVerdict::Disagreement), "{results:?}");
        assert!(verdicts.contains(&FileVerdict::NotACertificate), "{results:?}");
        let good = results.iter().find(|r| r.answers.first().is_some_and(|(_, a)| *a == Answer::Unsat)).unwrap();
        assert_ne!(good.verdict, FileVerdict::Disagreement);
        assert!(matches!(recheck_dir(&dir.path().join("missing"), &Rechecker::BuiltIn, Duration::from_secs(1)), Err(RecheckError::Read { .. })));
    }
}
