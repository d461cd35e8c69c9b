;; Integer hash loop: FNV-1a over the bytes of a counter mixed with a
;; multiply-xorshift finaliser; pure ALU work, no memory, no calls.
(module
  (func (export "run") (param $n i32) (result i64)
    (local $h i64) (local $x i64) (local $i i32)
    (local.set $h (i64.const 0xcbf29ce484222325))
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (i64.extend_i32_u (local.get $i)))
        ;; four FNV-1a byte steps
        (local.set $h (i64.mul (i64.xor (local.get $h) (i64.and (local.get $x) (i64.const 0xff))) (i64.const 0x100000001b3)))
        (local.set $h (i64.mul (i64.xor (local.get $h) (i64.and (i64.shr_u (local.get $x) (i64.const 8)) (i64.const 0xff))) (i64.const 0x100000001b3)))
        (local.set $h (i64.mul (i64.xor (local.get $h) (i64.and (i64.shr_u (local.get $x) (i64.const 16)) (i64.const 0xff))) (i64.const 0x100000001b3)))
        (local.set $h (i64.mul (i64.xor (local.get $h) (i64.shr_u (local.get $x) (i64.const 24))) (i64.const 0x100000001b3)))
        ;; finaliser
        (local.set $h (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 33))))
        (local.set $h (i64.mul (local.get $h) (i64.const 0xff51afd7ed558ccd)))
        (local.set $h (i64.rotl (local.get $h) (i64.const 17)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (local.get $h)))
