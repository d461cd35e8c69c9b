//! What the prover needs to know about a (validated) module: function types and bodies as
//! trees of structured control, globals, and which memories and tables other code cannot
//! change (their size and contents are then known at every call from outside).

use std::collections::HashSet;
use wasmparser::{
    BlockType, ConstExpr, ElementItems, ElementKind, ExternalKind, FuncType, Operator, Parser,
    Payload, TableInit, TypeRef, ValType,
};

/// A function body as a tree: straight-line instructions and nested blocks.
pub enum Node<'a> {
    Op(usize, Operator<'a>),
    Block { offset: usize, kind: BlockKind, ty: BlockType, body: Vec<Node<'a>>, els: Vec<Node<'a>> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    Block,
    Loop,
    If,
}

pub struct Body<'a> {
    /// Declared locals (after the parameters).
    pub locals: Vec<ValType>,
    pub code: Vec<Node<'a>>,
}

pub struct GlobalInfo {
    pub ty: ValType,
    pub mutable: bool,
    /// The value's bits when the global is immutable and initialised by a constant.
    pub constant: Option<u64>,
}

pub struct MemoryInfo {
    pub min: u64,
    pub max: u64,
    pub memory64: bool,
    /// No code but this module's can change its size, and this module never grows it.
    pub fixed: bool,
}

pub struct TableInfo {
    /// The function (or `None` for null) in every slot, when no other code can change them.
    pub known: Option<Vec<Option<u32>>>,
}

pub struct ModuleInfo<'a> {
    pub types: Vec<Option<FuncType>>,
    /// Type index of every function, imports first.
    pub func_types: Vec<u32>,
    pub imported_funcs: u32,
    pub bodies: Vec<Body<'a>>,
    pub globals: Vec<GlobalInfo>,
    pub memories: Vec<MemoryInfo>,
    pub tables: Vec<TableInfo>,
    /// Exported functions: name and index.
    pub exports: Vec<(String, u32)>,
    /// Where the code section's contents start in the module: reported
    /// offsets are relative to it (instruction offsets are kept
    /// module-relative inside the analysis).
    pub code_start: usize,
}

impl<'a> ModuleInfo<'a> {
    pub fn func_type(&self, func: u32) -> Option<&FuncType> {
        self.types.get(*self.func_types.get(func as usize)? as usize)?.as_ref()
    }
    pub fn body(&self, func: u32) -> Option<&Body<'a>> {
        self.bodies.get(func.checked_sub(self.imported_funcs)? as usize)
    }
}

fn constant(expr: &ConstExpr) -> Option<u64> {
    let mut r = expr.get_operators_reader();
    let v = match r.read().ok()? {
        Operator::I32Const { value } => value as u32 as u64,
        Operator::I64Const { value } => value as u64,
        Operator::F32Const { value } => value.bits() as u64,
        Operator::F64Const { value } => value.bits(),
        _ => return None,
    };
    matches!(r.read().ok()?, Operator::End).then_some(v)
}

fn ref_func(expr: &ConstExpr) -> Option<Option<u32>> {
    let mut r = expr.get_operators_reader();
    match r.read().ok()? {
        Operator::RefFunc { function_index } => Some(Some(function_index)),
        Operator::RefNull { .. } => Some(None),
        _ => None,
    }
}

