;; Remainder by a non-zero constant.
(module
  (func (export "f") (param $a i64) (result i64)
    (i64.rem_u (local.get $a) (i64.const 10))))
