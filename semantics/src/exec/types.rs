//! Canonical types (spec §4.2 "type equivalence", §3.2 "matching").
//!
//! Recursion groups are iso-recursive: two groups are the same when they are structurally equal
//! after replacing references into the group by their relative position. The registry interns
//! each group once per store, so module type indices map to canonical ids and type equality
//! becomes id equality; declared subtyping then is a walk up the supertype chain.

use std::collections::HashMap;

use crate::syntax::types::*;

/// Marks a reference to a type inside the same recursion group in a registry key.
const REC_BIT: u32 = 1 << 31;

#[derive(Debug, Default)]
pub struct TypeRegistry {
    /// Canonical types; concrete heap types and supertypes are canonical ids.
    types: Vec<SubType>,
    groups: HashMap<Vec<SubType>, u32>,
}

fn map_val(v: ValType, f: &impl Fn(u32) -> u32) -> ValType {
    match v {
        ValType::Ref(r) => ValType::Ref(map_ref(r, f)),
        other => other,
    }
}

pub(crate) fn map_ref(r: RefType, f: &impl Fn(u32) -> u32) -> RefType {
    RefType { nullable: r.nullable, heap: map_heap(r.heap, f) }
}

pub(crate) fn map_heap(h: HeapType, f: &impl Fn(u32) -> u32) -> HeapType {
    match h {
        HeapType::Concrete(i) => HeapType::Concrete(f(i)),
        other => other,
    }
}

fn map_sub(s: &SubType, f: &impl Fn(u32) -> u32) -> SubType {
    let field = |ft: &FieldType| FieldType {
        mutable: ft.mutable,
        storage: match ft.storage {
            StorageType::Val(v) => StorageType::Val(map_val(v, f)),
            other => other,
        },
    };
    SubType {
        is_final: s.is_final,
        supertype: s.supertype.map(f),
        composite: match &s.composite {
            CompositeType::Func(ft) => CompositeType::Func(FuncType {
                params: ft.params.iter().map(|v| map_val(*v, f)).collect(),
                results: ft.results.iter().map(|v| map_val(*v, f)).collect(),
            }),
            CompositeType::Struct(fields) => CompositeType::Struct(fields.iter().map(field).collect()),
            CompositeType::Array(ft) => CompositeType::Array(field(ft)),
        },
    }
}

/// The hierarchy an abstract heap type belongs to (concrete types need the registry).
pub(crate) fn top_of_abstract(h: HeapType) -> HeapTop {
    match h {
        HeapType::Func | HeapType::NoFunc => HeapTop::Func,
        HeapType::Extern | HeapType::NoExtern => HeapTop::Extern,
        HeapType::Exn | HeapType::NoExn => HeapTop::Exn,
        _ => HeapTop::Any,
    }
}

/// Hierarchy of a heap type given a way to look up concrete composite types.
pub(crate) fn top_of(h: HeapType, composite: impl Fn(u32) -> Option<bool /* is func */>) -> HeapTop {
    match h {
        HeapType::Concrete(i) => match composite(i) {
            Some(true) => HeapTop::Func,
            _ => HeapTop::Any,
        },
        other => top_of_abstract(other),
    }
}

impl TypeRegistry {
    /// Interns the types of a module, returning the canonical id of every module type index.
    pub fn intern_module(&mut self, types: &[SubType], rec_groups: &[(u32, u32)]) -> Vec<u32> {
        let mut canon: Vec<u32> = Vec::with_capacity(types.len());
        for &(start, len) in rec_groups {
            let key: Vec<SubType> = types[start as usize..(start + len) as usize]
                .iter()
                .map(|s| {
                    map_sub(s, &|i| if i >= start && i < start + len { REC_BIT | (i - start) } else { canon[i as usize] })
                })
                .collect();
            let first = match self.groups.get(&key) {
                Some(&first) => first,
                None => {
                    let first = self.types.len() as u32;
                    for s in &key {
                        let resolved = map_sub(s, &|i| if i & REC_BIT != 0 { first + (i & !REC_BIT) } else { i });
                        self.types.push(resolved);
                    }
                    self.groups.insert(key, first);
                    first
                }
            };
            canon.extend((0..len).map(|k| first + k));
        }
        canon
    }

