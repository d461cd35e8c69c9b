;; memory.fill is not modelled yet.
(module (memory 1)
  (func (export "f") (param $d i32) (param $n i32)
    (memory.fill (local.get $d) (i32.const 0) (local.get $n))))
