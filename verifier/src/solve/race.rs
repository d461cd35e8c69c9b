//! Z3 and cvc5 on the same query at the same time; the first useful answer
//! wins.
//!
//! Neither solver dominates on float and integer queries: Z3 4.8.12 decides
//! `sqrt` constant folding at 64 bits in 0.5 s where cvc5 1.0.3 needs 5 s,
//! and gives up on `fmul (fneg x) (fneg y) = fmul x y` or f64 `fdiv` folding
//! that cvc5 decides in 0.03-8 s. Running them one after the other made
//! every query that needed cvc5 pay Z3's share of the budget first. Here Z3
//! runs in the calling thread (its objects live in that thread's context)
//! while a watcher thread starts cvc5 on the same SMT-LIB text after a head
//! start (most queries are decided by Z3 in milliseconds, and starting a
//! process for them would cost more than the query). Whichever gives an
//! answer the caller can use stops the other: cvc5 by killing its process,
//! Z3 with `Z3_interrupt` (which only cancels the running check; the
//! context stays usable). An interrupt is only sent while the check runs.

use super::cvc5::{self, Answer};
use std::process::Child;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use z3::{SatResult, Solver};

/// How long Z3 runs alone before cvc5 joins in.
pub const HEAD_START: Duration = Duration::from_millis(300);

/// Both answers: Z3's (`Unknown` when interrupted because cvc5 won), and,
/// when Z3's is `Unknown`, cvc5's if it was started.
pub struct Race {
    pub z3: SatResult,
    pub cvc5: Option<Answer>,
}

impl Race {
    /// The answer the race came to: Z3's if it decided, else cvc5's unsat
    /// or sat, else unknown. (Only Z3's sat comes with a model.)
    pub fn decided(&self) -> SatResult {
        match (self.z3, &self.cvc5) {
            (SatResult::Unknown, Some(Answer::Unsat)) => SatResult::Unsat,
            (SatResult::Unknown, Some(Answer::Sat)) => SatResult::Sat,
            (z3, _) => z3,
        }
    }
}

struct Shared {
    z3_done: bool,
    child: Option<Child>,
}

/// Runs `solver.check()` and, after [`HEAD_START`], cvc5 on `smt2` (the
/// same query as text) with `budget`; `decisive` says which cvc5 answers
/// end the race. Without cvc5, just Z3.
pub fn run(solver: &Solver, smt2: String, budget: Duration, decisive: fn(&Answer) -> bool) -> Race {
    if !cvc5::available() || budget <= HEAD_START {
        return Race { z3: solver.check(), cvc5: None };
    }
    let started = std::time::Instant::now();
    let ctx = z3::Context::thread_local();
    // The raw context pointer, for the watcher's interrupt; `ctx` keeps it
    // alive until the watcher has been joined.
    let ctx_ptr = ctx.get_z3_context().as_ptr() as usize;
    let shared = Arc::new(Mutex::new(Shared { z3_done: false, child: None }));
    let (tx, rx) = mpsc::channel::<()>();
    let watcher = {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || -> Option<Answer> {
            if rx.recv_timeout(HEAD_START) != Err(mpsc::RecvTimeoutError::Timeout) {
                return None; // Z3 finished first.
            }
            let (stdin, stdout) = {
                let mut s = shared.lock().unwrap();
                if s.z3_done {
                    return None;
                }
                let mut child = match cvc5::spawn(budget.saturating_sub(HEAD_START)) {
                    Ok(c) => c,
                    Err(a) => return Some(a),
                };
                let io = (child.stdin.take(), child.stdout.take());
                s.child = Some(child);
                io
            };
            let answer = cvc5::converse(stdin, stdout, &smt2);
            let mut s = shared.lock().unwrap();
            if decisive(&answer) && !s.z3_done {
                // Under the lock: Z3's check is still running.
                let p = std::ptr::NonNull::new(ctx_ptr as *mut z3_sys::_Z3_context).expect("context pointer");
                unsafe { z3_sys::Z3_interrupt(p) };
            }
            if let Some(mut c) = s.child.take() {
                let _ = c.wait();
            }
            Some(answer)
        })
    };
    let z3 = solver.check();
    {
        let mut s = shared.lock().unwrap();
        s.z3_done = true;
        if z3 != SatResult::Unknown {
            if let Some(c) = s.child.as_mut() {
                let _ = c.kill();
            }
        }
    }
    let _ = tx.send(());
    // cvc5 enforces its --tlimit loosely under load (seconds late): past the
    // budget its process is killed, so the race never overruns much.
    while !watcher.is_finished() && started.elapsed() < budget {
        std::thread::sleep(Duration::from_millis(10));
    }
    if !watcher.is_finished() {
        if let Some(c) = shared.lock().unwrap().child.as_mut() {
            let _ = c.kill();
        }
    }
    let cvc5 = watcher.join().unwrap_or(None);
    drop(ctx);
    // After a decisive Z3 answer, cvc5's (killed) non-answer means nothing.
    Race { z3, cvc5: if z3 == SatResult::Unknown { cvc5 } else { None } }
}

#[cfg(test)]
mod tests {
    use super::*;
    use z3::ast::BV;

    fn factoring(s: &Solver) {
        let (x, y) = (BV::new_const("x", 64), BV::new_const("y", 64));
        s.assert(&x.bvmul(&y).eq(BV::from_u64(4294967291u64.wrapping_mul(4294967279), 64)));
        for v in [&x, &y] {
            s.assert(&v.bvugt(&BV::from_u64(1, 64)));
            s.assert(&v.bvult(&BV::from_u64(1 << 32, 64)));
        }
    }

    /// A quick Z3 answer never waits for cvc5.
    #[test]
    fn z3_alone_when_it_is_quick() {
        let s = Solver::new();
        s.assert(&BV::new_const("x", 8).bvugt(&BV::from_u64(3, 8)));
        let r = run(&s, s.to_smt2(), Duration::from_secs(10), |_| true);
        assert_eq!(r.z3, SatResult::Sat);
        assert!(r.cvc5.is_none());
    }

    /// cvc5's decisive answer interrupts Z3, and the context still works.
    #[test]
    fn cvc5_win_interrupts_z3_and_leaves_the_context_usable() {
        if !cvc5::available() {
            eprintln!("cvc5 not installed: skipped");
            return;
        }
        let s = Solver::new();
        factoring(&s);
        // Pretend cvc5 answered the hard query at once: give it an easy one.
        let easy = "(declare-fun x () (_ BitVec 8))\n(assert (bvult x x))\n(check-sat)\n".to_string();
        let t = std::time::Instant::now();
        let r = run(&s, easy, Duration::from_secs(30), |a| *a == Answer::Unsat);
        assert_eq!(r.z3, SatResult::Unknown);
        assert_eq!(r.cvc5, Some(Answer::Unsat));
        assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
        let s2 = Solver::new();
        s2.assert(&BV::new_const("x", 8).bvugt(&BV::from_u64(3, 8)));
        assert_eq!(s2.check(), SatResult::Sat);
    }
}
