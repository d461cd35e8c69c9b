//! Running one assembled instruction on this CPU with chosen register and
//! flag inputs.
//!
//! The instruction is wrapped in a stub and placed in its own executable
//! mapping (written while mapped read-write, then made read-execute). The
//! stub, called with a pointer to a [`MachineState`], saves the
//! callee-saved registers, loads RFLAGS (`popfq`) and every general
//! register but RSP from the state, runs the instruction, and stores the
//! registers and the flags (`pushfq`) back. RSP is never an operand: the
//! stub needs the stack. Calls run in forked children
//! ([`crate::spec_fuzz::fork`]), so a fault (SIGFPE for a division trap)
//! is an outcome of that input, never the end of the campaign.

use super::forms::HwRegs;
use crate::spec_fuzz::fork;
use cranelift_assembler_x64::{inst, Amode, AmodeOffset, AmodeOffsetPlusKnownOffset, Gpr, GprMem, Inst};

pub const RSP: u8 = 4;
const RDI: u8 = 7;
pub const GPRS: usize = 16;
/// The arithmetic flags (CF, PF, AF, ZF, SF, OF) the inputs may set; the
/// others (trap, direction, alignment check, ...) stay clear, and bit 1 is
/// always one.
pub const ARITH_FLAGS: u64 = 0x8d5;
const FLAGS_FIXED: u64 = 0x2;

/// Registers (by hardware encoding) and RFLAGS before or after a run.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MachineState {
    pub gpr: [u64; GPRS],
    pub rflags: u64,
}

const STATE_BYTES: usize = std::mem::size_of::<MachineState>();

impl MachineState {
    fn to_bytes(self, out: &mut [u8]) {
        for (i, v) in self.gpr.iter().chain([&self.rflags]).enumerate() {
            out[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
        }
    }
    fn from_bytes(b: &[u8]) -> MachineState {
        let word = |i: usize| u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
        let mut s = MachineState { rflags: word(GPRS), ..Default::default() };
        for (i, g) in s.gpr.iter_mut().enumerate() {
            *g = word(i);
        }
        s
    }
}

fn state_slot(base: u8, offset: usize) -> GprMem<u8, u8> {
    GprMem::Mem(Amode::ImmReg {
        base,
        simm32: AmodeOffsetPlusKnownOffset { simm32: AmodeOffset::new(offset as i32), offset: None },
        trap: None,
    })
}

fn load(r: u8, code: &mut Vec<u8>) {
    Inst::<HwRegs>::from(inst::movq_rm::<HwRegs>::new(Gpr::new(r), state_slot(RDI, 8 * r as usize))).encode(code);
}

fn store(r: u8, code: &mut Vec<u8>) {
    Inst::<HwRegs>::from(inst::movq_mr::<HwRegs>::new(state_slot(RDI, 8 * r as usize), Gpr::new(r))).encode(code);
}

/// The stub around `instruction` (its encoded bytes).
pub fn stub(instruction: &[u8]) -> Vec<u8> {
    let mut c = Vec::new();
    // Callee-saved registers, then the state pointer.
    c.extend([0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57, 0x57]);
    // push qword [rdi + rflags]; popfq
    c.extend([0xff, 0xb7]);
    c.extend((8 * GPRS as u32).to_le_bytes());
    c.push(0x9d);
    for r in (0..GPRS as u8).filter(|r| *r != RSP && *r != RDI) {
        load(r, &mut c);
    }
    load(RDI, &mut c);
    c.extend(instruction);
    // pushfq; xchg rdi, [rsp + 8]: the flags are on the stack, RDI holds
    // the state pointer again and the instruction's RDI is on the stack.
    c.extend([0x9c, 0x48, 0x87, 0x7c, 0x24, 0x08]);
    for r in (0..GPRS as u8).filter(|r| *r != RSP && *r != RDI) {
        store(r, &mut c);
    }
    // pop rax; mov [rdi + rflags], rax; pop rax; mov [rdi + 8*RDI], rax
    c.push(0x58);
    c.extend([0x48, 0x89, 0x87]);
    c.extend((8 * GPRS as u32).to_le_bytes());
    c.extend([0x58, 0x48, 0x89, 0x47, 8 * RDI]);
    // Restore the callee-saved registers; ret.
    c.extend([0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b, 0xc3]);
    c
}

/// Machine code in its own read-execute mapping.
pub struct ExecCode {
    ptr: *mut libc::c_void,
    len: usize,
}

type StubFn = unsafe extern "sysv64" fn(*mut MachineState);

impl ExecCode {
    pub fn new(code: &[u8]) -> Result<ExecCode, String> {
        let page = 4096;
        let len = code.len().div_ceil(page).max(1) * page;
        // SAFETY: a fresh anonymous mapping, written within its length, then
        // made read-execute; nothing else refers to it.
        unsafe {
            let ptr = libc::mmap(std::ptr::null_mut(), len, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1, 0);
            if ptr == libc::MAP_FAILED {
                return Err(format!("mmap: {}", std::io::Error::last_os_error()));
            }
            std::ptr::copy_nonoverlapping(code.as_ptr(), ptr.cast::<u8>(), code.len());
            if libc::mprotect(ptr, len, libc::PROT_READ | libc::PROT_EXEC) != 0 {
                let e = std::io::Error::last_os_error();
                libc::munmap(ptr, len);
                return Err(format!("mprotect: {e}"));
            }
            Ok(ExecCode { ptr, len })
        }
    }

