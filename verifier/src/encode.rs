//! `ir::Query` -> Z3 terms (z3 crate 0.22, thread-local context).
//!
//! Floats live in the IR as IEEE bit patterns (bitvectors of width 32/64).
//! Arithmetic on them goes through Z3's floating-point theory: the operand
//! bits become a float with `to_fp` (total: every NaN pattern maps to NaN),
//! and a float result becomes bits through a fresh *witness* bitvector `w`
//! constrained by `to_fp(w) = result` (structural equality: exact for every
//! non-NaN value, any NaN pattern for NaN, which is how Wasm and Cranelift
//! treat NaN payloads). Out-of-range float-to-int conversions are likewise a
//! witness. Witnesses are keyed by canonical expression id (see [`dag`]) so
//! replay can reuse the solver's choice.
//!
//! Sign manipulation (`fneg`, `fabs`) and `fmin`/`fmax` selection are plain
//! bit operations, as IEEE 754 defines them, so they keep payloads exactly.

pub mod alias;
pub mod dag;
pub mod factor;
pub mod linear;
pub mod narrow;
mod lemmas;
pub mod rotate;
pub mod shift;
pub(crate) mod simplify;
pub mod uninterpreted;

use crate::ir::{
    BvBinOp, BvCmpOp, BvUnOp, Const, Expr, ExprId, FpBinOp, FpCmpOp, FpConstKind, FpTestOp,
    FpUnOp, IntOp, Query, Sort, VarId,
};
use crate::replay::{self, Bits, Value};
use std::collections::HashMap;
use z3::ast::{Ast, Bool, Float, Int, RoundingMode, BV};

/// An encoded expression.
#[derive(Clone, Debug)]
pub enum Term {
    Bool(Bool),
    Int(Int),
    Bv(BV),
}

#[derive(Debug, thiserror::Error)]
#[error("cannot encode expression {expr}: {message}")]
pub struct EncodeError {
    pub expr: u32,
    pub message: String,
}

/// A query as Z3 terms, in the current thread's context.
pub struct Encoded {
    /// One constant per `ir::Var`, indexed by `VarId.0`.
    pub vars: Vec<Term>,
    pub lhs_conditions: Vec<Bool>,
    pub rhs_assumptions: Vec<Bool>,
    pub obligations: Vec<Bool>,
    /// Facts about witnesses (`to_fp(w) = r`) of live expressions and
    /// valid lemmas; always asserted.
    pub side_conditions: Vec<Bool>,
    /// (canonical expression id, witness bitvector).
    pub witnesses: Vec<(ExprId, BV)>,
    /// Witnesses of float results no asserted fact depends on (in `ite`
    /// branches that constants rule out): their facts are not asserted,
    /// because Z3 would bit-blast the float operation anyway, and a model
    /// may give them any value. Replay reads them as the quiet NaN, a legal
    /// value for every such witness.
    pub dead_witnesses: std::collections::HashSet<ExprId>,
    /// After substitution and folding, only bitvector and Boolean terms
    /// remain: Z3's dedicated QF_BV strategy applies.
    pub pure_bv: bool,
    /// Symbolic shift and rotate amounts (expression, width of the shifted
    /// value): where a case split helps (see `solve::split`).
    pub amounts: Vec<(ExprId, u32)>,
    /// Float operations encoded as uninterpreted functions (only with
    /// [`FloatEncoding::Uninterpreted`]): the query is an abstraction.
    pub uninterpreted: usize,
}

/// How float arithmetic is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatEncoding {
    /// Z3's floating-point theory: exact, bit-blasted.
    Full,
    /// Rounding operations as uninterpreted functions with IEEE lemmas (see
    /// [`uninterpreted`]): sound for unsat, its models mean nothing.
    Uninterpreted,
}

/// Which asserted facts may fix variables before encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Facts {
    /// Only `lhs_conditions`: for the applicability query.
    Lhs,
    /// `lhs_conditions` and `rhs_assumptions`: for the correctness query,
    /// which asserts both.
    LhsAndRhs,
}

/// Float format of an IEEE bitvector width: (exponent bits, significand bits).
pub fn float_format(width: u32) -> Option<(u32, u32)> {
    match width {
        16 => Some((5, 11)),
        32 => Some((8, 24)),
        64 => Some((11, 53)),
        _ => None,
    }
}

/// IEEE bits of a special float constant (NaN is the canonical quiet NaN).
pub fn fp_const_bits(width: u32, kind: FpConstKind) -> Option<u128> {
    let (e, s) = float_format(width)?;
    let m = s - 1; // stored significand bits
    let exp_all = ((1u128 << e) - 1) << m;
    let sign = 1u128 << (width - 1);
    Some(match kind {
        FpConstKind::PosInf => exp_all,
        FpConstKind::NegInf => sign | exp_all,
        FpConstKind::PosZero => 0,
        FpConstKind::NegZero => sign,
        FpConstKind::NaN => exp_all | (1u128 << (m - 1)),
    })
}

/// Encodes `q` for the correctness query.
pub fn encode(q: &Query) -> Result<Encoded, EncodeError> {
    encode_with(q, Facts::LhsAndRhs)
}

/// Encodes `q`, fixing variables from `facts` (see [`determined_vars`]) and
/// folding every expression they and constants determine.
pub fn encode_with(q: &Query, facts: Facts) -> Result<Encoded, EncodeError> {
    encode_pinned(q, facts, &[])
}

/// The low `bits` bits of a bitvector variable fixed to `value`: one case of
/// a case split (the variable becomes `concat(fresh high bits, value)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pin {
    pub var: VarId,
    pub bits: u32,
    pub value: u128,
}

/// [`encode_with`], with some variables' low bits fixed by `pins`.
pub fn encode_pinned(q: &Query, facts: Facts, pins: &[Pin]) -> Result<Encoded, EncodeError> {
    encode_as(q, facts, pins, FloatEncoding::Full)
}

