//! Compiling one-instruction functions for this host and running them.
//!
//! Traps are caught by running each batch of calls in a forked child: the
//! child calls the function for every input in order and writes each result
//! to a pipe, so when it dies of a signal the parent knows exactly which
//! input it died on (the first one without a result), records that input's
//! outcome, and starts a new child for the rest. This is sound where an
//! in-process signal handler would not be: a trap cannot leave the parent's
//! state (allocator locks, the JIT's memory, the solver) half-updated,
//! because the parent never runs the code.

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

/// Runs `f` on every input; see the module comment for how traps are caught.
pub fn run_batch(f: NativeFn, inputs: &[[u64; 3]]) -> Result<Vec<Outcome>, String> {
    let mut out = Vec::with_capacity(inputs.len());
    while out.len() < inputs.len() {
        let start = out.len();
        let (returned, death) = run_child(f, &inputs[start..])?;
        out.extend(returned.into_iter().map(Outcome::Returned));
        match death {
            None => {
                if out.len() < inputs.len() {
                    return Err("the child exited before running every input".into());
                }
            }
            Some(sig) if sig == libc::SIGILL || sig == libc::SIGFPE => out.push(Outcome::Trapped(sig)),
            Some(sig) => out.push(Outcome::Crashed(sig)),
        }
    }
    Ok(out)
}

/// One child: results of the inputs it finished, and the signal it died of.
fn run_child(f: NativeFn, inputs: &[[u64; 3]]) -> Result<(Vec<u64>, Option<i32>), String> {
    let mut fds = [0i32; 2];
    // SAFETY: plain POSIX calls; the child only calls `f`, `write` and `_exit`.
    unsafe {
        if libc::pipe(fds.as_mut_ptr()) != 0 {
            return Err(format!("pipe: {}", std::io::Error::last_os_error()));
        }
        let pid = libc::fork();
        if pid < 0 {
            return Err(format!("fork: {}", std::io::Error::last_os_error()));
        }
        if pid == 0 {
            libc::close(fds[0]);
            // A trap is expected: no core file for it.
            let none = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            libc::setrlimit(libc::RLIMIT_CORE, &none);
            for args in inputs {
                let r = f(args[0], args[1], args[2]).to_le_bytes();
                if libc::write(fds[1], r.as_ptr().cast(), 8) != 8 {
                    libc::_exit(3);
                }
            }
            libc::_exit(0);
        }
        libc::close(fds[1]);
        let mut bytes = Vec::with_capacity(inputs.len() * 8);
        let mut buf = [0u8; 4096];
        loop {
            let n = libc::read(fds[0], buf.as_mut_ptr().cast(), buf.len());
            if n < 0 {
                if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                break;
            }
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&buf[..n as usize]);
        }
        libc::close(fds[0]);
        let mut status = 0;
        while libc::waitpid(pid, &mut status, 0) < 0 {
            if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                return Err(format!("waitpid: {}", std::io::Error::last_os_error()));
            }
        }
        let results = bytes.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes"))).collect();
        if libc::WIFSIGNALED(status) {
            Ok((results, Some(libc::WTERMSIG(status))))
        } else if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
            Ok((results, None))
        } else {
            Err(format!("the child failed (wait status {status})"))
        }
    }
}
