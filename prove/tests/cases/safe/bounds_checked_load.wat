;; An explicit bounds check against the memory size before the load.
(module (memory 1 4)
  (func (export "f") (param $i i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $i) (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)))
      (then (i32.load (local.get $i)))
      (else (i32.const -1)))))
