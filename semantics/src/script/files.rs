//! Many scripts: collecting `*.wast` files and running them on worker threads.

use super::{run_script_file, ScriptOptions, ScriptReport};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Stack of each worker thread. The engine may recurse natively per wasm
/// call; exhaustion tests go to the engine's call-depth limit, so give room.
const WORKER_STACK_BYTES: usize = 512 << 20;

/// Expands `paths` (files or directories) to a sorted, de-duplicated list of
/// script files: a directory contributes its `*.wast` files (not recursive),
/// a file is taken as given. Errors name the unreadable path.
pub fn collect_wast_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, (PathBuf, std::io::Error)> {
    let mut files = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|e| (path.clone(), e))?;
        if metadata.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| (path.clone(), e))?;
            for entry in entries {
                let entry = entry.map_err(|e| (path.clone(), e))?;
                let file = entry.path();
                if file.extension().is_some_and(|ext| ext == "wast") && file.is_file() {
                    files.push(file);
                }
            }
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// Runs `files` on `jobs` worker threads (at least one) and returns the
/// reports in the order of `files`. `on_done` is called as each finishes
/// (from worker threads), e.g. to drive a progress bar.
pub fn run_script_files(
    files: &[PathBuf],
    options: &ScriptOptions,
    jobs: usize,
    on_done: &(dyn Fn(&ScriptReport) + Sync),
) -> Vec<ScriptReport> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<ScriptReport>>> = files.iter().map(|_| Mutex::new(None)).collect();
    let worker = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(file) = files.get(i) else { break };
        super::panics::set_script_thread(true);
        let report = run_script_file(file, options);
        super::panics::set_script_thread(false);
        on_done(&report);
        *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(report);
    };
    super::panics::with_recording_hook(|| {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..jobs.clamp(1, files.len().max(1)))
                .map(|_| {
                    std::thread::Builder::new()
                        .stack_size(WORKER_STACK_BYTES)
                        .spawn_scoped(scope, worker)
                })
                .collect();
            for handle in handles {
                match handle {
                    Ok(h) => {
                        let _ = h.join();
                    }
                    // Could not spawn (resource limits): do the work on this thread.
                    Err(_) => worker(),
                }
            }
        })
    });
    slots
        .into_iter()
        .zip(files)
        .map(|(slot, file)| {
            slot.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .unwrap_or_else(|| {
                    // Only reachable if a worker died outside the per-directive guard.
                    let mut report = ScriptReport::new(file);
                    report.record_failure(
                        0,
                        "internal error: the script runner thread died".to_string(),
                    );
                    report
                })
        })
        .collect()
}
