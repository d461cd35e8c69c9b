#![no_main]
use libfuzzer_sys::fuzz_target;

// The ISLE loader lives in the verifier, so this body does too.
fuzz_target!(|data: &[u8]| saffron_verifier::cli::fuzz::parse_isle_spec(data).assert_agree());
