;; Calls an import: its callee is not analysed.
(module
  (import "spectest" "print_i32" (func $print (param i32)))
  (func (export "f") (param $a i32)
    (call $print (local.get $a))))
