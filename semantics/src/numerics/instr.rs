//! Instruction-level semantics over any domain: which spec operation (and which width/format)
//! each scalar numeric instruction denotes. This is the mapping a symbolic domain needs; the
//! concrete [`lookup`](super::lookup) table is cross-checked against it in the tests.

use crate::numerics::convert::{self, TruncBounds};
use crate::numerics::domain::{bool_to_int, Domain, FloatOps, Guarded, Types};
use crate::numerics::{float, int, NumTrap};
use wasmparser::Operator;

/// A scalar value of domain `D`.
pub enum Val<D: Types> {
    I32(D::I32),
    I64(D::I64),
    F32(D::F32),
    F64(D::F64),
}

impl<D: Types> Clone for Val<D> {
    fn clone(&self) -> Self {
        match self {
            Val::I32(v) => Val::I32(v.clone()),
            Val::I64(v) => Val::I64(v.clone()),
            Val::F32(v) => Val::F32(v.clone()),
            Val::F64(v) => Val::F64(v.clone()),
        }
    }
}

/// The result of an instruction: its value unless one of `traps` holds (first one wins).
pub struct Applied<D: Domain> {
    pub value: Val<D>,
    pub traps: Vec<(<D as crate::numerics::domain::BoolOps>::Bool, NumTrap)>,
}

fn pure<D: Domain>(value: Val<D>) -> Option<Applied<D>> {
    Some(Applied {
        value,
        traps: Vec::new(),
    })
}

fn guarded<D: Domain, T, const N: usize>(
    g: Guarded<D::Bool, T, N>,
    wrap: impl FnOnce(T) -> Val<D>,
) -> Option<Applied<D>> {
    Some(Applied {
        value: wrap(g.value),
        traps: g.traps.into_iter().collect(),
    })
}

