#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a result: installs the Debian packages
# (scripts/setup-system.sh), the npm packages, builds the WebAssembly kernel and the TypeScript,
# links the `vph` command, then solves the bundled VerSe L2 sample. Idempotent and quick when
# everything is already in place. Pass --no-run to stop after building.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh

# npm ci only when package-lock.json changed since the last install.
stamp=node_modules/.vph-lock-hash
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  npm ci --no-audit --no-fund
  echo "$lock_hash" > "$stamp"
fi

npm run --silent build
npm link --no-audit --no-fund >/dev/null 2>&1 || true

if [ "${1:-}" != "--no-run" ]; then
  node dist/cli/vph.js solve data/verse004-L2/density.nii.gz \
    --mask data/verse004-L2/labels.nii.gz --input-units density --load-level L2 --out out/verse004-L2
fi
