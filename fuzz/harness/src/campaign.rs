//! The stable-toolchain campaign driver behind `saffron fuzz`: seeded random
//! inputs through a target function, progress on stderr, every new mismatch
//! minimised and written out as `.wasm` + `.wat` + `.json`.

use crate::diff::{Mismatch, Verdict};
use crate::minimize;
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A target: fuzz bytes in, verdict out.
pub type TargetFn = fn(&[u8]) -> Verdict;

#[derive(Clone, Debug)]
pub struct CampaignOptions {
    pub target: String,
    pub seconds: f64,
    pub seed: u64,
    pub out_dir: PathBuf,
    /// Print a progress line on stderr about once a second.
    pub progress: bool,
    /// Time allowed for minimising each new mismatch.
    pub minimize_budget: Duration,
    /// Inputs are this many bytes at most (uniform length).
    pub max_input_len: usize,
    /// Worker threads, each with its own engines and its own input stream
    /// (see [`worker_seed`]).
    pub jobs: usize,
    /// Stack size of each worker thread.
    pub worker_stack: usize,
}

impl CampaignOptions {
    pub fn new(target: &str, seconds: f64, seed: u64) -> CampaignOptions {
        CampaignOptions {
            target: target.to_string(),
            seconds,
            seed,
            out_dir: PathBuf::from("fuzz-out"),
            progress: true,
            minimize_budget: Duration::from_secs(20),
            max_input_len: 4096,
            jobs: 1,
            worker_stack: 256 << 20,
        }
    }
}

/// One written mismatch (the shape of `--json` output).
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub path: String,
    pub engines: Vec<String>,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CampaignReport {
    pub target: String,
    pub seconds: f64,
    pub seed: u64,
    pub jobs: usize,
    pub execs: u64,
    pub execs_per_sec: f64,
    pub agreed: u64,
    pub inconclusive: u64,
    /// Why runs were inconclusive: reason category (text before the first
    /// `:` of the reason) -> count.
    pub inconclusive_reasons: BTreeMap<String, u64>,
    /// Mismatching executions, including repeats of an already written one.
    pub mismatching_execs: u64,
    /// Distinct mismatches (by signature), each written to the out dir.
    pub mismatches: Vec<Finding>,
}

/// SplitMix64: tiny, seedable, good enough to drive byte generation.
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let x = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&x[..chunk.len()]);
        }
    }
}

/// Run a target once, turning a panic that escaped the target into a mismatch.
pub fn run_guarded(target: TargetFn, data: &[u8]) -> Verdict {
    match catch_unwind(AssertUnwindSafe(|| target(data))) {
        Ok(v) => v,
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".into());
            Verdict::Mismatch(Mismatch {
                engines: vec!["target".into()],
                signature: "panic:target".into(),
                detail: format!("target panicked: {msg}"),
                wasm: data.to_vec(),
                arg_bytes: Vec::new(),
            })
        }
    }
}

/// Run a campaign of `opts.seconds` against `target` on `opts.jobs` worker
/// threads.
pub fn run(target: TargetFn, opts: &CampaignOptions) -> Result<CampaignReport> {
    // Panics are caught and reported as findings; the default hook would
    // spray backtraces over the progress line.
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = run_workers(target, opts);
    std::panic::set_hook(previous_hook);
    result
}

/// What the workers share: counters for the progress line, the signatures
/// already written, and the findings in the order they were written.
struct Shared {
    execs: AtomicU64,
    mismatching: AtomicU64,
    inconclusive: AtomicU64,
    /// Time spent minimising, summed over workers (microseconds).
    paused_micros: AtomicU64,
    found: Mutex<Found>,
}

impl Shared {
    /// Seconds since `start` less the average time a worker spent
    /// minimising: minimisation is not fuzzing, so it stays out of execs/s
    /// (the campaign's wall-clock length stays `seconds`).
    fn fuzzing_seconds(&self, start: Instant, jobs: usize) -> f64 {
        let paused = Duration::from_micros(self.paused_micros.load(Ordering::Relaxed)) / jobs as u32;
        start.elapsed().saturating_sub(paused).as_secs_f64().max(1e-9)
    }
}

#[derive(Default)]
struct Found {
    seen: BTreeSet<String>,
    findings: Vec<Finding>,
    /// The first write error; the campaign reports it after the workers stop.
    error: Option<anyhow::Error>,
}

/// One worker's own counts, summed into the report at the end.
#[derive(Default)]
struct Tally {
    agreed: u64,
    inconclusive_reasons: BTreeMap<String, u64>,
}

