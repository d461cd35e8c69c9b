//! Lowering of a fully typed [`Graph`] into the flat IR: structs become their
//! fields, enums a tag plus the fields of every variant, and `match`,
//! `switch` and `if` become `Ite`s.

use super::graph::{Dest, Graph, NodeId, NodeKind};
use super::types::{concrete_isle_type, enum_variants, RTy};
use super::walk::Stop;
use crate::ir::{self, Const, Expr, ExprId, Query, Sort, Var, VarId, VarRole};
use crate::load::Program;
use crate::span::Span;
use cranelift_isle::ast::SpecOp;
use cranelift_isle::sema::TypeId;
use std::collections::HashMap;

/// A lowered value.
#[derive(Clone, Debug)]
enum Sym {
    S(ExprId),
    Struct(Vec<(String, Sym)>),
    Enum { tag: ExprId, tag_width: u32, fields: Vec<Vec<Sym>> },
}

/// Maximum nesting of enum fields inside enums (recursive models).
const MAX_ENUM_DEPTH: u32 = 3;

struct Lowerer<'a> {
    p: &'a Program,
    g: &'a Graph,
    q: Query,
    memo: HashMap<NodeId, Sym>,
    /// First scalar variable of each leaf, for term application display.
    leaf_var: HashMap<NodeId, VarId>,
    /// Tag range facts for enum-typed variables.
    well_formed: Vec<(ExprId, Span)>,
}

type R<T> = Result<T, Stop>;

fn tag_width(n: usize) -> u32 {
    let mut w = 1;
    while (1usize << w) < n {
        w += 1;
    }
    w
}

impl<'a> Lowerer<'a> {
    fn mk(&mut self, e: Expr) -> ExprId {
        self.q.exprs.push(e);
        ExprId(self.q.exprs.len() as u32 - 1)
    }

    fn konst(&mut self, c: Const) -> ExprId {
        self.mk(Expr::Const(c))
    }

    fn rty(&self, n: NodeId) -> R<RTy> {
        let node = &self.g.nodes[n];
        self.g
            .store
            .resolve(node.tv)
            .ok_or_else(|| {
                let what = match &node.kind {
                    NodeKind::Leaf { name, .. } => format!("`{}`", name.split('#').next().unwrap_or(name)),
                    _ => "an expression".to_string(),
                };
                Stop::Unsupported(format!("type inference: type of {what} is underconstrained"), node.span.clone())
            })
    }

    fn var(&mut self, name: String, sort: Sort, role: VarRole, span: &Span) -> ExprId {
        self.q.vars.push(Var { name, sort, role, span: span.clone() });
        let id = VarId(self.q.vars.len() as u32 - 1);
        self.mk(Expr::Var(id))
    }

    fn fresh(&mut self, ty: &RTy, name: &str, role: VarRole, span: &Span, depth: u32) -> R<Sym> {
        Ok(match ty {
            RTy::Bool => Sym::S(self.var(name.into(), Sort::Bool, role, span)),
            RTy::Int | RTy::Opaque => Sym::S(self.var(name.into(), Sort::Int, role, span)),
            RTy::Bv(w) => Sym::S(self.var(name.into(), Sort::BitVec(*w), role, span)),
            RTy::Struct(fs) => {
                let mut out = Vec::new();
                for (f, t) in fs {
                    out.push((f.clone(), self.fresh(t, &format!("{name}.{f}"), role.clone(), span, depth)?));
                }
                Sym::Struct(out)
            }
            RTy::Enum(ty) => {
                if depth >= MAX_ENUM_DEPTH {
                    return Err(Stop::Unsupported(
                        format!("enum `{}` nested too deeply", self.p.type_name(*ty)),
                        span.clone(),
                    ));
                }
                let variants = enum_variants(self.p, *ty);
                let tw = tag_width(variants.len());
                let tag = self.var(format!("{name}.tag"), Sort::BitVec(tw), role.clone(), span);
                if variants.len() < (1usize << tw) {
                    let n = self.konst(Const::BitVec { width: tw, value: variants.len() as u128 });
                    let lt = self.mk(Expr::BvCmp(ir::BvCmpOp::Ult, tag, n));
                    self.well_formed.push((lt, span.clone()));
                }
                let mut fields = Vec::new();
                for (vname, fnames, ftys) in &variants {
                    let mut vf = Vec::new();
                    for (fname, fty) in fnames.iter().zip(ftys) {
                        // A field whose model has no fixed width is only a
                        // problem where a spec reads or builds it (see
                        // `variant_field_type`); until then it is an opaque
                        // value, so enum equality stays exact.
                        let rt = concrete_isle_type(self.p, *fty).unwrap_or(RTy::Opaque);
                        vf.push(self.fresh(&rt, &format!("{name}.{vname}.{fname}"), role.clone(), span, depth + 1)?);
                    }
                    fields.push(vf);
                }
                Sym::Enum { tag, tag_width: tw, fields }
            }
        })
    }

