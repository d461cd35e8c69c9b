//! Debug entry for the verifier front end: loads a unit (or standalone ISLE
//! files), expands and instantiates every rule, and prints how many type
//! instances became queries versus unsupported/error, with the top reasons.
//!
//! `cargo run --release -p saffron-verifier --example front_stats -- opt [--default-excludes] [--rule R] [--verbose] [--list]`

use saffron_verifier::expand::ExpandOptions;
use saffron_verifier::front::instantiate::InstanceBody;
use saffron_verifier::load::{load, LoadOptions, Unit};
use saffron_verifier::pipeline::{instances, Instances, VerifyOptions};
use std::collections::{HashMap, HashSet};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut lo = LoadOptions::default();
    let mut eo = ExpandOptions::default();
    let mut verbose = false;
    let mut list = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--default-excludes" => eo.default_excludes = true,
            "--rule" => eo.rule = it.next().cloned(),
            "--root" => eo.roots.push(it.next().cloned().unwrap_or_default()),
            "--verbose" => verbose = true,
            "--list" => list = true,
            "--extra" => lo.extra_files.push(it.next().unwrap().into()),
            u if u.parse::<Unit>().is_ok() => lo.unit = Some(u.parse().unwrap()),
            f => lo.standalone_files.push(f.into()),
        }
    }
    let t0 = std::time::Instant::now();
    let prog = match load(&lo) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    eprintln!("loaded in {:?}: {} rules, {} specs", t0.elapsed(), prog.termenv.rules.len(), prog.specs.len());
    let opts = VerifyOptions { load: lo, expand: eo, ..VerifyOptions::default() };
    let Instances { expansions, items } = instances(&prog, &opts).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let (mut q, mut u, mut er) = (0usize, 0usize, 0usize);
    let mut reasons: HashMap<String, usize> = HashMap::new();
    let mut listed = HashSet::new();
    let mut with_query = HashSet::new();
    for i in items {
        let expansion = (i.rule.clone(), i.chain.clone(), i.span.to_string());
        if list && listed.insert(expansion.clone()) {
            println!("EXPANSION {} chain={:?}", i.rule, i.chain);
        }
        let types = &i.instance.types;
        match i.instance.body {
            InstanceBody::Query(query) => {
                q += 1;
                with_query.insert(expansion);
                if verbose {
                    println!("QUERY {} {} vars={} exprs={} lhs={} rhs={} obl={}", query.rule, query.types, query.vars.len(), query.exprs.len(), query.lhs_conditions.len(), query.rhs_assumptions.len(), query.obligations.len());
                    if opts.expand.rule.is_some() {
                        for (k, cs) in [("lhs", &query.lhs_conditions), ("rhs", &query.rhs_assumptions), ("obl", &query.obligations)] {
                            for c in cs.iter() {
                                println!("  {k}: {} @ {}", c.what, c.span);
                            }
                        }
                        for t in &query.terms {
                            println!("  term {} {:?}", t.term, t.side);
                        }
                    }
                }
            }
            InstanceBody::Unsupported { reason, span } => {
                u += 1;
                if verbose {
                    println!("UNSUPPORTED {} {types}: {reason} at {span}", i.rule);
                }
                *reasons.entry(format!("unsupported: {}", shorten(&reason))).or_default() += 1;
            }
            InstanceBody::Inapplicable { reason, span } => {
                if verbose {
                    println!("INAPPLICABLE {} {types}: {reason} at {span}", i.rule);
                }
                *reasons.entry("inapplicable (left-side constants contradict)".into()).or_default() += 1;
            }
            InstanceBody::Error { message, span } => {
                er += 1;
                if verbose {
                    println!("ERROR {} {types}: {message} at {span}", i.rule);
                }
                *reasons.entry(format!("error: {}", shorten(&message))).or_default() += 1;
            }
        }
    }
    let exp_with_query = with_query.len();
    println!("expansions: {} ({} with at least one query)", expansions, exp_with_query);
    println!("instances: {} queries, {} unsupported, {} errors ({:?})", q, u, er, t0.elapsed());
    let mut rs: Vec<_> = reasons.into_iter().collect();
    rs.sort_by(|a, b| b.1.cmp(&a.1));
    for (r, n) in rs.iter().take(25) {
        println!("  {n:6}  {r}");
    }
}

/// Collapse instance-specific details so reasons group well.
fn shorten(s: &str) -> String {
    let s: String = s.chars().take(110).collect();
    s
}