/// Parses a validated module. Errors only on malformed input the validator let through.
pub fn parse<'a>(bytes: &'a [u8]) -> Result<ModuleInfo<'a>, wasmparser::BinaryReaderError> {
    let mut m = ModuleInfo {
        types: vec![],
        func_types: vec![],
        imported_funcs: 0,
        bodies: vec![],
        globals: vec![],
        memories: vec![],
        tables: vec![],
        exports: vec![],
        code_start: 0,
    };
    let mut shared_mems = HashSet::new();
    let mut shared_tables = HashSet::new();
    let mut table_sizes = vec![];
    let mut table_init_known = vec![];
    let mut segments: Vec<(u32, Option<u64>, Option<Vec<Option<u32>>>)> = vec![];
    // Whether every type is alone in its recursion group, final and without
    // a supertype: only then is Wasm's type equivalence (iso-recursive, with
    // subtyping) the structural equality `call_indirect` is judged by below.
    let mut plain_types = true;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::TypeSection(r) => {
                for group in r {
                    let group = group?;
                    plain_types &= group.types().len() == 1;
                    for sub in group.into_types() {
                        plain_types &= sub.is_final && sub.supertype_idxs.is_empty();
                        m.types.push(match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(f) => Some(f.clone()),
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(r) => {
                for imp in r.into_imports() {
                    match imp?.ty {
                        TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                            m.func_types.push(t);
                            m.imported_funcs += 1;
                        }
                        TypeRef::Global(g) => m.globals.push(GlobalInfo { ty: g.content_type, mutable: g.mutable, constant: None }),
                        TypeRef::Memory(t) => {
                            shared_mems.insert(m.memories.len());
                            m.memories.push(MemoryInfo { min: t.initial, max: t.maximum.unwrap_or(if t.memory64 { u64::MAX } else { 65536 }), memory64: t.memory64, fixed: false });
                        }
                        TypeRef::Table(t) => {
                            shared_tables.insert(table_sizes.len());
                            table_sizes.push(t.initial);
                            table_init_known.push(false);
                        }
                        TypeRef::Tag(_) => {}
                    }
                }
            }
            Payload::FunctionSection(r) => {
                for t in r {
                    m.func_types.push(t?);
                }
            }
            Payload::TableSection(r) => {
                for t in r {
                    let t = t?;
                    table_sizes.push(t.ty.initial);
                    table_init_known.push(matches!(t.init, TableInit::RefNull));
                }
            }
            Payload::MemorySection(r) => {
                for t in r {
                    let t = t?;
                    m.memories.push(MemoryInfo { min: t.initial, max: t.maximum.unwrap_or(if t.memory64 { u64::MAX } else { 65536 }), memory64: t.memory64, fixed: true });
                }
            }
            Payload::GlobalSection(r) => {
                for g in r {
                    let g = g?;
                    let c = if g.ty.mutable { None } else { constant(&g.init_expr) };
                    m.globals.push(GlobalInfo { ty: g.ty.content_type, mutable: g.ty.mutable, constant: c });
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e?;
                    match e.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => m.exports.push((e.name.to_string(), e.index)),
                        ExternalKind::Memory => {
                            shared_mems.insert(e.index as usize);
                        }
                        ExternalKind::Table => {
                            shared_tables.insert(e.index as usize);
                        }
                        _ => {}
                    }
                }
            }
            Payload::ElementSection(r) => {
                for e in r {
                    let e = e?;
                    let items: Option<Vec<Option<u32>>> = match e.items {
                        ElementItems::Functions(fs) => fs.into_iter().map(|f| f.ok().map(Some)).collect(),
                        ElementItems::Expressions(_, es) => es.into_iter().map(|x| x.ok().and_then(|x| ref_func(&x))).collect(),
                    };
                    if let ElementKind::Active { table_index, offset_expr } = e.kind {
                        segments.push((table_index.unwrap_or(0), constant(&offset_expr), items));
                    }
                }
            }
            Payload::CodeSectionStart { unchecked_range, .. } => m.code_start = unchecked_range.start as usize,
            Payload::CodeSectionEntry(body) => m.bodies.push(parse_body(&body)?),
            _ => {}
        }
    }
    let mutated = mutated_state(&m.bodies);
    for (i, mem) in m.memories.iter_mut().enumerate() {
        mem.fixed &= !shared_mems.contains(&i) && !mutated.grows_memory;
    }
    for (i, size) in table_sizes.iter().enumerate() {
        // Slots are listed one by one (and become one condition each at a call_indirect):
        // beyond this size the table counts as unknown.
        const MAX_KNOWN_SLOTS: u64 = 4096;
        let mut slots = (plain_types
            && table_init_known[i]
            && !shared_tables.contains(&i)
            && !mutated.tables
            && *size <= MAX_KNOWN_SLOTS)
            .then(|| vec![None; *size as usize]);
        for (t, offset, items) in &segments {
            if *t as usize != i {
                continue;
            }
            match (&mut slots, offset, items) {
                (Some(s), Some(o), Some(items)) if (*o as usize).saturating_add(items.len()) <= s.len() => {
                    s[*o as usize..*o as usize + items.len()].copy_from_slice(items);
                }
                _ => slots = None,
            }
        }
        m.tables.push(TableInfo { known: slots });
    }
    Ok(m)
}

struct Mutated {
    grows_memory: bool,
    tables: bool,
}

/// Whether any body grows a memory or changes a table (then sizes and slots are not known).
fn mutated_state(bodies: &[Body]) -> Mutated {
    fn walk(nodes: &[Node], m: &mut Mutated) {
        for n in nodes {
            match n {
                Node::Op(_, op) => match op {
                    Operator::MemoryGrow { .. } => m.grows_memory = true,
                    Operator::TableSet { .. }
                    | Operator::TableGrow { .. }
                    | Operator::TableFill { .. }
                    | Operator::TableCopy { .. }
                    | Operator::TableInit { .. } => m.tables = true,
                    _ => {}
                },
                Node::Block { body, els, .. } => {
                    walk(body, m);
                    walk(els, m);
                }
            }
        }
    }
    let mut m = Mutated { grows_memory: false, tables: false };
    for b in bodies {
        walk(&b.code, &mut m);
    }
    m
}

fn parse_body<'a>(body: &wasmparser::FunctionBody<'a>) -> Result<Body<'a>, wasmparser::BinaryReaderError> {
    let mut locals = vec![];
    for l in body.get_locals_reader()? {
        let (n, ty) = l?;
        locals.extend(std::iter::repeat_n(ty, n as usize));
    }
    let mut reader = body.get_operators_reader()?;
    // Open blocks: (offset, kind, type, then-part, else-part, in else).
    let mut open: Vec<(usize, BlockKind, BlockType, Vec<Node<'a>>, Vec<Node<'a>>, bool)> = vec![];
    let mut top: Vec<Node<'a>> = vec![];
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset()?;
        let offset = offset as usize;
        let kind = match op {
            Operator::Block { blockty } => Some((BlockKind::Block, blockty)),
            Operator::Loop { blockty } => Some((BlockKind::Loop, blockty)),
            Operator::If { blockty } => Some((BlockKind::If, blockty)),
            _ => None,
        };
        if let Some((kind, ty)) = kind {
            open.push((offset, kind, ty, vec![], vec![], false));
            continue;
        }
        match op {
            Operator::Else => {
                if let Some(b) = open.last_mut() {
                    b.5 = true;
                }
            }
            Operator::End => match open.pop() {
                Some((offset, kind, ty, body, els, _)) => {
                    let node = Node::Block { offset, kind, ty, body, els };
                    push(&mut open, &mut top, node);
                }
                None => {} // the function's own end
            },
            op => push(&mut open, &mut top, Node::Op(offset, op)),
        }
    }
    Ok(Body { locals, code: top })
}

fn push<'a>(
    open: &mut [(usize, BlockKind, BlockType, Vec<Node<'a>>, Vec<Node<'a>>, bool)],
    top: &mut Vec<Node<'a>>,
    node: Node<'a>,
) {
    match open.last_mut() {
        Some(b) if b.5 => b.4.push(node),
        Some(b) => b.3.push(node),
        None => top.push(node),
    }
}
