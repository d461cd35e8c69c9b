//! The `saffron` command line: a thin shell over the library crates.
fn main() -> std::process::ExitCode {
    saffron_verifier::cli::main()
}