    /// Runs the stub on each input state in forked children; SIGFPE (a
    /// division trap, #DE) is a trap, any other signal a crash.
    pub fn run_batch(&self, inputs: &[MachineState]) -> Result<Vec<Outcome>, String> {
        // SAFETY: the mapping holds a stub built by `stub`, which follows the
        // System V convention for `fn(*mut MachineState)`.
        let f: StubFn = unsafe { std::mem::transmute::<*mut libc::c_void, StubFn>(self.ptr) };
        let outcomes = fork::run_batch(inputs, STATE_BYTES, |sig| sig == libc::SIGFPE, |input, out| {
            let mut state = MachineState { rflags: (input.rflags & ARITH_FLAGS) | FLAGS_FIXED, ..*input };
            // SAFETY: see above; the state outlives the call.
            unsafe { f(&mut state) };
            state.to_bytes(out);
        })?;
        Ok(outcomes
            .into_iter()
            .map(|o| match o {
                fork::Outcome::Returned(b) => Outcome::Returned(MachineState::from_bytes(&b)),
                fork::Outcome::Trapped(s) => Outcome::Trapped(s),
                fork::Outcome::Crashed(s) => Outcome::Crashed(s),
            })
            .collect())
    }
}

impl Drop for ExecCode {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`, unmapped once.
        unsafe {
            libc::munmap(self.ptr, self.len);
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Returned(MachineState),
    Trapped(i32),
    Crashed(i32),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stub alone (no instruction) gives back every register and the
    /// arithmetic flags it was given.
    #[test]
    fn empty_stub_is_the_identity() {
        let code = ExecCode::new(&stub(&[])).unwrap();
        let mut s = MachineState { rflags: ARITH_FLAGS | FLAGS_FIXED, ..Default::default() };
        for (i, g) in s.gpr.iter_mut().enumerate() {
            *g = 0x0123_4567_89ab_cdef ^ (i as u64 * 0x1111_1111_1111_1111);
        }
        let out = code.run_batch(&[s]).unwrap();
        let Outcome::Returned(after) = out[0] else { panic!("{out:?}") };
        for r in (0..GPRS).filter(|r| *r != RSP as usize) {
            assert_eq!(after.gpr[r], s.gpr[r], "register {r}");
        }
        assert_eq!(after.rflags & (ARITH_FLAGS | FLAGS_FIXED), s.rflags);
    }

    /// A division by zero is a trap of that input only.
    #[test]
    fn division_trap_is_an_outcome() {
        // div rcx (48 f7 f1): rdx:rax / rcx.
        let code = ExecCode::new(&stub(&[0x48, 0xf7, 0xf1])).unwrap();
        let mut ok = MachineState::default();
        ok.gpr[0] = 100;
        ok.gpr[1] = 7;
        let zero = MachineState::default();
        let out = code.run_batch(&[ok, zero, ok]).unwrap();
        assert!(matches!(out[0], Outcome::Returned(s) if s.gpr[0] == 14 && s.gpr[2] == 2), "{out:?}");
        assert_eq!(out[1], Outcome::Trapped(libc::SIGFPE));
        assert!(matches!(out[2], Outcome::Returned(_)));
    }
}