/// The seed of worker `index`: worker 0 runs the campaign's own seed (so a
/// one-job campaign is the sequence `--seed` names), the others a SplitMix
/// step away from it.
pub fn worker_seed(seed: u64, index: usize) -> u64 {
    if index == 0 {
        seed
    } else {
        SplitMix64::new(seed ^ (index as u64).wrapping_mul(0xd1b5_4a32_d192_ed03)).next_u64()
    }
}

fn run_workers(target: TargetFn, opts: &CampaignOptions) -> Result<CampaignReport> {
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(opts.seconds.max(0.0));
    let shared = Shared {
        execs: AtomicU64::new(0),
        mismatching: AtomicU64::new(0),
        inconclusive: AtomicU64::new(0),
        paused_micros: AtomicU64::new(0),
        found: Mutex::new(Found::default()),
    };
    let jobs = opts.jobs.max(1);
    let tallies: Result<Vec<Tally>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..jobs)
            .map(|index| {
                let shared = &shared;
                // Deep wasm recursion may recurse natively in an
                // interpreter: each worker gets a generous stack.
                std::thread::Builder::new()
                    .name(format!("fuzz-{index}"))
                    .stack_size(opts.worker_stack)
                    .spawn_scoped(scope, move || worker(target, opts, index, deadline, start, shared))
            })
            .collect();
        // Every started worker is joined before an error is returned.
        let joined: Vec<Result<Tally>> = handles
            .into_iter()
            .map(|h| {
                let h = h.context("starting a fuzz worker thread")?;
                h.join().map_err(|_| anyhow::anyhow!("a fuzz worker thread panicked"))
            })
            .collect();
        joined.into_iter().collect()
    });
    let tallies = tallies?;
    let secs = shared.fuzzing_seconds(start, jobs);
    let found = shared.found.into_inner().unwrap_or_else(|p| p.into_inner());
    if let Some(e) = found.error {
        return Err(e);
    }
    let mut report = CampaignReport {
        target: opts.target.clone(),
        seconds: secs,
        seed: opts.seed,
        jobs,
        execs: shared.execs.load(Ordering::Relaxed),
        execs_per_sec: 0.0,
        agreed: 0,
        inconclusive: shared.inconclusive.load(Ordering::Relaxed),
        inconclusive_reasons: BTreeMap::new(),
        mismatching_execs: shared.mismatching.load(Ordering::Relaxed),
        mismatches: found.findings,
    };
    report.execs_per_sec = report.execs as f64 / secs;
    for t in tallies {
        report.agreed += t.agreed;
        for (k, v) in t.inconclusive_reasons {
            *report.inconclusive_reasons.entry(k).or_default() += v;
        }
    }
    if opts.progress {
        eprintln!(
            "\r[{}] done: {} execs in {:.1}s ({:.0} execs/s on {} jobs), {} agreed, {} inconclusive, {} mismatching ({} distinct), seed {}",
            opts.target,
            report.execs,
            secs,
            report.execs_per_sec,
            jobs,
            report.agreed,
            report.inconclusive,
            report.mismatching_execs,
            report.mismatches.len(),
            opts.seed
        );
    }
    Ok(report)
}

fn worker(target: TargetFn, opts: &CampaignOptions, index: usize, deadline: Instant, start: Instant, shared: &Shared) -> Tally {
    let mut rng = SplitMix64::new(worker_seed(opts.seed, index));
    let mut tally = Tally::default();
    let mut last_progress = Instant::now();
    let mut buf = Vec::new();
    while Instant::now() < deadline {
        let len = 16 + (rng.next_u64() as usize) % opts.max_input_len.max(17).saturating_sub(16);
        buf.resize(len, 0);
        rng.fill(&mut buf);
        let verdict = run_guarded(target, &buf);
        shared.execs.fetch_add(1, Ordering::Relaxed);
        match verdict {
            Verdict::Agree => tally.agreed += 1,
            Verdict::Inconclusive(reason) => {
                shared.inconclusive.fetch_add(1, Ordering::Relaxed);
                let category = reason.split(':').next().unwrap_or("").trim().to_string();
                *tally.inconclusive_reasons.entry(category).or_default() += 1;
            }
            Verdict::Mismatch(m) => {
                shared.mismatching.fetch_add(1, Ordering::Relaxed);
                // Minimisation time is kept out of execs/s (see
                // `Shared::fuzzing_seconds`).
                let t0 = Instant::now();
                record_mismatch(target, opts, deadline, shared, &buf, m);
                shared.paused_micros.fetch_add(t0.elapsed().as_micros() as u64, Ordering::Relaxed);
            }
        }
        // Worker 0 alone prints, from the shared counters.
        if index == 0 && opts.progress && last_progress.elapsed() >= Duration::from_secs(1) {
            last_progress = Instant::now();
            let secs = shared.fuzzing_seconds(start, opts.jobs.max(1));
            let execs = shared.execs.load(Ordering::Relaxed);
            let distinct = shared.found.lock().map(|f| f.findings.len()).unwrap_or(0);
            eprint!(
                "\r[{}] {} execs, {:.0} execs/s, {} mismatches ({} distinct), {} inconclusive   ",
                opts.target,
                execs,
                execs as f64 / secs,
                shared.mismatching.load(Ordering::Relaxed),
                distinct,
                shared.inconclusive.load(Ordering::Relaxed)
            );
            let _ = std::io::stderr().flush();
        }
    }
    tally
}

