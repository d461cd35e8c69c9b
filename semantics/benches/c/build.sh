#!/bin/sh
# Rebuilds the checked-in .wasm files of the C workloads (clang and lld from Debian 12:
# `apt-get install clang lld`). Freestanding wasm32, no libc, -O2; each exports
# `run: [i32] -> [i64]` like the WAT workloads.
set -eu
cd "$(dirname "$0")"
for src in *.c; do
    clang --target=wasm32 -O2 -ffreestanding -nostdlib \
        -Wl,--no-entry -Wl,--export=run -Wl,-z,stack-size=65536 \
        -o "${src%.c}.wasm" "$src"
done
