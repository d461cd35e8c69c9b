//! Unit tests of the parts the spec suite exercises only indirectly: branch resolution,
//! call-depth exhaustion, fuel, exception unwinding across frames and tail calls.

use crate::exec::code::{BrTarget, Instr};
use crate::*;

fn instance(store: &mut Store, wat: &str) -> InstanceAddr {
    let module = Module::from_text(wat).expect("test module");
    store.instantiate(&module, &[]).expect("instantiation")
}

fn func(store: &Store, inst: InstanceAddr, name: &str) -> FuncAddr {
    match store.export(inst, name) {
        Some(Extern::Func(f)) => f,
        other => panic!("no function {name}: {other:?}"),
    }
}

fn call(
    store: &mut Store,
    inst: InstanceAddr,
    name: &str,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    let f = func(store, inst, name);
    store.invoke(f, args)
}

#[test]
fn forward_and_backward_branch_targets_are_resolved() {
    let m = Module::from_text(
        "(module (func (param i32) (result i32)
            (block (result i32) (i32.const 7) (br 0))
            (loop (br_if 0 (local.get 0)))))",
    )
    .unwrap();
    let code = &m.repr.code[0].instrs;
    // block: [br 7 (a constant register) -> after the block]; the loop header at 1:
    // [br_if on local 0 -> 1]; return.
    let seven = Instr::Br(BrTarget { pc: 1, keep: 1, drop_to: 2, from: 1 });
    assert_eq!(format!("{:?}", code[0]), format!("{seven:?}"), "{code:?}");
    let back = Instr::BrIf { cond: 0, t: BrTarget { pc: 1, keep: 0, drop_to: 3, from: 0 } };
    assert_eq!(format!("{:?}", code[1]), format!("{back:?}"), "{code:?}");
    assert!(matches!(code.last(), Some(Instr::Return { .. })));
}

#[test]
fn br_table_carries_values_to_each_target() {
    let mut store = Store::new();
    let inst = instance(
        &mut store,
        r#"(module (func (export "f") (param i32) (result i32)
            (block (result i32)
              (block (result i32)
                (i32.const 10) (local.get 0) (br_table 0 1 0))
              (i32.const 1) (i32.add))))"#,
    );
    assert_eq!(
        call(&mut store, inst, "f", &[Value::I32(0)]).unwrap(),
        vec![Value::I32(11)]
    );
    assert_eq!(
        call(&mut store, inst, "f", &[Value::I32(1)]).unwrap(),
        vec![Value::I32(10)]
    );
    assert_eq!(
        call(&mut store, inst, "f", &[Value::I32(5)]).unwrap(),
        vec![Value::I32(11)]
    );
}

#[test]
fn unbounded_recursion_ends_in_exhaustion_trap() {
    let mut store = Store::with_config(Config {
        max_call_depth: 500,
        fuel: None,
    });
    let inst = instance(
        &mut store,
        r#"(module
            (func $f (export "runaway") (call $f))
            (func $d (export "depth") (param i32) (result i32)
              (if (result i32) (local.get 0)
                (then (i32.add (i32.const 1) (call $d (i32.sub (local.get 0) (i32.const 1)))))
                (else (i32.const 0)))))"#,
    );
    let err = call(&mut store, inst, "runaway", &[]).unwrap_err();
    assert_eq!(err.kind, TrapKind::CallStackExhausted);
    assert_eq!(err.message, "call stack exhausted");
    assert_eq!(
        call(&mut store, inst, "depth", &[Value::I32(400)]).unwrap(),
        vec![Value::I32(400)]
    );
    assert!(call(&mut store, inst, "depth", &[Value::I32(600)]).is_err());
}

#[test]
fn tail_calls_do_not_grow_the_frame_stack() {
    let mut store = Store::with_config(Config {
        max_call_depth: 100,
        fuel: None,
    });
    let inst = instance(
        &mut store,
        r#"(module (func $loop (export "count") (param i64) (result i64)
            (if (result i64) (i64.eqz (local.get 0))
              (then (i64.const 42))
              (else (return_call $loop (i64.sub (local.get 0) (i64.const 1)))))))"#,
    );
    assert_eq!(
        call(&mut store, inst, "count", &[Value::I64(100_000)]).unwrap(),
        vec![Value::I64(42)]
    );
}

#[test]
fn fuel_stops_infinite_loops_and_is_accounted() {
    let mut store = Store::with_config(Config {
        fuel: Some(1000),
        ..Config::default()
    });
    let inst = instance(
        &mut store,
        r#"(module (func (export "spin") (loop (br 0))) (func (export "nop")))"#,
    );
    let err = call(&mut store, inst, "spin", &[]).unwrap_err();
    assert_eq!(err.kind, TrapKind::OutOfFuel);
    assert_eq!(store.fuel(), Some(0));
    store.set_fuel(Some(10));
    call(&mut store, inst, "nop", &[]).unwrap();
    assert_eq!(
        store.fuel(),
        Some(10),
        "straight-line code is free; only backward branches and calls cost"
    );
    store.set_fuel(Some(0));
    assert_eq!(
        call(&mut store, inst, "spin", &[]).unwrap_err().kind,
        TrapKind::OutOfFuel
    );
}

