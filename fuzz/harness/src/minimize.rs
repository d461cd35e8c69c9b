//! Shrinking a mismatch while it stays the same mismatch (same signature).
//!
//! Two phases: first the fuzz input bytes (truncation, then deleting chunks of
//! decreasing size), which also shrinks wasm-smith's choices; then, for
//! generated modules, structural passes on the module itself: dropping
//! exports and replacing function bodies with `unreachable`.

use crate::campaign::{run_guarded, TargetFn};
use crate::diff::{Mismatch, Verdict};
use crate::module_info::ModuleInfo;
use crate::rewrite::{rewrite, Rewrite};
use crate::targets::diff_wasm;
use std::time::{Duration, Instant};

pub fn minimize(target: TargetFn, input: &[u8], found: &Mismatch, budget: Duration, structural: bool) -> Mismatch {
    let deadline = Instant::now() + budget;
    let same = |v: Verdict| match v {
        Verdict::Mismatch(m) if m.signature == found.signature => Some(m),
        _ => None,
    };
    let mut best_input = input.to_vec();
    let mut best = found.clone();

    // Phase 1: bytes.
    let mut chunk = best_input.len() / 2;
    while chunk >= 1 && Instant::now() < deadline {
        let mut progressed = false;
        let mut start = 0;
        while start < best_input.len() && Instant::now() < deadline {
            let end = (start + chunk).min(best_input.len());
            let mut candidate = best_input[..start].to_vec();
            candidate.extend_from_slice(&best_input[end..]);
            if let Some(m) = same(run_guarded(target, &candidate)) {
                best_input = candidate;
                best = m;
                progressed = true;
            } else {
                start += chunk;
            }
        }
        if !progressed {
            chunk /= 2;
        }
    }

    // Phase 2: module structure.
    if structural {
        let mut progressed = true;
        while progressed && Instant::now() < deadline {
            progressed = false;
            let Ok(info) = ModuleInfo::parse(&best.wasm) else { break };
            let mut plans: Vec<Rewrite> = info
                .exports
                .iter()
                .map(|e| Rewrite { drop_export: Some(e.name.clone()), ..Rewrite::default() })
                .collect();
            plans.extend((0..count_bodies(&best.wasm)).map(|i| Rewrite { stub_body: Some(i), ..Rewrite::default() }));
            for plan in plans {
                if Instant::now() >= deadline {
                    break;
                }
                let Ok(candidate) = rewrite(&best.wasm, &plan) else { continue };
                if candidate.len() >= best.wasm.len() {
                    continue; // stubbing an already-stubbed body
                }
                if let Some(m) = same(diff_wasm(&candidate, &best.arg_bytes)) {
                    best = m;
                    progressed = true;
                    break;
                }
            }
        }
    }
    best
}

fn count_bodies(wasm: &[u8]) -> usize {
    wasmparser::Parser::new(0)
        .parse_all(wasm)
        .filter_map(|p| match p {
            Ok(wasmparser::Payload::CodeSectionStart { count, .. }) => Some(count as usize),
            _ => None,
        })
        .sum()
}
