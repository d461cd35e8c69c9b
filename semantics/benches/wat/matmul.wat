;; f64 matrix multiply C = A * B for 128 x 128 matrices in linear memory
;; (A at 0, B at 8*n*n, C at 16*n*n), with deterministic inputs, `rounds` times.
;; Returns the bits of the sum of all C, so both engines can be compared exactly.
(module
  (memory 7) ;; 3 * 128 * 128 * 8 bytes = 384 KiB < 7 pages
  (func $init (param $n i32)
    (local $k i32) (local $len i32)
    (local.set $len (i32.mul (local.get $n) (local.get $n)))
    (block $done
      (loop $fill
        (br_if $done (i32.ge_u (local.get $k) (local.get $len)))
        ;; A[k] = (k mod 7) - 3 + 0.5,  B[k] = (k mod 5) * 0.25
        (f64.store (i32.shl (local.get $k) (i32.const 3))
          (f64.add (f64.convert_i32_s (i32.sub (i32.rem_u (local.get $k) (i32.const 7)) (i32.const 3)))
                   (f64.const 0.5)))
        (f64.store (i32.shl (i32.add (local.get $k) (local.get $len)) (i32.const 3))
          (f64.mul (f64.convert_i32_u (i32.rem_u (local.get $k) (i32.const 5))) (f64.const 0.25)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $fill))))
  (func $matmul (param $n i32) (result f64)
    (local $i i32) (local $j i32) (local $k i32) (local $len i32)
    (local $acc f64) (local $sum f64)
    (call $init (local.get $n))
    (local.set $len (i32.mul (local.get $n) (local.get $n)))
    (block $i_done
      (loop $i_loop
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $j_done
          (loop $j_loop
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $acc (f64.const 0))
            (local.set $k (i32.const 0))
            (block $k_done
              (loop $k_loop
                (br_if $k_done (i32.ge_u (local.get $k) (local.get $n)))
                (local.set $acc
                  (f64.add (local.get $acc)
                    (f64.mul
                      ;; A[i][k]
                      (f64.load (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k)) (i32.const 3)))
                      ;; B[k][j]
                      (f64.load (i32.shl (i32.add (local.get $len)
                        (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $j))) (i32.const 3))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $k_loop)))
            ;; C[i][j]
            (f64.store (i32.shl (i32.add (i32.shl (local.get $len) (i32.const 1))
              (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j))) (i32.const 3))
              (local.get $acc))
            (local.set $sum (f64.add (local.get $sum) (local.get $acc)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $j_loop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $i_loop)))
    (local.get $sum))
  (func (export "run") (param $rounds i32) (result i64)
    (local $total f64)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $rounds)))
        (local.set $total (f64.add (local.get $total) (call $matmul (i32.const 128))))
        (local.set $rounds (i32.sub (local.get $rounds) (i32.const 1)))
        (br $again)))
    (i64.reinterpret_f64 (local.get $total))))
