//! load -> expand -> instantiate -> (encode -> solve -> replay) -> report,
//! in parallel.
//!
//! Instantiation runs as a rayon parallel iterator. Solving runs on the same
//! pool, but every worker pulls the next query from one shared queue sorted
//! most-expensive-first, so a few slow queries started early do not leave
//! the other workers idle at the end (longest-processing-time-first). Each
//! worker thread has its own Z3 context (z3 0.22's thread-local context).

use crate::cache::{self, Cache, Verdict};
use crate::certify::{self, CertifyOptions, Status};
use crate::expand::{expand, ExpandError, ExpandOptions};
use crate::front::instantiate::{instantiate, Instance, InstanceBody};
use crate::ir::{BvBinOp, Expr, Query};
use crate::load::{load, LoadError, LoadOptions, Program};
use crate::report::{InstanceResult, Source, UnitReport};
use crate::shard::{Shard, Splitter};
use crate::solve::{self, Outcome, OutcomeKind, SolveOptions};
use crate::span::Span;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

#[derive(Clone, Debug, Default)]
pub struct VerifyOptions {
    pub load: LoadOptions,
    pub expand: ExpandOptions,
    pub solve: SolveOptions,
    /// Worker threads; 0 = one per available core.
    pub jobs: usize,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// Reuse and store budget-independent verdicts (see [`cache`]).
    pub cache: Option<Cache>,
    /// Check only this shard's instances.
    pub shard: Option<Shard>,
    /// Re-check every verified instance with both solvers (see [`certify`]).
    pub certify: Option<CertifyOptions>,
}

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("{0}")]
    Load(#[from] LoadError),
    #[error("{0}")]
    Expand(#[from] ExpandError),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// One type instance waiting to be checked, with what the report needs.
pub struct WorkItem {
    pub rule: String,
    pub chain: Vec<String>,
    pub span: Span,
    /// The expansion's [`SCOPE_TAGS`](crate::expand::SCOPE_TAGS).
    pub scope_tags: Vec<String>,
    pub instance: Instance,
}

/// Runs the whole pipeline for one unit or standalone program: loads it,
/// then [`verify_program`].
pub fn verify(unit_name: &str, opts: &VerifyOptions) -> Result<UnitReport, PipelineError> {
    let start = Instant::now();
    let program = load(&opts.load)?;
    verify_program_from(unit_name, &program, opts, start)
}

/// The one driver of verification: expands and instantiates every rule of a
/// loaded `program` ([`instances`]), keeps this shard's instances, checks
/// them (cache, solver, replay), certifies if asked, and reports. The CLI,
/// the filetests, the integration tests and the benches all come here.
pub fn verify_program(unit_name: &str, program: &Program, opts: &VerifyOptions) -> Result<UnitReport, PipelineError> {
    verify_program_from(unit_name, program, opts, Instant::now())
}

fn verify_program_from(unit_name: &str, program: &Program, opts: &VerifyOptions, start: Instant) -> Result<UnitReport, PipelineError> {
    let pool = pool(opts.jobs)?;
    let Instances { expansions, items } = instances_on(&pool, program, opts)?;
    let mut results = check_all(&pool, &items, &opts.solve, opts.cache.as_ref(), opts.progress);
    let codegen = opts.load.unit.as_ref().and_then(|_| crate::load::cranelift_codegen_dir(opts.load.cranelift_dir.as_deref()).ok());
    let paths = crate::paths::Relativizer::new(codegen.as_deref(), program.generated_dir());
    if let Some(c) = &opts.certify {
        certify_all(&pool, &items, &mut results, c, &paths, opts.progress);
    }
    results.iter_mut().for_each(|r| paths.result(r));
    let mut report = UnitReport::new(unit_name.to_string(), expansions, results, start.elapsed().as_millis() as u64);
    report.shard = opts.shard.map(|s| s.to_string());
    Ok(report)
}

/// The front half of [`verify_program`]: how many expansions a program has
/// and the type instances to check (this shard's only, with a shard).
pub struct Instances {
    pub expansions: usize,
    pub items: Vec<WorkItem>,
}

/// [`Instances`] of `program`, on `opts.jobs` threads, without solving
/// anything (what `front_stats` shows).
pub fn instances(program: &Program, opts: &VerifyOptions) -> Result<Instances, PipelineError> {
    instances_on(&pool(opts.jobs)?, program, opts)
}

fn instances_on(pool: &rayon::ThreadPool, program: &Program, opts: &VerifyOptions) -> Result<Instances, PipelineError> {
    let expansions = expand(program, &opts.expand)?;
    let items: Vec<WorkItem> = pool.install(|| {
        expansions
            .par_iter()
            .flat_map_iter(|e| {
                instantiate(program, e).into_iter().map(move |instance| WorkItem {
                    rule: e.rule.clone(),
                    chain: e.chain.clone(),
                    span: e.span.clone(),
                    scope_tags: e.scope_tags(),
                    instance,
                })
            })
            .collect()
    });
    let items = match opts.shard {
        None => items,
        Some(shard) => {
            let mut splitter = Splitter::default();
            items.into_iter().filter(|it| splitter.keeps(shard, &it.rule, &it.chain, &it.instance.types)).collect()
        }
    };
    Ok(Instances { expansions: expansions.len(), items })
}

fn pool(jobs: usize) -> Result<rayon::ThreadPool, PipelineError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        // Deep expansions make deep expression trees; Z3 recursion likes stack.
        .stack_size(256 << 20)
        .thread_name(|i| format!("saffron-verify-{i}"))
        .build()
        .map_err(|e| PipelineError::Threads(e.to_string()))
}

/// A rough cost of solving `q`: non-linear bitvector and floating-point
/// operations dominate bit-blasting time.
pub fn estimated_cost(q: &Query) -> u64 {
    q.exprs
        .iter()
        .map(|e| match e {
            Expr::BvBin(BvBinOp::Mul | BvBinOp::Udiv | BvBinOp::Urem | BvBinOp::Sdiv | BvBinOp::Srem, ..) => 50,
            Expr::FpBin(..) | Expr::FpUn(..) | Expr::ToFp { .. } | Expr::FpToFp { .. } | Expr::FpToBv { .. } => 100,
            Expr::BvBin(BvBinOp::Rotl | BvBinOp::Rotr | BvBinOp::Shl | BvBinOp::Lshr | BvBinOp::Ashr, ..) => 5,
            _ => 1,
        })
        .sum()
}

/// Checks every item on `pool`, most expensive first; results in input order.
pub fn check_all(
    pool: &rayon::ThreadPool,
    items: &[WorkItem],
    opts: &SolveOptions,
    cache: Option<&Cache>,
    progress: bool,
) -> Vec<InstanceResult> {
    let mut order: Vec<(u64, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, it)| match &it.instance.body {
            InstanceBody::Query(q) => (estimated_cost(q), i),
            _ => (0, i),
        })
        .collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));

    let bar = if progress {
        let b = ProgressBar::new(items.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} {msg}") {
            b.set_style(style.progress_chars("=> "));
        }
        b
    } else {
        ProgressBar::hidden()
    };
    // SAFFRON_VERIFY_TRACE=1: one line per finished instance on stderr, for
    // watching long runs whose stderr is not a terminal.
    let trace = std::env::var_os("SAFFRON_VERIFY_TRACE").is_some();
    let done = AtomicUsize::new(0);
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<InstanceResult>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    pool.broadcast(|_| loop {
        let k = next.fetch_add(1, Ordering::Relaxed);
        let Some(&(_, i)) = order.get(k) else { break };
        let r = check_item(&items[i], opts, cache);
        if trace {
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            eprintln!("[{n}/{}] {} ms {} {} [{}]", items.len(), r.millis, r.outcome, r.rule, r.types);
        }
        if r.failed() {
            bar.println(format!("{}: {} [{}]: {}", r.span, r.rule, r.types, r.outcome));
        }
        slots.lock().expect("no worker panics while holding the lock")[i] = Some(r);
        bar.inc(1);
    });
    bar.finish_and_clear();
    slots
        .into_inner()
        .expect("workers done")
        .into_iter()
        .map(|r| r.expect("every item checked"))
        .collect()
}

