//! The verifier's modules form layers: no module reaches, directly or through
//! others, back into a module that uses it. A cycle means two concerns cannot
//! be read, tested or replaced one at a time, which is what the `ir/` core is
//! for (encode, replay and solve all stand on it, none on each other's
//! internals).
//!
//! The check reads `src/` as text: every `crate::a::b`, `super::x`,
//! `self::x` and `child::x` path (with `use` groups `{..}` expanded) is an
//! edge between the modules the two files belong to. Modules are counted at
//! two levels (`encode`, `encode::rotate`); deeper modules belong to their
//! second-level ancestor. A parent file that only declares and re-exports its
//! children is a facade; a parent whose children call back into it forms a
//! cycle like any other. Test-only code (`#[cfg(test)]` modules, inline or in
//! their own file) is left out: tests may use the layers above the code they
//! test.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Module path (`["encode", "rotate"]`) of a source file under `src`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without comments, string and character literals
/// (replaced by spaces so that paths inside them are not read as uses).
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if rest.starts_with("/*") {
            let mut depth = 0;
            while i < b.len() {
                if text[i..].starts_with("/*") {
                    depth += 1;
                    i += 2;
                } else if text[i..].starts_with("*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if (rest.starts_with("r\"") || rest.starts_with("r#")) && (i == 0 || !is_ident(b[i - 1])) {
            let hashes = rest[1..].bytes().take_while(|&c| c == b'#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let start = i + 1 + hashes + 1;
            i = text[start..].find(&close).map_or(b.len(), |k| start + k + close.len());
            out.push(' ');
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push(' ');
        } else if b[i] == b'\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            let lit_end = if b.get(i + 1) == Some(&b'\\') {
                text[i + 2..].find('\'').map(|k| i + 2 + k + 1)
            } else {
                let c = rest[1..].chars().next().map_or(0, char::len_utf8);
                (b.get(i + 1 + c) == Some(&b'\'')).then_some(i + 2 + c)
            };
            match lit_end {
                Some(e) => {
                    i = e;
                    out.push(' ');
                }
                None => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Removes `#[cfg(test)]` items with a body (`mod tests { .. }`) and returns
/// the names of `#[cfg(test)] mod name;` declarations (test-only files).
fn strip_test_code(code: &str) -> (String, BTreeSet<String>) {
    let mut out = String::new();
    let mut test_files = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let semi = after.find(';').unwrap_or(after.len());
        let brace = after.find('{').unwrap_or(after.len());
        if semi < brace {
            let decl = after[..semi].split_whitespace().collect::<Vec<_>>();
            if let Some(name) = decl.iter().position(|w| *w == "mod").and_then(|k| decl.get(k + 1)) {
                test_files.insert(name.to_string());
            }
            rest = &after[semi + 1..];
        } else {
            let mut depth = 0;
            let mut end = after.len();
            for (k, c) in after.char_indices().skip(brace) {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = k + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            rest = &after[end..];
        }
    }
    out.push_str(rest);
    (out, test_files)
}

/// Every path the code names that starts with `head::`, as its segments after
/// the head; a group `head::{a, b::c}` yields `[a]` and `[b, c]`.
fn paths_after(code: &str, head: &str) -> Vec<Vec<String>> {
    let b = code.as_bytes();
    let pat = format!("{head}::");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(k) = code[from..].find(&pat) {
        let at = from + k;
        from = at + pat.len();
        if at > 0 && (is_ident(b[at - 1]) || b[at - 1] == b':') {
            continue;
        }
        out.extend(path_tail(&code[from..]));
    }
    out
}

/// Parses `a::b::c` or `{a, b::{c, d}}` at the start of `s`.
fn path_tail(s: &str) -> Vec<Vec<String>> {
    let s = s.trim_start();
    if let Some(group) = s.strip_prefix('{') {
        let mut items = Vec::new();
        let (mut depth, mut start) = (0, 0);
        for (k, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    items.push(&group[start..k]);
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&group[start..k]);
                    start = k + 1;
                }
                _ => {}
            }
        }
        return items
            .into_iter()
            .flat_map(|item| {
                let item = item.trim();
                let ident: String = item.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if ident.is_empty() {
                    return Vec::new();
                }
                match item[ident.len()..].trim_start().strip_prefix("::") {
                    Some(more) => path_tail(more).into_iter().map(|mut p| { p.insert(0, ident.clone()); p }).collect(),
                    None => vec![vec![ident]],
                }
            })
            .collect();
    }
    let ident: String = s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    if ident.is_empty() {
        return Vec::new();
    }
    match s[ident.len()..].strip_prefix("::") {
        Some(more) => {
            let tails = path_tail(more);
            if tails.is_empty() {
                vec![vec![ident]]
            } else {
                tails.into_iter().map(|mut p| { p.insert(0, ident.clone()); p }).collect()
            }
        }
        None => vec![vec![ident]],
    }
}

