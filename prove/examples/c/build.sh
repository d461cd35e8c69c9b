#!/bin/sh
# Builds the C programs `saffron prove` is tried on (flags as semantics/benches/c/build.sh).
set -eu
cd "$(dirname "$0")"
for src in *.c; do
    clang --target=wasm32 -O2 -ffreestanding -nostdlib \
        -Wl,--no-entry -Wl,-z,stack-size=65536 \
        -o "${src%.c}.wasm" "$src"
done
