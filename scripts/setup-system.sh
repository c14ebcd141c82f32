#!/usr/bin/env bash
# Installs the Debian packages METASTRA-VPH needs: the Rust-to-WebAssembly toolchain,
# the software Vulkan driver (Mesa from bookworm-backports) for WebGPU without a GPU,
# and CalculiX (reference FE solver used by tests). Idempotent: quick when all is present.
set -euo pipefail

need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in rustc cargo libstd-rust-dev-wasm32 lld calculix-ccx; do
  have "$p" || need+=("$p")
done

mesa_ok() {
  have mesa-vulkan-drivers && have libvulkan1 &&
    dpkg-query -W -f='${Version}' mesa-vulkan-drivers | grep -qE '^(2[5-9]|[3-9][0-9])\.'
}

if [ ${#need[@]} -eq 0 ] && mesa_ok; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing Debian packages (${need[*]:-mesa 25}); run as root" >&2
  exit 1
fi

src=/etc/apt/sources.list.d/debian.sources
if [ -f "$src" ] && ! grep -q bookworm-backports "$src"; then
  # Add backports to the first Suites: line (the main archive entry).
  sed -i '0,/^Suites: bookworm bookworm-updates$/s//Suites: bookworm bookworm-updates bookworm-backports/' "$src"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if [ ${#need[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
if ! mesa_ok; then
  apt-get install -y -qq --no-install-recommends -t bookworm-backports \
    mesa-vulkan-drivers libvulkan1
fi
