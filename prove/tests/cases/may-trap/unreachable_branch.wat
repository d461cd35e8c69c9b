;; unreachable on one input only.
(module
  (func (export "f") (param $x i32) (result i32)
    (if (i32.eq (local.get $x) (i32.const 1234)) (then unreachable))
    (local.get $x)))
