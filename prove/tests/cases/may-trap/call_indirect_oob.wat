;; call_indirect with an unchecked index into a private table.
(module
  (type $t (func (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $a $a)
  (func $a (result i32) (i32.const 1))
  (func (export "f") (param $i i32) (result i32)
    (call_indirect (type $t) (local.get $i))))
