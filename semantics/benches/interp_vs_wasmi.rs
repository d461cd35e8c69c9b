//! Saffron's interpreter against wasmi 2 on the same workloads, in one process.
//!
//! Workloads are hand-written WAT loops (`wat/`) and C programs compiled to wasm32 with
//! clang -O2 (`c/`, rebuilt by `c/build.sh`); each exports `run: [i32] -> [i64]`.
//! `cargo bench -p saffron-semantics` prints, per workload, the argument used,
//! both times, the ratio saffron/wasmi and whether both engines returned the
//! same result, then the geometric mean of the ratios. Arguments are calibrated on wasmi so that each run takes about
//! `SAFFRON_BENCH_SECS` seconds there (default 0.8); only the call is timed,
//! not decoding or instantiation. Each engine's time is the best of `SAFFRON_BENCH_REPEATS`
//! interleaved runs (default 3).
//!
//! With `SAFFRON_BENCH_UNCALIBRATED=1` each workload runs once per engine at its starting
//! argument: a fixed amount of work, for counting instructions under
//! `valgrind --tool=callgrind` (repeatable on a noisy machine, unlike times).

use std::time::Duration;

/// CPU time of this thread: both engines run in it, and time spent waiting for a core on a
/// loaded machine is not counted (wall-clock ratios there varied by 2x between runs).
/// Uncalibrated runs (for callgrind, whose emulated process the vDSO clock crashes) use the
/// wall clock instead.
fn thread_time() -> Duration {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    if uncalibrated() {
        return START.get_or_init(std::time::Instant::now).elapsed();
    }
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

fn uncalibrated() -> bool {
    std::env::var_os("SAFFRON_BENCH_UNCALIBRATED").is_some()
}

struct Workload {
    name: &'static str,
    source: Source,
    /// Argument to start calibrating from.
    start_arg: i32,
    /// How the running time grows with the argument.
    growth: Growth,
}

enum Source {
    Wat(&'static str),
    Wasm(&'static [u8]),
}

enum Growth {
    /// Time proportional to the argument (iteration or round counts).
    Linear,
    /// Time proportional to the square of the argument (an image's side).
    Quadratic,
    /// Time multiplies by about 1.618 per unit (recursive fib).
    Exponential,
}

const fn workload(name: &'static str, source: Source, start_arg: i32, growth: Growth) -> Workload {
    Workload {
        name,
        source,
        start_arg,
        growth,
    }
}

// One workload per line: name, module, first argument to calibrate from, growth.
#[rustfmt::skip]
const WORKLOADS: &[Workload] = {
    use Growth::*;
    use Source::*;
    &[
        workload("fib (recursive)", Wat(include_str!("wat/fib.wat")), 20, Exponential),
        workload("sieve (1e6)", Wat(include_str!("wat/sieve.wat")), 1, Linear),
        workload("matmul f64 128^3", Wat(include_str!("wat/matmul.wat")), 1, Linear),
        workload("hash loop (i64)", Wat(include_str!("wat/hash.wat")), 100_000, Linear),
        workload("C sha256 1MiB", Wasm(include_bytes!("c/sha256.wasm")), 1, Linear),
        workload("C nbody", Wasm(include_bytes!("c/nbody.wasm")), 1000, Linear),
        workload("C mandelbrot", Wasm(include_bytes!("c/mandelbrot.wasm")), 64, Quadratic),
        workload("C bytecode vm", Wasm(include_bytes!("c/bytecode_vm.wasm")), 1000, Linear),
    ]
};

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects workloads by name.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let target = std::env::var("SAFFRON_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(0.8);
    let repeats = std::env::var("SAFFRON_BENCH_REPEATS")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or(3)
        .max(1);

    println!(
        "{:<18} {:>9} {:>11} {:>11} {:>9}  result",
        "workload", "arg", "saffron s", "wasmi s", "ratio"
    );
    let mut ratios = Vec::new();
    for workload in WORKLOADS {
        if filter
            .as_ref()
            .is_some_and(|f| !workload.name.contains(f.as_str()))
        {
            continue;
        }
        let wasm = match workload.source {
            Source::Wat(text) => {
                wat::parse_str(text).unwrap_or_else(|e| panic!("{}: {e}", workload.name))
            }
            Source::Wasm(bytes) => bytes.to_vec(),
        };
        let wasmi = WasmiRunner::new(&wasm);
        let arg = match uncalibrated() {
            true => workload.start_arg,
            false => calibrate(workload, target, |arg| wasmi.run(arg).1),
        };
        // Best of `repeats` interleaved runs: on a shared machine the minimum is the figure
        // least disturbed by other load, and interleaving exposes both engines to the same.
        let (mut wasmi_result, mut wasmi_time) = wasmi.run(arg);
        let (mut saffron_result, mut saffron_time) = run_saffron(&wasm, arg);
        for _ in 1..repeats {
            let (result, time) = wasmi.run(arg);
            (wasmi_result, wasmi_time) = (result, wasmi_time.min(time));
            let (result, time) = run_saffron(&wasm, arg);
            (saffron_result, saffron_time) = (result, saffron_time.min(time));
        }
        let verdict = match saffron_result {
            Ok(v) if v == wasmi_result => "same".to_string(),
            Ok(v) => format!("DIFFERENT: saffron {v:#x}, wasmi {wasmi_result:#x}"),
            Err(e) => format!("SAFFRON FAILED: {e}"),
        };
        let ratio = saffron_time.as_secs_f64() / wasmi_time.as_secs_f64();
        ratios.push(ratio);
        println!(
            "{:<18} {:>9} {:>11.3} {:>11.3} {:>9.2}  {verdict}",
            workload.name,
            arg,
            saffron_time.as_secs_f64(),
            wasmi_time.as_secs_f64(),
            ratio
        );
    }
    if !ratios.is_empty() {
        let geomean = (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
        println!(
            "geomean saffron/wasmi over {} workloads: {geomean:.2}",
            ratios.len()
        );
    }
}

/// Finds an argument for which wasmi runs for about `target` seconds.
fn calibrate(workload: &Workload, target: f64, time_of: impl Fn(i32) -> Duration) -> i32 {
    let mut arg = workload.start_arg;
    loop {
        let secs = time_of(arg).as_secs_f64().max(1e-6);
        if secs >= target * 0.6 {
            return arg;
        }
        arg = match workload.growth {
            Growth::Linear => {
                let scaled = (arg as f64 * target / secs).ceil();
                // Grow at most 100x per step: tiny timings are noisy.
                scaled.min(arg as f64 * 100.0).min(i32::MAX as f64) as i32
            }
            Growth::Quadratic => {
                let scaled = (arg as f64 * (target / secs).sqrt()).ceil();
                scaled.min(arg as f64 * 10.0).min(i32::MAX as f64) as i32
            }
            Growth::Exponential => {
                let steps = ((target / secs).ln() / 1.618f64.ln()).floor().max(1.0) as i32;
                arg + steps
            }
        };
    }
}

struct WasmiRunner {
    store: std::cell::RefCell<wasmi::Store<()>>,
    func: wasmi::TypedFunc<i32, i64>,
}

impl WasmiRunner {
    fn new(wasm: &[u8]) -> WasmiRunner {
        let engine = wasmi::Engine::default();
        let module = wasmi::Module::new(&engine, wasm).expect("wasmi accepts the workload");
        let mut store = wasmi::Store::new(&engine, ());
        let linker = wasmi::Linker::<()>::new(&engine);
        let instance = linker
            .instantiate_and_start(&mut store, &module)
            .expect("wasmi instantiates");
        let func = instance
            .get_typed_func::<i32, i64>(&store, "run")
            .expect("export run: [i32] -> [i64]");
        WasmiRunner {
            store: std::cell::RefCell::new(store),
            func,
        }
    }

    // Out of line, so that callgrind can count its instructions apart from the rest.
    #[inline(never)]
    fn run(&self, arg: i32) -> (i64, Duration) {
        let mut store = self.store.borrow_mut();
        let start = thread_time();
        let result = self
            .func
            .call(&mut *store, arg)
            .expect("wasmi runs the workload");
        (result, thread_time() - start)
    }
}

fn run_saffron(wasm: &[u8], arg: i32) -> (Result<i64, String>, Duration) {
    use saffron_semantics::{Extern, Module, Store, Value};
    let setup = || -> Result<(Store, saffron_semantics::FuncAddr), String> {
        let module = Module::from_binary(wasm).map_err(|e| e.message)?;
        let mut store = Store::new();
        let instance = store.instantiate(&module, &[]).map_err(|e| e.to_string())?;
        match store.export(instance, "run") {
            Some(Extern::Func(f)) => Ok((store, f)),
            _ => Err("no function export \"run\"".to_string()),
        }
    };
    let (mut store, func) = match setup() {
        Ok(ok) => ok,
        Err(e) => return (Err(e), Duration::ZERO),
    };
    let start = thread_time();
    let result = store.invoke(func, &[Value::I32(arg)]);
    let elapsed = thread_time() - start;
    let result = match result.as_deref() {
        Ok([Value::I64(v)]) => Ok(*v),
        Ok(other) => Err(format!("unexpected results {other:?}")),
        Err(trap) => Err(format!("trap: {}", trap.message)),
    };
    (result, elapsed)
}
