;; Division guarded against zero and against MIN / -1.
(module
  (func (export "f") (param $a i32) (param $b i32) (result i32)
    (if (result i32) (i32.or (i32.eqz (local.get $b))
                             (i32.and (i32.eq (local.get $a) (i32.const 0x80000000))
                                      (i32.eq (local.get $b) (i32.const -1))))
      (then (i32.const 0))
      (else (i32.div_s (local.get $a) (local.get $b))))))