/// Whether `q` has float operations [`FloatEncoding::Uninterpreted`] abstracts.
pub fn has_rounding_operations(q: &Query) -> bool {
    q.exprs.iter().any(|e| uninterpreted_operation(e).is_some())
}

/// The abstracted operation of `e`, if the uninterpreted encoding abstracts it.
fn uninterpreted_operation(e: &Expr) -> Option<uninterpreted::Operation> {
    use uninterpreted::Operation;
    match e {
        Expr::FpBin(op @ (FpBinOp::Add | FpBinOp::Sub | FpBinOp::Mul | FpBinOp::Div), ..) => Some(Operation::Bin(*op)),
        Expr::FpUn(op, _) if !matches!(op, FpUnOp::Neg | FpUnOp::Abs) => Some(Operation::Un(*op)),
        Expr::ToFp { signed, .. } => Some(Operation::FromInt { signed: *signed }),
        Expr::FpToFp { .. } => Some(Operation::Convert),
        _ => None,
    }
}

/// [`encode_pinned`] with float arithmetic encoded as `floats` says.
pub fn encode_as(q: &Query, facts: Facts, pins: &[Pin], floats: FloatEncoding) -> Result<Encoded, EncodeError> {
    let order = dag::topo_order(q).map_err(|message| EncodeError { expr: 0, message })?;
    // Replay's canonical ids (it must not assume the equations it checks);
    // the encoder merges equal variables on top (see [`alias`]).
    let replay_canon = dag::canonical_ids(q, &order);
    let equations = asserted_equations(q, facts);
    let known = determined_vars(q, &order, &replay_canon, &equations);
    let folded = replay::partial_values(q, &order, &replay_canon, &known);
    let rep = alias::representatives(q, &replay_canon, &equations);
    let canon = dag::canonical_ids_with(q, &order, |v| rep[v.0 as usize]);
    let known = alias::share_known(&rep, known);
    // Rotates in normal form, when the order they need exists.
    let forms = rotate::Forms::new(q, &order, &canon, &folded, &equations);
    // Likewise chains of shifts (see [`shift`]); without an order for both,
    // rotates alone, then neither.
    let chains = shift::Chains::new(q, &order, &canon, &folded, &equations);
    // And nested equalities of sums (see [`linear`]).
    // And operations of two shifts by one amount (see [`factor`]), which
    // equalities of sums keep whole.
    let factored = factor::Forms::new(q, &order, &canon, &folded, &equations);
    let opaque = factored.0.keys().copied().collect();
    let sums = linear::Forms::new(q, &order, &canon, &folded, &equations, &opaque);
    let order0 = order.clone();
    let mut edges = HashMap::new();
    forms.add_edges(&mut edges);
    chains.add_edges(&mut edges);
    sums.add_edges(&mut edges);
    factored.add_edges(&mut edges);
    let none = || (HashMap::new(), HashMap::new(), HashMap::new());
    let (order, forms, (chains, sums, factored)) = match rotate::order_with(q, &canon, &edges) {
        Some(o) => (o, forms.0, (chains.0, sums.0, factored.0)),
        None => match forms.order(q, &canon) {
            Some(o) => (o, forms.0, none()),
            None => (order, HashMap::new(), none()),
        },
    };
    // What the solver call asserts: the other conditions are encoded too
    // (callers read them) but must not decide the logic or the narrowing.
    let roots: Vec<ExprId> = match facts {
        Facts::Lhs => q.lhs_conditions.iter().map(|c| c.expr).collect(),
        Facts::LhsAndRhs => dag::roots(q).collect(),
    };
    let asserted = narrow::asserted(q, &canon, &folded, &roots);
    let narrowed = narrow::int2bv_only_vars(q, &canon, &folded, &asserted, &roots);
    let mut narrowed_bv: HashMap<VarId, BV> = HashMap::new();
    let mut vars: Vec<Term> = Vec::with_capacity(q.vars.len());
    for (i, v) in q.vars.iter().enumerate() {
        let var = VarId(i as u32);
        let r = rep[i];
        let t = match (known.get(&var), narrowed.get(&var)) {
            (Some(value), _) => const_term(value),
            (None, Some(&w)) => {
                let b = BV::new_const(format!("v{i}"), w);
                narrowed_bv.insert(var, b.clone());
                Term::Int(b.to_int(false))
            }
            // Representatives come first (smallest id).
            (None, None) if r != var => vars[r.0 as usize].clone(),
            // A pin on any variable of the class pins the representative.
            (None, None) => match (pins.iter().find(|p| rep[p.var.0 as usize] == var), v.sort) {
                (Some(p), Sort::BitVec(w)) if p.bits > 0 && p.bits <= w => {
                    let low = bv_const(p.bits, p.value);
                    Term::Bv(if p.bits == w { low } else { BV::new_const(format!("v{i}_hi"), w - p.bits).concat(&low) })
                }
                _ => var_const(i as u32, v.sort),
            },
        };
        vars.push(t);
    }
    let mut enc = Encoder {
        q,
        canon: &canon,
        vars: &vars,
        narrowed: &narrowed_bv,
        forms: &forms,
        chains: &chains,
        sums: &sums,
        factored: &factored,
        terms: vec![None; q.exprs.len()],
        side_conditions: Vec::new(),
        witnesses: Vec::new(),
        amounts: Vec::new(),
        divisions: Vec::new(),
        floats,
        functions: uninterpreted::Functions::default(),
    };
    let mut pure_bv = true;
    for &id in &order {
        if canon[id.0 as usize] != id {
            continue;
        }
        if let Some(v) = &folded[id.0 as usize] {
            enc.terms[id.0 as usize] = Some(const_term(v));
            continue;
        }
        if asserted[id.0 as usize] && needs_int_or_fp(q, id, floats) && !enc.narrowed_use(id) {
            pure_bv = false;
        }
        let t = enc.encode_one(id).map_err(|message| EncodeError { expr: id.0, message })?;
        enc.terms[id.0 as usize] = Some(t);
    }
    let conds = |cs: &[crate::ir::Condition]| -> Result<Vec<Bool>, EncodeError> {
        cs.iter()
            .map(|c| {
                enc.bool(c.expr)
                    .map_err(|message| EncodeError { expr: c.expr.0, message })
            })
            .collect()
    };
    let lhs_conditions = conds(&q.lhs_conditions)?;
    let rhs_assumptions = conds(&q.rhs_assumptions)?;
    let obligations = conds(&q.obligations)?;
    // Only facts about live expressions: a witness fact mentions its float
    // operation outside any `ite`, so Z3 would bit-blast the operations of
    // branches that constants rule out (the other `match` arms of an
    // instruction spec). A dead witness is fresh and used nowhere else, so
    // dropping its fact keeps the query equisatisfiable.
    let live = narrow::live(q, &canon, &folded, &roots);
    let mut side_conditions = Vec::new();
    let mut dead_witnesses = std::collections::HashSet::new();
    let mut fp_facts = false;
    for f in std::mem::take(&mut enc.side_conditions) {
        if live[f.expr.0 as usize] {
            fp_facts |= !f.bitvector;
            side_conditions.push(f.fact);
        } else {
            dead_witnesses.insert(f.expr);
        }
    }
    // The uninterpreted functions' witness facts are bitvector facts.
    let pure_bv = pure_bv && !fp_facts;
    // Replay looks witnesses up under its own canonical ids.
    let by_id: HashMap<ExprId, BV> = enc.witnesses.iter().cloned().collect();
    for &id in &order0 {
        let (r, c) = (replay_canon[id.0 as usize], canon[id.0 as usize]);
        if r == id && c != id {
            if let Some(w) = by_id.get(&c) {
                enc.witnesses.push((id, w.clone()));
                if dead_witnesses.contains(&c) {
                    dead_witnesses.insert(id);
                }
            }
        }
    }
    // Valid lemmas are asserted with them (they keep a query bitvector-only).
    side_conditions.extend(enc.functions.lemmas(&live));
    let uninterpreted = enc.functions.live_applications(&live);
    // Likewise only about live divisions.
    if !enc.divisions.is_empty() {
        enc.divisions.retain(|d| live[d.expr.0 as usize]);
        side_conditions.extend(lemmas::narrowing(&enc.divisions));
    }
    Ok(Encoded {
        lhs_conditions,
        rhs_assumptions,
        obligations,
        side_conditions,
        witnesses: enc.witnesses,
        dead_witnesses,
        pure_bv,
        amounts: enc.amounts,
        uninterpreted,
        vars,
    })
}

