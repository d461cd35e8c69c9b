//! The official test suite (`../shared/wasm-testsuite` from the repository root): `prove`
//! runs on every module that validates and instantiates on its own (spectest imports only),
//! never panics, and never calls `safe` a function the suite shows trapping (`assert_trap`
//! on an invoke of that module).

use saffron_prove::report::Verdict;
use saffron_prove::{prove_loaded, Options};
use saffron_semantics::script::{instantiate_with_spectest, load_module_binary};
use saffron_semantics::Store;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;
use wast::{QuoteWat, Wast, WastDirective, WastExecute, Wat};

#[derive(Default, Debug)]
struct Counts {
    modules: usize,
    not_standalone: usize,
    proved: usize,
    functions: [usize; 3],
    sites: [usize; 3],
    trapping_checked: usize,
    wrong_safe: Vec<String>,
    panics: Vec<String>,
}

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/wasm-testsuite")
}

fn index(v: Verdict) -> usize {
    match v {
        Verdict::Safe => 0,
        Verdict::MayTrap => 1,
        Verdict::Unknown => 2,
    }
}

fn run_file(path: &Path, counts: &mut Counts) {
    let Ok(text) = std::fs::read_to_string(path) else { return };
    let Ok(buf) = wast::parser::ParseBuffer::new(&text) else { return };
    let Ok(script) = wast::parser::parse::<Wast>(&buf) else { return };
    // Module binaries in order, their names, and the exports the suite shows trapping.
    let mut modules: Vec<(Vec<u8>, BTreeSet<String>)> = vec![];
    let mut names: HashMap<String, usize> = HashMap::new();
    for directive in script.directives {
        match directive {
            WastDirective::Module(mut m) => {
                if matches!(m, QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_))) {
                    continue;
                }
                let name = m.name().map(|id| id.name().to_string());
                if let Ok(bytes) = m.encode() {
                    modules.push((bytes, BTreeSet::new()));
                    if let Some(n) = name {
                        names.insert(n, modules.len() - 1);
                    }
                }
            }
            WastDirective::AssertTrap { exec: WastExecute::Invoke(inv), .. } => {
                let target = match inv.module {
                    Some(id) => names.get(id.name()).copied(),
                    None => modules.len().checked_sub(1),
                };
                if let Some(i) = target {
                    modules[i].1.insert(inv.name.to_string());
                }
            }
            _ => {}
        }
    }
    let opts = Options { solve: saffron_verifier::solve::SolveOptions { timeout: Duration::from_secs(1), rlimit: None }, ..Options::default() };
    for (i, (bytes, trapping)) in modules.iter().enumerate() {
        let Ok(loaded) = load_module_binary(path, bytes) else { continue };
        counts.modules += 1;
        if instantiate_with_spectest(&mut Store::new(), &loaded).is_err() {
            counts.not_standalone += 1;
            continue;
        }
        let where_ = format!("{} module {i}", path.display());
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| prove_loaded(path, bytes, &loaded, &opts))) {
            Err(_) => counts.panics.push(where_),
            Ok(Err(e)) => counts.panics.push(format!("{where_}: error {e}")),
            Ok(Ok(report)) => {
                counts.proved += 1;
                for f in &report.functions {
                    counts.functions[index(f.verdict)] += 1;
                    for s in &f.sites {
                        counts.sites[index(s.verdict)] += 1;
                    }
                    if trapping.contains(&f.name) {
                        counts.trapping_checked += 1;
                        if f.verdict == Verdict::Safe {
                            counts.wrong_safe.push(format!("{where_}: {} traps in the suite but was proved safe", f.name));
                        }
                    }
                }
            }
        }
    }
}

fn run(files: &[PathBuf]) -> Counts {
    let mut counts = Counts::default();
    for f in files {
        let start = std::time::Instant::now();
        run_file(f, &mut counts);
        // Progress for the long whole-suite run, and where its time goes.
        let took = start.elapsed();
        if took > Duration::from_secs(2) {
            eprintln!("{}: {:.1} s", f.display(), took.as_secs_f64());
        }
    }
    eprintln!(
        "{} files: {} modules, {} not instantiable alone, {} proved; functions safe/may-trap/unknown {:?}; \
sites {:?}; {} suite-trapping functions checked; {} wrong safe; {} panics",
        files.len(), counts.modules, counts.not_standalone, counts.proved, counts.functions, counts.sites,
        counts.trapping_checked, counts.wrong_safe.len(), counts.panics.len()
    );
    counts
}

fn check(counts: &Counts) {
    assert!(counts.panics.is_empty(), "panics or errors:\n{}", counts.panics.join("\n"));
    assert!(counts.wrong_safe.is_empty(), "wrong safe verdicts:\n{}", counts.wrong_safe.join("\n"));
}

#[test]
fn fast_subset_of_the_suite() {
    let files: Vec<PathBuf> = ["int_exprs.wast", "memory_trap.wast", "conversions.wast", "call_indirect.wast", "address.wast", "br_table.wast"]
        .iter()
        .map(|f| suite_dir().join(f))
        .collect();
    let counts = run(&files);
    check(&counts);
    assert!(counts.proved >= 6, "only {} modules proved", counts.proved);
    assert!(counts.trapping_checked > 0);
}

#[test]
fn whole_suite() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(suite_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "wast"))
        .collect();
    files.sort();
    let counts = run(&files);
    check(&counts);
}
