/**
 * The native bandwidth probe: bench/native/copy_probe.rs (a memcpy per thread) compiled with
 * Debian's rustc at -O3 for this CPU into bench/.build/, rebuilt when the source is newer.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { projectPath } from '../../core/paths.js';
import { cpuName } from './jsCopy.js';
import { probeResult, type ProbeResult } from './probe.js';

/** The Rust compiler used for the probe (Debian's). */
export const rustcPath = '/usr/bin/rustc';

/** Path of the compiled probe, building it first when missing or stale. */
export function nativeCopyProbeBinary(): string {
  const source = projectPath('bench', 'native', 'copy_probe.rs');
  const binary = projectPath('bench', '.build', 'copy_probe');
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return binary;
  mkdirSync(projectPath('bench', '.build'), { recursive: true });
  execFileSync(rustcPath, [
    '-C',
    'opt-level=3',
    '-C',
    'target-cpu=native',
    '--edition',
    '2021',
    '-o',
    binary,
    source,
  ]);
  return binary;
}

/** Runs the native copy probe with `threads` threads, each copying `arrayBytes` bytes. */
export function runNativeCopyProbe(
  arrayBytes: number,
  threads: number,
  repeats: number,
): ProbeResult {
  const binary = nativeCopyProbeBinary();
  const output = execFileSync(binary, [String(arrayBytes), String(threads), String(repeats)], {
    encoding: 'utf8',
  });
  const line = JSON.parse(output.trim()) as { bytesPerThread: number; bestMs: number };
  return probeResult({
    id: `native-copy-${threads}t`,
    device: cpuName(),
    method: `Rust copy_from_slice (memcpy), ${threads} thread(s), best of ${repeats}`,
    arrayBytes: threads * line.bytesPerThread,
    timePerCopyMs: line.bestMs,
    threads,
  });
}
