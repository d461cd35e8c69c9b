//! The evaluator's dispatch, generated from the numeric operator table: the `match` on an
//! instruction, with an inline arm for each hot row and compare-and-branch form.

/// The evaluator's `match` on an instruction: the arms given, then one arm per hot row of the
/// numeric table computing the row inline (no function pointer, no second dispatch), and one
/// per hot predicate's compare-and-branch form. The rows are taken one at a time to pick out
/// the predicates.
macro_rules! dispatch {
    (
        { $instr:expr, ($regs:ident, $pc:ident, $fuel:ident, $code:ident), { $($arms:tt)* } }
        hot { $($rows:tt)* }
        cold { $($cold:tt)* }
    ) => {
        dispatch!(@rows $instr, ($regs, $pc, $fuel, $code), { $($arms)* }, [] $($rows)*)
    };
    (@rows $instr:expr, ($regs:ident, $pc:ident, $fuel:ident, $code:ident), $given:tt,
        [$($arms:tt)*] $name:ident: pred($in:ident) |$d:ident $(, $arg:ident)+| $e:expr; $($rest:tt)*) => {
        dispatch!(@rows $instr, ($regs, $pc, $fuel, $code), $given, [$($arms)*
            Instr::$name { dst, a, b } => {
                let v: crate::numerics::NumResult =
                    hot_row!($regs, a, b, pred, $in, [], |$d $(, $arg)+| $e);
                $regs.set(dst, v?);
            }
            Instr::[<$name BrIf>] { a, b, target } => {
                let v: crate::numerics::NumResult =
                    hot_row!($regs, a, b, pred, $in, [], |$d $(, $arg)+| $e);
                if v? as u32 != 0 {
                    control::branch($regs, &mut $pc, $fuel, $code.br_tables[target as usize])?
                }
            }
            Instr::[<$name Jz>] { a, b, pc } => {
                let v: crate::numerics::NumResult =
                    hot_row!($regs, a, b, pred, $in, [], |$d $(, $arg)+| $e);
                if v? as u32 == 0 {
                    $pc.jump(pc);
                }
            }
            Instr::[<$name LoopBrIf>] { a, b, target, next } => {
                // The `br` first (charging fuel as it did), then the loop's first instruction.
                control::jump(&mut $pc, $fuel, next)?;
                let v: crate::numerics::NumResult =
                    hot_row!($regs, a, b, pred, $in, [], |$d $(, $arg)+| $e);
                if v? as u32 != 0 {
                    control::branch($regs, &mut $pc, $fuel, $code.br_tables[target as usize])?
                }
            }
        ] $($rest)*)
    };
    (@rows $instr:expr, $ctx:tt, $given:tt, [$($arms:tt)*]
        $name:ident: $shape:ident($in:ident $(=> $out:ident)?) |$d:ident $(, $arg:ident)+| $e:expr;
        $($rest:tt)*) => {
        dispatch!(@rows $instr, $ctx, $given, [$($arms)*
            Instr::$name { dst, a, b } => {
                let v: crate::numerics::NumResult =
                    hot_row!(@ctx $ctx, a, b, $shape, $in, [$($out)?], |$d $(, $arg)+| $e);
                hot_row!(@store $ctx, dst, v?);
            }
        ] $($rest)*)
    };
    (@rows $instr:expr, $ctx:tt, { $($given:tt)* }, [$($arms:tt)*]) => {
        pastey::paste! { match $instr { $($arms)* $($given)* } }
    };
}
pub(super) use dispatch;

/// A hot row evaluated on registers `a` (and `b` for a binary row); `@ctx` takes them from
/// the dispatch context, `@store` writes a result there.
macro_rules! hot_row {
    (@ctx ($regs:ident, $pc:ident, $fuel:ident, $code:ident), $($rest:tt)*) => {
        hot_row!($regs, $($rest)*)
    };
    (@store ($regs:ident, $pc:ident, $fuel:ident, $code:ident), $dst:ident, $v:expr) => {
        $regs.set($dst, $v)
    };
    ($regs:ident, $x:ident, $y:ident, $shape:ident, $in:ident, $out:tt, |$d:ident, $a:ident| $e:expr) => {{
        let _ = $y;
        let $d = &$crate::numerics::concrete::Concrete;
        let $a = &$regs.get_as::<concrete_ty!($in)>($x);
        raw_result!($shape, $out, $e)
    }};
    ($regs:ident, $x:ident, $y:ident, $shape:ident, $in:ident, $out:tt, |$d:ident, $a:ident, $b:ident| $e:expr) => {{
        let $d = &$crate::numerics::concrete::Concrete;
        let $a = &$regs.get_as::<concrete_ty!($in)>($x);
        let $b = &$regs.get_as::<concrete_ty!($in)>($y);
        raw_result!($shape, $out, $e)
    }};
}
pub(super) use hot_row;
