;; A value stored and loaded back divides: the load sees the store.
(module (memory 1)
  (func (export "f") (param $a i32) (result i32)
    (i32.store (i32.const 8) (i32.const 7))
    (i32.div_u (local.get $a) (i32.load (i32.const 8)))))
