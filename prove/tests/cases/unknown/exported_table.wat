;; The table is exported: other code may change its slots.
(module
  (type $t (func (result i32)))
  (table (export "t") 2 funcref)
  (elem (i32.const 0) $a $a)
  (func $a (result i32) (i32.const 1))
  (func (export "f") (param $i i32) (result i32)
    (call_indirect (type $t) (i32.and (local.get $i) (i32.const 1)))))
