;; Truncation of a value checked for NaN and clamped into range first.
(module
  (func (export "f") (param $x f64) (result i32)
    (if (result i32) (f64.ne (local.get $x) (local.get $x))
      (then (i32.const 0))
      (else
        (i32.trunc_f64_s
          (f64.max (f64.const -1000) (f64.min (f64.const 1000) (local.get $x))))))))
