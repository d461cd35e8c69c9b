//! Proving one exported function: explore it with loops havocked (the sound run), ask the
//! solver about every site, confirm every possible trap on the interpreter, and for sites a
//! havocked loop leaves open, look for a real trap in a run with loops unrolled.

use crate::exec::sites::{op_name, site_kind, SiteKind};
use crate::exec::{Explored, Exec, Invariants, LoopMode, Site};
use crate::machine::NumType;
use crate::module::{ModuleInfo, Node};
use crate::replay::{self, Run};
use crate::report::{FunctionReport, SiteReport, UnknownReason, Verdict};
use crate::smt::{Smt, Term};
use crate::solve::{decide, Decision};
use crate::Options;
use saffron_semantics::script::LoadedModule;
use std::collections::BTreeMap;

pub struct Subject<'x, 'a> {
    pub info: &'x ModuleInfo<'a>,
    pub loaded: &'x LoadedModule,
    pub opts: &'x Options,
}

/// The sites of `func`'s own body, found syntactically: those no run reaches are dead code.
fn own_sites(info: &ModuleInfo, func: u32) -> Vec<(usize, String, SiteKind)> {
    fn walk(nodes: &[Node], out: &mut Vec<(usize, String, SiteKind)>) {
        for n in nodes {
            match n {
                Node::Op(offset, op) => {
                    if let Some(kind) = site_kind(op) {
                        out.push((*offset, op_name(op), kind));
                    }
                }
                Node::Block { body, els, .. } => {
                    walk(body, out);
                    walk(els, out);
                }
            }
        }
    }
    let mut out = vec![];
    if let Some(b) = info.body(func) {
        walk(&b.code, &mut out);
    }
    out
}

struct Unrolled {
    smt: Smt,
    sites: Vec<Site<Term>>,
}

impl Subject<'_, '_> {
    pub fn prove(&self, name: &str, func: u32) -> FunctionReport {
        let syntactic = own_sites(self.info, func);
        let params: Option<Vec<NumType>> = self
            .info
            .func_type(func)
            .and_then(|t| t.params().iter().map(|p| NumType::of(*p)).collect());
        let smt = Smt::with_early_checks(self.opts.solve.clone());
        let invariants = crate::interval::invariants(self.info, func);
        let explored = match &params {
            None => Err(crate::exec::Unsupported { offset: 0, what: "a non-numeric parameter or result".into() }),
            Some(_) => Exec::new(&smt, self.info, LoopMode::Havoc, &invariants).run_export(func),
        };
        let mut reports: BTreeMap<usize, SiteReport> = BTreeMap::new();
        match (explored, params) {
            (Ok(explored), Some(params)) => {
                let mut unrolled = None;
                for site in &explored.sites {
                    let r = self.judge(name, func, &params, &smt, site, &explored, &mut unrolled);
                    reports.insert(site.offset, r);
                }
                // Sites no path reaches (dead code) cannot trap.
                for (offset, op, kind) in syntactic {
                    reports.entry(offset).or_insert_with(|| report(offset, op, kind, Verdict::Safe, None, None));
                }
            }
            (Err(u), _) => {
                let at = u.offset.saturating_sub(self.info.code_start);
                let why = UnknownReason::Unsupported(format!("{} at code offset {at:#x}", u.what));
                for (offset, op, kind) in syntactic {
                    reports.insert(offset, report(offset, op, kind, Verdict::Unknown, None, Some(why.clone())));
                }
                if reports.is_empty() {
                    reports.insert(u.offset, report(u.offset, "function".into(), SiteKind::Call, Verdict::Unknown, None, Some(why)));
                }
            }
            (Ok(_), None) => unreachable!("no run without parameter types"),
        }
        // Offsets in the report count from the code section's start.
        let code_start = self.info.code_start;
        let sites: Vec<SiteReport> =
            reports.into_values().map(|s| SiteReport { offset: s.offset.saturating_sub(code_start), ..s }).collect();
        FunctionReport { name: name.to_string(), verdict: FunctionReport::combine(&sites), sites }
    }

    #[allow(clippy::too_many_arguments)]
    fn judge(
        &self,
        name: &str,
        func: u32,
        params: &[NumType],
        smt: &Smt,
        site: &Site<Term>,
        explored: &Explored<Term>,
        unrolled: &mut Option<Result<Unrolled, ()>>,
    ) -> SiteReport {
        let (offset, op, kind) = (site.offset, site.op.clone(), site.kind);
        let unknown = |why| report(offset, op.clone(), kind, Verdict::Unknown, None, Some(why));
        let bits = match decide(smt, site.cond, params.len(), &self.opts.solve) {
            Decision::Impossible => return report(offset, op.clone(), kind, Verdict::Safe, None, None),
            Decision::Unknown(why) => return unknown(why),
            Decision::Possible(bits) => bits,
        };
        let first = match self.confirm(name, params, &bits, kind) {
            Ok(found) => return report(offset, op.clone(), kind, Verdict::MayTrap, Some(found), None),
            Err(what) => what,
        };
        if explored.havocked_loops {
            let u = unrolled.get_or_insert_with(|| {
                let smt = Smt::new();
                let none = Invariants::new();
                let run = Exec::new(&smt, self.info, LoopMode::Unroll(self.opts.unroll), &none).run_export(func);
                run.map(|e| Unrolled { sites: e.sites, smt }).map_err(|_| ())
            });
            if let Ok(u) = u {
                if let Some(s) = u.sites.iter().find(|s| s.offset == offset) {
                    if let Decision::Possible(bits) = decide(&u.smt, s.cond, params.len(), &self.opts.solve) {
                        if let Ok(found) = self.confirm(name, params, &bits, kind) {
                            return report(offset, op.clone(), kind, Verdict::MayTrap, Some(found), None);
                        }
                    }
                }
            }
        }
        match &site.not_modelled {
            Some(why) => unknown(UnknownReason::CallNotFollowed(why.clone())),
            None if explored.havocked_loops => unknown(UnknownReason::LoopNotSummarised),
            None => unknown(UnknownReason::NotConfirmed(first)),
        }
    }

    /// Runs the model's arguments; `Ok((input, trap message))` when the interpreter traps
    /// with a message this kind of site produces, else what happened instead.
    fn confirm(&self, name: &str, params: &[NumType], bits: &[Option<u128>], kind: SiteKind) -> Result<(Vec<String>, String), String> {
        let args: Vec<_> = params.iter().zip(bits).map(|(t, b)| replay::value(*t, *b)).collect();
        match replay::run(self.loaded, name, &args) {
            Run::Trapped(msg) if kind.messages().iter().any(|m| msg.starts_with(m)) => Ok((args.iter().map(replay::text).collect(), msg)),
            Run::Trapped(msg) => Err(format!("traps with \"{msg}\" instead")),
            Run::Returned => Err("returns normally".into()),
            Run::NotRun(why) => Err(why),
        }
    }
}

fn report(offset: usize, op: String, kind: SiteKind, verdict: Verdict, found: Option<(Vec<String>, String)>, reason: Option<UnknownReason>) -> SiteReport {
    let (input, trap) = match found {
        Some((i, t)) => (Some(i), Some(t)),
        None => (None, None),
    };
    SiteReport {
        offset,
        op,
        kind,
        verdict,
        input,
        trap,
        reason,
        bounds_check_redundant: (kind == SiteKind::MemoryAccess).then_some(verdict == Verdict::Safe),
    }
}
