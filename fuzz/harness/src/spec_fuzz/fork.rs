//! Running native code that may trap.
//!
//! Each batch of calls runs in a forked child: the child calls the code for
//! every input in order and writes each result to a pipe, so when it dies
//! of a signal the parent knows exactly which input it died on (the first
//! one without a result), records that input's outcome, and starts a new
//! child for the rest. This is sound where an in-process signal handler
//! would not be: a trap cannot leave the parent's state (allocator locks,
//! the JIT's memory, the solver) half-updated, because the parent never
//! runs the code.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The bytes the call wrote.
    Returned(Vec<u8>),
    /// The call died of a signal the caller counts as a trap.
    Trapped(i32),
    /// The call died of another signal.
    Crashed(i32),
}

/// Runs `call` on every input; `call` writes exactly `out_len` bytes per
/// input. `is_trap` says which signals are traps.
pub fn run_batch<I>(inputs: &[I], out_len: usize, is_trap: impl Fn(i32) -> bool, call: impl Fn(&I, &mut [u8])) -> Result<Vec<Outcome>, String> {
    let mut out = Vec::with_capacity(inputs.len());
    while out.len() < inputs.len() {
        let start = out.len();
        let (returned, death) = run_child(&inputs[start..], out_len, &call)?;
        out.extend(returned.into_iter().map(Outcome::Returned));
        match death {
            None => {
                if out.len() < inputs.len() {
                    return Err("the child exited before running every input".into());
                }
            }
            Some(sig) if is_trap(sig) => out.push(Outcome::Trapped(sig)),
            Some(sig) => out.push(Outcome::Crashed(sig)),
        }
    }
    Ok(out)
}

/// One child: results of the inputs it finished, and the signal it died of.
fn run_child<I>(inputs: &[I], out_len: usize, call: &impl Fn(&I, &mut [u8])) -> Result<(Vec<Vec<u8>>, Option<i32>), String> {
    let mut fds = [0i32; 2];
    // SAFETY: plain POSIX calls; the child only runs `call`, `write` and `_exit`.
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
            let mut buf = vec![0u8; out_len];
            for input in inputs {
                call(input, &mut buf);
                if libc::write(fds[1], buf.as_ptr().cast(), out_len) != out_len as isize {
                    libc::_exit(3);
                }
            }
            libc::_exit(0);
        }
        libc::close(fds[1]);
        let mut bytes = Vec::with_capacity(inputs.len() * out_len);
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
        let results = bytes.chunks_exact(out_len).map(|c| c.to_vec()).collect();
        if libc::WIFSIGNALED(status) {
            Ok((results, Some(libc::WTERMSIG(status))))
        } else if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
            Ok((results, None))
        } else {
            Err(format!("the child failed (wait status {status})"))
        }
    }
}
