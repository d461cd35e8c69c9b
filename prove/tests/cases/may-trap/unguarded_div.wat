;; Division by the caller's argument.
(module
  (func (export "f") (param $a i32) (param $b i32) (result i32)
    (i32.div_u (local.get $a) (local.get $b))))