    fn first_scalar(s: &Sym) -> Option<ExprId> {
        match s {
            Sym::S(e) => Some(*e),
            Sym::Struct(fs) => fs.iter().find_map(|(_, f)| Self::first_scalar(f)),
            Sym::Enum { tag, .. } => Some(*tag),
        }
    }

    fn scalar(&self, s: &Sym, span: &Span) -> R<ExprId> {
        match s {
            Sym::S(e) => Ok(*e),
            _ => Err(Stop::Error("composite value used where a scalar is expected".into(), span.clone())),
        }
    }

    fn and(&mut self, xs: Vec<ExprId>) -> ExprId {
        match xs.len() {
            0 => self.konst(Const::Bool(true)),
            1 => xs[0],
            _ => self.mk(Expr::And(xs)),
        }
    }

    fn eq_sym(&mut self, a: &Sym, b: &Sym, span: &Span) -> R<ExprId> {
        match (a, b) {
            (Sym::S(x), Sym::S(y)) => Ok(self.mk(Expr::Eq(*x, *y))),
            (Sym::Struct(fa), Sym::Struct(fb)) => {
                let mut parts = Vec::new();
                for (n, x) in fa {
                    let y = &fb.iter().find(|(m, _)| m == n).ok_or_else(|| Stop::Error("struct shape".into(), span.clone()))?.1;
                    parts.push(self.eq_sym(x, y, span)?);
                }
                Ok(self.and(parts))
            }
            (Sym::Enum { tag: ta, tag_width, fields: fa }, Sym::Enum { tag: tb, fields: fb, .. }) => {
                let mut parts = vec![self.mk(Expr::Eq(*ta, *tb))];
                for (i, (va, vb)) in fa.iter().zip(fb).enumerate() {
                    if va.is_empty() {
                        continue;
                    }
                    let mut eqs = Vec::new();
                    for (x, y) in va.iter().zip(vb) {
                        eqs.push(self.eq_sym(x, y, span)?);
                    }
                    let all = self.and(eqs);
                    let k = self.konst(Const::BitVec { width: *tag_width, value: i as u128 });
                    let is = self.mk(Expr::Eq(*ta, k));
                    parts.push(self.mk(Expr::Imp(is, all)));
                }
                Ok(self.and(parts))
            }
            _ => Err(Stop::Error("equality between values of different shapes".into(), span.clone())),
        }
    }

    fn ite_sym(&mut self, c: ExprId, t: &Sym, e: &Sym, span: &Span) -> R<Sym> {
        Ok(match (t, e) {
            (Sym::S(x), Sym::S(y)) => Sym::S(self.mk(Expr::Ite(c, *x, *y))),
            (Sym::Struct(ft), Sym::Struct(fe)) => {
                let mut out = Vec::new();
                for ((n, x), (_, y)) in ft.iter().zip(fe) {
                    out.push((n.clone(), self.ite_sym(c, x, y, span)?));
                }
                Sym::Struct(out)
            }
            (Sym::Enum { tag: tt, tag_width, fields: ft }, Sym::Enum { tag: te, fields: fe, .. }) => {
                let tag = self.mk(Expr::Ite(c, *tt, *te));
                let mut fields = Vec::new();
                for (vt, ve) in ft.iter().zip(fe) {
                    let mut vf = Vec::new();
                    for (x, y) in vt.iter().zip(ve) {
                        vf.push(self.ite_sym(c, x, y, span)?);
                    }
                    fields.push(vf);
                }
                Sym::Enum { tag, tag_width: *tag_width, fields }
            }
            _ => return Err(Stop::Error("conditional between values of different shapes".into(), span.clone())),
        })
    }