/// Gives every verified instance its certificate (cached verdicts too: the
/// query is rebuilt either way). A disagreement turns the instance into an
/// `error`: one solver, or the export, is wrong, so nothing is verified.
pub fn certify_all(
    pool: &rayon::ThreadPool,
    items: &[WorkItem],
    results: &mut [InstanceResult],
    opts: &CertifyOptions,
    paths: &crate::paths::Relativizer,
    progress: bool,
) {
    let todo: Vec<usize> = (0..items.len())
        .filter(|&i| results[i].outcome == OutcomeKind::Verified && matches!(items[i].instance.body, InstanceBody::Query(_)))
        .collect();
    let bar = if progress { ProgressBar::new(todo.len() as u64).with_message("certifying") } else { ProgressBar::hidden() };
    let certificates: Vec<(usize, Result<certify::Certificate, String>)> = pool.install(|| {
        todo.par_iter()
            .map(|&i| {
                let InstanceBody::Query(q) = &items[i].instance.body else { unreachable!("filtered above") };
                let r = results[i].query_hash.clone().unwrap_or_default();
                let c = solve::correctness_smt2(q).map(|full| {
                    let mut texts: Vec<(solve::Method, String)> = Vec::new();
                    if let Some(t) = solve::abstracted_smt2(q) {
                        texts.push((solve::Method::UfAbstraction, t));
                    }
                    texts.push((solve::Method::Full, full));
                    let (cert, text) = certify::certify_candidates(&r, texts, opts.timeout).expect("the full query is a candidate");
                    if let Some(dir) = &opts.dir {
                        // No machine paths in the files either.
                        let head = paths.text(&certify::header(&results[i].rule, &results[i].span.to_string(), &results[i].types, &r));
                        if let Err(e) = certify::write(dir, &head, &text) {
                            warn_once(&format!("cannot write certificates in {}: {e}", dir.display()));
                        }
                    }
                    cert
                });
                bar.inc(1);
                (i, c)
            })
            .collect()
    });
    bar.finish_and_clear();
    for (i, c) in certificates {
        let r = &mut results[i];
        match c {
            Ok(c) => {
                if c.status == Status::Disagreement {
                    r.outcome = OutcomeKind::Error;
                    r.reason = Some(format!("solvers disagree on the exported query: {}", c.describe()));
                }
                r.certificate = Some(c);
            }
            Err(e) => r.reason = Some(format!("no certificate: cannot export the query ({e})")),
        }
    }
}

