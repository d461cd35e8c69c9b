//! Tests as data: every ISLE program under `tests/filetests/<outcome>/` goes
//! through the verifier library in standalone mode (load → expand →
//! instantiate → solve → replay) and every type instance's outcome must agree
//! with the folder it lives in:
//!
//! - `verified/`: every instance of every rule is verified;
//! - `counterexample/`: at least one instance is a counterexample whose replay
//!   confirms it, and no instance errors out;
//! - `inapplicable/`: every instance is inapplicable;
//! - `unsupported/`: every instance is reported unsupported;
//! - `vacuous/`: every instance is `unknown` because the right side's
//!   assumptions contradict the left side (never "verified").
//!
//! A file may pin down single rules further with header lines
//! `;; expect-rule <rule> <verified|counterexample|inapplicable|unsupported>`:
//! every instance of that rule must then have that outcome.
//!
//! A table of all outcomes is printed (run with `--nocapture` to see it even
//! when everything passes).

use std::path::{Path, PathBuf};
use std::time::Duration;

use saffron_verifier::expand::ExpandOptions;
use saffron_verifier::load::{load, LoadOptions};
use saffron_verifier::pipeline::{verify_program, VerifyOptions};
use saffron_verifier::replay::ReplayStatus;
use saffron_verifier::report::InstanceResult;
use saffron_verifier::solve::{OutcomeKind, SolveOptions};

/// Per-query solver budget; the filetests are small, so this is generous.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The root term every filetest defines its rules on.
const ROOT: &str = "test";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expected {
    Verified,
    Counterexample,
    Inapplicable,
    Unsupported,
    Vacuous,
}

impl Expected {
    fn folder(self) -> &'static str {
        match self {
            Expected::Verified => "verified",
            Expected::Counterexample => "counterexample",
            Expected::Inapplicable => "inapplicable",
            Expected::Unsupported => "unsupported",
            Expected::Vacuous => "vacuous",
        }
    }
}

/// What the verifier said about one type instance.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Observed {
    Verified,
    /// `replayed`: concrete re-evaluation of the model confirmed the failure.
    Counterexample { replayed: bool, detail: String },
    Inapplicable,
    Timeout,
    Unknown(String),
    Unsupported(String),
    /// Not modelled, in an expansion that carries a scope tag (see `OutcomeKind::OutOfScope`).
    OutOfScope(String),
    Error(String),
}

impl Observed {
    fn word(&self) -> String {
        match self {
            Observed::Verified => "verified".into(),
            Observed::Counterexample { replayed: true, detail } => format!("counterexample (replayed) {detail}"),
            Observed::Counterexample { replayed: false, detail } => format!("counterexample (NOT replayed) {detail}"),
            Observed::Inapplicable => "inapplicable".into(),
            Observed::Timeout => "timeout".into(),
            Observed::Unknown(r) => format!("unknown: {r}"),
            Observed::Unsupported(r) => format!("unsupported: {r}"),
            Observed::OutOfScope(r) => format!("out of scope: {r}"),
            Observed::Error(m) => format!("error: {m}"),
        }
    }
}

struct Row {
    file: String,
    rule: String,
    types: String,
    observed: Observed,
}

fn filetests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/filetests")
}

fn files_in(expected: Expected) -> Vec<PathBuf> {
    let dir = filetests_dir().join(expected.folder());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.map(|e| e.expect("readable directory entry").path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "isle"));
    files.sort();
    files
}

/// Runs one filetest through the verifier's one driver
/// (`pipeline::verify_program`); a failure before instantiation becomes a
/// single row.
fn run_file(path: &Path) -> Vec<Row> {
    let file = format!(
        "{}/{}",
        path.parent().and_then(|p| p.file_name()).unwrap_or_default().to_string_lossy(),
        path.file_name().unwrap_or_default().to_string_lossy()
    );
    let whole_file = |observed: Observed| vec![Row { file: file.clone(), rule: "-".into(), types: "-".into(), observed }];
    let load_opts = LoadOptions { standalone_files: vec![path.to_path_buf()], ..LoadOptions::default() };
    let program = match load(&load_opts) {
        Ok(p) => p,
        Err(e) => return whole_file(Observed::Error(format!("load: {e}"))),
    };
    let opts = VerifyOptions {
        load: load_opts,
        expand: ExpandOptions { roots: vec![ROOT.to_string()], ..ExpandOptions::default() },
        solve: SolveOptions { timeout: TIMEOUT, ..SolveOptions::default() },
        ..VerifyOptions::default()
    };
    let report = match verify_program(&file, &program, &opts) {
        Ok(r) => r,
        Err(e) => return whole_file(Observed::Error(format!("{e}"))),
    };
    if report.expansions == 0 {
        return whole_file(Observed::Error("no expansion of the root term".into()));
    }
    report
        .instantiations
        .iter()
        .map(|r| {
            let rule = if r.chain.is_empty() { r.rule.clone() } else { format!("{} via {}", r.rule, r.chain.join(" > ")) };
            Row { file: file.clone(), rule, types: r.types.clone(), observed: observed(r) }
        })
        .collect()
}

/// The observation of one instance in the driver's report.
fn observed(r: &InstanceResult) -> Observed {
    let reason = || r.reason.clone().unwrap_or_default();
    match r.outcome {
        OutcomeKind::Verified => Observed::Verified,
        OutcomeKind::Counterexample => match &r.counterexample {
            Some(cx) => {
                let detail = cx.inputs.iter().map(|b| format!("{}={}", b.name, b.value)).collect::<Vec<_>>().join(" ");
                match &cx.replay {
                    ReplayStatus::Replayed => Observed::Counterexample { replayed: true, detail },
                    other => Observed::Counterexample { replayed: false, detail: format!("{detail} [{other:?}]") },
                }
            }
            None => Observed::Counterexample { replayed: false, detail: "no counterexample in the report".into() },
        },
        OutcomeKind::Inapplicable => Observed::Inapplicable,
        OutcomeKind::Timeout => Observed::Timeout,
        OutcomeKind::Unknown => Observed::Unknown(reason()),
        OutcomeKind::Unsupported => Observed::Unsupported(reason()),
        OutcomeKind::OutOfScope => Observed::OutOfScope(reason()),
        OutcomeKind::Error => Observed::Error(reason()),
    }
}

