#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| saffron_fuzz::targets::diff_module(data).assert_agree());
