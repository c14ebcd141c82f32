/**
 * The `--out DIR` folder of the commands that write results, checked before any long work: it is
 * created level by level, proved writable with a probe file, and cleared of the results of an
 * earlier run, so that a bad folder fails at once with one line instead of after the solve, and a
 * failed run cannot leave older results looking current.
 *
 * Each missing level is created on its own rather than with a recursive mkdir, which never returns
 * under /proc on Node 20.
 */
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';

function errorCode(error: unknown): string {
  return (error as { code?: string }).code ?? (error instanceof Error ? error.message : 'failed');
}

/**
 * Makes `outDir` an existing, writable folder and removes the files `resultNames` from it.
 * Throws a {@link UserError} naming `--out` and the folder when that cannot be done.
 */
export function prepareOutputFolder(outDir: string, resultNames: readonly string[]): void {
  if (outDir.trim() === '') throw new UserError(`--out: '${outDir}' is not a folder name`);
  const folder = resolve(outDir);
  const missing: string[] = [];
  let existing = folder;
  while (!existsSync(existing) && dirname(existing) !== existing) {
    missing.unshift(existing);
    existing = dirname(existing);
  }

  let isFolder: boolean;
  try {
    isFolder = statSync(existing).isDirectory();
  } catch (error) {
    throw new UserError(`--out: '${outDir}' cannot be checked (${errorCode(error)})`);
  }
  if (!isFolder) {
    throw new UserError(`--out: '${outDir}' is not a folder: ${existing} is a file`);
  }

  try {
    for (const level of missing) mkdirSync(level);
    const probe = join(folder, `.vph-write-check-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
    for (const name of resultNames) rmSync(join(folder, name), { force: true });
  } catch (error) {
    throw new UserError(`--out: '${outDir}' is not a writable folder (${errorCode(error)})`);
  }
}
