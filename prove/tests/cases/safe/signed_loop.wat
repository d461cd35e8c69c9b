;; The loop clang emits for `for (int i = 0; i < 100; i++) s += a[i];` (signed compare).
(module (memory 1)
  (func (export "f") (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load offset=1024 (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_s (local.get $i) (i32.const 100))))
    (local.get $s)))
