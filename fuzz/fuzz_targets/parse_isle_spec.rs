#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| saffron_fuzz::targets::parse_isle_spec(data).assert_agree());
