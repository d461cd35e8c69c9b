;; Clamped but not checked for NaN (min/max propagate NaN).
(module
  (func (export "f") (param $x f32) (result i32)
    (i32.trunc_f32_s (f32.max (f32.const -1000) (f32.min (f32.const 1000) (local.get $x))))))
