;; Sieve of Eratosthenes over a byte array in linear memory, repeated
;; `rounds` times; returns the total number of primes found below 1,000,000.
(module
  (memory 16) ;; 1 MiB: one byte per candidate
  (func $sieve (result i64)
    (local $i i32) (local $j i32) (local $count i64)
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 1000000))
    (local.set $i (i32.const 2))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (i32.const 1000000)))
        (if (i32.eqz (i32.load8_u (local.get $i)))
          (then
            (local.set $count (i64.add (local.get $count) (i64.const 1)))
            (local.set $j (i32.mul (local.get $i) (local.get $i)))
            ;; i*i overflows i32 only past 46341, where it also exceeds the limit
            (if (i32.lt_u (local.get $i) (i32.const 1000))
              (then
                (block $inner_done
                  (loop $inner
                    (br_if $inner_done (i32.ge_u (local.get $j) (i32.const 1000000)))
                    (i32.store8 (local.get $j) (i32.const 1))
                    (local.set $j (i32.add (local.get $j) (local.get $i)))
                    (br $inner)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (local.get $count))
  (func (export "run") (param $rounds i32) (result i64)
    (local $total i64)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $rounds)))
        (local.set $total (i64.add (local.get $total) (call $sieve)))
        (local.set $rounds (i32.sub (local.get $rounds) (i32.const 1)))
        (br $again)))
    (local.get $total)))