#[test]
fn exceptions_unwind_across_frames_to_the_matching_handler() {
    let mut store = Store::new();
    let inst = instance(
        &mut store,
        r#"(module
            (tag $e (param i32))
            (tag $other)
            (func $thrower (param i32) (throw $e (local.get 0)))
            (func (export "catch") (param i32) (result i32)
              (block $h (result i32)
                (block $o
                  (try_table (catch $other $o) (catch $e $h)
                    (call $thrower (local.get 0)))
                  (return (i32.const -1)))
                (i32.const -2)))
            (func (export "uncaught") (call $thrower (i32.const 1))))"#,
    );
    assert_eq!(
        call(&mut store, inst, "catch", &[Value::I32(5)]).unwrap(),
        vec![Value::I32(5)]
    );
    let err = call(&mut store, inst, "uncaught", &[]).unwrap_err();
    assert_eq!(err.kind, TrapKind::UncaughtException);
}

#[test]
fn truncated_and_corrupted_binaries_are_rejected_without_panic() {
    let bytes = wat::parse_str(
        r#"(module (memory 1) (func (export "f") (param i32) (result i32)
            (block (result i32) (local.get 0) (i32.load offset=4) (br 0))))"#,
    )
    .unwrap();
    assert!(Module::from_binary(&bytes).is_ok());
    for len in 0..bytes.len() {
        // A prefix ending at a section boundary may itself be a valid module (8 bytes: empty).
        let result = Module::from_binary(&bytes[..len]);
        if len < 8 || len == bytes.len() - 1 {
            assert!(result.is_err(), "prefix of {len} bytes accepted");
        }
    }
    for i in 8..bytes.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[i] ^= flip;
            let _ = Module::from_binary(&b); // must not panic
        }
    }
}

#[test]
fn branch_in_a_constant_expression_is_invalid_not_a_panic() {
    // Found by `cargo fuzz run -s none decode_wasm` (fuzz/regressions/decode_wasm/const-expr-branch):
    // a constant expression with a branch to a label that does not exist, decoded before its
    // section is validated.
    let bytes = wat::parse_str(r#"(module (global i32 (i32.const 0) (br 3)))"#).unwrap();
    let err = Module::from_binary(&bytes).expect_err("a branch is not a constant operator");
    assert!(err.message.contains("constant expression"), "{err:?}");
}

#[test]
fn results_are_not_retargeted_across_a_branch_target() {
    let mut store = Store::new();
    // The add before the loop must not write local 1 itself: the back edge brings the next
    // value into the loop parameter's slot, and the `local.set 1` at the header must read it.
    let inst = instance(
        &mut store,
        r#"(module (func (export "count") (param i32) (result i32) (local i32)
            local.get 0 i32.const 1 i32.add
            (loop (param i32)
              local.set 1
              local.get 1 i32.const 1 i32.add
              local.get 1 i32.const 10 i32.lt_u
              br_if 0
              drop)
            local.get 1))"#,
    );
    for (n, want) in [(0, 10), (4, 10), (20, 21)] {
        assert_eq!(
            call(&mut store, inst, "count", &[Value::I32(n)]).unwrap(),
            vec![Value::I32(want)]
        );
    }
}

#[test]
fn references_cross_the_extern_boundary_and_back() {
    let mut store = Store::new();
    let inst = instance(
        &mut store,
        r#"(module
            (type $s (struct (field i32)))
            (func (export "roundtrip") (param externref) (result anyref)
              (any.convert_extern (local.get 0)))
            (func (export "wrap") (result externref)
              (extern.convert_any (struct.new $s (i32.const 3))))
            (func (export "is_s") (param anyref) (result i32)
              (ref.test (ref $s) (local.get 0))))"#,
    );
    let host = Value::Ref(Ref::host_extern(7));
    let back = call(&mut store, inst, "roundtrip", &[host]).unwrap();
    assert_eq!(back, vec![Value::Ref(Ref::host(7))]);
    let wrapped = call(&mut store, inst, "wrap", &[]).unwrap();
    let Value::Ref(r) = wrapped[0] else { panic!() };
    assert_eq!(store.ref_kind(&r), RefKind::Extern(None));
    let any = call(&mut store, inst, "roundtrip", &wrapped).unwrap();
    assert_eq!(
        call(&mut store, inst, "is_s", &any).unwrap(),
        vec![Value::I32(1)]
    );
    assert_eq!(
        call(&mut store, inst, "is_s", &back).unwrap(),
        vec![Value::I32(0)]
    );
}