/// A new signature is claimed under the lock, minimised outside it (other
/// workers keep fuzzing), and written under it again so file numbers follow
/// the order of writing.
fn record_mismatch(target: TargetFn, opts: &CampaignOptions, deadline: Instant, shared: &Shared, input: &[u8], m: Mismatch) {
    let is_new = match shared.found.lock() {
        Ok(mut f) => f.seen.insert(m.signature.clone()),
        Err(_) => false,
    };
    if !is_new {
        return;
    }
    if opts.progress {
        eprintln!("\n[{}] mismatch {}: minimising...", opts.target, m.signature);
    }
    let remaining = deadline.saturating_duration_since(Instant::now());
    let budget = opts.minimize_budget.min(remaining.max(Duration::from_secs(2)));
    let structural = opts.target == "diff_module";
    let small = minimize::minimize(target, input, &m, budget, structural);
    let Ok(mut found) = shared.found.lock() else { return };
    let n = found.findings.len();
    match write_finding(&opts.out_dir, &opts.target, &small, input, n) {
        Ok(finding) => {
            if opts.progress {
                eprintln!("[{}] wrote {}\n{}", opts.target, finding.path, finding.detail.trim_end());
            }
            found.findings.push(finding);
        }
        Err(e) => {
            found.error.get_or_insert(e);
        }
    }
}

/// Description written next to each mismatch's module.
#[derive(Serialize)]
struct FindingFile<'a> {
    target: &'a str,
    signature: &'a str,
    engines: &'a [String],
    detail: &'a str,
    /// Hex of the bytes call arguments are drawn from (replay with
    /// `saffron_fuzz::targets::diff_wasm(wasm, args)`).
    arg_bytes_hex: String,
    /// Hex of the original fuzz input (replay through the target).
    input_hex: String,
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

fn write_finding(out: &Path, target: &str, m: &Mismatch, input: &[u8], n: usize) -> Result<Finding> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let slug: String = m.signature.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let stem = out.join(format!("{target}-{n:03}-{slug}"));
    let wasm_path = stem.with_extension("wasm");
    std::fs::write(&wasm_path, &m.wasm).with_context(|| format!("writing {}", wasm_path.display()))?;
    let wat = wasmprinter::print_bytes(&m.wasm).unwrap_or_else(|e| format!(";; not printable: {e}\n"));
    std::fs::write(stem.with_extension("wat"), wat)?;
    let desc = FindingFile {
        target,
        signature: &m.signature,
        engines: &m.engines,
        detail: &m.detail,
        arg_bytes_hex: hex(&m.arg_bytes),
        input_hex: hex(input),
    };
    std::fs::write(stem.with_extension("json"), serde_json::to_string_pretty(&desc)?)?;
    Ok(Finding { path: wasm_path.display().to_string(), engines: m.engines.clone(), detail: m.detail.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_is_seeded() {
        let a: Vec<u64> = { let mut r = SplitMix64::new(7); (0..4).map(|_| r.next_u64()).collect() };
        let b: Vec<u64> = { let mut r = SplitMix64::new(7); (0..4).map(|_| r.next_u64()).collect() };
        let c: Vec<u64> = { let mut r = SplitMix64::new(8); (0..4).map(|_| r.next_u64()).collect() };
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn hex_roundtrips() {
        assert_eq!(unhex(&hex(&[0, 1, 0xab, 0xff])), Some(vec![0, 1, 0xab, 0xff]));
        assert_eq!(unhex("abc"), None);
    }
}