/// The top-level `a = b` conjuncts of the facts a query asserts.
pub(crate) fn asserted_equations(q: &Query, facts: Facts) -> Vec<(ExprId, ExprId)> {
    let mut equations = Vec::new();
    let mut stack: Vec<ExprId> = q.lhs_conditions.iter().map(|c| c.expr).collect();
    if facts == Facts::LhsAndRhs {
        stack.extend(q.rhs_assumptions.iter().map(|c| c.expr));
    }
    while let Some(e) = stack.pop() {
        match q.expr(e) {
            Expr::And(xs) => stack.extend(xs.iter().copied()),
            Expr::Eq(a, b) => equations.push((*a, *b)),
            _ => {}
        }
    }
    equations
}

/// Variables whose value the asserted `equations` fix: `v = e` and
/// `bv2nat(v) = e` with `e` determined by constants and already
/// fixed variables, to a fixpoint. Z3 substitutes `v = constant` itself, but
/// not through `bv2nat`, which otherwise leaves e.g. the divisor of
/// `(udiv x (iconst 2))` symbolic and makes Z3 bit-blast a full divider.
///
/// Sound because the defining conjuncts stay asserted: the substituted
/// query is equisatisfiable, and the model still assigns every variable.
fn determined_vars(q: &Query, order: &[ExprId], canon: &[ExprId], conjuncts: &[(ExprId, ExprId)]) -> HashMap<VarId, Value> {
    determined_vars_from(q, order, canon, conjuncts, HashMap::new())
}