#[test]
fn loop_back_edge_evaluates_the_header_test_with_the_same_results_and_fuel() {
    // Two shapes of the same loop (a compare, or a compare and `eqz`, at the header): both
    // run 10 iterations and must charge the same fuel.
    let wat = r#"(module
      (func (export "fused") (param $n i32) (result i32) (local $i i32) (local $s i32)
        (block $done (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $s (i32.add (local.get $s) (local.get $i)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        (local.get $s))
      (func (export "plain") (param $n i32) (result i32) (local $i i32) (local $s i32)
        (block $done (loop $l
          (br_if $done (i32.eqz (i32.lt_u (local.get $i) (local.get $n))))
          (local.set $s (i32.add (local.get $s) (local.get $i)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        (local.get $s)))"#;
    let module = Module::from_text(wat).unwrap();
    // The `br $l` runs the header's compare-and-branch in place (operands are byte offsets,
    // 16 per register: registers 1 and 0).
    let fused = format!("{:?}", module.repr.code[0].instrs);
    assert!(fused.contains("I32GeULoopBrIf { a: 16, b: 0, target: 0, next: 1 }"), "{fused}");
    let mut store = Store::with_config(Config {
        fuel: Some(1000),
        ..Config::default()
    });
    let inst = store.instantiate(&module, &[]).unwrap();
    for name in ["fused", "plain"] {
        store.set_fuel(Some(1000));
        assert_eq!(
            call(&mut store, inst, name, &[Value::I32(10)]).unwrap(),
            vec![Value::I32(45)],
            "{name}"
        );
        assert_eq!(store.fuel(), Some(990), "{name}: one unit per back edge");
        assert_eq!(
            call(&mut store, inst, name, &[Value::I32(0)]).unwrap(),
            vec![Value::I32(0)],
            "{name}"
        );
        store.set_fuel(Some(5));
        assert!(
            call(&mut store, inst, name, &[Value::I32(10)]).is_err(),
            "{name} runs out of fuel"
        );
    }
}

#[test]
fn jump_to_the_final_return_becomes_return() {
    let m = Module::from_text(
        "(module (func (export \"f\") (param i32) (result i32)
            (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))))",
    )
    .unwrap();
    let code = &m.repr.code[0].instrs;
    assert!(
        !code.iter().any(|i| matches!(i, Instr::Jump(_))),
        "{code:?}"
    );
    let mut store = Store::new();
    let inst = store.instantiate(&m, &[]).unwrap();
    assert_eq!(
        call(&mut store, inst, "f", &[Value::I32(5)]).unwrap(),
        vec![Value::I32(1)]
    );
    assert_eq!(
        call(&mut store, inst, "f", &[Value::I32(0)]).unwrap(),
        vec![Value::I32(2)]
    );
}

#[test]
fn local_left_operand_is_read_after_the_right_operand_push() {
    // `local.get 0` below a computed value; `i32.sub` checks the operand order, `$viaset`
    // the result written straight to the local.
    let m = Module::from_text(
        r#"(module
          (func (export "direct") (param i32 i32) (result i32)
            (i32.sub (local.get 0) (i32.and (local.get 1) (i32.const 7))))
          (func (export "shifted") (param i32 i32) (result i32)
            (i32.sub (local.get 0) (i32.and (i32.shr_u (local.get 1) (i32.const 2)) (i32.const 7))))
          (func (export "viaset") (param i32 i32) (result i32) (local i32)
            (local.set 2 (i32.sub (local.get 0) (i32.and (local.get 1) (i32.const 7))))
            (local.get 2)))"#,
    )
    .unwrap();
    // Register form: the local is an operand of `i32.sub`, whatever was computed after it.
    for i in 0..3 {
        let code = format!("{:?}", m.repr.code[i].instrs);
        assert!(code.contains("I32Sub { dst: ") && !code.contains("Copy"), "{code}");
    }
    let mut store = Store::new();
    let inst = store.instantiate(&m, &[]).unwrap();
    assert_eq!(
        call(
            &mut store,
            inst,
            "direct",
            &[Value::I32(100), Value::I32(13)]
        )
        .unwrap(),
        vec![Value::I32(95)]
    );
    assert_eq!(
        call(
            &mut store,
            inst,
            "shifted",
            &[Value::I32(100), Value::I32(13)]
        )
        .unwrap(),
        vec![Value::I32(97)]
    );
    assert_eq!(
        call(&mut store, inst, "viaset", &[Value::I32(1), Value::I32(15)]).unwrap(),
        vec![Value::I32(-6)]
    );
}
