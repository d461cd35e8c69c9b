// Evidence for the `MInst.IntToFpu` correction in ../aarch64_corrections.isle.
// Runs on an aarch64 machine, or here under user-mode emulation
// (Debian packages qemu-user and binutils-aarch64-linux-gnu):
//
//   aarch64-linux-gnu-as aarch64_int_to_fpu.s -o t.o && aarch64-linux-gnu-ld t.o -o t
//   qemu-aarch64 ./t | od -An -tx4
//
// prints `5a000003 5a000003`: both conversions of the whole 64-bit integer
// (9007202475966464.0); the shipped spec says #x4f210000 (the conversion of
// the low 32 bits, #xa1000000). Recorded 2026-12-06 with Debian's qemu-user.
//
// Converts one 64-bit integer to f32 with ucvtf and scvtf (the instructions
// aarch64 lowers fcvt_from_uint/fcvt_from_sint i64 -> f32 to) and writes
// the two f32 bit patterns to stdout, little-endian.
    .global _start
    .text
_start:
    ldr x0, =0x00200000a1000000
    ucvtf s0, x0
    scvtf s1, x0
    adr x2, out
    str s0, [x2]
    str s1, [x2, #4]
    mov x0, #1          // fd stdout
    mov x1, x2
    mov x2, #8
    mov x8, #64         // write
    svc #0
    mov x0, #0
    mov x8, #93         // exit
    svc #0
    .data
out: .space 8
