;; call_indirect whose expected type is structurally equal to the callee's but
;; not equivalent: the callee's type sits in a two-type recursion group.
;; Judging by structure alone once made this `safe`; Wasm traps.
(module
  (rec (type $a (func (result i32))) (type $x (func)))
  (type $b (func (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $f)
  (func $f (type $a) (i32.const 1))
  (func (export "g") (result i32) (call_indirect (type $b) (i32.const 0))))
