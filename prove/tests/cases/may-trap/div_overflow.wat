;; Guarded against zero but not against MIN / -1.
(module
  (func (export "f") (param $a i64) (param $b i64) (result i64)
    (if (result i64) (i64.eqz (local.get $b))
      (then (i64.const 0))
      (else (i64.div_s (local.get $a) (local.get $b))))))
