//! The register form gives what the stack instructions it replaces give: operands read
//! straight from locals and constant registers, results written straight to locals,
//! including 32-bit address wrap-around, traps, and locals overwritten while an old value
//! of theirs is still on the stack.

use crate::exec::code::Instr;
use crate::*;

const MODULE: &str = r#"(module
  (memory 1)
  (data (i32.const 12) "\2a\00\00\00")
  ;; `p[k]` with a negative k: the i32.add wraps before the offset is added.
  (func (export "load_la") (param i32) (result i32)
    local.get 0 i32.const -4 i32.add i32.load offset=8)
  (func (export "load_sa") (param i32) (result i32)
    local.get 0 i32.const 1 i32.mul i32.const -4 i32.add i32.load offset=8)
  ;; (a + b) tee'd then squared, and each other tee form.
  (func (export "tees") (param f64 f64) (result f64) (local f64 f64)
    local.get 0 local.get 1 f64.add local.tee 2
    local.get 1 f64.mul local.tee 3
    local.get 2 f64.sub local.tee 3
    local.get 3 f64.add local.get 0 f64.mul local.tee 2
    local.get 1 f64.mul local.tee 3
    local.get 2 local.get 3 f64.add local.tee 3
    f64.add)
  (func (export "ls_tee") (param f64 f64) (result f64) (local f64)
    local.get 0 local.get 1 f64.const 2 f64.mul f64.sub local.tee 2 local.get 2 f64.add)
  (func (export "bin_tee") (param f64 f64) (result f64) (local f64)
    local.get 0 local.get 1 f64.mul local.get 1 local.get 0 f64.sub f64.add local.tee 2
    local.get 2 f64.mul)
  (func (export "lc_tee_copy") (param i32) (result i32) (local i32 i32)
    local.get 0 i32.const 3 i32.add local.tee 1
    local.get 1 local.set 2
    local.get 2 i32.add)
  ;; Counts up while the f64 local stays below a 64-bit constant.
  (func (export "brif_pool") (param f64) (result i32) (local i32)
    (block (loop
      (br_if 1 (f64.gt (local.get 0) (f64.const 10.5)))
      (local.set 0 (f64.add (local.get 0) (f64.const 1)))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br 0)))
    local.get 1)
  ;; Local 0 is written while its old value is still an operand: old - new.
  (func (export "alias") (param i32) (result i32)
    local.get 0
    local.get 0 i32.const 5 i32.add local.set 0
    local.get 0 i32.sub)
  (func (export "tee_alias") (param i32) (result i32)
    local.get 0
    local.get 0 i32.const 3 i32.mul local.tee 0
    i32.sub)
  ;; Stores at a + b (fused), then reads it back at the sum kept by a tee (not fused).
  (func (export "sum_store_tee") (param i32 i32 i32) (result i32) (local i32)
    local.get 0 local.get 1 i32.add local.get 2 i32.store16 offset=2
    local.get 0 local.get 1 i32.add local.tee 3 i32.load16_s offset=2
    local.get 3 i32.add)
  ;; Scaled addresses: base + (i << 2) both ways round, a count of 34 (shl takes it modulo
  ;; 32), a shift alone, and a tee'd shift (not fused).
  (func (export "scaled") (param i32 i32) (result i32)
    (i32.store (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 2))) (i32.const 77))
    (i32.load (i32.add (i32.shl (local.get 1) (i32.const 34)) (local.get 0))))
  (func (export "shifted") (param i32) (result i32)
    (i32.load offset=4 (i32.shl (local.get 0) (i32.const 3))))
  (func (export "shift_tee") (param i32 i32) (result i32) (local i32)
    (i32.load (i32.add (local.get 0) (local.tee 2 (i32.shl (local.get 1) (i32.const 2)))))
    local.get 2 i32.add))
"#;

fn kinds(m: &Module) -> Vec<String> {
    m.repr
        .code
        .iter()
        .flat_map(|c| c.instrs.iter())
        .map(|i: &Instr| format!("{i:?}").split([' ', '(']).next().unwrap().to_string())
        .collect()
}