/// Checks one item, from the cache when it holds the query's verdict.
pub fn check_item(item: &WorkItem, opts: &SolveOptions, cache: Option<&Cache>) -> InstanceResult {
    let start = Instant::now();
    let mut query_hash = None;
    let mut method = None;
    let (outcome, source) = match &item.instance.body {
        InstanceBody::Query(q) => {
            let hash = cache::query_hash(q);
            query_hash = Some(hash);
            let key = Cache::key(hash);
            match cache.and_then(|c| c.get(key)) {
                Some(v) => (v.outcome(), Source::Cache),
                None => {
                    let (o, m) = solve_guarded(q, opts);
                    method = m;
                    if let (Some(c), Some(v)) = (cache, Verdict::of(&o)) {
                        if let Err(e) = c.put(key, v) {
                            warn_once(&format!("cannot write the verification cache in {}: {e}", c.dir().display()));
                        }
                    }
                    (o, Source::Solver)
                }
            }
        }
        InstanceBody::Unsupported { reason, span } => {
            let reason = format!("{reason} (at {span})");
            let outcome = if item.scope_tags.is_empty() {
                Outcome::Unsupported(reason)
            } else {
                Outcome::OutOfScope { tags: item.scope_tags.clone(), reason }
            };
            (outcome, Source::Front)
        }
        InstanceBody::Error { message, span } => (Outcome::Error(format!("{message} (at {span})")), Source::Front),
        InstanceBody::Inapplicable { .. } => (Outcome::Inapplicable, Source::Front),
    };
    let (rule, chain, span) = match &item.instance.body {
        InstanceBody::Query(q) => (q.rule.clone(), q.chain.clone(), q.span.clone()),
        _ => (item.rule.clone(), item.chain.clone(), item.span.clone()),
    };
    let mut r = InstanceResult::new(rule, chain, item.instance.types.clone(), span, outcome, start.elapsed().as_millis() as u64);
    r.source = source;
    r.method = method;
    r.query_hash = query_hash.map(|h| h.to_string());
    r
}

/// [`solve::check_with_method`]; a panic anywhere below becomes an `error`
/// outcome rather than taking the whole run down.
fn solve_guarded(q: &Query, opts: &SolveOptions) -> (Outcome, Option<solve::Method>) {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| solve::check_with_method(q, opts))) {
        Ok((o, m)) => (o, Some(m)),
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            (Outcome::Error(format!("internal error while checking: {msg}")), None)
        }
    }
}

fn warn_once(msg: &str) {
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| eprintln!("warning: {msg}"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::ReplayStatus;

    /// A self-contained program with one right and one wrong rule.
    const PROGRAM: &str = r#"
(type Value (primitive Value))
(model Value (type (bv)))
(decl test (Value) Value)
(spec (test x) (provide (= result x)))
(instantiate test ((args (bv 8)) (ret (bv 8))) ((args (bv 32)) (ret (bv 32))))
(decl ishl_one (Value) Value)
(extern extractor ishl_one ishl_one)
(spec (ishl_one x) (provide (= result (bvshl x (zero_ext (widthof x) #b1)))))
(decl iadd (Value Value) Value)
(extern constructor iadd iadd)
(spec (iadd a b) (provide (= result (bvadd a b))))
(decl imul (Value Value) Value)
(extern extractor imul imul)
(spec (imul a b) (provide (= result (bvmul a b))))
(rule shl_one_is_double (test (ishl_one x)) (iadd x x))
(rule square_is_double (test (imul x x)) (iadd x x))
"#;

    #[test]
    fn standalone_program_through_the_pipeline() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("prog.isle");
        std::fs::write(&file, PROGRAM).unwrap();
        let opts = VerifyOptions {
            load: LoadOptions { standalone_files: vec![file], ..Default::default() },
            expand: ExpandOptions::default(),
            solve: SolveOptions::default(),
            jobs: 2,
            ..Default::default()
        };
        let r = verify("prog", &opts).expect("loads");
        let by_rule = |name: &str| r.instantiations.iter().filter(|i| i.rule == name).map(|i| i.outcome.word()).collect::<Vec<_>>();
        assert_eq!(by_rule("shl_one_is_double"), ["verified", "verified"], "{r:#?}");
        assert_eq!(by_rule("square_is_double"), ["counterexample", "counterexample"], "{r:#?}");
        for i in &r.instantiations {
            if let Some(cx) = &i.counterexample {
                assert_eq!(cx.replay, ReplayStatus::Replayed);
            }
        }
        assert_eq!(r.summary.line(), "2 verified, 2 failed, 0 inapplicable, 0 timeout, 0 unknown, 0 unsupported");
    }
}
