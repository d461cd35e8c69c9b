#!/bin/bash
# ClusterFuzzLite / OSS-Fuzz build: every cargo-fuzz target in
# fuzz/fuzz_targets/ is built and copied to $OUT with its seed corpus
# ($OUT/<target>_seed_corpus.zip), dictionary and options file.
#
# Environment:
#   OUT, SRC       set by the builder image (set them yourself for a local run)
#   SAFFRON_ROOT   the repository (default: $SRC/saffron)
#   SANITIZER      address | undefined | coverage | none (default: none, which
#                  works on a stable toolchain; the others need nightly)
#   DRY_RUN=1      print the plan (one line per target) without building
#
# The target list is the directory fuzz/fuzz_targets/ itself, so a new target
# cannot be left out; a target without a seed/dictionary entry below stops
# the build instead of being skipped.
set -euo pipefail

: "${OUT:?set OUT to the output directory}"
ROOT="${SAFFRON_ROOT:-${SRC:?set SRC or SAFFRON_ROOT}/saffron}"
CFL="$ROOT/.clusterfuzzlite"
SANITIZER="${SANITIZER:-none}"
DRY_RUN="${DRY_RUN:-0}"

# Seed directories (relative to ROOT) and dictionary of each target. Seeds
# are the repository's own data; nothing is fetched.
plan_for() {
  case "$1" in
    decode_wasm)     SEEDS="fuzz/regressions"; DICT=wasm.dict; HEX_SEEDS="" ;;
    diff_module)     SEEDS=""; DICT=""; HEX_SEEDS="fuzz/regressions" ;;
    parse_wast)      SEEDS="semantics/benches/wat"; DICT=wast.dict; HEX_SEEDS="" ;;
    parse_isle_spec) SEEDS="isle-rules verifier/tests/filetests"; DICT=isle.dict; HEX_SEEDS="" ;;
    *) echo "build.sh: fuzz target '$1' has no seed/dictionary entry in build.sh" >&2; exit 1 ;;
  esac
}

TARGETS=()
for src in "$ROOT"/fuzz/fuzz_targets/*.rs; do
  TARGETS+=("$(basename "$src" .rs)")
done

for t in "${TARGETS[@]}"; do
  plan_for "$t"
  if [ "$DRY_RUN" = 1 ]; then
    echo "target $t dict=${DICT:-none} options=$t.options seeds=[${SEEDS}] hex-seeds=[${HEX_SEEDS}]"
  fi
done
if [ "$DRY_RUN" = 1 ]; then exit 0; fi

case "$SANITIZER" in
  none) SAN_FLAG=(-s none) ;;
  address|undefined|memory|thread) SAN_FLAG=(-s "$SANITIZER") ;;
  # Coverage builds: the builder image's cargo wrapper adds the flags.
  coverage|introspector) SAN_FLAG=(-s none) ;;
  *) echo "build.sh: unknown SANITIZER '$SANITIZER'" >&2; exit 2 ;;
esac

# The verifier links the system libz3; the fuzzing runner image does not
# have it, so it ships in $OUT/lib and the binaries look there first.
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-rpath,\$ORIGIN/lib"
TARGET_DIR="${CARGO_FUZZ_TARGET_DIR:-$ROOT/target/cargo-fuzz}"
cd "$ROOT"
# No target named: cargo-fuzz builds every [[bin]] of fuzz/Cargo.toml (the
# test checks those are exactly fuzz/fuzz_targets/).
cargo fuzz build -O "${SAN_FLAG[@]}" --target-dir "$TARGET_DIR"
TRIPLE="$(rustc -vV | sed -n 's/^host: //p')"
BIN_DIR="$TARGET_DIR/$TRIPLE/release"

mkdir -p "$OUT/lib"
OUT="$(cd "$OUT" && pwd)"
for t in "${TARGETS[@]}"; do
  plan_for "$t"
  [ -x "$BIN_DIR/$t" ] || { echo "build.sh: $BIN_DIR/$t was not built" >&2; exit 1; }
  cp "$BIN_DIR/$t" "$OUT/$t"
  cp "$CFL/options/$t.options" "$OUT/$t.options"
  [ -n "$DICT" ] && cp "$CFL/dictionaries/$DICT" "$OUT/$t.dict"

  corpus="$(mktemp -d)"
  for dir in $SEEDS; do
    # Seed files by kind; decode_wasm's crash regressions have no extension.
    find "$ROOT/$dir" -type f \( -name '*.wasm' -o -name '*.wat' -o -name '*.wast' -o -name '*.isle' \
      -o -path '*/decode_wasm/*' \) -exec cp -t "$corpus" {} +
  done
  for dir in $HEX_SEEDS; do
    # Regression descriptions hold the original fuzz input as hex.
    for json in "$ROOT/$dir"/*.json; do
      [ -e "$json" ] || continue
      python3 - "$json" "$corpus/$(basename "$json" .json)" <<'PY'
import json, sys
hexed = json.load(open(sys.argv[1])).get("input_hex", "")
if hexed:
    open(sys.argv[2], "wb").write(bytes.fromhex(hexed))
PY
    done
  done
  if [ -n "$(ls -A "$corpus")" ]; then
    tmpzip="$OUT/.${t}_seed_corpus.zip.tmp"
    rm -f "$tmpzip"
    (cd "$corpus" && zip -q -r "$tmpzip" .)
    mv "$tmpzip" "$OUT/${t}_seed_corpus.zip"
  fi
  rm -rf "$corpus"
done

# Shared libraries the binaries need that a bare runner image lacks.
for lib in $(ldd "${TARGETS[@]/#/$OUT/}" 2>/dev/null | awk '/libz3/ {print $3}' | sort -u); do
  cp -L "$lib" "$OUT/lib/"
done
echo "build.sh: built ${#TARGETS[@]} targets into $OUT: ${TARGETS[*]}"
