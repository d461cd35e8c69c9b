;; A load at a caller-supplied address.
(module (memory 1)
  (func (export "f") (param $i i32) (result i32)
    (i32.load (local.get $i))))
