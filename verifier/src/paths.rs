//! Paths in reports without the machine they ran on: the pinned crate's
//! files as `cranelift-codegen-0.135.8/src/…` (a checkout's as
//! `codegen/src/…`), the meta-generated ISLE as `<generated>/…`, files
//! under the working directory relative to it.

use crate::report::InstanceResult;
use std::path::Path;

/// Prefixes to replace, longest first.
#[derive(Clone, Debug, Default)]
pub struct Relativizer {
    prefixes: Vec<(String, String)>,
}

impl Relativizer {
    pub fn new(codegen_dir: Option<&Path>, generated_dir: Option<&Path>) -> Relativizer {
        let mut prefixes = Vec::new();
        let text = |p: &Path| p.to_string_lossy().trim_end_matches('/').to_string();
        if let Some(g) = generated_dir {
            prefixes.push((text(g), "<generated>".to_string()));
        }
        if let Some(dir) = codegen_dir.and_then(|d| d.canonicalize().ok().or(Some(d.to_path_buf()))) {
            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                prefixes.push((text(parent) + "/", String::new()));
            }
            if let Some(parent) = codegen_dir.and_then(Path::parent).filter(|p| !p.as_os_str().is_empty()) {
                prefixes.push((text(parent) + "/", String::new()));
            }
        }
        if let Ok(cwd) = std::env::current_dir() {
            prefixes.push((text(&cwd) + "/", String::new()));
        }
        prefixes.retain(|(p, _)| p.len() > 1);
        prefixes.sort_by(|a, b| b.0.len().cmp(&a.0.len()));
        Relativizer { prefixes }
    }

    pub fn text(&self, s: &str) -> String {
        self.prefixes.iter().fold(s.to_string(), |acc, (from, to)| acc.replace(from.as_str(), to))
    }

    /// Rewrites every path-bearing field of `r`.
    pub fn result(&self, r: &mut InstanceResult) {
        r.span.file = self.text(&r.span.file).into();
        r.rule = self.text(&r.rule);
        r.chain.iter_mut().for_each(|c| *c = self.text(c));
        if let Some(reason) = &mut r.reason {
            *reason = self.text(reason);
        }
        if let Some(cx) = &mut r.counterexample {
            cx.terms.iter_mut().for_each(|t| t.span = self.text(&t.span));
            cx.failed.iter_mut().for_each(|f| f.span = self.text(&f.span));
            if let crate::replay::ReplayStatus::Mismatch(m) | crate::replay::ReplayStatus::Unsupported(m) = &mut cx.replay {
                *m = self.text(m);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_prefixes_go() {
        let r = Relativizer::new(
            Some(Path::new("/home/u/.cargo/registry/src/index/cranelift-codegen-0.135.8")),
            Some(Path::new("/tmp/.tmpAb12")),
        );
        assert_eq!(
            r.text("/home/u/.cargo/registry/src/index/cranelift-codegen-0.135.8/src/isa/aarch64/lower.isle:8 -> /tmp/.tmpAb12/clif_lower.isle:3"),
            "cranelift-codegen-0.135.8/src/isa/aarch64/lower.isle:8 -> <generated>/clif_lower.isle:3"
        );
    }
}
