//! Loading an ISLE program: locate Cranelift's sources, generate the
//! meta-generated ISLE, parse and type-check everything, and index the
//! verification annotations (specs, models, forms, attributes).

use crate::effects;
use crate::span::Span;
use cranelift_isle::ast;
use cranelift_isle::error::Error as IsleError;
use cranelift_isle::files::Files;
use cranelift_isle::lexer::{Lexer, Pos};
use cranelift_isle::sema::{ConstructorKind, RuleId, TermEnv, TermId, TermKind, TypeEnv, TypeId};
use cranelift_isle::trie_again::{Binding, RuleSet};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An ISLE compilation unit of Cranelift.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    Opt,
    Aarch64,
    X64,
}

impl Unit {
    /// The compilation's name in `get_isle_compilations`.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Opt => "opt",
            Unit::Aarch64 => "aarch64",
            Unit::X64 => "x64",
        }
    }

    /// The backend's directory under `src/isa`, for lowering units.
    pub fn isa_dir(self) -> Option<&'static str> {
        match self {
            Unit::Opt => None,
            Unit::Aarch64 => Some("aarch64"),
            Unit::X64 => Some("x64"),
        }
    }
}

impl std::str::FromStr for Unit {
    type Err = String;
    fn from_str(s: &str) -> Result<Unit, String> {
        match s {
            "opt" => Ok(Unit::Opt),
            "aarch64" => Ok(Unit::Aarch64),
            "x64" => Ok(Unit::X64),
            other => Err(format!("unknown unit `{other}` (expected opt, aarch64 or x64)")),
        }
    }
}

/// The term whose rules a unit's verification starts from.
pub fn unit_default_root(u: Unit) -> &'static str {
    match u {
        Unit::Opt => "simplify",
        Unit::Aarch64 | Unit::X64 => "lower",
    }
}

#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    pub unit: Option<Unit>,
    pub cranelift_dir: Option<PathBuf>,
    pub extra_files: Vec<PathBuf>,
    pub standalone_files: Vec<PathBuf>,
    /// Terms (declared in the extra files) that are read through another
    /// term's loaded spec and instantiations; see [`SpecAlias`].
    pub spec_aliases: Vec<SpecAlias>,
    /// Extra spec override sources `(name, text)`, loaded like a unit's
    /// built-in overrides (each spec replaces a shipped one); errors name
    /// them as `<saffron>/<name>`.
    pub spec_overrides: Vec<(String, String)>,
    /// Spec sources `(name, text)` for terms Cranelift ships *without* a
    /// spec (Saffron's additions); a spec here for a term that has a shipped
    /// one is a load error, so an addition can never silently replace a
    /// shipped fact. Errors name them as `<saffron-additions>/<name>`.
    pub spec_additions: Vec<(String, String)>,
    /// Leave out the unit's corrections (shipped specs replaced by different
    /// facts, each backed by an executed check; see
    /// `isle-rules/specs/aarch64_corrections.isle`), so the shipped specs are
    /// verified against as they are.
    pub no_corrections: bool,
}

/// `term` is described by the spec loaded for `spec_of`, unchanged.
///
/// Why: the opt unit declares trapping CLIF instructions (`sdiv`,
/// `fcvt_to_sint`, ...) as untyped skeletons `(decl sdiv (Value Value) Inst)`,
/// while their shipped specs are written for the typed form
/// `(sdiv ty x y)` of the lowering prelude. A generated program can declare
/// the typed form under a new name and borrow the shipped spec, so the
/// instruction is read through exactly what Cranelift ships (a mutated spec
/// in a `--cranelift` tree included), never through a spec of our own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecAlias {
    pub term: String,
    pub spec_of: String,
    /// Whether the spec is borrowed too, or only the instantiations (for a
    /// term whose spec the extra files give: a copy of the shipped spec's
    /// text with its state renamed, say; see [`Program::spec_source`]).
    pub borrow: AliasBorrows,
}

/// What a [`SpecAlias`] takes from the term it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AliasBorrows {
    SpecAndInstantiations,
    InstantiationsOnly,
}

