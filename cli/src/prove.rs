//! `saffron prove`: prove exported functions cannot trap (see the `saffron-prove` crate).
use saffron_prove::{prove_file, Options};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args, Debug)]
#[command(
    about = "Prove that exported functions cannot trap",
    after_help = "Every site that can trap (loads and stores, integer division and remainder, \
float-to-integer truncation, call_indirect, unreachable, calls not followed) gets a verdict: \
`safe` (no argument, memory, table or global content makes it trap), `may-trap` (with \
arguments the interpreter confirms trap, in the form `saffron run FILE --invoke NAME ARGS` \
takes) or `unknown` (with the reason). A function is safe if all its sites are.\n\n\
Exit status: 0 if every analysed function is safe, 1 if any may trap or is unknown, 2 for \
unreadable, malformed or invalid input."
)]
pub struct Args {
    /// The module: binary (.wasm) or text (.wat).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Only this exported function.
    #[arg(long, value_name = "NAME")]
    pub func: Option<String>,
    /// JSON output: {"functions":[{"name","verdict","sites":[...]}]}.
    #[arg(long)]
    pub json: bool,
    /// Solver budget per site, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 5000)]
    pub timeout_ms: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut opts = Options { func: args.func.clone(), ..Options::default() };
    opts.solve.timeout = Duration::from_millis(args.timeout_ms);
    let report = prove_file(&args.file, &opts)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.to_text());
    }
    Ok(ExitCode::from(report.exit_code()))
}
