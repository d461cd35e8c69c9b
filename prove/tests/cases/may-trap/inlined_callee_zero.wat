;; The callee divides by the caller's argument.
(module
  (func $div (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))
  (func (export "f") (param $a i32) (param $b i32) (result i32)
    (call $div (local.get $a) (local.get $b))))
