;; A load whose address is masked into the first page.
(module (memory 1)
  (func (export "f") (param $i i32) (result i32)
    (i32.load (i32.and (local.get $i) (i32.const 0xfffc)))))
