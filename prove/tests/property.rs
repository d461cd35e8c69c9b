//! Property: whenever the interpreter traps on random arguments, the prover did not call
//! the function safe, and some site of a kind that produces that trap is not safe.

use proptest::prelude::*;
use saffron_prove::report::{FunctionReport, Verdict};
use saffron_prove::{prove_file, Options};
use saffron_semantics::script::{instantiate_with_spectest, load_module_file, LoadedModule};
use saffron_semantics::{Extern, Store, ValType, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

struct Case {
    path: PathBuf,
    module: LoadedModule,
    report: Vec<FunctionReport>,
}

fn cases() -> &'static Vec<Case> {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
        let mut out = vec![];
        for folder in ["safe", "may-trap", "unknown"] {
            let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(folder)).unwrap().map(|e| e.unwrap().path()).collect();
            files.sort();
            for path in files {
                let report = prove_file(&path, &Options::default()).unwrap().functions;
                let module = load_module_file(&path).unwrap();
                out.push(Case { path, module, report });
            }
        }
        out
    })
}

fn arg(ty: ValType, bits: u64) -> Option<Value> {
    Some(match ty {
        ValType::I32 => Value::I32(bits as u32 as i32),
        ValType::I64 => Value::I64(bits as i64),
        ValType::F32 => Value::F32(bits as u32),
        ValType::F64 => Value::F64(bits),
        _ => return None,
    })
}

/// Boundary values trap far more often than uniform ones.
fn bits() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        Just(u64::MAX),
        Just(0x8000_0000),
        Just(0x8000_0000_0000_0000),
        Just(0xffff_ffff),
        Just(1234),
        Just(0x7fc0_0000),
        Just(0x7ff8_0000_0000_0000),
        0u64..70_000,
        any::<u64>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    #[test]
    fn a_trap_on_the_interpreter_is_never_at_a_safe_site(which in 0usize..1000, raw in prop::collection::vec(bits(), 4)) {
        let all = cases();
        let case = &all[which % all.len()];
        for f in &case.report {
            let mut store = Store::new();
            let inst = instantiate_with_spectest(&mut store, &case.module).unwrap();
            let Some(Extern::Func(func)) = store.export(inst, &f.name) else { panic!("no export {}", f.name) };
            let params = store.func_type(func).params;
            let Some(args) = params.iter().zip(raw.iter().cycle()).map(|(t, b)| arg(*t, *b)).collect::<Option<Vec<_>>>() else { continue };
            store.set_fuel(Some(10_000_000));
            if let Err(trap) = store.invoke(func, &args) {
                if trap.message == "out of fuel" {
                    continue;
                }
                prop_assert_ne!(f.verdict, Verdict::Safe, "{} {} traps with {:?} on {:?}", case.path.display(), f.name, trap.message, args);
                let explained = f.sites.iter().any(|s| {
                    s.verdict != Verdict::Safe && (s.kind.messages().iter().any(|m| trap.message.starts_with(m)) || s.kind.messages().is_empty())
                });
                prop_assert!(explained, "{} {}: trap {:?} on {:?} but every matching site is safe", case.path.display(), f.name, trap.message, args);
            }
        }
    }
}
