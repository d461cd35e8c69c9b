//! What the symbolic executor needs from a value domain beyond the numerics: unknown values
//! (arguments, memory contents, results of calls it does not follow), a way to recognise
//! conditions that are decided already (to skip dead paths) and global assumptions
//! (limits on a memory's size).

use saffron_semantics::numerics::domain::{Domain, FloatOps, IntOps};
use saffron_semantics::numerics::instr::Val;
use serde::Serialize;

/// The four scalar types the executor handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NumType {
    I32,
    I64,
    F32,
    F64,
}

impl NumType {
    pub fn of(ty: wasmparser::ValType) -> Option<NumType> {
        match ty {
            wasmparser::ValType::I32 => Some(NumType::I32),
            wasmparser::ValType::I64 => Some(NumType::I64),
            wasmparser::ValType::F32 => Some(NumType::F32),
            wasmparser::ValType::F64 => Some(NumType::F64),
            _ => None,
        }
    }
}

/// Why a fresh value is introduced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fresh {
    /// The function's `i`-th argument: a model's value for it is an input to replay.
    Argument(usize),
    /// Anything else the executor does not know (memory, globals, havocked locals).
    Unknown,
}

pub trait Machine: Domain + Sized {
    fn fresh(&self, ty: NumType, what: Fresh) -> Val<Self>;
    /// `Some(b)` when `c` is already known to be `b` (e.g. a literal).
    fn known(&self, c: &Self::Bool) -> Option<bool>;
    /// Records `fact` as holding in every state (used for facts about fresh values only).
    fn assume(&self, fact: &Self::Bool);
    /// `v` narrowed by what the path condition `pc` says about it (abstract domains whose
    /// booleans carry facts; a solver domain keeps the path condition instead).
    fn refine(&self, _pc: &Self::Bool, v: &Val<Self>) -> Val<Self> {
        v.clone()
    }
    /// Whether `c` is proved unsatisfiable (with the facts). A domain that cannot tell says
    /// `false`; the executor then keeps `¬c` in the path condition.
    fn impossible(&self, _c: &Self::Bool) -> bool {
        false
    }
    /// The lattice operations, for domains that can compute loop fixpoints.
    fn lattice(&self) -> Option<&dyn Lattice<Self>> {
        None
    }
}

/// What a fixpoint over loop headers needs of an abstract domain.
pub trait Lattice<D: Machine> {
    /// An upper bound of `old` and `new` that makes increasing chains finite.
    fn widen(&self, old: &Val<D>, new: &Val<D>) -> Val<D>;
    /// The least upper bound (states of different iterations, not exclusive paths).
    fn join(&self, a: &Val<D>, b: &Val<D>) -> Val<D>;
    /// `a` describes no more states than `b`.
    fn leq(&self, a: &Val<D>, b: &Val<D>) -> bool;
    /// A fresh unknown with the same abstract value (a new symbol for the loop header).
    fn reseed(&self, v: &Val<D>) -> Val<D>;
    /// The unsigned range of an integer value.
    fn range(&self, v: &Val<D>) -> Option<(u64, u64)>;
}

/// The type of a value.
pub fn type_of<D: Domain>(v: &Val<D>) -> NumType {
    match v {
        Val::I32(_) => NumType::I32,
        Val::I64(_) => NumType::I64,
        Val::F32(_) => NumType::F32,
        Val::F64(_) => NumType::F64,
    }
}

/// The zero of a type (the initial value of a declared local).
pub fn zero<D: Domain>(d: &D, ty: NumType) -> Val<D> {
    match ty {
        NumType::I32 => Val::I32(IntOps::<D::I32>::lit(d, 0)),
        NumType::I64 => Val::I64(IntOps::<D::I64>::lit(d, 0)),
        NumType::F32 => Val::F32(FloatOps::<D::F32>::flit(d, 0)),
        NumType::F64 => Val::F64(FloatOps::<D::F64>::flit(d, 0)),
    }
}

/// `c ? a : b` on values of one type; `None` if the types differ (an executor bug or an
/// ill-typed merge, reported as unsupported by the caller).
pub fn select<D: Domain>(d: &D, c: &D::Bool, a: &Val<D>, b: &Val<D>) -> Option<Val<D>> {
    Some(match (a, b) {
        (Val::I32(x), Val::I32(y)) => Val::I32(IntOps::<D::I32>::select(d, c, x, y)),
        (Val::I64(x), Val::I64(y)) => Val::I64(IntOps::<D::I64>::select(d, c, x, y)),
        (Val::F32(x), Val::F32(y)) => Val::F32(FloatOps::<D::F32>::fselect(d, c, x, y)),
        (Val::F64(x), Val::F64(y)) => Val::F64(FloatOps::<D::F64>::fselect(d, c, x, y)),
        _ => return None,
    })
}

/// `v != 0` for an i32 (the condition of `if`, `br_if` and `select`).
pub fn is_true<D: Domain>(d: &D, v: &D::I32) -> D::Bool {
    let zero = IntOps::<D::I32>::lit(d, 0);
    d.bnot(&IntOps::<D::I32>::eq(d, v, &zero))
}
