;; Loop-free functions `saffron verify --module` checks against the CLIF
;; wasmtime compiles for them; `count_down` has a loop and is unsupported.
(module
  (memory 1 4)
  ;; Integer arithmetic: (a * 3 + b) rotated left by a, xor a shifted copy.
  (func (export "arith") (param i32 i32) (result i32)
    (i32.xor
      (i32.rotl (i32.add (i32.mul (local.get 0) (i32.const 3)) (local.get 1)) (local.get 0))
      (i32.shr_u (local.get 1) (i32.const 7))))
  ;; Floats: -(a + b), whose NaN must lie in Wasm's allowed set before the
  ;; sign flip; the sign of one value copied onto another's magnitude; a
  ;; comparison of a product with a constant.
  (func (export "float") (param f32 f32) (result f32)
    (f32.neg (f32.add (local.get 0) (local.get 1))))
  (func (export "float_sign") (param f64 f64) (result f64)
    (f64.copysign (f64.neg (f64.abs (local.get 0))) (local.get 1)))
  (func (export "float_compare") (param f64 f64) (result i32)
    (f64.lt (f64.mul (local.get 0) (local.get 1)) (f64.const 2.5)))
  ;; Conversions: i64 -> f32 -> f64, truncated (trapping) back to i32.
  (func (export "convert") (param i64) (result i32)
    (i32.trunc_f64_s (f64.promote_f32 (f32.convert_i64_s (local.get 0)))))
  ;; A guarded division: 0 when the divisor is 0, else a / b (which still
  ;; traps on INT_MIN / -1).
  (func (export "div_or_zero") (param i32 i32) (result i32)
    (if (result i32) (i32.eqz (local.get 1))
      (then (i32.const 0))
      (else (i32.div_s (local.get 0) (local.get 1)))))
  ;; A second function with a trap site of the same number and instruction:
  ;; the generated program declares that site's copy once for both.
  (func (export "quotient_if_positive") (param i32 i32) (result i32)
    (if (result i32) (i32.gt_s (local.get 1) (i32.const 0))
      (then (i32.div_s (local.get 0) (local.get 1)))
      (else (i32.const -1))))
  ;; Early return, `br_if` out of a block, a local and `select`.
  (func (export "clamp") (param i64 i64) (result i64) (local i64)
    (if (i64.lt_s (local.get 0) (i64.const 0)) (then (return (i64.const 0))))
    (local.set 2 (local.get 0))
    (block
      (br_if 0 (i64.le_s (local.get 2) (local.get 1)))
      (local.set 2 (local.get 1)))
    (select (local.get 2) (i64.const -1) (i64.ne (local.get 2) (i64.const 12345))))
  ;; Two divisions: two trap sites.
  (func (export "two_divs") (param i32 i32 i32) (result i32)
    (i32.add (i32.rem_u (local.get 0) (local.get 1)) (i32.div_u (local.get 0) (local.get 2))))
  ;; Loads and stores with offsets: the access is at base + zext(a) + offset
  ;; within the reservation, and traps iff Wasm's is out of bounds.
  (func (export "load_add") (param i32 i32) (result i32)
    (i32.add (i32.load offset=12 (local.get 0)) (local.get 1)))
  (func (export "load8_u_shift") (param i32) (result i64)
    (i64.shl (i64.load8_u offset=3 (local.get 0)) (i64.const 4)))
  (func (export "store_sum") (param i32 i64 i64)
    (i64.store offset=16 (local.get 0) (i64.add (local.get 1) (local.get 2))))
  (func (export "store16_quotient") (param i32 i32 i32)
    (i32.store16 offset=2 (local.get 0) (i32.div_u (local.get 1) (local.get 2))))
  ;; Format conversions inside a chain: each NaN a conversion makes is
  ;; followed through the next operation (a payload NaN is kept, not made
  ;; canonical, as Cranelift's CLIF does).
  (func (export "demote_promote") (param f64) (result f64)
    (f64.promote_f32 (f32.demote_f64 (local.get 0))))
  (func (export "neg_demote") (param f64) (result f32)
    (f32.neg (f32.demote_f64 (local.get 0))))
  ;; A store only one branch makes: not read (one unconditional access).
  (func (export "maybe_store") (param i32 i32)
    (if (local.get 1) (then (i32.store (local.get 0) (local.get 1)))))
  ;; A loop: not read.
  (func (export "count_down") (param i32) (result i32)
    (loop
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if 0 (i32.gt_s (local.get 0) (i32.const 0))))
    (local.get 0)))
