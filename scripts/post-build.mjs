// Marks the compiled CLI entry point executable after `tsc`.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/cli/vph.js', import.meta.url), 0o755);
