;; Divides by a word of memory: traps only if memory holds 0 there, which other code may
;; arrange but a fresh instance (whose data sets it to 5) does not.
(module (memory 1)
  (data (i32.const 0) "\05\00\00\00")
  (func (export "f") (param $a i32) (result i32)
    (i32.div_u (local.get $a) (i32.load (i32.const 0)))))