/// The items a module re-exports (`pub use child::{A, B};`), each mapped to
/// its full path: a use of `crate::ir::Query` is a use of `crate::ir::query`.
fn reexports(module: &[String], code: &str, modules: &BTreeSet<Vec<String>>) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for head in ["pub use ", "pub(crate) use "] {
        let mut from = 0;
        while let Some(k) = code[from..].find(head) {
            let start = from + k + head.len();
            let end = code[start..].find(';').map_or(code.len(), |e| start + e);
            from = end;
            let statement = &code[start..end];
            // `pub use child::item as name;` exports `name`.
            let alias = (!statement.contains('{'))
                .then(|| statement.split_whitespace().collect::<Vec<_>>())
                .filter(|w| w.len() == 3 && w[1] == "as")
                .map(|w| w[2].to_string());
            for p in path_tail(statement) {
                let full: Vec<String> = match p[0].as_str() {
                    "crate" => p[1..].to_vec(),
                    "self" => module.iter().cloned().chain(p[1..].iter().cloned()).collect(),
                    "super" => module.iter().cloned().chain(p.iter().cloned()).collect(),
                    _ => module.iter().cloned().chain(p.iter().cloned()).collect(),
                };
                let full = resolve_super(full);
                if full.len() > module.len() && modules.contains(&full[..module.len() + 1]) {
                    out.insert(alias.clone().unwrap_or_else(|| full.last().unwrap().clone()), full);
                }
            }
        }
    }
    out
}

/// `a::b::super::c` is `a::c`.
fn resolve_super(path: Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    for seg in path {
        if seg == "super" {
            out.pop();
        } else {
            out.push(seg);
        }
    }
    out
}

/// The module graph of the crate under `src`: node -> nodes it uses.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut sources = BTreeMap::new();
    for f in &files {
        let text = fs::read_to_string(f).unwrap();
        sources.insert(module_path(src, f), code_only(&text));
    }
    // Files declared `#[cfg(test)] mod x;` are test code, and so is all below them.
    let mut test_modules: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut stripped = BTreeMap::new();
    for (path, code) in &sources {
        let (code, tests) = strip_test_code(code);
        for t in tests {
            let mut p = path.clone();
            p.push(t);
            test_modules.insert(p);
        }
        stripped.insert(path.clone(), code);
    }
    let modules: BTreeSet<Vec<String>> = sources.keys().cloned().collect();
    let node_of = |path: &[String]| -> Option<String> {
        // The longest prefix (at most two segments) that is a module file.
        (1..=path.len().min(2)).rev().map(|n| &path[..n]).find(|p| modules.contains(*p)).map(|p| p.join("::"))
    };
    let exported: BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>> =
        stripped.iter().map(|(path, code)| (path.clone(), reexports(path, code, &modules))).collect();
    let through_reexport = |t: Vec<String>| -> Vec<String> {
        for n in (1..t.len()).rev() {
            if let Some(full) = exported.get(&t[..n]).and_then(|e| e.get(&t[n])) {
                return full.iter().chain(&t[n + 1..]).cloned().collect();
            }
        }
        t
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, code) in &stripped {
        if path.is_empty() || test_modules.iter().any(|t| path.starts_with(t)) {
            continue;
        }
        let Some(from) = node_of(path) else { continue };
        let mut targets: Vec<Vec<String>> = paths_after(code, "crate");
        let parent = &path[..path.len() - 1];
        for tail in paths_after(code, "super") {
            targets.push(parent.iter().cloned().chain(tail).collect());
        }
        for tail in paths_after(code, "self") {
            targets.push(path.iter().cloned().chain(tail).collect());
        }
        // Children named directly (`rotate::apply` inside encode.rs).
        for m in &modules {
            if m.len() == path.len() + 1 && m.starts_with(path) {
                let child = m.last().unwrap();
                for tail in paths_after(code, child) {
                    targets.push(m.iter().cloned().chain(tail).collect());
                }
            }
        }
        // A module imported by name (`use crate::solve::{self, ..}`,
        // `use super::rotate;`) is used where its name is: `solve::check`.
        let targets: Vec<Vec<String>> = targets
            .into_iter()
            .map(|mut t| {
                if t.last().is_some_and(|s| s == "self") {
                    t.pop();
                }
                resolve_super(t)
            })
            .collect();
        let mut used = Vec::new();
        for t in targets {
            if modules.contains(&t) {
                for tail in paths_after(code, t.last().unwrap()) {
                    used.push(t.iter().cloned().chain(tail).collect());
                }
            } else {
                used.push(t);
            }
        }
        let entry = graph.entry(from.clone()).or_default();
        for t in used.into_iter().map(resolve_super).map(through_reexport) {
            if test_modules.iter().any(|tm| t.starts_with(tm)) {
                continue;
            }
            if let Some(to) = node_of(&t) {
                if to != from {
                    entry.insert(to);
                }
            }
        }
    }
    graph
}