/// [`determined_vars`], starting from the values in `known`.
pub(crate) fn determined_vars_from(
    q: &Query,
    order: &[ExprId],
    canon: &[ExprId],
    conjuncts: &[(ExprId, ExprId)],
    mut known: HashMap<VarId, Value>,
) -> HashMap<VarId, Value> {
    if conjuncts.is_empty() {
        return known;
    }
    for _round in 0..8 {
        let values = replay::partial_values(q, order, canon, &known);
        let val = |e: ExprId| values[canon[e.0 as usize].0 as usize].clone();
        let before = known.len();
        for &(a, b) in conjuncts {
            for (target, other) in [(a, b), (b, a)] {
                let Some(v) = val(other) else { continue };
                match (q.expr(target), v) {
                    (Expr::Var(x), v) if !known.contains_key(x) && sort_of(&v) == q.var(*x).sort => {
                        known.insert(*x, v);
                    }
                    (Expr::Bv2Int(inner), Value::Int(k)) => {
                        if let Expr::Var(x) = q.expr(*inner) {
                            if let (false, Sort::BitVec(w)) = (known.contains_key(x), q.var(*x).sort) {
                                if k >= 0 && (w >= 127 || k < 1i128 << w) {
                                    known.insert(*x, Value::Bv(Bits::new(w, k as u128)));
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        if known.len() == before {
            break;
        }
    }
    known
}

/// Whether encoding `id` (not folded) involves the Int or floating-point theories.
fn needs_int_or_fp(q: &Query, id: ExprId, floats: FloatEncoding) -> bool {
    if floats == FloatEncoding::Uninterpreted
        && (uninterpreted_operation(q.expr(id)).is_some() || matches!(q.expr(id), Expr::FpTest(..)))
    {
        return false;
    }
    match q.expr(id) {
        Expr::Var(v) => q.var(*v).sort == Sort::Int,
        Expr::Const(Const::Int(_))
        | Expr::Int(..)
        | Expr::Int2Bv { .. }
        | Expr::Bv2Int(_)
        | Expr::FpBin(..)
        | Expr::FpCmp(..)
        | Expr::FpTest(..)
        | Expr::ToFp { .. }
        | Expr::FpToFp { .. }
        | Expr::FpToBv { .. } => true,
        Expr::FpUn(op, _) => !matches!(op, FpUnOp::Neg | FpUnOp::Abs),
        _ => false,
    }
}

fn sort_of(v: &Value) -> Sort {
    match v {
        Value::Bool(_) => Sort::Bool,
        Value::Int(_) => Sort::Int,
        Value::Bv(b) => Sort::BitVec(b.width()),
    }
}

fn const_term(v: &Value) -> Term {
    match v {
        Value::Bool(b) => Term::Bool(Bool::from_bool(*b)),
        Value::Int(i) => Term::Int(Int::from_i128(*i)),
        Value::Bv(b) => Term::Bv(match b.to_u128() {
            Some(x) => bv_const(b.width(), x),
            None => BV::from_str(b.width(), &b.to_decimal()).expect("decimal numeral"),
        }),
    }
}

fn var_const(index: u32, sort: Sort) -> Term {
    let name = format!("v{index}");
    match sort {
        Sort::Bool => Term::Bool(Bool::new_const(name)),
        Sort::Int => Term::Int(Int::new_const(name)),
        Sort::BitVec(w) => Term::Bv(BV::new_const(name, w)),
    }
}

struct Encoder<'a> {
    q: &'a Query,
    canon: &'a [ExprId],
    vars: &'a [Term],
    /// Int variables read only through `int2bv`, as bitvectors (see [`narrow`]).
    narrowed: &'a HashMap<VarId, BV>,
    /// Rotates of power-of-two widths in normal form (see [`rotate`]).
    forms: &'a HashMap<ExprId, rotate::Form>,
    /// Chains of shifts of one kind (see [`shift`]).
    chains: &'a HashMap<ExprId, shift::Chain>,
    /// Nested equalities of sums in normal form (see [`linear`]).
    sums: &'a HashMap<ExprId, linear::Form>,
    /// Operations of two shifts by one amount, factored (see [`factor`]).
    factored: &'a HashMap<ExprId, factor::Factored>,
    terms: Vec<Option<Term>>,
    side_conditions: Vec<WitnessFact>,
    witnesses: Vec<(ExprId, BV)>,
    amounts: Vec<(ExprId, u32)>,
    divisions: Vec<lemmas::Division>,
    floats: FloatEncoding,
    functions: uninterpreted::Functions,
}

/// A fact about the witness of expression `expr`'s result.
struct WitnessFact {
    expr: ExprId,
    fact: Bool,
    /// Bitvector-only (else it uses the floating-point theory).
    bitvector: bool,
}

fn sort_name(t: &Term) -> String {
    match t {
        Term::Bool(_) => "Bool".into(),
        Term::Int(_) => "Int".into(),
        Term::Bv(b) => format!("(_ BitVec {})", b.get_size()),
    }
}

fn bv_const(width: u32, value: u128) -> BV {
    if width <= 64 {
        BV::from_u64(value as u64, width)
    } else {
        BV::from_str(width, &value.to_string()).expect("decimal numeral")
    }
}

fn rne() -> RoundingMode {
    RoundingMode::round_nearest_ties_to_even()
}

/// The float denoted by IEEE bits `b` (`(_ to_fp e s)` applied to a bitvector).
fn fp_of_bits(b: &BV) -> Result<Float, String> {
    let (e, s) = float_format(b.get_size())
        .ok_or_else(|| format!("no float format of width {}", b.get_size()))?;
    let sort = z3::Sort::float(e, s);
    let ctx = b.get_ctx();
    unsafe {
        let raw = z3_sys::Z3_mk_fpa_to_fp_bv(ctx.get_z3_context(), b.get_z3_ast(), sort.get_z3_sort())
            .ok_or("Z3_mk_fpa_to_fp_bv failed")?;
        Ok(Float::wrap(ctx, raw))
    }
}

/// (Un)signed bitvector to float of `width` bits, rounding to nearest even.
fn fp_of_int_bits(b: &BV, signed: bool, width: u32) -> Result<Float, String> {
    let (e, s) = float_format(width).ok_or_else(|| format!("no float format of width {width}"))?;
    let sort = z3::Sort::float(e, s);
    let ctx = b.get_ctx();
    let rm = rne();
    unsafe {
        let f = if signed {
            z3_sys::Z3_mk_fpa_to_fp_signed
        } else {
            z3_sys::Z3_mk_fpa_to_fp_unsigned
        };
        let raw = f(ctx.get_z3_context(), rm.get_z3_ast(), b.get_z3_ast(), sort.get_z3_sort())
            .ok_or("Z3 int-to-float conversion failed")?;
        Ok(Float::wrap(ctx, raw))
    }
}

/// Shift amount at the operand's width, saturated to `width` when it does
/// not fit (SMT-LIB shifts by >= width give 0 / all sign bits).
fn shift_amount(amount: &BV, width: u32) -> BV {
    let aw = amount.get_size();
    if aw == width {
        amount.clone()
    } else if aw < width {
        amount.zero_ext(width - aw)
    } else {
        let fits = amount.bvult(&bv_const(aw, width as u128));
        fits.ite(&amount.extract(width - 1, 0), &bv_const(width, u128::MAX >> (128 - width.min(128))))
    }
}

/// Number of leading zeros of `x` as a `width`-bit vector: an ite chain from
/// the most significant bit down.
fn clz(x: &BV) -> BV {
    let w = x.get_size();
    let mut acc = BV::from_u64(w as u64, w); // all zero
    for i in 0..w {
        // bit i set => w-1-i leading zeros (later iterations are higher bits and win)
        let bit = x.extract(i, i).eq(BV::from_u64(1, 1));
        acc = bit.ite(&BV::from_u64((w - 1 - i) as u64, w), &acc);
    }
    acc
}

/// Population count as a balanced adder tree whose partial sums are only as
/// wide as they need to be (log2 of the bits they count), zero-extended at
/// the end: far fewer adder bits than summing `w` full-width terms.
fn popcnt(x: &BV) -> BV {
    fn count(x: &BV, lo: u32, hi: u32) -> BV {
        // Counts bits lo..hi (exclusive); result width = bits to hold hi-lo.
        let n = hi - lo;
        if n == 1 {
            return x.extract(lo, lo);
        }
        let mid = lo + n / 2;
        let (a, b) = (count(x, lo, mid), count(x, mid, hi));
        let width = 32 - n.leading_zeros(); // bits to represent n
        let ext = |v: BV| {
            let vw = v.get_size();
            if vw < width { v.zero_ext(width - vw) } else { v }
        };
        ext(a).bvadd(&ext(b))
    }
    let w = x.get_size();
    let c = count(x, 0, w);
    let cw = c.get_size();
    if cw < w {
        c.zero_ext(w - cw)
    } else {
        c
    }
}

fn bit_reverse(x: &BV) -> BV {
    let w = x.get_size();
    let mut out = x.extract(0, 0);
    for i in 1..w {
        out = out.concat(&x.extract(i, i));
    }
    out
}

impl<'a> Encoder<'a> {
    fn term(&self, id: ExprId) -> Result<&Term, String> {
        let c = self.canon[id.0 as usize];
        self.terms[c.0 as usize]
            .as_ref()
            .ok_or_else(|| format!("operand {} not encoded", id.0))
    }
    fn bool(&self, id: ExprId) -> Result<Bool, String> {
        match self.term(id)? {
            Term::Bool(b) => Ok(b.clone()),
            t => Err(format!("expected Bool, found {}", sort_name(t))),
        }
    }
    fn int(&self, id: ExprId) -> Result<Int, String> {
        match self.term(id)? {
            Term::Int(b) => Ok(b.clone()),
            t => Err(format!("expected Int, found {}", sort_name(t))),
        }
    }
    fn bv(&self, id: ExprId) -> Result<BV, String> {
        match self.term(id)? {
            Term::Bv(b) => Ok(b.clone()),
            t => Err(format!("expected a bitvector, found {}", sort_name(t))),
        }
    }
    fn same_width(a: &BV, b: &BV) -> Result<(), String> {
        if a.get_size() == b.get_size() {
            Ok(())
        } else {
            Err(format!("width mismatch: {} vs {}", a.get_size(), b.get_size()))
        }
    }
    fn fp(&self, id: ExprId) -> Result<Float, String> {
        fp_of_bits(&self.bv(id)?)
    }

    /// IEEE bits of a float result: a witness `w` with `to_fp(w) = r`.
    fn bits_of_fp(&mut self, id: ExprId, r: &Float, width: u32) -> Result<BV, String> {
        let w = BV::new_const(format!("w{}", id.0), width);
        let back = fp_of_bits(&w)?;
        self.side_conditions.push(WitnessFact { expr: id, fact: back.eq(r), bitvector: false });
        self.witnesses.push((id, w.clone()));
        Ok(w)
    }

    /// A narrowed variable or its `int2bv`: plain bitvector terms.
    fn narrowed_use(&self, id: ExprId) -> bool {
        match self.q.expr(id) {
            Expr::Var(v) => self.narrowed.contains_key(v),
            _ => self.narrowed_int2bv(id).is_some(),
        }
    }

    /// `int2bv_w(v)` of a narrowed variable `v`: the low `w` bits of its bitvector.
    fn narrowed_int2bv(&self, id: ExprId) -> Option<BV> {
        let Expr::Int2Bv { width, arg } = self.q.expr(id) else { return None };
        let Expr::Var(v) = self.q.expr(self.canon[arg.0 as usize]) else { return None };
        let b = self.narrowed.get(v)?;
        Some(if b.get_size() == *width { b.clone() } else { b.extract(width - 1, 0) })
    }

    /// `e` as an application of an uninterpreted function, whose result
    /// bits a witness takes (any NaN pattern for a NaN, as in
    /// [`Self::bits_of_fp`]).
    fn uninterpreted(&mut self, id: ExprId, op: uninterpreted::Operation) -> Result<Term, String> {
        let e = self.q.expr(id);
        let (args, width) = match e {
            Expr::ToFp { width, signed, arg } => {
                let x = self.bv(*arg)?;
                let w = x.get_size();
                let target = w.max(uninterpreted::INT_ARG_WIDTH);
                let x = match (target - w, signed) {
                    (0, _) => x,
                    (k, true) => x.sign_ext(k),
                    (k, false) => x.zero_ext(k),
                };
                float_format(*width).ok_or_else(|| format!("no float format of width {width}"))?;
                (vec![x], *width)
            }
            Expr::FpToFp { width, arg } => {
                let x = self.bv(*arg)?;
                float_format(x.get_size()).ok_or_else(|| format!("no float format of width {}", x.get_size()))?;
                float_format(*width).ok_or_else(|| format!("no float format of width {width}"))?;
                (vec![x], *width)
            }
            _ => {
                let args = dag::operands(e).into_iter().map(|a| self.bv(a)).collect::<Result<Vec<_>, _>>()?;
                let w = args[0].get_size();
                if let [x, y] = &args[..] {
                    Self::same_width(x, y)?;
                }
                float_format(w).ok_or_else(|| format!("no float format of width {w}"))?;
                (args, w)
            }
        };
        let u = self.functions.apply(id, op, &args, width);
        let w = BV::new_const(format!("w{}", id.0), width);
        self.side_conditions.push(WitnessFact { expr: id, fact: uninterpreted::same_float(&w, &u), bitvector: true });
        self.witnesses.push((id, w.clone()));
        Ok(Term::Bv(w))
    }

    fn encode_one(&mut self, id: ExprId) -> Result<Term, String> {
        let e = self.q.expr(id);
        if self.floats == FloatEncoding::Uninterpreted {
            if let Some(op) = uninterpreted_operation(e) {
                return self.uninterpreted(id, op);
            }
            if let Expr::FpTest(op, a) = e {
                let x = self.bv(*a)?;
                float_format(x.get_size()).ok_or_else(|| format!("no float format of width {}", x.get_size()))?;
                let b = uninterpreted::Bits(&x);
                return Ok(Term::Bool(match op {
                    FpTestOp::IsZero => b.is_zero(),
                    FpTestOp::IsInfinite => b.is_infinite(),
                    FpTestOp::IsNaN => b.is_nan(),
                    FpTestOp::IsNegative => b.is_negative(),
                    FpTestOp::IsPositive => b.is_positive(),
                }));
            }
        }
        Ok(match e {
            Expr::Var(VarId(v)) => self.vars[*v as usize].clone(),
            Expr::Const(Const::Bool(b)) => Term::Bool(Bool::from_bool(*b)),
            Expr::Const(Const::Int(i)) => Term::Int(Int::from_i128(*i)),
            Expr::Const(Const::BitVec { width, value }) => {
                if *width == 0 {
                    return Err("zero-width bitvector".into());
                }
                Term::Bv(bv_const(*width, *value))
            }
            Expr::Not(a) => Term::Bool(self.bool(*a)?.not()),
            Expr::And(xs) => {
                let xs = xs.iter().map(|x| self.bool(*x)).collect::<Result<Vec<_>, _>>()?;
                Term::Bool(Bool::and(&xs))
            }
            Expr::Or(xs) => {
                let xs = xs.iter().map(|x| self.bool(*x)).collect::<Result<Vec<_>, _>>()?;
                Term::Bool(Bool::or(&xs))
            }
            Expr::Imp(a, b) => Term::Bool(self.bool(*a)?.implies(&self.bool(*b)?)),
            Expr::Eq(..) if self.sums.contains_key(&id) => {
                let f = &self.sums[&id];
                let leaves = f.leaves.keys().map(|&l| self.bv(l)).collect::<Result<Vec<_>, _>>()?;
                if let Some(bad) = leaves.iter().find(|l| l.get_size() != f.width) {
                    return Err(format!("width mismatch: {} vs {}", bad.get_size(), f.width));
                }
                Term::Bool(linear::encode(f, &leaves))
            }
            Expr::Eq(a, b) => Term::Bool(match (self.term(*a)?, self.term(*b)?) {
                (Term::Bool(x), Term::Bool(y)) => x.eq(y),
                (Term::Int(x), Term::Int(y)) => x.eq(y),
                (Term::Bv(x), Term::Bv(y)) => {
                    Self::same_width(x, y)?;
                    x.eq(y)
                }
                (x, y) => return Err(format!("= of {} and {}", sort_name(x), sort_name(y))),
            }),
            Expr::Ite(c, a, b) => {
                let c = self.bool(*c)?;
                match (self.term(*a)?, self.term(*b)?) {
                    (Term::Bool(x), Term::Bool(y)) => Term::Bool(c.ite(x, y)),
                    (Term::Int(x), Term::Int(y)) => Term::Int(c.ite(x, y)),
                    (Term::Bv(x), Term::Bv(y)) => {
                        Self::same_width(x, y)?;
                        Term::Bv(c.ite(x, y))
                    }
                    (x, y) => return Err(format!("ite of {} and {}", sort_name(x), sort_name(y))),
                }
            }
            Expr::Int(op, a, b) => {
                let (x, y) = (self.int(*a)?, self.int(*b)?);
                match op {
                    IntOp::Add => Term::Int(Int::add(&[&x, &y])),
                    IntOp::Sub => Term::Int(Int::sub(&[&x, &y])),
                    IntOp::Mul => Term::Int(Int::mul(&[&x, &y])),
                    IntOp::Lt => Term::Bool(x.lt(&y)),
                    IntOp::Le => Term::Bool(x.le(&y)),
                    IntOp::Gt => Term::Bool(x.gt(&y)),
                    IntOp::Ge => Term::Bool(x.ge(&y)),
                }
            }
            Expr::BvUn(op, a) => {
                let x = self.bv(*a)?;
                let w = x.get_size();
                Term::Bv(match op {
                    BvUnOp::Not => x.bvnot(),
                    BvUnOp::Neg => x.bvneg(),
                    BvUnOp::Popcnt => popcnt(&x),
                    BvUnOp::Clz => clz(&x),
                    // Leading bits equal to the sign bit, not counting it:
                    // clz(x ^ (x >>s 1)) - 1.
                    BvUnOp::Cls => {
                        let y = x.bvxor(&x.bvashr(&BV::from_u64(1, w)));
                        clz(&y).bvsub(&BV::from_u64(1, w))
                    }
                    BvUnOp::Rev => bit_reverse(&x),
                })
            }
            Expr::BvBin(..) if self.factored.contains_key(&id) => {
                let f = &self.factored[&id];
                let (x, y) = (self.bv(f.x)?, self.bv(f.y)?);
                Self::same_width(&x, &y)?;
                Term::Bv(factor::encode(f, &x, &y, &self.bv(f.amount)?))
            }
            Expr::BvBin(op, a, b) => {
                let (x, y) = (self.bv(*a)?, self.bv(*b)?);
                let w = x.get_size();
                let shift = matches!(op, BvBinOp::Shl | BvBinOp::Lshr | BvBinOp::Ashr | BvBinOp::Rotl | BvBinOp::Rotr);
                if shift && y.as_u64().is_none() && y.get_size() <= 128 {
                    self.amounts.push((*b, w));
                }
                match op {
                    BvBinOp::Shl | BvBinOp::Lshr | BvBinOp::Ashr if self.chains.contains_key(&id) => {
                        let ch = &self.chains[&id];
                        let amounts = ch.amounts.iter().map(|&a| self.bv(a)).collect::<Result<Vec<_>, _>>()?;
                        Term::Bv(shift::encode(ch.op, &self.bv(ch.base)?, &amounts))
                    }
                    BvBinOp::Shl | BvBinOp::Lshr | BvBinOp::Ashr => {
                        let n = shift_amount(&y, w);
                        Term::Bv(match op {
                            BvBinOp::Shl => x.bvshl(&n),
                            BvBinOp::Lshr => x.bvlshr(&n),
                            _ => x.bvashr(&n),
                        })
                    }
                    BvBinOp::Rotl | BvBinOp::Rotr => Term::Bv(match self.forms.get(&id) {
                        Some(f) => self.rotate_form(f)?,
                        None => rotate::rotate_any(&x, &y, *op == BvBinOp::Rotl),
                    }),
                    BvBinOp::Udiv | BvBinOp::Urem | BvBinOp::Sdiv | BvBinOp::Srem => {
                        Self::same_width(&x, &y)?;
                        let result = lemmas::apply(*op, &x, &y);
                        self.divisions.push(lemmas::Division { expr: id, op: *op, x, y, result: result.clone() });
                        Term::Bv(result)
                    }
                    _ => {
                        Self::same_width(&x, &y)?;
                        Term::Bv(match op {
                            BvBinOp::And => x.bvand(&y),
                            BvBinOp::Or => x.bvor(&y),
                            BvBinOp::Xor => x.bvxor(&y),
                            BvBinOp::Add => x.bvadd(&y),
                            BvBinOp::Sub => x.bvsub(&y),
                            BvBinOp::Mul => x.bvmul(&y),
                            _ => unreachable!("handled above"),
                        })
                    }
                }
            }
            Expr::BvCmp(op, a, b) => {
                let (x, y) = (self.bv(*a)?, self.bv(*b)?);
                Self::same_width(&x, &y)?;
                Term::Bool(match op {
                    BvCmpOp::Ult => x.bvult(&y),
                    BvCmpOp::Ule => x.bvule(&y),
                    BvCmpOp::Ugt => x.bvugt(&y),
                    BvCmpOp::Uge => x.bvuge(&y),
                    BvCmpOp::Slt => x.bvslt(&y),
                    BvCmpOp::Sle => x.bvsle(&y),
                    BvCmpOp::Sgt => x.bvsgt(&y),
                    BvCmpOp::Sge => x.bvsge(&y),
                    // Sign-extend by one bit and add: overflow iff the top two bits differ.
                    BvCmpOp::Saddo => {
                        let w = x.get_size();
                        let s = x.sign_ext(1).bvadd(&y.sign_ext(1));
                        s.extract(w, w).eq(s.extract(w - 1, w - 1)).not()
                    }
                })
            }
            Expr::Extract { hi, lo, arg } => {
                let x = self.bv(*arg)?;
                if hi < lo || *hi >= x.get_size() {
                    return Err(format!("extract {hi}..{lo} of a {}-bit vector", x.get_size()));
                }
                Term::Bv(x.extract(*hi, *lo))
            }
            Expr::ZeroExt { width, arg } | Expr::SignExt { width, arg } => {
                let x = self.bv(*arg)?;
                let w = x.get_size();
                if *width < w {
                    return Err(format!("extension of a {w}-bit vector to {width} bits"));
                }
                Term::Bv(match (e, *width - w) {
                    (_, 0) => x,
                    (Expr::ZeroExt { .. }, k) => x.zero_ext(k),
                    (_, k) => x.sign_ext(k),
                })
            }
            Expr::Concat(hi, lo) => Term::Bv(self.bv(*hi)?.concat(&self.bv(*lo)?)),
            Expr::Int2Bv { width, arg } => match self.narrowed_int2bv(id) {
                Some(b) => Term::Bv(b),
                None => Term::Bv(BV::from_int(&self.int(*arg)?, *width)),
            },
            Expr::Bv2Int(a) => Term::Int(self.bv(*a)?.to_int(false)),
            Expr::FpConst { width, kind } => {
                let bits = fp_const_bits(*width, *kind)
                    .ok_or_else(|| format!("no float format of width {width}"))?;
                Term::Bv(bv_const(*width, bits))
            }
            Expr::FpUn(op, a) => {
                let x = self.bv(*a)?;
                let w = x.get_size();
                float_format(w).ok_or_else(|| format!("no float format of width {w}"))?;
                let sign = bv_const(w, 1u128 << (w - 1));
                match op {
                    FpUnOp::Neg => Term::Bv(x.bvxor(&sign)),
                    FpUnOp::Abs => Term::Bv(x.bvand(&sign.bvnot())),
                    _ => {
                        let f = fp_of_bits(&x)?;
                        let r = match op {
                            FpUnOp::Sqrt => f.sqrt_with_rounding_mode(&rne()),
                            FpUnOp::Ceil => f.round_to_integral_with_rounding_mode(&RoundingMode::round_towards_positive()),
                            FpUnOp::Floor => f.round_to_integral_with_rounding_mode(&RoundingMode::round_towards_negative()),
                            FpUnOp::Trunc => f.round_to_integral_with_rounding_mode(&RoundingMode::round_towards_zero()),
                            FpUnOp::Nearest => f.round_to_integral_with_rounding_mode(&rne()),
                            FpUnOp::Neg | FpUnOp::Abs => unreachable!("bit operations above"),
                        };
                        Term::Bv(self.bits_of_fp(id, &r, w)?)
                    }
                }
            }
            Expr::FpBin(op, a, b) => {
                let (xb, yb) = (self.bv(*a)?, self.bv(*b)?);
                Self::same_width(&xb, &yb)?;
                let w = xb.get_size();
                let (x, y) = (fp_of_bits(&xb)?, fp_of_bits(&yb)?);
                match op {
                    FpBinOp::Add | FpBinOp::Sub | FpBinOp::Mul | FpBinOp::Div => {
                        let rm = rne();
                        let r = match op {
                            FpBinOp::Add => x.add_with_rounding_mode(&y, &rm),
                            FpBinOp::Sub => x.sub_with_rounding_mode(&y, &rm),
                            FpBinOp::Mul => x.mul_with_rounding_mode(&y, &rm),
                            _ => x.div_with_rounding_mode(&y, &rm),
                        };
                        Term::Bv(self.bits_of_fp(id, &r, w)?)
                    }
                    FpBinOp::Min | FpBinOp::Max => {
                        // NaN if either is NaN; -0 < +0; otherwise the
                        // smaller/larger operand's own bits.
                        let is_min = *op == FpBinOp::Min;
                        let w_nan = BV::new_const(format!("w{}", id.0), w);
                        self.side_conditions.push(WitnessFact { expr: id, fact: fp_of_bits(&w_nan)?.is_nan(), bitvector: false });
                        self.witnesses.push((id, w_nan.clone()));
                        let any_nan = Bool::or(&[x.is_nan(), y.is_nan()]);
                        let both_zero = Bool::and(&[x.is_zero(), y.is_zero()]);
                        let zeros = if is_min { xb.bvor(&yb) } else { xb.bvand(&yb) };
                        let pick_x = if is_min { x.lt(&y) } else { x.gt(&y) };
                        let ordered = pick_x.ite(&xb, &yb);
                        Term::Bv(any_nan.ite(&w_nan, &both_zero.ite(&zeros, &ordered)))
                    }
                }
            }
            Expr::FpCmp(op, a, b) => {
                let (xb, yb) = (self.bv(*a)?, self.bv(*b)?);
                Self::same_width(&xb, &yb)?;
                let (x, y) = (fp_of_bits(&xb)?, fp_of_bits(&yb)?);
                Term::Bool(match op {
                    FpCmpOp::Eq => x.eq_fpa(&y),
                    FpCmpOp::Ne => x.eq_fpa(&y).not(),
                    FpCmpOp::Lt => x.lt(&y),
                    FpCmpOp::Le => x.le(&y),
                    FpCmpOp::Gt => x.gt(&y),
                    FpCmpOp::Ge => x.ge(&y),
                })
            }
            Expr::FpTest(op, a) => {
                let x = self.fp(*a)?;
                Term::Bool(match op {
                    FpTestOp::IsZero => x.is_zero(),
                    FpTestOp::IsInfinite => x.is_infinite(),
                    FpTestOp::IsNaN => x.is_nan(),
                    FpTestOp::IsNegative => x.is_negative(),
                    FpTestOp::IsPositive => x.is_positive(),
                })
            }
            Expr::ToFp { width, signed, arg } => {
                let x = self.bv(*arg)?;
                let r = fp_of_int_bits(&x, *signed, *width)?;
                Term::Bv(self.bits_of_fp(id, &r, *width)?)
            }
            Expr::FpToFp { width, arg } => {
                let x = self.fp(*arg)?;
                let (e, s) = float_format(*width).ok_or_else(|| format!("no float format of width {width}"))?;
                let r = x.to_fp_with_rounding_mode(&rne(), &z3::Sort::float(e, s));
                Term::Bv(self.bits_of_fp(id, &r, *width)?)
            }
            Expr::FpToBv { width, signed, arg } => {
                let x = self.fp(*arg)?;
                let n = *width;
                if n == 0 || n > 128 {
                    return Err(format!("float to {n}-bit integer"));
                }
                let t = x.round_to_integral_with_rounding_mode(&RoundingMode::round_towards_zero());
                // In range iff the truncated value is representable.
                let (lo, hi) = if *signed {
                    (-(2f64.powi(n as i32 - 1)), 2f64.powi(n as i32 - 1))
                } else {
                    (-1.0, 2f64.powi(n as i32))
                };
                let lo_ok = if *signed { t.ge(lo) } else { t.gt(lo) };
                let in_range = Bool::and(&[x.is_nan().not(), lo_ok, t.lt(hi)]);
                let rtz = RoundingMode::round_towards_zero();
                let conv = if *signed {
                    x.to_sbv_with_rounding_mode(&rtz, n)
                } else {
                    x.to_ubv_with_rounding_mode(&rtz, n)
                };
                let w = BV::new_const(format!("w{}", id.0), n);
                self.witnesses.push((id, w.clone()));
                Term::Bv(in_range.ite(&conv, &w))
            }
        })
    }

    /// A rotate in normal form (see [`rotate`]).
    fn rotate_form(&self, f: &rotate::Form) -> Result<BV, String> {
        let leaves = f.leaves.iter().map(|&(l, neg)| Ok((self.bv(l)?, neg))).collect::<Result<Vec<_>, String>>()?;
        Ok(rotate::encode(f, &self.bv(f.base)?, &leaves))
    }
}
