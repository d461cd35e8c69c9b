//! The cases in `tests/cases/{safe,may-trap,unknown}/*.wat`: every exported function gets the
//! verdict of its folder, and every `may-trap` input traps on the interpreter with the
//! reported message (checked here independently of the prover's own replay).

use saffron_prove::report::{ModuleReport, Verdict};
use saffron_prove::{prove_file, Options};
use saffron_semantics::script::{instantiate_with_spectest, load_module_file};
use saffron_semantics::{Extern, Store, ValType, Value};
use std::path::{Path, PathBuf};

fn cases(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases").join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "wat"))
        .collect();
    files.sort();
    files
}

fn parse_arg(ty: ValType, text: &str) -> Value {
    let bits = |t: &str| u64::from_str_radix(t.trim_start_matches("0x"), 16).unwrap();
    match ty {
        ValType::I32 => Value::I32(text.parse::<i64>().unwrap() as i32),
        ValType::I64 => Value::I64(text.parse::<i128>().unwrap() as i64),
        ValType::F32 => Value::F32(bits(text) as u32),
        ValType::F64 => Value::F64(bits(text)),
        other => panic!("unexpected parameter type {other:?}"),
    }
}

/// Invokes `name` with the textual `input` on a fresh instance; the trap message, if any.
pub fn trap_of(path: &Path, name: &str, input: &[String]) -> Option<String> {
    let module = load_module_file(path).unwrap();
    let mut store = Store::new();
    let inst = instantiate_with_spectest(&mut store, &module).unwrap();
    let Some(Extern::Func(f)) = store.export(inst, name) else { panic!("no export {name}") };
    let params = store.func_type(f).params;
    let args: Vec<Value> = params.iter().zip(input).map(|(t, a)| parse_arg(*t, a)).collect();
    store.set_fuel(Some(100_000_000));
    store.invoke(f, &args).err().map(|t| t.message)
}

fn prove(path: &Path) -> ModuleReport {
    prove_file(path, &Options::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_case_gets_the_verdict_of_its_folder() {
    let mut failures = vec![];
    let (mut total, mut with_loops) = (0, 0);
    for (folder, expected) in [("safe", Verdict::Safe), ("may-trap", Verdict::MayTrap), ("unknown", Verdict::Unknown)] {
        for path in cases(folder) {
            total += 1;
            with_loops += std::fs::read_to_string(&path).unwrap().contains("(loop") as usize;
            let report = prove(&path);
            assert!(!report.functions.is_empty(), "{}: no exported function", path.display());
            for f in &report.functions {
                if f.verdict != expected {
                    failures.push(format!("{} {}: {:?}, expected {:?}\n{}", path.display(), f.name, f.verdict, expected, report.to_text()));
                }
                for s in f.sites.iter().filter(|s| s.verdict == Verdict::MayTrap) {
                    let input = s.input.as_ref().expect("a may-trap site has an input");
                    let trap = trap_of(&path, &f.name, input);
                    if trap.as_ref() != s.trap.as_ref() {
                        failures.push(format!("{} {} at {:#x}: input {input:?} gives {trap:?}, reported {:?}", path.display(), f.name, s.offset, s.trap));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(total >= 20, "only {total} cases");
    assert!(with_loops >= 5, "only {with_loops} cases with loops");
}
