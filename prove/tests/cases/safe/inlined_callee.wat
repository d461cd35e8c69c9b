;; The callee divides by its argument; the only caller passes a non-zero constant.
(module
  (func $div (param $a i32) (param $b i32) (result i32)
    (i32.div_u (local.get $a) (local.get $b)))
  (func (export "f") (param $a i32) (result i32)
    (call $div (local.get $a) (i32.const 3))))
