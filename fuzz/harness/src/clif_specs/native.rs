//! Compiling one-instruction functions for this host and running them,
//! traps caught (each batch runs in forked children, see
//! [`crate::spec_fuzz::fork`]).

use crate::spec_fuzz::fork;
use cranelift_codegen::ir::Function;
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module};

/// The uniform native signature (see [`super::clif_func`]).
pub type NativeFn = extern "C" fn(u64, u64, u64) -> u64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Returned(u64),
    /// The call died of SIGILL (Cranelift's `ud2` traps) or SIGFPE (a
    /// hardware division trap): a CLIF trap.
    Trapped(i32),
    /// The call died of another signal: never a CLIF trap.
    Crashed(i32),
}

/// The host ISA with optimisation off: the instruction under test reaches
/// the backend as written (no mid-end rewrites of it with its wrappers).
pub fn host_isa() -> Result<OwnedTargetIsa, String> {
    let mut flags = settings::builder();
    flags.set("opt_level", "none").map_err(|e| e.to_string())?;
    cranelift_native::builder()
        .map_err(|e| format!("host ISA: {e}"))?
        .finish(settings::Flags::new(flags))
        .map_err(|e| format!("host ISA: {e}"))
}

/// Compiled functions; keeps their code mapped for the whole campaign.
pub struct Compiled {
    _module: JITModule,
    pub functions: Vec<Option<NativeFn>>,
    /// Why a function did not compile, by index.
    pub errors: Vec<Option<String>>,
}

/// Compiles `funcs` into one module; a function Cranelift rejects (or
/// panics on) gets an error instead of a pointer.
pub fn compile(isa: OwnedTargetIsa, funcs: Vec<Function>) -> Result<Compiled, String> {
    let mut module = JITModule::new(JITBuilder::with_isa(isa, cranelift_module::default_libcall_names()));
    let mut ids = Vec::new();
    let mut errors = Vec::new();
    for (i, func) in funcs.into_iter().enumerate() {
        let id = module
            .declare_function(&format!("saffron_probe_{i}"), Linkage::Local, &func.signature)
            .map_err(|e| format!("declaring function {i}: {e}"))?;
        let mut ctx = module.make_context();
        ctx.func = func;
        let defined = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| module.define_function(id, &mut ctx)));
        match defined {
            Ok(Ok(())) => {
                ids.push(Some(id));
                errors.push(None);
            }
            Ok(Err(e)) => {
                ids.push(None);
                errors.push(Some(format!("Cranelift cannot compile it: {e:?}")));
            }
            Err(_) => {
                ids.push(None);
                errors.push(Some("Cranelift panicked compiling it".into()));
            }
        }
    }
    module.finalize_definitions().map_err(|e| format!("finalizing JIT code: {e}"))?;
    let functions = ids
        .iter()
        .map(|id| {
            id.map(|id| {
                let ptr = module.get_finalized_function(id);
                // SAFETY: every function was built with the signature
                // `fn(i64, i64, i64) -> i64` in the System V convention.
                unsafe { std::mem::transmute::<*const u8, NativeFn>(ptr) }
            })
        })
        .collect();
    Ok(Compiled { _module: module, functions, errors })
}

/// Runs `f` on every input in forked children (see
/// [`crate::spec_fuzz::fork`]): SIGILL (Cranelift's `ud2` traps) and SIGFPE
/// (a hardware division trap) are CLIF traps.
pub fn run_batch(f: NativeFn, inputs: &[[u64; 3]]) -> Result<Vec<Outcome>, String> {
    let is_trap = |sig| sig == libc::SIGILL || sig == libc::SIGFPE;
    let outcomes = fork::run_batch(inputs, 8, is_trap, |args, out| out.copy_from_slice(&f(args[0], args[1], args[2]).to_le_bytes()))?;
    Ok(outcomes
        .into_iter()
        .map(|o| match o {
            fork::Outcome::Returned(bytes) => Outcome::Returned(u64::from_le_bytes(bytes.try_into().expect("8 bytes per call"))),
            fork::Outcome::Trapped(sig) => Outcome::Trapped(sig),
            fork::Outcome::Crashed(sig) => Outcome::Crashed(sig),
        })
        .collect())
}
