//! Model types with unknowns, and the store that unifies them.
//!
//! Bitvector widths may be unknown (`(bv)` models such as `Value`); they are
//! fixed by the chosen term signatures and by width constraints that
//! propagate through `widthof`, `zero_ext`, `concat`, `extract` and friends.

use crate::load::Program;
use cranelift_isle::ast::ModelType;
use cranelift_isle::sema::{self, TypeId};

pub(crate) type Tv = usize;

/// What is known about a type variable's class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Info {
    Unknown,
    Bool,
    Int,
    Bv(Option<u32>),
    /// Named fields, in declaration order.
    Struct(Vec<(String, Tv)>),
    /// An ISLE enum type, modelled as a tag plus the fields of every variant.
    Enum(TypeId),
    /// `Unspecified` (`!`) models: opaque values, only comparable for equality.
    Opaque,
}

/// A fully known type, as lowering needs it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum RTy {
    Bool,
    Int,
    Bv(u32),
    Struct(Vec<(String, RTy)>),
    Enum(TypeId),
    Opaque,
}

impl RTy {
    pub fn show(&self, p: &Program) -> String {
        match self {
            RTy::Bool => "bool".into(),
            RTy::Int => "int".into(),
            RTy::Bv(w) => format!("bv {w}"),
            RTy::Struct(fs) => {
                let inner: Vec<String> = fs.iter().map(|(n, t)| format!("{n}: {}", t.show(p))).collect();
                format!("{{{}}}", inner.join(", "))
            }
            RTy::Enum(t) => p.type_name(*t).to_string(),
            RTy::Opaque => "!".into(),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct TypeStore {
    parent: Vec<Tv>,
    info: Vec<Info>,
    /// Integer values known for value keys (see `Graph::value_key`), learnt
    /// from top-level equalities such as `(= (:bits ty) (widthof result))`.
    pub int_facts: std::collections::HashMap<String, i128>,
}

pub(crate) type TyResult<T> = Result<T, String>;

impl TypeStore {
    pub fn new() -> Self {
        TypeStore { parent: vec![], info: vec![], int_facts: Default::default() }
    }

    pub fn fresh(&mut self, info: Info) -> Tv {
        self.parent.push(self.parent.len());
        self.info.push(info);
        self.parent.len() - 1
    }

    pub fn find(&self, mut t: Tv) -> Tv {
        while self.parent[t] != t {
            t = self.parent[t];
        }
        t
    }

    pub fn info(&self, t: Tv) -> &Info {
        &self.info[self.find(t)]
    }

    pub fn width(&self, t: Tv) -> Option<u32> {
        match self.info(t) {
            Info::Bv(w) => *w,
            _ => None,
        }
    }

    /// Constrain `t` to `info` (unifying with what is already known).
    pub fn constrain(&mut self, t: Tv, info: Info) -> TyResult<bool> {
        let other = self.fresh(info);
        self.unify(t, other)
    }

    /// Merge two classes. Returns whether anything was learnt.
    pub fn unify(&mut self, a: Tv, b: Tv) -> TyResult<bool> {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return Ok(false);
        }
        let (ia, ib) = (self.info[ra].clone(), self.info[rb].clone());
        let mut pending = Vec::new();
        let merged = match (&ia, &ib) {
            (Info::Unknown, x) | (x, Info::Unknown) => x.clone(),
            (Info::Bool, Info::Bool) => Info::Bool,
            (Info::Int, Info::Int) => Info::Int,
            (Info::Opaque, Info::Opaque) => Info::Opaque,
            (Info::Bv(x), Info::Bv(y)) => match (x, y) {
                (Some(x), Some(y)) if x != y => return Err(format!("width mismatch: bv {x} vs bv {y}")),
                (Some(_), _) => Info::Bv(*x),
                _ => Info::Bv(*y),
            },
            (Info::Enum(x), Info::Enum(y)) if x == y => Info::Enum(*x),
            (Info::Struct(fx), Info::Struct(fy)) => {
                if fx.len() != fy.len() {
                    return Err("struct field count mismatch".into());
                }
                for (n, tx) in fx {
                    let ty = fy
                        .iter()
                        .find(|(m, _)| m == n)
                        .ok_or_else(|| format!("struct field `{n}` missing"))?
                        .1;
                    pending.push((*tx, ty));
                }
                Info::Struct(fx.clone())
            }
            _ => return Err(format!("type mismatch: {} vs {}", describe(&ia), describe(&ib))),
        };
        let learnt = merged != ia || merged != ib;
        self.parent[rb] = ra;
        self.info[ra] = merged;
        for (x, y) in pending {
            self.unify(x, y)?;
        }
        Ok(learnt)
    }

    /// Type variable for a spec model type.
    pub fn from_model(&mut self, p: &Program, m: &ModelType) -> TyResult<Tv> {
        Ok(match m {
            ModelType::Unspecified => self.fresh(Info::Opaque),
            ModelType::Auto => self.fresh(Info::Unknown),
            ModelType::Int => self.fresh(Info::Int),
            ModelType::Bool => self.fresh(Info::Bool),
            ModelType::Unit => self.fresh(Info::Struct(vec![])),
            ModelType::BitVec(w) => self.fresh(Info::Bv(w.map(|w| w as u32))),
            ModelType::Struct(fields) => {
                let mut fs = Vec::new();
                for f in fields {
                    fs.push((f.name.0.clone(), self.from_model(p, &f.ty)?));
                }
                self.fresh(Info::Struct(fs))
            }
            ModelType::Named(id) => {
                let ty = p.tyenv.get_type_by_name(id).ok_or_else(|| format!("unknown type `{}`", id.0))?;
                self.from_isle_type(p, ty)?
            }
        })
    }

    /// Type variable for the model of an ISLE type.
    pub fn from_isle_type(&mut self, p: &Program, ty: TypeId) -> TyResult<Tv> {
        if let Some(m) = p.type_models.get(&ty) {
            return self.from_model(p, &m.clone());
        }
        match &p.tyenv.types[ty.index()] {
            sema::Type::Enum { .. } => Ok(self.fresh(Info::Enum(ty))),
            _ => Err(format!("no model for type `{}`", p.type_name(ty))),
        }
    }

    /// The concrete type of `t`, if fully known.
    pub fn resolve(&self, t: Tv) -> Option<RTy> {
        Some(match self.info(t) {
            Info::Unknown => return None,
            Info::Bool => RTy::Bool,
            Info::Int => RTy::Int,
            Info::Bv(w) => RTy::Bv((*w)?),
            Info::Opaque => RTy::Opaque,
            Info::Enum(e) => RTy::Enum(*e),
            Info::Struct(fs) => {
                let mut out = Vec::new();
                for (n, t) in fs {
                    out.push((n.clone(), self.resolve(*t)?));
                }
                RTy::Struct(out)
            }
        })
    }
}

fn describe(i: &Info) -> String {
    match i {
        Info::Unknown => "unknown".into(),
        Info::Bool => "Bool".into(),
        Info::Int => "Int".into(),
        Info::Bv(Some(w)) => format!("bv {w}"),
        Info::Bv(None) => "bv".into(),
        Info::Struct(_) => "struct".into(),
        Info::Enum(_) => "enum".into(),
        Info::Opaque => "unspecified".into(),
    }
}

/// Concrete type of an ISLE type's model without inference (enum variant
/// fields): polymorphic widths are not allowed there.
pub(crate) fn concrete_isle_type(p: &Program, ty: TypeId) -> TyResult<RTy> {
    let mut store = TypeStore::new();
    let tv = store.from_isle_type(p, ty)?;
    store
        .resolve(tv)
        .ok_or_else(|| format!("model of `{}` has an unknown width", p.type_name(ty)))
}

/// Variants of an ISLE enum type: (name, field names, field types).
pub(crate) fn enum_variants(p: &Program, ty: TypeId) -> Vec<(String, Vec<String>, Vec<TypeId>)> {
    match &p.tyenv.types[ty.index()] {
        sema::Type::Enum { variants, .. } => variants
            .iter()
            .map(|v| {
                let (names, tys) = match &v.fields {
                    sema::Fields::Unit => (vec![], vec![]),
                    sema::Fields::Struct(s) => (
                        s.fields.iter().map(|f| p.sym(f.name).to_string()).collect(),
                        s.fields.iter().map(|f| f.ty).collect(),
                    ),
                    sema::Fields::Tuple(t) => (
                        (0..t.fields.len()).map(|i| i.to_string()).collect(),
                        t.fields.iter().map(|f| f.ty).collect(),
                    ),
                };
                (p.sym(v.name).to_string(), names, tys)
            })
            .collect(),
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unify_widths() {
        let mut s = TypeStore::new();
        let a = s.fresh(Info::Bv(None));
        let b = s.fresh(Info::Unknown);
        let c = s.fresh(Info::Bv(Some(32)));
        s.unify(a, b).unwrap();
        assert_eq!(s.width(b), None);
        s.unify(b, c).unwrap();
        assert_eq!(s.width(a), Some(32));
        let d = s.fresh(Info::Bv(Some(8)));
        assert!(s.unify(a, d).is_err());
        let e = s.fresh(Info::Int);
        assert!(s.unify(e, d).is_err());
    }

    #[test]
    fn unify_structs_fieldwise() {
        let mut s = TypeStore::new();
        let x1 = s.fresh(Info::Bv(None));
        let x2 = s.fresh(Info::Bv(Some(16)));
        let a = s.fresh(Info::Struct(vec![("f".into(), x1)]));
        let b = s.fresh(Info::Struct(vec![("f".into(), x2)]));
        s.unify(a, b).unwrap();
        assert_eq!(s.width(x1), Some(16));
    }
}
