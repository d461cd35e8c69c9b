//! The text report: one line per instance that is not verified (not
//! inapplicable either, unless verbose), and each counterexample in at most
//! [`MAX_LINES`] lines, what differs first; verbose shows every input and term.

use super::instance::UnitReport;
use crate::ir::Side;
use crate::replay::{Counterexample, ReplayStatus};
use crate::solve::OutcomeKind;
use std::fmt::Write as _;

/// Lines per counterexample by default, its header included.
pub const MAX_LINES: usize = 30;

pub fn text(r: &UnitReport, verbose: bool) -> String {
    let mut out = String::new();
    for i in r.instantiations.iter().filter(|i| i.outcome != OutcomeKind::Verified && (verbose || i.outcome != OutcomeKind::Inapplicable)) {
        let _ = writeln!(
            out,
            "{}: {} [{}]: {}{}",
            i.span,
            i.rule,
            i.types,
            i.outcome,
            i.reason.as_deref().map(|s| format!(": {s}")).unwrap_or_default()
        );
        if i.chain.len() > 1 && (verbose || i.counterexample.is_some()) {
            let _ = writeln!(out, "  chain: {}", i.chain.join(" -> "));
        }
        if let Some(cx) = &i.counterexample {
            let lines = counterexample(cx, &r.unit, &i.span.to_string(), verbose);
            out.push_str(&lines.join("\n"));
            out.push('\n');
        }
    }
    out
}

/// The lines of one counterexample after its header and chain (which take
/// two of the [`MAX_LINES`]).
fn counterexample(cx: &Counterexample, unit: &str, rule_span: &str, verbose: bool) -> Vec<String> {
    let mut head = Vec::new();
    if let ReplayStatus::Mismatch(m) = &cx.replay {
        head.push(format!("  error: replay disagrees with the solver: {m}"));
    }
    for d in &cx.differs {
        match d.in_words(unit) {
            Some(words) => head.push(format!("  differs: {words} ({}  vs  {})", d.left, d.right)),
            None => head.push(format!("  differs: {}  vs  {}", d.left, d.right)),
        }
    }
    let inputs: Vec<_> = cx.inputs.iter().filter(|b| verbose || b.relevant).collect();
    if !inputs.is_empty() {
        head.push("  inputs:".into());
        head.extend(inputs.iter().map(|b| format!("    {} = {}", b.name, b.value)));
    }
    let mut tail: Vec<String> = cx.failed.iter().map(|f| format!("  failed: {} at {}", f.what, f.span)).collect();
    tail.push(format!(
        "  replay: {}",
        match &cx.replay {
            ReplayStatus::Replayed => "replayed".to_string(),
            ReplayStatus::Mismatch(_) => "mismatch".to_string(),
            ReplayStatus::Unsupported(m) => format!("unsupported ({m})"),
        }
    ));
    // The rule's own term applications first (those at its span), then the
    // chain's, as many as fit.
    let mut terms: Vec<_> = cx.terms.iter().collect();
    terms.sort_by_key(|t| t.span != rule_span);
    let room = if verbose { terms.len() } else { MAX_LINES.saturating_sub(2 + head.len() + tail.len() + 2) };
    let shown = terms.len().min(room);
    let mut body = Vec::new();
    if shown > 0 {
        body.push("  terms:".to_string());
        let mut kept: Vec<_> = terms[..shown].to_vec();
        // Back in the order they were applied.
        kept.sort_by_key(|t| cx.terms.iter().position(|u| std::ptr::eq(*t, u)));
        for t in kept {
            let side = match t.side {
                Side::Lhs => "lhs",
                Side::Rhs => "rhs",
            };
            body.push(format!("    {side} ({} {}) = {}    ; {}", t.term, t.args.join(" "), t.result, t.span));
        }
    }
    let hidden_terms = terms.len() - shown;
    let hidden_inputs = cx.inputs.len() - inputs.len();
    if hidden_terms + hidden_inputs > 0 {
        body.push(format!("  ({hidden_inputs} more inputs and {hidden_terms} more terms with -v)"));
    }
    head.into_iter().chain(body).chain(tail).collect()
}
