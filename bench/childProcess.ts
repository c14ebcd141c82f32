/**
 * Running one benchmark job in a child process (bench/runChild.ts) with a time limit, and the
 * one-line messages the runner prints.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChildJob } from './runChild.js';

const childScript = fileURLToPath(new URL('./runChild.ts', import.meta.url));

/** Prints one progress line of the benchmark on stderr. */
export function note(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/** The first line of an error's message. */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split('\n')[0] ?? '';
}

/** The last non-empty line of a text (a child's error comes after any warnings). */
function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop() ?? '';
}

/** A child's parsed result, or the reason it produced none. */
export type ChildOutcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Runs a child job, stopping it after `timeoutS` seconds. */
export function runChild<T>(job: ChildJob, timeoutS: number): ChildOutcome<T> {
  const args = ['--import', 'tsx', childScript, JSON.stringify(job)];
  const child = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    timeout: timeoutS * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });

  if (child.error && /ETIMEDOUT/.test(String(child.error))) {
    return { ok: false, reason: `timed out after ${timeoutS} s` };
  }
  if (child.status !== 0) {
    const why = child.signal ? `killed by ${child.signal}` : `exit ${child.status}`;
    return { ok: false, reason: `${why}: ${lastLine(child.stderr ?? '')}`.slice(0, 300) };
  }
  return { ok: true, value: JSON.parse(readFileSync(job.resultPath, 'utf8')) as T };
}
