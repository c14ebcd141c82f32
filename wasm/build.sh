#!/usr/bin/env bash
# Builds the Rust PCG kernel for wasm32-unknown-unknown with Debian's toolchain (rustc 1.63,
# /usr/bin) into wasm/pkg/vph_kernel.wasm. Skips the build when the output is newer than every
# source file.
set -euo pipefail
cd "$(dirname "$0")"
[ -f Cargo.toml ] || { echo "wasm/build.sh: no Cargo.toml in wasm/" >&2; exit 1; }
out=pkg/vph_kernel.wasm
if [ -f "$out" ] && [ -z "$(find src Cargo.toml build.sh -newer "$out" 2>/dev/null)" ]; then
  exit 0
fi
RUSTC=/usr/bin/rustc RUSTFLAGS="-C target-feature=+simd128" \
  /usr/bin/cargo build --release --target wasm32-unknown-unknown --lib --quiet
mkdir -p pkg
cp target/wasm32-unknown-unknown/release/vph_kernel.wasm "$out"
