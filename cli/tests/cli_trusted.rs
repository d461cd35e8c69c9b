//! `saffron verify` for CI: the verdict cache, shards and `saffron merge`,
//! and counterexample reports short enough to read at a glance.

mod cli_support;
use cli_support::{saffron, stderr, stdout};
use serde_json::Value;

fn repo(path: &str) -> String {
    format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(out), stderr(out)))
}

fn outcomes(v: &Value) -> Vec<(String, String, String)> {
    let mut o: Vec<_> = v["instantiations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["span"].to_string(), i["types"].to_string(), i["outcome"].to_string()))
        .collect();
    o.sort();
    o
}

#[test]
fn second_run_comes_from_the_cache_and_corrupt_entries_are_solved_again() {
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().to_string_lossy().into_owned();
    let file = repo("verifier/tests/filetests/verified/chain_double.isle");
    let run = || saffron(&["verify", &file, "--json", "--cache-dir", &dir]);
    let cold = json(&run());
    let verified = cold["summary"]["verified"].as_u64().unwrap();
    assert!(verified > 0);
    assert_eq!(cold["summary"]["cached"], 0);
    let warm = json(&run());
    assert_eq!(warm["summary"]["cached"].as_u64(), Some(verified), "{warm}");
    assert_eq!(warm["summary"]["solved"], 0);
    assert_eq!(outcomes(&cold), outcomes(&warm));
    // Truncate every entry: none may be trusted, all are solved again.
    let mut entries = 0;
    for sub in std::fs::read_dir(cache.path()).unwrap().flatten() {
        for e in std::fs::read_dir(sub.path()).unwrap().flatten() {
            std::fs::write(e.path(), "{\"key\":").unwrap();
            entries += 1;
        }
    }
    assert!(entries > 0);
    let again = json(&run());
    assert_eq!(again["summary"]["cached"], 0, "{again}");
    assert_eq!(outcomes(&cold), outcomes(&again));
    // --no-cache neither reads nor writes.
    let off = json(&saffron(&["verify", &file, "--json", "--cache-dir", &dir, "--no-cache"]));
    assert_eq!(off["summary"]["cached"], 0);
}

#[test]
fn bad_shards_are_refused() {
    let file = repo("verifier/tests/filetests/verified/chain_double.isle");
    for bad in ["0/3", "4/3", "1/0", "x"] {
        let out = saffron(&["verify", &file, "--shard", bad, "--no-cache"]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
        assert!(stderr(&out).contains("K/N"), "{}", stderr(&out));
    }
}

#[test]
fn shards_are_disjoint_and_merge_into_the_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let file = repo("verifier/tests/filetests/counterexample/concat_halves_swapped.isle");
    let whole = saffron(&["verify", &file, "--json", "--no-cache"]);
    let mut paths = Vec::new();
    let mut parts = Vec::new();
    for k in 1..=3 {
        let out = saffron(&["verify", &file, "--json", "--no-cache", "--shard", &format!("{k}/3")]);
        let path = tmp.path().join(format!("{k}.json"));
        std::fs::write(&path, &out.stdout).unwrap();
        paths.push(path.to_string_lossy().into_owned());
        parts.extend(outcomes(&json(&out)));
    }
    parts.sort();
    let whole_outcomes = outcomes(&json(&whole));
    assert_eq!(parts, whole_outcomes, "disjoint and complete");
    let ledger = tmp.path().join("ledger.json");
    let mut args = vec!["merge", "--ledger", ledger.to_str().unwrap()];
    args.extend(paths.iter().map(String::as_str));
    let merged = saffron(&args);
    assert_eq!(merged.status.code(), whole.status.code(), "{}", stderr(&merged));
    assert_eq!(outcomes(&json(&merged)), whole_outcomes);
    assert!(std::fs::read_to_string(&ledger).unwrap().contains("\"outcome\""));
    // A missing shard is an error, not a smaller whole.
    let out = saffron(&["merge", &paths[0], &paths[1]]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let not_json = tmp.path().join("bad.json");
    std::fs::write(&not_json, "(check-sat)").unwrap();
    assert_eq!(saffron(&["merge", not_json.to_str().unwrap()]).status.code(), Some(2));
}

#[test]
fn narrow_sdiv_counterexamples_are_short_and_name_the_inputs() {
    let bug = repo("isle-rules/bugs/sdiv_narrow_intmin.isle");
    let out = saffron(&["verify", "--unit", "aarch64", "--extra", &bug, "--rule", "bug_sdiv_narrow_intmin", "--no-cache"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out) + &stderr(&out);
    assert!(text.lines().count() <= 150, "{text}");
    assert!(!text.contains("/.cargo/registry") && !text.contains(env!("CARGO_MANIFEST_DIR")), "{text}");
    // One block per reported instance: its unindented header, then its
    // indented lines.
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let report = stdout(&out);
    for line in report.lines() {
        if line.starts_with(' ') {
            if let Some(b) = blocks.last_mut() {
                b.push(line);
            }
        } else {
            blocks.push(vec![line]);
        }
    }
    let counterexamples: Vec<String> =
        blocks.iter().filter(|b| b[0].contains(": counterexample")).map(|b| b.join("\n")).collect();
    assert!(counterexamples.len() >= 2, "{text}");
    for cx in &counterexamples {
        let lines = cx.lines().count();
        assert!(lines <= 30, "{lines} lines:\n{cx}");
        assert!(cx.contains("x = #x80 (128 or -128)") || cx.contains("x = #x8000 (32768 or -32768)"), "{cx}");
        assert!(cx.contains("y = #xff (255 or -1)") || cx.contains("y = #xffff (65535 or -1)"), "{cx}");
        assert!(
            cx.contains("differs: CLIF traps, the aarch64 code does not trap (clif_trap = true  vs  exec_trap = false)"),
            "{cx}"
        );
    }
}
