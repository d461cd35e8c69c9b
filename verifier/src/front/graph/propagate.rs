//! Type propagation over the graph: deferred width and shape constraints
//! applied, with the asserted integer equalities, until nothing changes.

use super::{Deferred, Graph, TypeFail};
use crate::front::types::{enum_variants, Info};

impl Graph {
    /// Apply deferred constraints until nothing changes.
    pub fn propagate(&mut self, p: &crate::load::Program) -> Result<(), TypeFail> {
        loop {
            let mut changed = false;
            for i in 0..self.deferred.len() {
                changed |= self.apply(p, i)?;
            }
            for k in 0..self.int_eqs.len() {
                changed |= self.apply_int_eq(k)?;
            }
            if !changed {
                return Ok(());
            }
        }
    }

    fn apply(&mut self, p: &crate::load::Program, i: usize) -> Result<bool, String> {
        let d = self.deferred[i].clone();
        match d {
            Deferred::WidthIs { bv, int } => {
                let known = self.store.width(bv);
                match (known, self.int_value(int)) {
                    (Some(w), Some(v)) => {
                        if w as i128 != v {
                            // Name the spec expression that asks for the width: the
                            // expansion's own span says little about which spec.
                            let at = &self.nodes[int].span;
                            return Err(format!("width {w} does not match required width {v} (required at {at})"));
                        }
                        self.deferred[i] = Deferred::Done;
                        Ok(false)
                    }
                    (None, Some(v)) => {
                        if v <= 0 || v > 1 << 16 {
                            return Err(format!("invalid bitvector width {v}"));
                        }
                        self.store.constrain(bv, Info::Bv(Some(v as u32)))
                    }
                    _ => Ok(false),
                }
            }
            Deferred::Concat { result, parts } => {
                let ws: Vec<Option<u32>> = parts.iter().map(|t| self.store.width(*t)).collect();
                let r = self.store.width(result);
                let unknown = ws.iter().filter(|w| w.is_none()).count();
                if unknown == 0 {
                    let sum: u32 = ws.iter().map(|w| w.unwrap()).sum();
                    match r {
                        Some(r) if r != sum => Err(format!("concat width {sum} vs {r}")),
                        Some(_) => {
                            self.deferred[i] = Deferred::Done;
                            Ok(false)
                        }
                        None => self.store.constrain(result, Info::Bv(Some(sum))),
                    }
                } else if unknown == 1 {
                    if let Some(r) = r {
                        let known: u32 = ws.iter().flatten().sum();
                        if r <= known {
                            return Err(format!("concat width {r} too small"));
                        }
                        let idx = ws.iter().position(|w| w.is_none()).unwrap();
                        return self.store.constrain(parts[idx], Info::Bv(Some(r - known)));
                    }
                    Ok(false)
                } else {
                    Ok(false)
                }
            }
            Deferred::Extract { result, hi, lo } => match (self.int_value(hi), self.int_value(lo)) {
                (Some(h), Some(l)) if h >= l && l >= 0 => {
                    let w = (h - l + 1) as u32;
                    match self.store.width(result) {
                        Some(x) if x != w => Err(format!("extract width {w} vs {x}")),
                        Some(_) => {
                            self.deferred[i] = Deferred::Done;
                            Ok(false)
                        }
                        None => self.store.constrain(result, Info::Bv(Some(w))),
                    }
                }
                (Some(h), Some(l)) => Err(format!("bad extract range {h}..{l}")),
                _ => Ok(false),
            },
            Deferred::FieldOf { result, x, name } => match self.store.info(x).clone() {
                Info::Struct(fs) => {
                    let f = fs.iter().find(|(n, _)| *n == name).ok_or_else(|| format!("no field `{name}`"))?;
                    self.deferred[i] = Deferred::Done;
                    self.store.unify(result, f.1)
                }
                Info::Unknown => Ok(false),
                other => Err(format!("field access `:{name}` on non-struct {other:?}")),
            },
            Deferred::HasVariant { x, variant } => match self.store.info(x).clone() {
                Info::Enum(ty) => {
                    if enum_variants(p, ty).iter().any(|v| v.0 == variant) {
                        self.deferred[i] = Deferred::Done;
                        Ok(false)
                    } else {
                        Err(format!("enum `{}` has no variant `{variant}`", p.type_name(ty)))
                    }
                }
                Info::Unknown => Ok(false),
                _ => Err(format!("variant `{variant}` of a non-enum value")),
            },
            Deferred::VariantField { result, x, variant, index } => match self.store.info(x).clone() {
                Info::Enum(ty) => {
                    let vs = enum_variants(p, ty);
                    let v = vs
                        .iter()
                        .find(|v| v.0 == variant)
                        .ok_or_else(|| format!("enum `{}` has no variant `{variant}`", p.type_name(ty)))?;
                    let fty = *v.2.get(index).ok_or_else(|| format!("variant `{variant}` has too few fields"))?;
                    let ftv = self.store.from_isle_type(p, fty)?;
                    self.store.unify(result, ftv)?;
                    // Remove the constraint's repeated effect: it is now an
                    // equality. It counts as a change whether or not `result`
                    // learned anything, so propagation takes another round.
                    self.deferred[i] = Deferred::Done;
                    Ok(true)
                }
                Info::Unknown => Ok(false),
                _ => Err(format!("variant `{variant}` of a non-enum value")),
            },
            Deferred::Numeric { .. } | Deferred::Done => Ok(false),
        }
    }
}