/// The `;; expect-rule <rule> <outcome>` lines of a filetest; an outcome
/// word that names no outcome is an error in the filetest.
fn rule_expectations(path: &Path) -> Vec<(String, OutcomeKind)> {
    let text = std::fs::read_to_string(path).expect("readable filetest");
    text.lines()
        .filter_map(|l| l.trim().strip_prefix(";; expect-rule "))
        .filter_map(|rest| {
            let mut words = rest.split_whitespace();
            let rule = words.next()?.to_string();
            let want = words.next()?.parse().unwrap_or_else(|e| panic!("{}: expect-rule {rule}: {e}", path.display()));
            Some((rule, want))
        })
        .collect()
}

/// The kind of an observation, without details.
fn kind(o: &Observed) -> OutcomeKind {
    match o {
        Observed::Verified => OutcomeKind::Verified,
        Observed::Counterexample { .. } => OutcomeKind::Counterexample,
        Observed::Inapplicable => OutcomeKind::Inapplicable,
        Observed::Timeout => OutcomeKind::Timeout,
        Observed::Unknown(_) => OutcomeKind::Unknown,
        Observed::Unsupported(_) => OutcomeKind::Unsupported,
        Observed::OutOfScope(_) => OutcomeKind::OutOfScope,
        Observed::Error(_) => OutcomeKind::Error,
    }
}

/// Why the rows of a file disagree with its `expect-rule` lines, if they do.
fn rule_disagreement(path: &Path, rows: &[Row]) -> Option<String> {
    let mut problems = Vec::new();
    for (rule, want) in rule_expectations(path) {
        let of_rule: Vec<&Row> = rows.iter().filter(|r| r.rule == rule || r.rule.starts_with(&format!("{rule} via "))).collect();
        if of_rule.is_empty() {
            problems.push(format!("rule {rule}: no instance"));
        }
        for r in of_rule {
            if kind(&r.observed) != want {
                problems.push(format!("rule {rule} @ {}: expected {want}, got {}", r.types, r.observed.word()));
            }
        }
    }
    (!problems.is_empty()).then(|| format!("{}: {}", rows[0].file, problems.join("; ")))
}

/// Why the rows of one file disagree with its folder, if they do.
fn disagreement(expected: Expected, rows: &[Row]) -> Option<String> {
    let all = |pred: &dyn Fn(&Observed) -> bool| rows.iter().all(|r| pred(&r.observed));
    let ok = match expected {
        Expected::Verified => all(&|o| *o == Observed::Verified),
        Expected::Inapplicable => all(&|o| *o == Observed::Inapplicable),
        Expected::Unsupported => all(&|o| matches!(o, Observed::Unsupported(_))),
        Expected::Vacuous => all(&|o| matches!(o, Observed::Unknown(r) if r.starts_with("vacuous"))),
        Expected::Counterexample => {
            let confirmed = rows.iter().any(|r| matches!(r.observed, Observed::Counterexample { replayed: true, .. }));
            // Other instances may legitimately verify or not apply, but the
            // verifier must not fail on any of them.
            let clean = all(&|o| {
                matches!(o, Observed::Verified | Observed::Inapplicable | Observed::Counterexample { .. })
            });
            confirmed && clean
        }
    };
    if ok {
        return None;
    }
    let got: Vec<String> = rows.iter().map(|r| format!("[{} @ {}] {}", r.rule, r.types, r.observed.word())).collect();
    Some(format!("{}: expected {}, got {}", rows[0].file, expected.folder(), got.join("; ")))
}

fn print_table(rows: &[Row]) {
    let w_file = rows.iter().map(|r| r.file.len()).max().unwrap_or(4).max(4);
    let w_rule = rows.iter().map(|r| r.rule.len()).max().unwrap_or(4).max(4);
    let w_types = rows.iter().map(|r| r.types.len()).max().unwrap_or(5).max(5);
    println!("{:w_file$}  {:w_rule$}  {:w_types$}  outcome", "file", "rule", "types");
    for r in rows {
        println!("{:w_file$}  {:w_rule$}  {:w_types$}  {}", r.file, r.rule, r.types, r.observed.word());
    }
}

#[test]
fn filetests_match_their_folders() {
    let kinds = [Expected::Verified, Expected::Counterexample, Expected::Inapplicable, Expected::Unsupported, Expected::Vacuous];
    let mut all_rows = Vec::new();
    let mut failures = Vec::new();
    let mut files_total = 0;
    for expected in kinds {
        for path in files_in(expected) {
            files_total += 1;
            let rows = run_file(&path);
            if let Some(why) = disagreement(expected, &rows) {
                failures.push(why);
            }
            if let Some(why) = rule_disagreement(&path, &rows) {
                failures.push(why);
            }
            all_rows.extend(rows);
        }
    }
    print_table(&all_rows);
    println!("{files_total} files, {} instances, {} file(s) disagree", all_rows.len(), failures.len());
    assert!(files_total >= 30, "expected at least 30 filetests, found {files_total}");
    assert!(failures.is_empty(), "{} filetest(s) disagree with their folder:\n{}", failures.len(), failures.join("\n"));
}
