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
    let fields = VMOffsetsFields {
        ptr: 8u8,
        num_imported_functions: 0,
        num_imported_tables: 0,
        num_imported_memories: 0,
        num_imported_globals: 0,
        num_imported_tags: 0,
        num_defined_tables: 0,
        num_defined_memories: 1,
        num_owned_memories: 1,
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
    vec![
        format!("(bvule {} {MEM_SIZE})", bv_lit(64, 1 << 16)),
        format!("(bvule {MEM_SIZE} {})", bv_lit(64, 1 << 32)),
        format!("(= (extract 15 0 {MEM_SIZE}) #x0000)"),
    ]
}

/// The provided facts of the op: `args` are the Wasm operands' spec names
/// (address first), `base` the heap base input, `result` the op's result type.
pub fn mem_provides(m: &MemArg, args: &[String], base: &str, result: ValType) -> String {
    let (state, bytes) = match m.access {
        Access::Load { bytes, .. } => ("clif_load", bytes),
        Access::Store { bytes } => ("clif_store", bytes),
    };
    let bits = bytes * 8;
    let ea = format!("(bvadd (zero_ext 64 {}) {})", args[0], bv_lit(64, m.offset));
    let width = bv_lit(64, bytes as u64);
    let reserved = bv_lit(64, reserved_bytes());
    let value = match m.access {
        Access::Load { signed, .. } => {
            let low = format!("(extract {} 0 loaded_value)", bits - 1);
            let v = if bits == result.bits() {
                low
            } else {
                format!("({} {} {low})", if signed { "sign_ext" } else { "zero_ext" }, result.bits())
            };
            format!("(= result {v})")
        }
        Access::Store { .. } => {
            format!("(= (extract {b} 0 (:value clif_store)) (extract {b} 0 {}))", args[1], b = bits - 1)
        }
    };
    format!(
        "(let ((ea {ea}) (oob (bvugt (bvadd ea {width}) {MEM_SIZE})) (rel (bvsub (:addr {state}) {base}))) \
         (and (=> (not clif_trap) (and (:active {state}) (= (:size_bits {state}) {bits}) \
         (= (:addr {state}) (bvadd {base} ea)) (bvule (bvadd rel {width}) {reserved}))) \
         (= oob (or clif_trap (bvugt (bvadd rel {width}) {MEM_SIZE}))) \
         (=> (not oob) {value})))"
    )
}