/// A load failure. `Display` is `file:line:col: message` followed by the
/// offending source line when there is one.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub span: Option<Span>,
    pub message: String,
    pub source_line: Option<String>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.span {
            Some(span) => write!(f, "{span}: {}", self.message)?,
            None => write!(f, "{}", self.message)?,
        }
        if let Some(line) = &self.source_line {
            write!(f, "\n  | {line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

impl LoadError {
    fn plain(message: impl Into<String>) -> Self {
        LoadError { span: None, message: message.into(), source_line: None }
    }
}

/// One allowed type signature of a term (from `instantiate` or a `form`),
/// possibly only active when a tag is not excluded.
#[derive(Clone, Debug)]
pub struct Instantiation {
    pub signatures: Vec<ast::Signature>,
    pub tags: Vec<String>,
}

/// A parsed, type-checked ISLE program with its verification annotations.
pub struct Program {
    pub files: Arc<Files>,
    pub tyenv: TypeEnv,
    pub termenv: TermEnv,
    pub specs: HashMap<TermId, ast::Spec>,
    pub macros: HashMap<String, ast::SpecMacro>,
    /// Model of each ISLE type that has a `(model T (type ...))`.
    pub type_models: HashMap<TypeId, ast::ModelType>,
    /// Model of each ISLE constant (`(model I32 (const ...))`), by name without `$`.
    pub const_models: HashMap<String, ast::SpecExpr>,
    pub states: Vec<ast::State>,
    pub instantiations: HashMap<TermId, Vec<Instantiation>>,
    pub chain_terms: HashSet<TermId>,
    /// Spec-less "macro" terms: one rule that matches anything (no
    /// constraints), not recursive. Chained like `(veri chain)` terms, as
    /// upstream VeriISLE chains them by default.
    pub macro_terms: HashSet<TermId>,
    /// `(lower, higher)` priority pairs of rules that can never both match.
    pub disjoint_rules: HashSet<(RuleId, RuleId)>,
    pub term_tags: HashMap<TermId, BTreeSet<String>>,
    pub rule_tags: HashMap<RuleId, BTreeSet<String>>,
    pub priority_rules: HashSet<RuleId>,
    pub unit: Option<Unit>,
    /// Constructors that cannot emit machine instructions (see [`crate::effects`]).
    pub emission_free: HashSet<TermId>,
    term_ids: HashMap<String, TermId>,
    /// Keeps the generated ISLE alive as long as spans may point into it.
    _gen_dir: Option<Arc<tempfile::TempDir>>,
}

impl Program {
    /// Where the meta-generated ISLE of a unit was written, if any.
    pub fn generated_dir(&self) -> Option<&Path> {
        self._gen_dir.as_deref().map(|d| d.path())
    }

    /// The source text of the spec loaded for `t` (the whole `(spec …)`
    /// form, comments included), or `None` without one.
    pub fn spec_source(&self, t: TermId) -> Option<&str> {
        let spec = self.specs.get(&t)?;
        self.form_source(spec.pos, "(spec")
    }

    /// The source text of every spec macro, by name.
    pub fn macro_sources(&self) -> impl Iterator<Item = (&str, &str)> {
        self.macros.iter().filter_map(|(n, m)| Some((n.as_str(), self.form_source(m.pos, "(macro")?)))
    }

    /// The balanced parenthesised form opening with `head` that `pos` lies
    /// in the head of (`pos` is that of the form or of its first operand).
    fn form_source(&self, pos: Pos, head: &str) -> Option<&str> {
        let text = self.files.file_text(pos.file)?;
        let end = (pos.offset + head.len()).min(text.len());
        let start = text.get(..end)?.rfind(head)?;
        let mut depth = 0usize;
        let mut comment = false;
        for (i, c) in text[start..].char_indices() {
            match c {
                '\n' => comment = false,
                _ if comment => {}
                ';' => comment = true,
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(&text[start..=start + i]);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Source location of an ISLE position.
    pub fn span(&self, pos: Pos) -> Span {
        pos_to_span(&self.files, pos)
    }

    pub fn term_name(&self, t: TermId) -> &str {
        &self.tyenv.syms[self.termenv.terms[t.index()].name.index()]
    }

    pub fn type_name(&self, t: TypeId) -> &str {
        self.tyenv.types[t.index()].name(&self.tyenv)
    }

    pub fn sym(&self, s: cranelift_isle::sema::Sym) -> &str {
        &self.tyenv.syms[s.index()]
    }

    /// Name of a rule, or `file:line` when it has none.
    pub fn rule_name(&self, r: RuleId) -> String {
        let rule = &self.termenv.rules[r.index()];
        match rule.name {
            Some(s) => self.sym(s).to_string(),
            None => {
                let s = self.span(rule.pos);
                format!("{}:{}", s.file, s.line)
            }
        }
    }

    pub fn term_by_name(&self, name: &str) -> Option<TermId> {
        self.term_ids.get(name).copied()
    }

    /// Rules whose root is the given term, in source order.
    pub fn rules_of(&self, t: TermId) -> Vec<RuleId> {
        self.termenv.rules.iter().filter(|r| r.root_term == t).map(|r| r.id).collect()
    }
}

fn pos_to_span(files: &Files, pos: Pos) -> Span {
    let name = files.file_name(pos.file).unwrap_or("<unknown>");
    let (line, col) = match (files.file_line_map(pos.file), files.file_text(pos.file)) {
        (Some(map), Some(_)) => {
            let line = map.line(pos.offset);
            let start = if line == 0 { 0 } else { map.get(line - 1).copied().unwrap_or(0) };
            (line as u32 + 1, (pos.offset.saturating_sub(start)) as u32 + 1)
        }
        _ => (0, 0),
    };
    Span::new(name, line, col)
}

fn source_line(files: &Files, pos: Pos) -> Option<String> {
    let text = files.file_text(pos.file)?;
    let map = files.file_line_map(pos.file)?;
    let line = map.line(pos.offset);
    let start = if line == 0 { 0 } else { *map.get(line - 1)? };
    let rest = text.get(start..)?;
    Some(rest.lines().next().unwrap_or("").to_string())
}

fn isle_error(files: &Files, err: &IsleError) -> LoadError {
    let (msg, pos) = match err {
        IsleError::IoError { error, context } => return LoadError::plain(format!("{context}: {error}")),
        IsleError::ParseError { msg, span }
        | IsleError::TypeError { msg, span }
        | IsleError::UnreachableError { msg, span }
        | IsleError::RecursionError { msg, span } => (msg.clone(), span.from),
        IsleError::OverlapError { msg, rules } => {
            (msg.clone(), rules.first().map(|s| s.from).unwrap_or_default())
        }
        IsleError::ShadowedError { mask, .. } => ("rules are shadowed".to_string(), mask.from),
    };
    LoadError { span: Some(pos_to_span(files, pos)), message: msg, source_line: source_line(files, pos) }
}

/// The cranelift-codegen source directory (see [`crate::cranelift_dir`]).
pub fn cranelift_codegen_dir(explicit: Option<&Path>) -> Result<PathBuf, LoadError> {
    crate::cranelift_dir::cranelift_codegen_dir(explicit).map_err(LoadError::plain)
}

/// Runs `f` with file descriptor 2 captured into a temporary file, and
/// returns what it wrote there. On a panic the captured text is put back on
/// stderr before the panic continues.
#[cfg(unix)]
fn capturing_stderr<T>(f: impl FnOnce() -> T) -> (T, String) {
    use std::io::{Read, Seek, Write};
    use std::os::fd::AsRawFd;
    let Ok(mut sink) = tempfile::tempfile() else { return (f(), String::new()) };
    let _ = std::io::stderr().flush();
    // SAFETY: descriptor calls on fd 2, one we dup and own, and `sink`.
    let saved = unsafe { libc::dup(2) };
    if saved < 0 || unsafe { libc::dup2(sink.as_raw_fd(), 2) } < 0 {
        return (f(), String::new());
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let _ = std::io::stderr().flush();
    unsafe {
        libc::dup2(saved, 2);
        libc::close(saved);
    }
    let mut text = String::new();
    if sink.rewind().is_ok() {
        let _ = sink.read_to_string(&mut text);
    }
    match result {
        Ok(v) => (v, text),
        Err(panic) => {
            eprint!("{text}");
            std::panic::resume_unwind(panic)
        }
    }
}

#[cfg(not(unix))]
fn capturing_stderr<T>(f: impl FnOnce() -> T) -> (T, String) {
    (f(), String::new())
}

/// ISLE input files of a unit, generating the meta-generated ISLE into `gen_dir`.
fn unit_files(unit: Unit, codegen_dir: &Path, gen_dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    // The generator reports every file it writes on stderr; that is noise to
    // our users unless generation fails.
    let (generated, chatter) = capturing_stderr(|| cranelift_codegen_meta::generate_isle(gen_dir));
    generated.map_err(|e| LoadError::plain(format!("generating Cranelift ISLE: {e}\n{chatter}")))?;
    let compilations = cranelift_codegen_meta::isle::get_isle_compilations(codegen_dir, gen_dir);
    let comp = compilations
        .lookup(unit.name())
        .ok_or_else(|| LoadError::plain(format!("no ISLE compilation named {}", unit.name())))?;
    let mut paths = comp.paths().map_err(|e| LoadError::plain(format!("ISLE inputs of {}: {e}", unit.name())))?;
    // Directory inputs are listed in readdir order; keep runs reproducible.
    let mut seen = HashSet::new();
    paths.retain(|p| seen.insert(p.clone()));
    Ok(paths)
}

/// Load a unit (plus extra files) or a standalone program.
pub fn load(opts: &LoadOptions) -> Result<Program, LoadError> {
    let mut gen_dir = None;
    let mut paths = Vec::new();
    // Which backend functions reach the lowering context (see `effects`).
    let mut rust_uses_self = HashMap::new();
    match opts.unit {
        Some(unit) if opts.standalone_files.is_empty() => {
            let codegen = cranelift_codegen_dir(opts.cranelift_dir.as_deref())?;
            let dir = tempfile::tempdir().map_err(|e| LoadError::plain(format!("temporary directory: {e}")))?;
            paths = unit_files(unit, &codegen, dir.path())?;
            gen_dir = Some(Arc::new(dir));
            if let Some(isa) = unit.isa_dir() {
                let rust = effects::backend_rust_sources(&codegen, isa);
                rust_uses_self = effects::rust_functions_using_self(rust.iter().map(String::as_str));
            }
        }
        _ => {}
    }
    paths.extend(opts.standalone_files.iter().cloned());
    paths.extend(opts.extra_files.iter().cloned());
    if paths.is_empty() {
        return Err(LoadError::plain("no ISLE input: give a unit or ISLE files"));
    }
    let mut sources = Vec::new();
    for p in &paths {
        let text = std::fs::read_to_string(p)
            .map_err(|e| LoadError::plain(format!("{}: cannot read: {e}", p.display())))?;
        sources.push((p.display().to_string(), text));
    }
    let unit = if opts.standalone_files.is_empty() { opts.unit } else { None };
    if let Some((name, text)) = unit.and_then(unit_spec_overrides) {
        sources.push((name.to_string(), text.to_string()));
    }
    if let Some((name, text)) = unit.filter(|_| !opts.no_corrections).and_then(unit_spec_corrections) {
        sources.push((name.to_string(), text.to_string()));
    }
    for (name, text) in &opts.spec_overrides {
        sources.push((format!("{OVERRIDE_PREFIX}{name}"), text.clone()));
    }
    // Saffron's own additions first, so that a user's addition of a spec one of them
    // already gives is the one reported.
    for (name, text) in unit.map(unit_spec_additions).unwrap_or_default() {
        sources.push((format!("{ADDITION_PREFIX}{name}"), text.to_string()));
    }
    for (name, text) in &opts.spec_additions {
        sources.push((format!("{ADDITION_PREFIX}{name}"), text.clone()));
    }
    let mut prog = load_sources_with(sources, unit, &rust_uses_self)?;
    prog._gen_dir = gen_dir;
    apply_spec_aliases(&mut prog, &opts.spec_aliases)?;
    Ok(prog)
}

/// Gives each alias term the spec and instantiations of the term it names
/// (see [`SpecAlias`]); the alias must take as many arguments as that spec.
fn apply_spec_aliases(prog: &mut Program, aliases: &[SpecAlias]) -> Result<(), LoadError> {
    for a in aliases {
        let term = prog.term_by_name(&a.term).ok_or_else(|| LoadError::plain(format!("spec alias: unknown term `{}`", a.term)))?;
        let shipped = prog
            .term_by_name(&a.spec_of)
            .ok_or_else(|| LoadError::plain(format!("spec alias: unknown term `{}`", a.spec_of)))?;
        let spec = prog.specs.get(&shipped).cloned().ok_or_else(|| {
            LoadError::plain(format!("spec alias `{}`: `{}` has no spec", a.term, a.spec_of))
        })?;
        let arity = prog.termenv.terms[term.index()].arg_tys.len();
        if spec.args.len() != arity {
            return Err(LoadError::plain(format!(
                "spec alias `{}` takes {arity} arguments, the spec of `{}` has {}",
                a.term,
                a.spec_of,
                spec.args.len()
            )));
        }
        match a.borrow {
            AliasBorrows::SpecAndInstantiations => {
                if prog.specs.insert(term, spec).is_some() {
                    return Err(LoadError::plain(format!("spec alias `{}` already has a spec", a.term)));
                }
            }
            AliasBorrows::InstantiationsOnly => {
                if !prog.specs.contains_key(&term) {
                    return Err(LoadError::plain(format!("spec alias `{}` borrows instantiations but has no spec", a.term)));
                }
            }
        }
        if let Some(insts) = prog.instantiations.get(&shipped).cloned() {
            prog.instantiations.insert(term, insts);
        }
    }
    Ok(())
}

/// Name under which a unit's spec overrides are loaded; specs in this file
/// replace the ones shipped with Cranelift.
const OVERRIDES_NAME: &str = "<saffron>/aarch64_overrides.isle";

/// Every override source is loaded under a name starting with this.
const OVERRIDE_PREFIX: &str = "<saffron>/";

/// Every addition source (specs for terms shipped without one) is loaded
/// under a name starting with this.
const ADDITION_PREFIX: &str = "<saffron-additions>/";

/// Saffron's replacements for wrong shipped specs of a unit (see the file's
/// header for the rules they follow).
fn unit_spec_overrides(u: Unit) -> Option<(&'static str, &'static str)> {
    match u {
        Unit::Aarch64 => Some((OVERRIDES_NAME, include_str!("../../isle-rules/specs/aarch64_overrides.isle"))),
        Unit::X64 => Some(("<saffron>/x64/overrides.isle", include_str!("../../isle-rules/specs/x64/overrides.isle"))),
        Unit::Opt => None,
    }
}

/// Saffron's corrections of a unit's shipped specs: replacements that are not
/// weakenings, each justified in the file by an executed instruction.
fn unit_spec_corrections(u: Unit) -> Option<(&'static str, &'static str)> {
    match u {
        Unit::Aarch64 => Some(("<saffron>/aarch64_corrections.isle", include_str!("../../isle-rules/specs/aarch64_corrections.isle"))),
        Unit::X64 | Unit::Opt => None,
    }
}

/// Saffron's specs for a unit's machine-instruction terms Cranelift ships
/// without one, and its scope tags (`isle-rules/specs/x64/`), loaded as
/// additions: a spec there for a term with a shipped spec is a load error.
fn unit_spec_additions(u: Unit) -> &'static [(&'static str, &'static str)] {
    match u {
        Unit::X64 => &[
            ("x64/scope.isle", include_str!("../../isle-rules/specs/x64/scope.isle")),
            ("x64/operands.isle", include_str!("../../isle-rules/specs/x64/operands.isle")),
            ("x64/alu.isle", include_str!("../../isle-rules/specs/x64/alu.isle")),
            ("x64/shift.isle", include_str!("../../isle-rules/specs/x64/shift.isle")),
            ("x64/flags.isle", include_str!("../../isle-rules/specs/x64/flags.isle")),
            ("x64/div.isle", include_str!("../../isle-rules/specs/x64/div.isle")),
            ("x64/bits.isle", include_str!("../../isle-rules/specs/x64/bits.isle")),
            ("x64/mem.isle", include_str!("../../isle-rules/specs/x64/mem.isle")),
            ("x64/extend.isle", include_str!("../../isle-rules/specs/x64/extend.isle")),
        ],
        Unit::Opt | Unit::Aarch64 => &[],
    }
}

/// Saffron's specs for CLIF instructions Cranelift ships without one
/// (`isle-rules/specs/clif_additions.isle`), as a [`LoadOptions::spec_additions`]
/// source. The `wasm` unit and the clif-specs fuzzer load them; the lowering
/// units do not (their verdicts rest on shipped specs only).
pub fn clif_spec_additions() -> (String, String) {
    ("clif_additions.isle".into(), include_str!("../../isle-rules/specs/clif_additions.isle").into())
}

/// Parse and type-check in-memory ISLE sources `(name, text)`.
pub fn load_sources(sources: Vec<(String, String)>, unit: Option<Unit>) -> Result<Program, LoadError> {
    // Without Rust sources only ISLE itself tells what cannot emit.
    load_sources_with(sources, unit, &HashMap::new())
}

/// [`load_sources`], knowing which Rust functions of the backend mention
/// `self` (see [`effects::rust_functions_using_self`]).
fn load_sources_with(
    sources: Vec<(String, String)>,
    unit: Option<Unit>,
    rust_uses_self: &HashMap<String, bool>,
) -> Result<Program, LoadError> {
    let files = Arc::new(Files::from_names_and_contents(sources));
    let mut defs = Vec::new();
    for (i, text) in files.file_texts.iter().enumerate() {
        let lexer = Lexer::new(i, text).map_err(|e| isle_error(&files, &e))?;
        let mut d = cranelift_isle::parser::parse(lexer).map_err(|e| isle_error(&files, &e))?;
        defs.append(&mut d);
    }
    let mut tyenv = TypeEnv::from_ast(&defs).map_err(|es| isle_error(&files, &es[0]))?;
    // Keep internal extractors as terms: their specs describe them.
    let termenv = TermEnv::from_ast(&mut tyenv, &defs, false).map_err(|es| isle_error(&files, &es[0]))?;
    let disjoint = disjoint_rule_pairs(&defs, &termenv);
    let mut prog = index_program(files, defs, tyenv, termenv, unit)?;
    prog.disjoint_rules = disjoint;
    prog.emission_free = effects::emission_free_terms(&prog.termenv, &prog.tyenv, rust_uses_self);
    Ok(prog)
}

/// Pairs of rules of one term that ISLE's overlap check proves can never
/// match the same input (e.g. different opcodes), as `(lower, higher)` by
/// priority. The check runs on the rules with internal extractors expanded,
/// as the ISLE compiler sees them.
fn disjoint_rule_pairs(defs: &[ast::Def], termenv: &TermEnv) -> HashSet<(RuleId, RuleId)> {
    let mut out = HashSet::new();
    let Ok(mut tyenv) = TypeEnv::from_ast(defs) else { return out };
    let Ok(expanded) = TermEnv::from_ast(&mut tyenv, defs, true) else { return out };
    // Rule ids must name the same rules in both environments.
    let same = expanded.rules.len() == termenv.rules.len()
        && expanded.rules.iter().zip(&termenv.rules).all(|(a, b)| a.pos == b.pos && a.root_term == b.root_term);
    if !same {
        return out;
    }
    let (sets, _) = cranelift_isle::trie_again::build(&expanded);
    for (_, rs) in &sets {
        for a in &rs.rules {
            for b in &rs.rules {
                if a.prio < b.prio && matches!(a.may_overlap(b), cranelift_isle::trie_again::Overlap::No) {
                    out.insert((a.id, b.id));
                }
            }
        }
    }
    out
}

fn index_program(
    files: Arc<Files>,
    defs: Vec<ast::Def>,
    tyenv: TypeEnv,
    termenv: TermEnv,
    unit: Option<Unit>,
) -> Result<Program, LoadError> {
    let err_at = |pos: Pos, msg: String| LoadError {
        span: Some(pos_to_span(&files, pos)),
        message: msg,
        source_line: source_line(&files, pos),
    };
    let term_ids: HashMap<String, TermId> =
        termenv.terms.iter().map(|t| (tyenv.syms[t.name.index()].clone(), t.id)).collect();
    let term_of = |id: &ast::Ident| -> Option<TermId> { term_ids.get(&id.0).copied() };
    let mut forms: HashMap<String, Vec<ast::Signature>> = HashMap::new();
    for def in &defs {
        if let ast::Def::Form(f) = def {
            forms.insert(f.name.0.clone(), f.signatures.clone());
        }
    }
    let mut prog = Program {
        files: files.clone(),
        specs: HashMap::new(),
        macros: HashMap::new(),
        type_models: HashMap::new(),
        const_models: HashMap::new(),
        states: Vec::new(),
        instantiations: HashMap::new(),
        chain_terms: HashSet::new(),
        macro_terms: HashSet::new(),
        disjoint_rules: HashSet::new(),
        term_tags: HashMap::new(),
        rule_tags: HashMap::new(),
        priority_rules: HashSet::new(),
        unit,
        emission_free: HashSet::new(),
        term_ids: term_ids.clone(),
        _gen_dir: None,
        tyenv: TypeEnv::default(),
        termenv: termenv.clone(),
    };
    let mut rule_by_name: HashMap<String, RuleId> = HashMap::new();
    for r in &termenv.rules {
        if let Some(n) = r.name {
            rule_by_name.insert(tyenv.syms[n.index()].clone(), r.id);
        }
    }
    let is_override = |pos: Pos| files.file_name(pos.file).is_some_and(|n| n.starts_with(OVERRIDE_PREFIX));
    let is_addition = |pos: Pos| files.file_name(pos.file).is_some_and(|n| n.starts_with(ADDITION_PREFIX));
    let mut overrides = Vec::new();
    let mut additions = Vec::new();
    let mut model_pos: HashMap<String, Pos> = HashMap::new();
    for def in &defs {
        match def {
            ast::Def::Spec(s) if is_override(s.pos) => {
                let t = term_of(&s.term).ok_or_else(|| err_at(s.pos, format!("spec for unknown term `{}`", s.term.0)))?;
                overrides.push((t, s.clone()));
            }
            ast::Def::Spec(s) if is_addition(s.pos) => {
                let t = term_of(&s.term).ok_or_else(|| err_at(s.pos, format!("spec for unknown term `{}`", s.term.0)))?;
                additions.push((t, s.clone()));
            }
            ast::Def::Spec(s) => {
                let t = term_of(&s.term).ok_or_else(|| err_at(s.pos, format!("spec for unknown term `{}`", s.term.0)))?;
                if prog.specs.insert(t, s.clone()).is_some() {
                    return Err(err_at(s.pos, format!("duplicate spec for term `{}`", s.term.0)));
                }
            }
            ast::Def::SpecMacro(m) => {
                prog.macros.insert(m.name.0.clone(), m.clone());
            }
            ast::Def::Model(m) => {
                // A second model of a type or constant would silently
                // replace the first: allowed only from an override file
                // (as a spec override), otherwise an error naming both.
                if let Some(first) = model_pos.insert(m.name.0.clone(), m.name.1) {
                    if !is_override(m.name.1) {
                        let at = pos_to_span(&files, first);
                        return Err(err_at(m.name.1, format!("duplicate model for `{}`, first given at {at}", m.name.0)));
                    }
                }
                match &m.val {
                    ast::ModelValue::TypeValue(ty) => {
                        let tid = tyenv
                            .get_type_by_name(&m.name)
                            .ok_or_else(|| err_at(m.name.1, format!("model for unknown type `{}`", m.name.0)))?;
                        prog.type_models.insert(tid, ty.clone());
                    }
                    ast::ModelValue::ConstValue(e) => {
                        let name = m.name.0.trim_start_matches('$').to_string();
                        prog.const_models.insert(name, e.clone());
                    }
                }
            }
            ast::Def::State(s) => prog.states.push(s.clone()),
            ast::Def::Instantiation(i) => {
                let t = term_of(&i.term)
                    .ok_or_else(|| err_at(i.pos, format!("instantiate for unknown term `{}`", i.term.0)))?;
                let signatures = match &i.form {
                    Some(form) => forms
                        .get(&form.0)
                        .cloned()
                        .ok_or_else(|| err_at(form.1, format!("unknown form `{}`", form.0)))?,
                    None => i.signatures.clone(),
                };
                let tags = i.tags.iter().map(|t| t.0.clone()).collect();
                prog.instantiations.entry(t).or_default().push(Instantiation { signatures, tags });
            }
            ast::Def::Attr(a) => {
                for kind in &a.kinds {
                    match (&a.target, kind) {
                        (ast::AttrTarget::Term(id), _) => {
                            let t = term_of(id)
                                .ok_or_else(|| err_at(a.pos, format!("attribute for unknown term `{}`", id.0)))?;
                            match kind {
                                ast::AttrKind::Chain => {
                                    prog.chain_terms.insert(t);
                                }
                                ast::AttrKind::Tag(tag) => {
                                    prog.term_tags.entry(t).or_default().insert(tag.0.clone());
                                }
                                ast::AttrKind::Priority => {
                                    return Err(err_at(a.pos, "`priority` applies to rules, not terms".into()))
                                }
                            }
                        }
                        (ast::AttrTarget::Rule(id), _) => {
                            let r = *rule_by_name
                                .get(&id.0)
                                .ok_or_else(|| err_at(a.pos, format!("attribute for unknown rule `{}`", id.0)))?;
                            match kind {
                                ast::AttrKind::Priority => {
                                    prog.priority_rules.insert(r);
                                }
                                ast::AttrKind::Tag(tag) => {
                                    prog.rule_tags.entry(r).or_default().insert(tag.0.clone());
                                }
                                ast::AttrKind::Chain => {
                                    return Err(err_at(a.pos, "`chain` applies to terms, not rules".into()))
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // Additions are checked against the shipped specs alone, before any
    // override applies.
    for (t, s) in additions {
        if let Some(shipped) = prog.specs.insert(t, s.clone()) {
            let at = pos_to_span(&files, shipped.pos);
            return Err(err_at(
                s.pos,
                format!("addition of a spec for `{}`, which already has a spec at {at} (replace a spec with an override instead)", s.term.0),
            ));
        }
    }
    for (t, s) in overrides {
        if prog.specs.insert(t, s.clone()).is_none() {
            return Err(err_at(s.pos, format!("override of `{}`, which has no shipped spec", s.term.0)));
        }
    }
    prog.tyenv = tyenv;
    prog.macro_terms = macro_terms(&prog);
    Ok(prog)
}

/// Terms without a spec whose only rule has no match constraints (patterns
/// are variables or wildcards, if-lets cannot fail) and that cannot reach
/// themselves: such a term is a plain abbreviation of its right-hand side.
fn macro_terms(p: &Program) -> HashSet<TermId> {
    let (sets, _) = cranelift_isle::trie_again::build(&p.termenv);
    let sets: HashMap<TermId, RuleSet> = sets.into_iter().collect();
    let used = |t: &TermId| -> Vec<TermId> {
        sets.get(t)
            .map(|rs| {
                rs.bindings
                    .iter()
                    .filter_map(|b| match b {
                        Binding::Constructor { term, .. } | Binding::Extractor { term, .. } => Some(*term),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let reaches_itself = |t: TermId| -> bool {
        let mut seen = HashSet::new();
        let mut stack = used(&t);
        while let Some(u) = stack.pop() {
            if u == t {
                return true;
            }
            if seen.insert(u) {
                stack.extend(used(&u));
            }
        }
        false
    };
    sets.iter()
        .filter(|(t, rs)| {
            let internal = matches!(
                &p.termenv.terms[t.index()].kind,
                TermKind::Decl { constructor_kind: Some(ConstructorKind::InternalConstructor), .. }
            );
            internal
                && !p.specs.contains_key(t)
                && rs.rules.len() == 1
                && rs.rules[0].total_constraints() == 0
                && !reaches_itself(**t)
        })
        .map(|(t, _)| *t)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_error_has_location_and_line() {
        let err = load_sources(vec![("a.isle".into(), "(type T (primitive T))\n(decl f (T) T\n".into())], None)
            .err()
            .expect("must fail");
        let text = err.to_string();
        assert!(text.starts_with("a.isle:"), "{text}");
    }

    /// ISLE's overlap check tells rules on different enum variants apart,
    /// also through internal extractors; rules that may both match stay
    /// undecided.
    #[test]
    fn disjoint_rules_come_from_the_overlap_check() {
        let src = "(type T (primitive T))\n(type Op (enum (A) (B)))\n\
                   (decl f (Op T) T)\n(decl is_b (Op) Op)\n(extractor (is_b x) (Op.B))\n\
                   (rule ra 2 (f (Op.A) x) x)\n(rule rb 1 (f (is_b _) x) x)\n(rule rany (f _ x) x)\n";
        let p = load_sources(vec![("d.isle".into(), src.into())], None).unwrap_or_else(|e| panic!("{e}"));
        let id = |n: &str| p.termenv.rules.iter().find(|r| r.name.is_some_and(|s| p.sym(s) == n)).unwrap().id;
        assert!(p.disjoint_rules.contains(&(id("rb"), id("ra"))));
        assert!(!p.disjoint_rules.contains(&(id("rany"), id("ra"))));
        assert!(!p.disjoint_rules.contains(&(id("rany"), id("rb"))));
    }

    #[test]
    fn type_error_reports_file_line_col() {
        let src = "(type T (primitive T))\n(decl f (T) T)\n(rule (f x) y)\n";
        let err = load_sources(vec![("b.isle".into(), src.into())], None).err().expect("must fail");
        let text = err.to_string();
        assert!(text.starts_with("b.isle:3:"), "{text}");
        assert!(text.contains("| (rule (f x) y)"), "{text}");
    }

    /// An addition may only describe a term shipped without a spec; an
    /// override only one shipped with a spec. Either mistake names the file
    /// and line of the offending spec.
    #[test]
    fn additions_and_overrides_cannot_be_confused() {
        let shipped = "(type T (primitive T))\n(decl f (T) T)\n(decl g (T) T)\n(rule (f x) x)\n(rule (g x) x)\n(spec (f x) (provide (= result x)))\n";
        let spec_g = "(spec (g x) (provide (= result x)))\n";
        let spec_f = "(spec (f x) (provide true))\n";
        let with = |extra: (String, String)| load_sources(vec![("s.isle".into(), shipped.into()), extra], None);
        let ok = with((format!("{ADDITION_PREFIX}a.isle"), spec_g.into())).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok.specs.len(), 2);
        let err = with((format!("{ADDITION_PREFIX}a.isle"), spec_f.into())).err().expect("addition over a shipped spec");
        let text = err.to_string();
        assert!(text.starts_with("<saffron-additions>/a.isle:1:"), "{text}");
        assert!(text.contains("already has a spec at s.isle:6:"), "{text}");
        let err = with((format!("{OVERRIDE_PREFIX}o.isle"), spec_g.into())).err().expect("override of no spec");
        assert!(err.to_string().contains("override of `g`, which has no shipped spec"), "{err}");
    }
    /// A second model of a type replaces the first only from an override
    /// file; anywhere else it is an error naming both places.
    #[test]
    fn a_model_given_twice_is_an_error_unless_it_overrides() {
        let shipped = "(type T (primitive T))\n(model T (type (bv 1)))\n";
        let again = "(model T (type (bv 64)))\n";
        let with = |extra: (String, String)| load_sources(vec![("s.isle".into(), shipped.into()), extra], None);
        let err = with((format!("{ADDITION_PREFIX}a.isle"), again.into())).err().expect("a second model");
        let text = err.to_string();
        assert!(text.starts_with("<saffron-additions>/a.isle:1:"), "{text}");
        assert!(text.contains("duplicate model for `T`, first given at s.isle:2:"), "{text}");
        let ok = with((format!("{OVERRIDE_PREFIX}o.isle"), again.into())).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok.type_models.len(), 1);
    }
}