/// One cycle per strongly connected component with more than one module,
/// each as the path `a -> b -> .. -> a`.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let reaches = |from: &str, to: &str| -> Option<Vec<String>> {
        // Breadth-first path from `from` to `to`.
        let mut prev: BTreeMap<String, String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([from.to_string()]);
        while let Some(n) = queue.pop_front() {
            for m in graph.get(&n).into_iter().flatten() {
                if m == to {
                    let mut path = vec![to.to_string(), n.clone()];
                    let mut cur = n.clone();
                    while cur != from {
                        cur = prev[&cur].clone();
                        path.push(cur.clone());
                    }
                    path.reverse();
                    return Some(path);
                }
                if m != from && !prev.contains_key(m) {
                    prev.insert(m.clone(), n.clone());
                    queue.push_back(m.clone());
                }
            }
        }
        None
    };
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut found = Vec::new();
    for n in graph.keys() {
        if seen.contains(n) {
            continue;
        }
        if let Some(path) = reaches(n, n) {
            seen.extend(path.iter().cloned());
            found.push(path.join(" -> "));
        }
    }
    found
}

#[test]
fn verifier_modules_have_no_import_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&src);
    assert!(graph.contains_key("pipeline") && graph["pipeline"].contains("load"), "the graph misses known edges: {graph:#?}");
    let found = cycles(&graph);
    assert!(found.is_empty(), "import cycles among the verifier's modules:\n  {}", found.join("\n  "));
}

/// The check finds a cycle planted in a small crate: through `crate::`, a
/// `use` group, `super::` and a parent naming its child.
#[test]
fn a_planted_cycle_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    let write = |p: &str, s: &str| {
        let p = src.join(p);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, s).unwrap();
    };
    write("lib.rs", "pub mod a; pub mod b; pub mod c; pub mod d;");
    write("a.rs", "use crate::{c::X, b};\n// crate::z is a comment\nfn f() { let s = \"crate::c\"; b::g() }");
    write("b.rs", "pub mod inner;\nfn g() { inner::h() }");
    write("b/inner.rs", "use super::super::a; pub fn h() { a::f() }\n#[cfg(test)]\nmod tests { use crate::c; }");
    write("c.rs", "pub mod y;\npub use y::Y;\npub struct X;");
    write("c/y.rs", "use crate::c::X; pub struct Y;");
    write("d.rs", "use crate::c::Y;\nuse crate::c::{self};\nfn k() { c::y::f() }");
    let graph = module_graph(src);
    assert_eq!(graph["a"], BTreeSet::from(["b".to_string(), "c".to_string()]));
    assert_eq!(graph["b"], BTreeSet::from(["b::inner".to_string()]));
    assert_eq!(graph["b::inner"], BTreeSet::from(["a".to_string()]));
    // `d` uses `Y` through the facade `c`'s re-export: an edge to `c::y`,
    // not a cycle `c -> c::y -> c`.
    assert_eq!(graph["d"], BTreeSet::from(["c::y".to_string()]));
    // `use crate::c::{self}` alone is no edge to `c`: its use `c::y::f` is.
    assert_eq!(graph["c::y"], BTreeSet::from(["c".to_string()]));
    // `c` re-exports from `c::y`, which uses `c::X`: that is a cycle.
    assert_eq!(cycles(&graph), vec!["a -> b -> b::inner -> a".to_string(), "c -> c::y -> c".to_string()]);
}