    fn variant_index(&self, ty: TypeId, name: &str, span: &Span) -> R<usize> {
        enum_variants(self.p, ty)
            .iter()
            .position(|v| v.0 == name)
            .ok_or_else(|| Stop::Error(format!("no variant `{name}`"), span.clone()))
    }

    /// A spec that reads or builds a variant needs its fields' concrete
    /// types: here an unknown-width model is unsupported, naming the model.
    fn variant_field_types(&self, ty: TypeId, idx: usize, span: &Span) -> R<()> {
        let (_, _, ftys) = &enum_variants(self.p, ty)[idx];
        for fty in ftys {
            concrete_isle_type(self.p, *fty).map_err(|m| Stop::Unsupported(m, span.clone()))?;
        }
        Ok(())
    }

    fn enum_type_of(&self, n: NodeId) -> R<TypeId> {
        match self.rty(n)? {
            RTy::Enum(t) => Ok(t),
            _ => Err(Stop::Error("expected an enum value".into(), self.g.nodes[n].span.clone())),
        }
    }

    fn int_const(&self, n: NodeId) -> R<i128> {
        self.g.int_value(n).ok_or_else(|| {
            Stop::Unsupported("operand must be a constant integer".into(), self.g.nodes[n].span.clone())
        })
    }

    /// The width operand of an extension or conversion must denote the
    /// width type inference chose for the result: an operand whose value is
    /// unknown (e.g. a rule variable) cannot be trusted to agree, so it is
    /// unsupported rather than silently ignored.
    fn check_width_operand(&self, w: NodeId, target: u32, span: &Span) -> R<()> {
        if matches!(self.rty(w)?, RTy::Bv(_)) {
            // `(conv_to ty x)`-style operands given as a typed value carry their
            // width in their type, which inference already unified.
            return Ok(());
        }
        let value = self.g.int_value(w).ok_or_else(|| {
            Stop::Unsupported("extension width operand is not a constant".into(), self.g.nodes[w].span.clone())
        })?;
        if value != target as i128 {
            return Err(Stop::Error(format!("width operand is {value} but the result has {target} bits"), span.clone()));
        }
        Ok(())
    }

    fn width(&self, n: NodeId) -> R<u32> {
        match self.rty(n)? {
            RTy::Bv(w) => Ok(w),
            _ => Err(Stop::Error("expected a bitvector".into(), self.g.nodes[n].span.clone())),
        }
    }

    fn float_width(&self, n: NodeId) -> R<u32> {
        let w = self.width(n)?;
        if w == 32 || w == 64 {
            Ok(w)
        } else {
            Err(Stop::Unsupported(format!("floating-point operation at width {w}"), self.g.nodes[n].span.clone()))
        }
    }

    fn lower(&mut self, n: NodeId) -> R<Sym> {
        if let Some(s) = self.memo.get(&n) {
            return Ok(s.clone());
        }
        let s = self.lower_uncached(n)?;
        self.memo.insert(n, s.clone());
        Ok(s)
    }

    fn sc(&mut self, n: NodeId) -> R<ExprId> {
        let s = self.lower(n)?;
        let span = self.g.nodes[n].span.clone();
        self.scalar(&s, &span)
    }