/// The semantics of the scalar numeric instruction `op` on `args` (first pushed first), or
/// `None` if `op` is not one or the arguments have the wrong types or count.
pub fn apply<D: Domain>(d: &D, op: &Operator, args: &[Val<D>]) -> Option<Applied<D>> {
    use Operator as O;
    use Val::{F32, F64, I32, I64};
    type I32T<D> = <D as Types>::I32;
    type I64T<D> = <D as Types>::I64;
    type F32T<D> = <D as Types>::F32;
    type F64T<D> = <D as Types>::F64;

    // Operand accessors: `None` (and so `apply` gives `None`) on a type mismatch.
    macro_rules! arg {
        ($ty:ident, $i:expr) => {
            match args.get($i) {
                Some($ty(v)) => v,
                _ => return None,
            }
        };
    }
    macro_rules! un {
        ($ty:ident => $out:ident, $f:expr) => {{
            if args.len() != 1 {
                return None;
            }
            let a = arg!($ty, 0);
            pure($out($f(a)))
        }};
    }
    macro_rules! bin {
        ($ty:ident => $out:ident, $f:expr) => {{
            if args.len() != 2 {
                return None;
            }
            let (a, b) = (arg!($ty, 0), arg!($ty, 1));
            pure($out($f(a, b)))
        }};
    }
    macro_rules! bin_trap {
        ($ty:ident, $f:expr) => {{
            if args.len() != 2 {
                return None;
            }
            let (a, b) = (arg!($ty, 0), arg!($ty, 1));
            guarded($f(d, a, b), $ty)
        }};
    }
    // Predicates give an i32 0/1.
    let b32 = |c: D::Bool| bool_to_int::<D, I32T<D>>(d, &c);
    macro_rules! cmp {
        ($ty:ident, $f:expr) => {
            bin!($ty => I32, |a, b| b32($f(d, a, b)))
        };
    }
    macro_rules! trunc {
        ($from:ident => $to:ident, $f:ident, $bounds:expr, $ity:ty, $fty:ty) => {{
            if args.len() != 1 {
                return None;
            }
            let a = arg!($from, 0);
            const BOUNDS: TruncBounds = $bounds;
            guarded(convert::$f::<D, $ity, $fty>(d, a, BOUNDS), $to)
        }};
    }
    macro_rules! trunc_sat {
        ($from:ident => $to:ident, $f:ident, $bounds:expr, $ity:ty, $fty:ty) => {{
            const BOUNDS: TruncBounds = $bounds;
            un!($from => $to, |a| convert::$f::<D, $ity, $fty>(d, a, BOUNDS))
        }};
    }

    match op {
        O::I32Eqz => un!(I32 => I32, |a| b32(int::ieqz(d, a))),
        O::I64Eqz => un!(I64 => I32, |a| b32(int::ieqz(d, a))),
        O::I32Eq => cmp!(I32, int::ieq),
        O::I32Ne => cmp!(I32, int::ine),
        O::I32LtS => cmp!(I32, int::ilt_s),
        O::I32LtU => cmp!(I32, int::ilt_u),
        O::I32GtS => cmp!(I32, int::igt_s),
        O::I32GtU => cmp!(I32, int::igt_u),
        O::I32LeS => cmp!(I32, int::ile_s),
        O::I32LeU => cmp!(I32, int::ile_u),
        O::I32GeS => cmp!(I32, int::ige_s),
        O::I32GeU => cmp!(I32, int::ige_u),
        O::I64Eq => cmp!(I64, int::ieq),
        O::I64Ne => cmp!(I64, int::ine),
        O::I64LtS => cmp!(I64, int::ilt_s),
        O::I64LtU => cmp!(I64, int::ilt_u),
        O::I64GtS => cmp!(I64, int::igt_s),
        O::I64GtU => cmp!(I64, int::igt_u),
        O::I64LeS => cmp!(I64, int::ile_s),
        O::I64LeU => cmp!(I64, int::ile_u),
        O::I64GeS => cmp!(I64, int::ige_s),
        O::I64GeU => cmp!(I64, int::ige_u),
        O::F32Eq => cmp!(F32, float::feq),
        O::F32Ne => cmp!(F32, float::fne),
        O::F32Lt => cmp!(F32, float::flt),
        O::F32Gt => cmp!(F32, float::fgt),
        O::F32Le => cmp!(F32, float::fle),
        O::F32Ge => cmp!(F32, float::fge),
        O::F64Eq => cmp!(F64, float::feq),
        O::F64Ne => cmp!(F64, float::fne),
        O::F64Lt => cmp!(F64, float::flt),
        O::F64Gt => cmp!(F64, float::fgt),
        O::F64Le => cmp!(F64, float::fle),
        O::F64Ge => cmp!(F64, float::fge),

        O::I32Clz => un!(I32 => I32, |a| int::iclz(d, a)),
        O::I32Ctz => un!(I32 => I32, |a| int::ictz(d, a)),
        O::I32Popcnt => un!(I32 => I32, |a| int::ipopcnt(d, a)),
        O::I32Add => bin!(I32 => I32, |a, b| int::iadd(d, a, b)),
        O::I32Sub => bin!(I32 => I32, |a, b| int::isub(d, a, b)),
        O::I32Mul => bin!(I32 => I32, |a, b| int::imul(d, a, b)),
        O::I32DivS => bin_trap!(I32, int::idiv_s),
        O::I32DivU => bin_trap!(I32, int::idiv_u),
        O::I32RemS => bin_trap!(I32, int::irem_s),
        O::I32RemU => bin_trap!(I32, int::irem_u),
        O::I32And => bin!(I32 => I32, |a, b| int::iand(d, a, b)),
        O::I32Or => bin!(I32 => I32, |a, b| int::ior(d, a, b)),
        O::I32Xor => bin!(I32 => I32, |a, b| int::ixor(d, a, b)),
        O::I32Shl => bin!(I32 => I32, |a, b| int::ishl(d, a, b)),
        O::I32ShrS => bin!(I32 => I32, |a, b| int::ishr_s(d, a, b)),
        O::I32ShrU => bin!(I32 => I32, |a, b| int::ishr_u(d, a, b)),
        O::I32Rotl => bin!(I32 => I32, |a, b| int::irotl(d, a, b)),
        O::I32Rotr => bin!(I32 => I32, |a, b| int::irotr(d, a, b)),
        O::I64Clz => un!(I64 => I64, |a| int::iclz(d, a)),
        O::I64Ctz => un!(I64 => I64, |a| int::ictz(d, a)),
        O::I64Popcnt => un!(I64 => I64, |a| int::ipopcnt(d, a)),
        O::I64Add => bin!(I64 => I64, |a, b| int::iadd(d, a, b)),
        O::I64Sub => bin!(I64 => I64, |a, b| int::isub(d, a, b)),
        O::I64Mul => bin!(I64 => I64, |a, b| int::imul(d, a, b)),
        O::I64DivS => bin_trap!(I64, int::idiv_s),
        O::I64DivU => bin_trap!(I64, int::idiv_u),
        O::I64RemS => bin_trap!(I64, int::irem_s),
        O::I64RemU => bin_trap!(I64, int::irem_u),
        O::I64And => bin!(I64 => I64, |a, b| int::iand(d, a, b)),
        O::I64Or => bin!(I64 => I64, |a, b| int::ior(d, a, b)),
        O::I64Xor => bin!(I64 => I64, |a, b| int::ixor(d, a, b)),
        O::I64Shl => bin!(I64 => I64, |a, b| int::ishl(d, a, b)),
        O::I64ShrS => bin!(I64 => I64, |a, b| int::ishr_s(d, a, b)),
        O::I64ShrU => bin!(I64 => I64, |a, b| int::ishr_u(d, a, b)),
        O::I64Rotl => bin!(I64 => I64, |a, b| int::irotl(d, a, b)),
        O::I64Rotr => bin!(I64 => I64, |a, b| int::irotr(d, a, b)),
        O::I32Extend8S => un!(I32 => I32, |a| int::iextend_s(d, a, 8)),
        O::I32Extend16S => un!(I32 => I32, |a| int::iextend_s(d, a, 16)),
        O::I64Extend8S => un!(I64 => I64, |a| int::iextend_s(d, a, 8)),
        O::I64Extend16S => un!(I64 => I64, |a| int::iextend_s(d, a, 16)),
        O::I64Extend32S => un!(I64 => I64, |a| int::iextend_s(d, a, 32)),

        O::F32Abs => un!(F32 => F32, |a| float::fabs(d, a)),
        O::F32Neg => un!(F32 => F32, |a| float::fneg(d, a)),
        O::F32Ceil => un!(F32 => F32, |a| float::fceil(d, a)),
        O::F32Floor => un!(F32 => F32, |a| float::ffloor(d, a)),
        O::F32Trunc => un!(F32 => F32, |a| float::ftrunc(d, a)),
        O::F32Nearest => un!(F32 => F32, |a| float::fnearest(d, a)),
        O::F32Sqrt => un!(F32 => F32, |a| float::fsqrt(d, a)),
        O::F32Add => bin!(F32 => F32, |a, b| float::fadd(d, a, b)),
        O::F32Sub => bin!(F32 => F32, |a, b| float::fsub(d, a, b)),
        O::F32Mul => bin!(F32 => F32, |a, b| float::fmul(d, a, b)),
        O::F32Div => bin!(F32 => F32, |a, b| float::fdiv(d, a, b)),
        O::F32Min => bin!(F32 => F32, |a, b| float::fmin(d, a, b)),
        O::F32Max => bin!(F32 => F32, |a, b| float::fmax(d, a, b)),
        O::F32Copysign => bin!(F32 => F32, |a, b| float::fcopysign(d, a, b)),
        O::F64Abs => un!(F64 => F64, |a| float::fabs(d, a)),
        O::F64Neg => un!(F64 => F64, |a| float::fneg(d, a)),
        O::F64Ceil => un!(F64 => F64, |a| float::fceil(d, a)),
        O::F64Floor => un!(F64 => F64, |a| float::ffloor(d, a)),
        O::F64Trunc => un!(F64 => F64, |a| float::ftrunc(d, a)),
        O::F64Nearest => un!(F64 => F64, |a| float::fnearest(d, a)),
        O::F64Sqrt => un!(F64 => F64, |a| float::fsqrt(d, a)),
        O::F64Add => bin!(F64 => F64, |a, b| float::fadd(d, a, b)),
        O::F64Sub => bin!(F64 => F64, |a, b| float::fsub(d, a, b)),
        O::F64Mul => bin!(F64 => F64, |a, b| float::fmul(d, a, b)),
        O::F64Div => bin!(F64 => F64, |a, b| float::fdiv(d, a, b)),
        O::F64Min => bin!(F64 => F64, |a, b| float::fmin(d, a, b)),
        O::F64Max => bin!(F64 => F64, |a, b| float::fmax(d, a, b)),
        O::F64Copysign => bin!(F64 => F64, |a, b| float::fcopysign(d, a, b)),

        O::I32WrapI64 => un!(I64 => I32, |a| convert::i32_wrap_i64(d, a)),
        O::I64ExtendI32S => un!(I32 => I64, |a| convert::i64_extend_i32_s(d, a)),
        O::I64ExtendI32U => un!(I32 => I64, |a| convert::i64_extend_i32_u(d, a)),
        O::I32TruncF32S => trunc!(F32 => I32, trunc_s, convert::I32_F32_S, I32T<D>, F32T<D>),
        O::I32TruncF32U => trunc!(F32 => I32, trunc_u, convert::I32_F32_U, I32T<D>, F32T<D>),
        O::I32TruncF64S => trunc!(F64 => I32, trunc_s, convert::I32_F64_S, I32T<D>, F64T<D>),
        O::I32TruncF64U => trunc!(F64 => I32, trunc_u, convert::I32_F64_U, I32T<D>, F64T<D>),
        O::I64TruncF32S => trunc!(F32 => I64, trunc_s, convert::I64_F32_S, I64T<D>, F32T<D>),
        O::I64TruncF32U => trunc!(F32 => I64, trunc_u, convert::I64_F32_U, I64T<D>, F32T<D>),
        O::I64TruncF64S => trunc!(F64 => I64, trunc_s, convert::I64_F64_S, I64T<D>, F64T<D>),
        O::I64TruncF64U => trunc!(F64 => I64, trunc_u, convert::I64_F64_U, I64T<D>, F64T<D>),
        O::I32TruncSatF32S => {
            trunc_sat!(F32 => I32, trunc_sat_s, convert::I32_F32_S, I32T<D>, F32T<D>)
        }
        O::I32TruncSatF32U => {
            trunc_sat!(F32 => I32, trunc_sat_u, convert::I32_F32_U, I32T<D>, F32T<D>)
        }
        O::I32TruncSatF64S => {
            trunc_sat!(F64 => I32, trunc_sat_s, convert::I32_F64_S, I32T<D>, F64T<D>)
        }
        O::I32TruncSatF64U => {
            trunc_sat!(F64 => I32, trunc_sat_u, convert::I32_F64_U, I32T<D>, F64T<D>)
        }
        O::I64TruncSatF32S => {
            trunc_sat!(F32 => I64, trunc_sat_s, convert::I64_F32_S, I64T<D>, F32T<D>)
        }
        O::I64TruncSatF32U => {
            trunc_sat!(F32 => I64, trunc_sat_u, convert::I64_F32_U, I64T<D>, F32T<D>)
        }
        O::I64TruncSatF64S => {
            trunc_sat!(F64 => I64, trunc_sat_s, convert::I64_F64_S, I64T<D>, F64T<D>)
        }
        O::I64TruncSatF64U => {
            trunc_sat!(F64 => I64, trunc_sat_u, convert::I64_F64_U, I64T<D>, F64T<D>)
        }
        O::F32ConvertI32S => un!(I32 => F32, |a| convert::convert_s::<D, _, F32T<D>>(d, a)),
        O::F32ConvertI32U => un!(I32 => F32, |a| convert::convert_u::<D, _, F32T<D>>(d, a)),
        O::F32ConvertI64S => un!(I64 => F32, |a| convert::convert_s::<D, _, F32T<D>>(d, a)),
        O::F32ConvertI64U => un!(I64 => F32, |a| convert::convert_u::<D, _, F32T<D>>(d, a)),
        O::F64ConvertI32S => un!(I32 => F64, |a| convert::convert_s::<D, _, F64T<D>>(d, a)),
        O::F64ConvertI32U => un!(I32 => F64, |a| convert::convert_u::<D, _, F64T<D>>(d, a)),
        O::F64ConvertI64S => un!(I64 => F64, |a| convert::convert_s::<D, _, F64T<D>>(d, a)),
        O::F64ConvertI64U => un!(I64 => F64, |a| convert::convert_u::<D, _, F64T<D>>(d, a)),
        O::F32DemoteF64 => un!(F64 => F32, |a| convert::fconvert::<D, F64T<D>, F32T<D>>(d, a)),
        O::F64PromoteF32 => un!(F32 => F64, |a| convert::fconvert::<D, F32T<D>, F64T<D>>(d, a)),
        O::I32ReinterpretF32 => {
            un!(F32 => I32, |a| <D as FloatOps<F32T<D>>>::to_bits(d, a))
        }
        O::I64ReinterpretF64 => {
            un!(F64 => I64, |a| <D as FloatOps<F64T<D>>>::to_bits(d, a))
        }
        O::F32ReinterpretI32 => {
            un!(I32 => F32, |a| <D as FloatOps<F32T<D>>>::from_bits(d, a))
        }
        O::F64ReinterpretI64 => {
            un!(I64 => F64, |a| <D as FloatOps<F64T<D>>>::from_bits(d, a))
        }
        _ => None,
    }
}
