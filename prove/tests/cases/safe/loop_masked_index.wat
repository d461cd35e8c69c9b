;; A loop with an unbounded trip count whose index is masked at every access.
(module (memory 1)
  (func (export "f") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.xor (local.get $s) (i32.load8_u (i32.and (local.get $i) (i32.const 0xffff)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $s)))