    fn lower_uncached(&mut self, n: NodeId) -> R<Sym> {
        let node = self.g.nodes[n].clone();
        let span = node.span.clone();
        match &node.kind {
            NodeKind::Leaf { name, role } => {
                let ty = self.rty(n)?;
                let s = self.fresh(&ty, name, role.clone(), &span, 0)?;
                let first = match Self::first_scalar(&s) {
                    Some(e) => e,
                    None => self.var(format!("{name}(unit)"), Sort::Bool, role.clone(), &span),
                };
                if let Expr::Var(v) = self.q.exprs[first.0 as usize] {
                    self.leaf_var.insert(n, v);
                }
                Ok(s)
            }
            NodeKind::Bool(b) => Ok(Sym::S(self.konst(Const::Bool(*b)))),
            NodeKind::BitVec { width, value } => Ok(Sym::S(self.konst(Const::BitVec { width: *width, value: *value }))),
            NodeKind::Num(v) => {
                let c = match self.rty(n)? {
                    RTy::Int | RTy::Opaque => Const::Int(*v),
                    RTy::Bool => Const::Bool(*v != 0),
                    RTy::Bv(w) => {
                        let mask = if w >= 128 { u128::MAX } else { (1u128 << w) - 1 };
                        Const::BitVec { width: w, value: (*v as u128) & mask }
                    }
                    other => {
                        return Err(Stop::Error(format!("integer literal of type {}", other.show(self.p)), span))
                    }
                };
                Ok(Sym::S(self.konst(c)))
            }
            NodeKind::Field(name, x) => {
                let xs = self.lower(*x)?;
                match xs {
                    Sym::Struct(fs) => fs
                        .into_iter()
                        .find(|(f, _)| f == name)
                        .map(|(_, s)| s)
                        .ok_or_else(|| Stop::Error(format!("no field `{name}`"), span)),
                    _ => Err(Stop::Error(format!("field `{name}` of a non-struct"), span)),
                }
            }
            NodeKind::IsVariant(variant, x) => {
                let ty = self.enum_type_of(*x)?;
                let idx = self.variant_index(ty, variant, &span)?;
                let Sym::Enum { tag, tag_width, .. } = self.lower(*x)? else {
                    return Err(Stop::Error("discriminator of a non-enum".into(), span));
                };
                let k = self.konst(Const::BitVec { width: tag_width, value: idx as u128 });
                Ok(Sym::S(self.mk(Expr::Eq(tag, k))))
            }
            NodeKind::VariantField { x, variant, index } => {
                let ty = self.enum_type_of(*x)?;
                let idx = self.variant_index(ty, variant, &span)?;
                self.variant_field_types(ty, idx, &span)?;
                let Sym::Enum { fields, .. } = self.lower(*x)? else {
                    return Err(Stop::Error("variant field of a non-enum".into(), span));
                };
                fields[idx].get(*index).cloned().ok_or_else(|| Stop::Error("variant field index".into(), span))
            }
            NodeKind::MakeStruct(fields) => {
                let RTy::Struct(order) = self.rty(n)? else {
                    return Err(Stop::Error("struct literal of non-struct type".into(), span));
                };
                let mut out = Vec::new();
                for (fname, _) in &order {
                    let (_, v) = fields
                        .iter()
                        .find(|(f, _)| f == fname)
                        .ok_or_else(|| Stop::Error(format!("struct literal lacks field `{fname}`"), span.clone()))?;
                    out.push((fname.clone(), self.lower(*v)?));
                }
                Ok(Sym::Struct(out))
            }
            NodeKind::MakeEnum { variant, args } => {
                let ty = self.enum_type_of(n)?;
                let idx = self.variant_index(ty, variant, &span)?;
                self.variant_field_types(ty, idx, &span)?;
                // Fields of the other variants are unconstrained.
                let Sym::Enum { tag_width, mut fields, .. } =
                    self.fresh(&RTy::Enum(ty), &format!("{}.{variant}", self.p.type_name(ty)), VarRole::Internal, &span, 0)?
                else {
                    unreachable!()
                };
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.lower(*a)?);
                }
                fields[idx] = vals;
                let tag = self.konst(Const::BitVec { width: tag_width, value: idx as u128 });
                Ok(Sym::Enum { tag, tag_width, fields })
            }
            NodeKind::Switch { on, cases } => {
                let on_s = self.lower(*on)?;
                let (_, last) = cases.last().unwrap();
                let mut acc = self.lower(*last)?;
                for (k, v) in cases.iter().rev().skip(1) {
                    let ks = self.lower(*k)?;
                    let c = self.eq_sym(&on_s, &ks, &span)?;
                    let vs = self.lower(*v)?;
                    acc = self.ite_sym(c, &vs, &acc, &span)?;
                }
                Ok(acc)
            }
            NodeKind::Match { on, arms } => {
                let ty = self.enum_type_of(*on)?;
                let Sym::Enum { tag, tag_width, .. } = self.lower(*on)? else {
                    return Err(Stop::Error("match on a non-enum".into(), span));
                };
                let (_, last) = arms.last().ok_or_else(|| Stop::Error("match without arms".into(), span.clone()))?;
                let mut acc = self.lower(*last)?;
                for (variant, body) in arms.iter().rev().skip(1) {
                    let idx = self.variant_index(ty, variant, &span)?;
                    let k = self.konst(Const::BitVec { width: tag_width, value: idx as u128 });
                    let c = self.mk(Expr::Eq(tag, k));
                    let b = self.lower(*body)?;
                    acc = self.ite_sym(c, &b, &acc, &span)?;
                }
                Ok(acc)
            }
            NodeKind::Op(op, args) => self.lower_op(n, op, args, &span),
        }
    }

    fn lower_op(&mut self, n: NodeId, op: &SpecOp, args: &[NodeId], span: &Span) -> R<Sym> {
        use ir::{BvBinOp as B, BvCmpOp as C, BvUnOp as U, FpBinOp as FB, FpCmpOp as FC, FpTestOp as FT, FpUnOp as FU, IntOp as I};
        use SpecOp::*;
        let e = match op {
            Eq => {
                let first = self.lower(args[0])?;
                let mut parts = Vec::new();
                for a in &args[1..] {
                    let s = self.lower(*a)?;
                    parts.push(self.eq_sym(&first, &s, span)?);
                }
                self.and(parts)
            }
            And | Or => {
                let mut xs = Vec::new();
                for a in args {
                    xs.push(self.sc(*a)?);
                }
                if matches!(op, And) {
                    self.and(xs)
                } else if xs.is_empty() {
                    self.konst(Const::Bool(false))
                } else if xs.len() == 1 {
                    xs[0]
                } else {
                    self.mk(Expr::Or(xs))
                }
            }
            Not => {
                let x = self.sc(args[0])?;
                self.mk(Expr::Not(x))
            }
            Imp => {
                let (a, b) = (self.sc(args[0])?, self.sc(args[1])?);
                self.mk(Expr::Imp(a, b))
            }
            Add | Sub | Mul => {
                let iop = match op {
                    Add => I::Add,
                    Sub => I::Sub,
                    _ => I::Mul,
                };
                let mut acc = self.sc(args[0])?;
                if args.len() == 1 && matches!(op, Sub) {
                    let z = self.konst(Const::Int(0));
                    acc = self.mk(Expr::Int(I::Sub, z, acc));
                }
                for a in &args[1..] {
                    let x = self.sc(*a)?;
                    acc = self.mk(Expr::Int(iop, acc, x));
                }
                acc
            }
            Lt | Lte | Gt | Gte => {
                let iop = match op {
                    Lt => I::Lt,
                    Lte => I::Le,
                    Gt => I::Gt,
                    _ => I::Ge,
                };
                let (a, b) = (self.sc(args[0])?, self.sc(args[1])?);
                self.mk(Expr::Int(iop, a, b))
            }
            BVNot | BVNeg | Popcnt | Clz | Cls | Rev => {
                let u = match op {
                    BVNot => U::Not,
                    BVNeg => U::Neg,
                    Popcnt => U::Popcnt,
                    Clz => U::Clz,
                    Cls => U::Cls,
                    _ => U::Rev,
                };
                let x = self.sc(args[0])?;
                self.mk(Expr::BvUn(u, x))
            }
            BVAnd | BVOr | BVXor | BVAdd | BVSub | BVMul | BVUdiv | BVUrem | BVSdiv | BVSrem | BVShl | BVLshr
            | BVAshr | Rotr | Rotl => {
                let b = match op {
                    BVAnd => B::And,
                    BVOr => B::Or,
                    BVXor => B::Xor,
                    BVAdd => B::Add,
                    BVSub => B::Sub,
                    BVMul => B::Mul,
                    BVUdiv => B::Udiv,
                    BVUrem => B::Urem,
                    BVSdiv => B::Sdiv,
                    BVSrem => B::Srem,
                    BVShl => B::Shl,
                    BVLshr => B::Lshr,
                    BVAshr => B::Ashr,
                    Rotr => B::Rotr,
                    _ => B::Rotl,
                };
                let mut acc = self.sc(args[0])?;
                for a in &args[1..] {
                    let x = self.sc(*a)?;
                    acc = self.mk(Expr::BvBin(b, acc, x));
                }
                acc
            }
            BVUle | BVUlt | BVUgt | BVUge | BVSlt | BVSle | BVSgt | BVSge | BVSaddo => {
                let c = match op {
                    BVUle => C::Ule,
                    BVUlt => C::Ult,
                    BVUgt => C::Ugt,
                    BVUge => C::Uge,
                    BVSlt => C::Slt,
                    BVSle => C::Sle,
                    BVSgt => C::Sgt,
                    BVSge => C::Sge,
                    _ => C::Saddo,
                };
                let (a, b) = (self.sc(args[0])?, self.sc(args[1])?);
                self.mk(Expr::BvCmp(c, a, b))
            }
            FPEq | FPNe | FPLt | FPGt | FPLe | FPGe => {
                self.float_width(args[0])?;
                let c = match op {
                    FPEq => FC::Eq,
                    FPNe => FC::Ne,
                    FPLt => FC::Lt,
                    FPGt => FC::Gt,
                    FPLe => FC::Le,
                    _ => FC::Ge,
                };
                let (a, b) = (self.sc(args[0])?, self.sc(args[1])?);
                self.mk(Expr::FpCmp(c, a, b))
            }
            FPAdd | FPSub | FPMul | FPDiv | FPMin | FPMax => {
                self.float_width(args[0])?;
                let f = match op {
                    FPAdd => FB::Add,
                    FPSub => FB::Sub,
                    FPMul => FB::Mul,
                    FPDiv => FB::Div,
                    FPMin => FB::Min,
                    _ => FB::Max,
                };
                let (a, b) = (self.sc(args[0])?, self.sc(args[1])?);
                self.mk(Expr::FpBin(f, a, b))
            }
            FPNeg | FPCeil | FPFloor | FPSqrt | FPTrunc | FPNearest => {
                self.float_width(args[0])?;
                let f = match op {
                    FPNeg => FU::Neg,
                    FPCeil => FU::Ceil,
                    FPFloor => FU::Floor,
                    FPSqrt => FU::Sqrt,
                    FPTrunc => FU::Trunc,
                    _ => FU::Nearest,
                };
                let x = self.sc(args[0])?;
                self.mk(Expr::FpUn(f, x))
            }
            FPIsZero | FPIsInfinite | FPIsNaN | FPIsNegative | FPIsPositive => {
                self.float_width(args[0])?;
                let t = match op {
                    FPIsZero => FT::IsZero,
                    FPIsInfinite => FT::IsInfinite,
                    FPIsNaN => FT::IsNaN,
                    FPIsNegative => FT::IsNegative,
                    _ => FT::IsPositive,
                };
                let x = self.sc(args[0])?;
                self.mk(Expr::FpTest(t, x))
            }
            FPPositiveInfinity | FPNegativeInfinity | FPPositiveZero | FPNegativeZero | FPNaN => {
                let width = self.float_width(n)?;
                let kind = match op {
                    FPPositiveInfinity => ir::FpConstKind::PosInf,
                    FPNegativeInfinity => ir::FpConstKind::NegInf,
                    FPPositiveZero => ir::FpConstKind::PosZero,
                    FPNegativeZero => ir::FpConstKind::NegZero,
                    _ => ir::FpConstKind::NaN,
                };
                self.mk(Expr::FpConst { width, kind })
            }
            ZeroExt | SignExt | ConvTo => {
                let target = self.width(n)?;
                self.check_width_operand(args[0], target, span)?;
                let from = self.width(args[1])?;
                let x = self.sc(args[1])?;
                if target == from {
                    x
                } else if target > from {
                    match op {
                        SignExt => self.mk(Expr::SignExt { width: target, arg: x }),
                        ZeroExt => self.mk(Expr::ZeroExt { width: target, arg: x }),
                        // Widening `conv_to` only fixes the low bits: the new
                        // high bits are unconstrained.
                        _ => {
                            let pad = self.var("conv_to_padding".into(), Sort::BitVec(target - from), VarRole::Internal, span);
                            self.mk(Expr::Concat(pad, x))
                        }
                    }
                } else if matches!(op, ConvTo) {
                    self.mk(Expr::Extract { hi: target - 1, lo: 0, arg: x })
                } else {
                    return Err(Stop::Error(format!("extension from {from} bits to fewer ({target})"), span.clone()));
                }
            }
            Int2BV => {
                let width = self.width(n)?;
                let x = self.sc(args[1])?;
                self.mk(Expr::Int2Bv { width, arg: x })
            }
            BV2Nat => {
                let x = self.sc(args[0])?;
                self.mk(Expr::Bv2Int(x))
            }
            WidthOf => {
                let w = self.width(args[0])?;
                self.konst(Const::Int(w as i128))
            }
            ToFP | ToFPUnsigned => {
                let width = self.float_width(n)?;
                let x = self.sc(args[1])?;
                self.mk(Expr::ToFp { width, signed: matches!(op, ToFP), arg: x })
            }
            ToFPFromFP => {
                let width = self.float_width(n)?;
                self.float_width(args[1])?;
                let x = self.sc(args[1])?;
                self.mk(Expr::FpToFp { width, arg: x })
            }
            FPToUBV | FPToSBV => {
                let width = self.width(n)?;
                self.float_width(args[1])?;
                let x = self.sc(args[1])?;
                self.mk(Expr::FpToBv { width, signed: matches!(op, FPToSBV), arg: x })
            }
            Extract => {
                let (hi, lo) = (self.int_const(args[0])?, self.int_const(args[1])?);
                let w = self.width(args[2])? as i128;
                if !(0 <= lo && lo <= hi && hi < w) {
                    return Err(Stop::Error(format!("extract {hi}..{lo} out of range for width {w}"), span.clone()));
                }
                let x = self.sc(args[2])?;
                self.mk(Expr::Extract { hi: hi as u32, lo: lo as u32, arg: x })
            }
            Concat => {
                let mut acc = self.sc(args[0])?;
                for a in &args[1..] {
                    let x = self.sc(*a)?;
                    acc = self.mk(Expr::Concat(acc, x));
                }
                acc
            }
            If => {
                let c = self.sc(args[0])?;
                let (t, e) = (self.lower(args[1])?, self.lower(args[2])?);
                return self.ite_sym(c, &t, &e, span);
            }
            // The walker turns `replicate` into `concat` and builds `switch`
            // nodes of their own.
            Replicate | Switch => {
                return Err(Stop::Error(format!("internal: spec operator {op:?} left for lowering"), span.clone()));
            }
        };
        Ok(Sym::S(e))
    }
}

