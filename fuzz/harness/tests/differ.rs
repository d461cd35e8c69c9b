//! The differential judge itself: it must agree on correct engines, flag a
//! deliberately broken one, and treat exhaustion as inconclusive.

use saffron_fuzz::engines::{Engine, WasmiEngine, WasmtimeEngine};
use saffron_fuzz::module_info::ModuleInfo;
use saffron_fuzz::nan_oracle::NanOracle;
use saffron_fuzz::value::{FinalState, Instantiation, Outcome, Val};
use saffron_fuzz::{Differ, Verdict};

/// wasmi, except that every i32 result is off by one.
struct OffByOne(WasmiEngine);

impl Engine for OffByOne {
    fn name(&self) -> &'static str {
        "off-by-one"
    }
    fn instantiate(&mut self, wasm: &[u8], info: &ModuleInfo, fuel: u64) -> Instantiation {
        self.0.instantiate(wasm, info, fuel)
    }
    fn call(&mut self, name: &str, args: &[Val], fuel: u64) -> Outcome {
        match self.0.call(name, args, fuel) {
            Outcome::Returned(vals) => Outcome::Returned(
                vals.into_iter().map(|v| if let Val::I32(x) = v { Val::I32(x.wrapping_add(1)) } else { v }).collect(),
            ),
            other => other,
        }
    }
    fn final_state(&mut self, info: &ModuleInfo) -> FinalState {
        self.0.final_state(info)
    }
}

fn differ(with_broken: bool) -> Differ {
    let mut engines: Vec<Box<dyn Engine>> = vec![Box::new(WasmtimeEngine::new()), Box::new(WasmiEngine::new())];
    if with_broken {
        engines.push(Box::new(OffByOne(WasmiEngine::new())));
    }
    Differ::with_engines(engines)
}

const ADD: &str = r#"(module
  (memory (export "mem") 1 1)
  (global (export "g") (mut i32) (i32.const 0))
  (func (export "add") (param i32 i32) (result i32)
    (global.set 0 (i32.add (local.get 0) (local.get 1)))
    (i32.store (i32.const 8) (global.get 0))
    (i32.add (local.get 0) (local.get 1)))
  (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 7) (local.get 0))))"#;

#[test]
fn reference_engines_agree() {
    let wasm = wat::parse_str(ADD).unwrap();
    for args in [&[][..], &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12][..]] {
        let v = differ(false).run(&wasm, args);
        assert!(matches!(v, Verdict::Agree), "{v:?}");
    }
}

#[test]
fn broken_engine_is_reported() {
    let wasm = wat::parse_str(ADD).unwrap();
    match differ(true).run(&wasm, &[]) {
        Verdict::Mismatch(m) => {
            assert_eq!(m.engines, vec!["off-by-one".to_string()]);
            assert!(m.signature.starts_with("result:"), "{}", m.signature);
            assert!(m.detail.contains("add"), "{}", m.detail);
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
}

#[test]
fn trap_kinds_are_compared() {
    // Zero arguments: `div` traps with divide-by-zero in both engines.
    let wasm = wat::parse_str(ADD).unwrap();
    let v = differ(false).run(&wasm, &[]);
    assert!(matches!(v, Verdict::Agree), "{v:?}");
}

#[test]
fn infinite_loop_is_inconclusive_or_agreed_exhaustion() {
    let wasm = wat::parse_str(r#"(module (func (export "spin") (loop (br 0))))"#).unwrap();
    match differ(false).run(&wasm, &[]) {
        Verdict::Agree | Verdict::Inconclusive(_) => {}
        Verdict::Mismatch(m) => panic!("exhaustion must never be a mismatch: {m:?}"),
    }
}

#[test]
fn nan_payloads_of_conversions_are_canonicalised() {
    // Demoting a signalling NaN stores an implementation-chosen NaN; after
    // the rewrite every engine stores the canonical NaN.
    let wat = r#"(module (memory (export "m") 1 1)
      (func (export "d") (param f64) (f32.store (i32.const 0) (f32.demote_f64 (local.get 0)))))"#;
    let wasm = wat::parse_str(wat).unwrap();
    for oracle in [NanOracle::Strict, NanOracle::Canonicalize] {
        let plan = saffron_fuzz::rewrite::Rewrite { nan: Some(oracle), ..Default::default() };
        let wasm = saffron_fuzz::rewrite::rewrite(&wasm, &plan).unwrap();
        // Arg bytes: ratio byte 0 (-> edge value), index 6 = signalling NaN.
        let mut d = differ(false);
        let v = d.run(&wasm, &[0, 6]);
        assert!(matches!(v, Verdict::Agree), "{oracle:?}: {v:?}");
    }
}

#[test]
fn generated_modules_run() {
    // Deterministic generated modules through the two reference engines:
    // the generator config and NaN handling must leave no false positives
    // between them. (Saffron is judged by campaigns and the regression corpus.)
    let mut rng = saffron_fuzz::campaign::SplitMix64::new(1);
    let mut agreed = 0;
    let mut d = differ(false);
    for _ in 0..60 {
        let mut buf = vec![0u8; 1024];
        rng.fill(&mut buf);
        let Ok((wasm, args)) = saffron_fuzz::targets::module_from_bytes(&buf, NanOracle::Strict) else { continue };
        match d.run(&wasm, &args) {
            Verdict::Agree => agreed += 1,
            Verdict::Inconclusive(_) => {}
            Verdict::Mismatch(m) => panic!("{}: {}", m.signature, m.detail),
        }
    }
    assert!(agreed > 0);
}
