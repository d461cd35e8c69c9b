//! The Wasm side of a load or store, as spec text over the CLIF memory state
//! (`clif_load`, `clif_store`, `loaded_value`, `clif_trap` of the shipped
//! specs), and the facts about wasmtime's default memory layout it rests on.
//!
//! With the default configuration (signals-based traps, 4 GiB reservation and
//! a guard region after it) wasmtime emits no bounds check for an access whose
//! static offset fits the guard: the heap base is read from the instance
//! context, the address is `base + zext(a) + offset`, and an out-of-bounds
//! access faults on an unmapped page, which the runtime turns into the trap.
//! What is proved, for every heap base, every memory size within the module's
//! limits, and every address operand:
//! - unless CLIF traps explicitly, the access is active, of Wasm's width, at
//!   `base + ea` (`ea` = zero-extended address + offset), and ends within the
//!   reserved region `[base, base + reservation + guard)` (the sandbox);
//! - Wasm traps (ea + width > memory size) iff CLIF traps explicitly or the
//!   access reaches past the accessible `memory size` bytes, i.e. into the
//!   mapped-inaccessible part of the reservation or the guard region, where
//!   it faults;
//! - when Wasm does not trap, a load returns the bytes read (`loaded_value`,
//!   little-endian as the host reads them) extended as Wasm extends them, and
//!   a store writes the low bytes of Wasm's operand.
//!
//! Linear memory byte `i` living at host address `base + i` is wasmtime's
//! layout invariant, taken as given: it is what "the bytes read" means.

use crate::catalog::{Access, MemArg, ValType};
use crate::sym::bv_lit;
use wasmtime_environ::{OwnedMemoryIndex, Tunables, VMOffsets, VMOffsetsFields};

/// Bytes reserved for a linear memory plus the guard region after it, from
/// wasmtime's own default tunables for this host.
pub fn reserved_bytes() -> u64 {
    let t = Tunables::default_host();
    t.memory_reservation + t.memory_guard_size
}

/// The vmctx offset of the heap base of the module's only memory (defined,
/// owned, nothing imported), from wasmtime's own vmctx layout.
pub fn heap_base_offset() -> i32 {
    heap_base_offset_in(0, 1)
}

/// The vmctx offset of the heap base of the first defined (owned) memory of
/// a module with `imported` imported and `defined` defined memories. The
/// vmctx lays out imported memories, then defined ones, then owned ones
/// before anything else, so other counts do not move it.
pub fn heap_base_offset_in(imported: u32, defined: u32) -> i32 {
    let fields = VMOffsetsFields {
        ptr: 8u8,
        num_imported_functions: 0,
        num_imported_tables: 0,
        num_imported_memories: imported,
        num_imported_globals: 0,
        num_imported_tags: 0,
        num_defined_tables: 0,
        num_defined_memories: defined,
        num_owned_memories: defined,
        num_defined_globals: 0,
        num_defined_tags: 0,
        num_escaped_funcs: 1,
        num_runtime_data: 0,
        has_startup_func: false,
    };
    VMOffsets::from(fields).vmctx_vmmemory_definition_base(OwnedMemoryIndex::from_u32(0)) as i32
}

/// Name of the free memory size (bytes) of the root term.
pub const MEM_SIZE: &str = "wasm_mem_size";

/// The module's limits on the memory size: `(memory 1)`, no maximum, so
/// 1 to 65536 pages of 64 KiB.
pub fn mem_size_requires() -> Vec<String> {
    mem_size_requires_in(1, None)
}

/// The memory size for limits of `min` pages and at most `max` (64 KiB
/// pages; a 32-bit memory has at most 65536).
pub fn mem_size_requires_in(min: u64, max: Option<u64>) -> Vec<String> {
    let max = max.unwrap_or(1 << 16).min(1 << 16);
    vec![
        format!("(bvule {} {MEM_SIZE})", bv_lit(64, min << 16)),
        format!("(bvule {MEM_SIZE} {})", bv_lit(64, max << 16)),
        format!("(= (extract 15 0 {MEM_SIZE}) #x0000)"),
    ]
}

/// One heap access as spec text: `addr` is the Wasm address operand's term,
/// `base` the heap base input.
pub struct AccessTerms {
    /// Wasm's out-of-bounds condition: `ea + width > memory size`.
    pub oob: String,
    /// CLIF's access faults: it reaches past the accessible bytes.
    pub fault: String,
    /// What CLIF's access must be: active, of Wasm's width, at `base + ea`,
    /// ending within the reserved region.
    pub facts: String,
}

/// The effective address `zext(addr) + offset`, 64 bits.
fn effective_address(m: &MemArg, addr: &str) -> String {
    format!("(bvadd (zero_ext 64 {addr}) {})", bv_lit(64, m.offset))
}

/// Wasm's out-of-bounds condition for the access at `addr`.
pub fn out_of_bounds(m: &MemArg, addr: &str) -> String {
    let (_, bytes) = state_of(m);
    format!("(bvugt (bvadd {} {}) {MEM_SIZE})", effective_address(m, addr), bv_lit(64, bytes as u64))
}

pub fn access_terms(m: &MemArg, addr: &str, base: &str) -> AccessTerms {
    let (state, bytes) = state_of(m);
    let ea = effective_address(m, addr);
    let width = bv_lit(64, bytes as u64);
    let reserved = bv_lit(64, reserved_bytes());
    let rel = format!("(bvsub (:addr {state}) {base})");
    AccessTerms {
        oob: out_of_bounds(m, addr),
        fault: format!("(bvugt (bvadd {rel} {width}) {MEM_SIZE})"),
        facts: format!(
            "(and (:active {state}) (= (:size_bits {state}) {bits}) (= (:addr {state}) (bvadd {base} {ea})) (bvule (bvadd {rel} {width}) {reserved}))",
            bits = bytes * 8
        ),
    }
}

fn state_of(m: &MemArg) -> (&'static str, u32) {
    match m.access {
        Access::Load { bytes, .. } => ("clif_load", bytes),
        Access::Store { bytes } => ("clif_store", bytes),
    }
}

/// A load's value as Wasm extends it to `result` (from the bytes read,
/// `loaded_value`).
pub fn loaded_value(m: &MemArg, result: ValType) -> String {
    let (_, bytes) = state_of(m);
    let bits = bytes * 8;
    let signed = matches!(m.access, Access::Load { signed: true, .. });
    let low = format!("(extract {} 0 loaded_value)", bits - 1);
    if bits == result.bits() {
        low
    } else {
        format!("({} {} {low})", if signed { "sign_ext" } else { "zero_ext" }, result.bits())
    }
}

/// A store writes the low bytes of `value`.
pub fn stored_value(m: &MemArg, value: &str) -> String {
    let (_, bytes) = state_of(m);
    format!("(= (extract {b} 0 (:value clif_store)) (extract {b} 0 {value}))", b = bytes * 8 - 1)
}

/// The provided facts of the op: `args` are the Wasm operands' spec names
/// (address first), `base` the heap base input, `result` the op's result type.
pub fn mem_provides(m: &MemArg, args: &[String], base: &str, result: ValType) -> String {
    let a = access_terms(m, &args[0], base);
    let value = match m.access {
        Access::Load { .. } => format!("(= result {})", loaded_value(m, result)),
        Access::Store { .. } => stored_value(m, &args[1]),
    };
    format!(
        "(and (=> (not clif_trap) {facts}) (= {oob} (or clif_trap {fault})) (=> (not {oob}) {value}))",
        facts = a.facts,
        oob = a.oob,
        fault = a.fault,
    )
}