/// Lower a typed graph into a query.
pub(crate) fn lower(
    p: &Program,
    g: &Graph,
    rule: String,
    chain: Vec<String>,
    types: String,
    span: Span,
) -> Result<Query, Stop> {
    let q = Query {
        rule,
        chain,
        types,
        span,
        vars: vec![],
        exprs: vec![],
        terms: vec![],
        lhs_conditions: vec![],
        rhs_assumptions: vec![],
        obligations: vec![],
    };
    let mut l = Lowerer { p, g, q, memo: HashMap::new(), leaf_var: HashMap::new(), well_formed: vec![] };
    // Leaves first so variables come out in a readable order.
    for (i, node) in g.nodes.iter().enumerate() {
        if matches!(node.kind, NodeKind::Leaf { .. }) {
            l.lower(i)?;
        }
    }
    for c in &g.conds {
        let e = l.sc(c.node)?;
        let cond = ir::Condition { expr: e, span: c.span.clone(), what: c.what.clone() };
        match c.dest {
            Dest::Lhs => l.q.lhs_conditions.push(cond),
            Dest::RhsAssume => l.q.rhs_assumptions.push(cond),
            Dest::Obligation => l.q.obligations.push(cond),
        }
    }
    for (e, span) in std::mem::take(&mut l.well_formed) {
        l.q.lhs_conditions.push(ir::Condition { expr: e, span, what: "enum tag in range".into() });
    }
    for app in &g.apps {
        let mut args = Vec::new();
        for a in &app.args {
            args.push(*l.leaf_var.get(a).ok_or_else(|| Stop::Error("term argument is not a variable".into(), app.span.clone()))?);
        }
        let result = *l
            .leaf_var
            .get(&app.result)
            .ok_or_else(|| Stop::Error("term result is not a variable".into(), app.span.clone()))?;
        l.q.terms.push(ir::TermApp { term: app.term.clone(), side: app.side, span: app.span.clone(), args, result });
    }
    Ok(l.q)
}