#[test]
fn register_forms_agree_with_the_stack_semantics() {
    let m = Module::from_text(MODULE).unwrap();
    let used = kinds(&m);
    assert!(!used.iter().any(|k| k == "Stacked"), "{used:?}");
    // `local.get` and constants emit nothing, and the address's add is fused into the
    // load: load, return.
    assert_eq!(m.repr.code[0].instrs.len(), 2, "{:?}", m.repr.code[0].instrs);
    let sums = format!("{:?}", m.repr.code[9].instrs);
    // Operands are byte offsets, 16 per register: registers 0, 1, 2; then 3, 0, 1; 4, 3.
    assert!(sums.starts_with("[Store16Sum { a: 0, b: 16, shift: 0, val: 32,"), "{sums}");
    assert!(sums.contains("I32Add { dst: 48, a: 0, b: 16 }, Load16S32 { dst: 64, addr: 48,"), "{sums}");
    // The result goes straight to local 1 (no copy), read straight from there by `local.get 1`.
    let lc_tee_copy = format!("{:?}", m.repr.code[5].instrs);
    assert!(lc_tee_copy.starts_with("[I32Add { dst: 16, a: 0,"), "{lc_tee_copy}");
    let mut store = Store::new();
    let inst = store.instantiate(&m, &[]).unwrap();
    let mut call = |name: &str, args: &[Value]| {
        let Some(Extern::Func(f)) = store.export(inst, name) else { panic!("{name}") };
        store.invoke(f, args)
    };
    // 8 - 4 + 8 = 12 holds 42; from 0 the address wraps to 2^32 - 4, plus 8 is out of bounds.
    for name in ["load_la", "load_sa"] {
        assert_eq!(call(name, &[Value::I32(8)]).unwrap(), [Value::I32(42)]);
        let trap = call(name, &[Value::I32(0)]).unwrap_err();
        assert_eq!(trap.kind, TrapKind::MemoryOutOfBounds, "{name}");
    }
    let (a, b) = (1.5f64, 2.25f64);
    let t2 = a + b;
    let t3 = t2 * b;
    let t3 = t3 - t2;
    let t2 = (t3 + t3) * a;
    let below = t2 * b;
    let expected = below + (t2 + below);
    let got = call("tees", &[Value::F64(a.to_bits()), Value::F64(b.to_bits())]).unwrap();
    assert_eq!(got, [Value::F64(expected.to_bits())]);
    let f64s = |x: f64| [Value::F64(x.to_bits())];
    let args = [Value::F64(a.to_bits()), Value::F64(b.to_bits())];
    assert_eq!(call("ls_tee", &args).unwrap(), f64s((a - 2.0 * b) * 2.0));
    let s = a * b + (b - a);
    assert_eq!(call("bin_tee", &args).unwrap(), f64s(s * s));
    assert_eq!(call("lc_tee_copy", &[Value::I32(4)]).unwrap(), [Value::I32(14)]);
    assert_eq!(
        call("brif_pool", &[Value::F64(0.5f64.to_bits())]).unwrap(),
        [Value::I32(11)]
    );
    // 0xfff9 read back sign-extended is -7; the sum 100 + 4 stays in local 3. -4 + 6 wraps
    // to 2 (the fused add is 32-bit); 65530 + 4 plus the offset is past the memory.
    let i32s = |v: &[i32]| v.iter().map(|x| Value::I32(*x)).collect::<Vec<_>>();
    assert_eq!(call("sum_store_tee", &i32s(&[100, 4, 0xfff9])).unwrap(), i32s(&[97]));
    assert_eq!(call("sum_store_tee", &i32s(&[-4, 6, 0x7fff])).unwrap(), i32s(&[32767 + 2]));
    let trap = call("sum_store_tee", &i32s(&[65530, 4, 1])).unwrap_err();
    assert_eq!(trap.kind, TrapKind::MemoryOutOfBounds);
    // Stored at -16 + (9 << 2) = 20 and read back there; -16 + (5 << 2) wraps to 4.
    assert_eq!(call("scaled", &i32s(&[-16, 9])).unwrap(), i32s(&[77]));
    assert_eq!(call("scaled", &i32s(&[-16, 5])).unwrap(), i32s(&[77]));
    assert_eq!(call("shifted", &i32s(&[1])).unwrap(), i32s(&[42]), "8 + 4 = 12 holds 42");
    // 0x2000_0001 << 3 wraps to 8 (a 33-bit address would be out of bounds).
    assert_eq!(call("shifted", &i32s(&[0x2000_0001])).unwrap(), i32s(&[42]));
    let trap = call("shifted", &i32s(&[0x1fff_ffff])).unwrap_err();
    assert_eq!(trap.kind, TrapKind::MemoryOutOfBounds);
    assert_eq!(call("shift_tee", &i32s(&[8, 1])).unwrap(), i32s(&[42 + 4]));
    let forms = |i: usize| format!("{:?}", m.repr.code[i].instrs);
    assert!(forms(10).starts_with("[Store32Sum { a: 16, b: 0, shift: 2,"), "{}", forms(10));
    assert!(forms(10).contains("Load32Sum { dst: 96, a: 16, b: 0, shift: 2,"), "{}", forms(10));
    assert!(forms(11).starts_with("[Load32Sum { dst: 48, a: 0, b: 32, shift: 3, offset: 4 }"), "{}", forms(11));
    assert!(forms(12).starts_with("[I32Shl"), "{}", forms(12));
    for x in [0, 7, -3] {
        assert_eq!(call("alias", &[Value::I32(x)]).unwrap(), [Value::I32(-5)]);
        assert_eq!(call("tee_alias", &[Value::I32(x)]).unwrap(), [Value::I32(-2 * x)]);
    }
}