    pub fn get(&self, id: u32) -> &SubType {
        &self.types[id as usize]
    }

    pub fn func_type(&self, id: u32) -> &FuncType {
        match &self.types[id as usize].composite {
            CompositeType::Func(f) => f,
            _ => unreachable!("validation guarantees a function type"),
        }
    }

    pub fn is_func(&self, id: u32) -> bool {
        matches!(self.types[id as usize].composite, CompositeType::Func(_))
    }

    /// Declared subtyping between canonical ids (reflexive, transitive).
    pub fn is_subtype(&self, mut sub: u32, sup: u32) -> bool {
        loop {
            if sub == sup {
                return true;
            }
            match self.types[sub as usize].supertype {
                Some(next) => sub = next,
                None => return false,
            }
        }
    }

    /// Heap type matching on canonical heap types (spec §3.2.x "heap types").
    pub fn heap_matches(&self, a: HeapType, b: HeapType) -> bool {
        use HeapType::*;
        if a == b {
            return true;
        }
        let concrete_kind = |i: u32| match self.types[i as usize].composite {
            CompositeType::Func(_) => Func,
            CompositeType::Struct(_) => Struct,
            CompositeType::Array(_) => Array,
        };
        match (a, b) {
            (Concrete(x), Concrete(y)) => self.is_subtype(x, y),
            (Concrete(x), _) => {
                let k = concrete_kind(x);
                k == b || (k != Func && (b == Eq || b == Any))
            }
            (None, Concrete(y)) => concrete_kind(y) != Func,
            (NoFunc, Concrete(y)) => concrete_kind(y) == Func,
            (None, Any | Eq | I31 | Struct | Array) => true,
            (NoFunc, Func) | (NoExtern, Extern) | (NoExn, Exn) => true,
            (I31 | Struct | Array, Eq | Any) | (Eq, Any) => true,
            _ => false,
        }
    }

    pub fn ref_matches(&self, a: RefType, b: RefType) -> bool {
        (!a.nullable || b.nullable) && self.heap_matches(a.heap, b.heap)
    }

    pub fn val_matches(&self, a: ValType, b: ValType) -> bool {
        match (a, b) {
            (ValType::Ref(x), ValType::Ref(y)) => self.ref_matches(x, y),
            _ => a == b,
        }
    }

    /// The hierarchy of a canonical heap type.
    pub fn top(&self, h: HeapType) -> HeapTop {
        top_of(h, |i| Some(self.is_func(i)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn func(params: Vec<ValType>) -> SubType {
        SubType { is_final: true, supertype: None, composite: CompositeType::Func(FuncType { params, results: vec![] }) }
    }

    #[test]
    fn identical_rec_groups_from_two_modules_are_one_type() {
        let mut reg = TypeRegistry::default();
        let self_ref = ValType::Ref(RefType { nullable: true, heap: HeapType::Concrete(0) });
        let a = reg.intern_module(&[func(vec![self_ref])], &[(0, 1)]);
        let b = reg.intern_module(&[func(vec![ValType::I32]), func(vec![ValType::Ref(RefType { nullable: true, heap: HeapType::Concrete(1) })])], &[(0, 1), (1, 1)]);
        assert_eq!(a[0], b[1]);
        assert_ne!(b[0], b[1]);
    }

    #[test]
    fn subtype_chain_and_abstract_matching() {
        let mut reg = TypeRegistry::default();
        let base = SubType { is_final: false, supertype: None, composite: CompositeType::Struct(vec![]) };
        let derived = SubType { is_final: true, supertype: Some(0), composite: CompositeType::Struct(vec![]) };
        let ids = reg.intern_module(&[base, derived], &[(0, 1), (1, 1)]);
        assert!(reg.is_subtype(ids[1], ids[0]));
        assert!(!reg.is_subtype(ids[0], ids[1]));
        assert!(reg.heap_matches(HeapType::Concrete(ids[1]), HeapType::Eq));
        assert!(reg.heap_matches(HeapType::None, HeapType::Concrete(ids[0])));
        assert!(!reg.heap_matches(HeapType::Concrete(ids[0]), HeapType::Func));
    }
}
