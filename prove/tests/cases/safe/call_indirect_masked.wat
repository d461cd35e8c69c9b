;; call_indirect with the index masked into a fully populated private table.
(module
  (type $t (func (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $a $b $a $b)
  (func $a (result i32) (i32.const 1))
  (func $b (result i32) (i32.const 2))
  (func (export "f") (param $i i32) (result i32)
    (call_indirect (type $t) (i32.and (local.get $i) (i32.const 3)))))
