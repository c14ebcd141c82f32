/** Runs the `vph` command line from the sources, as a user would, and splits its output. */
import { spawnSync } from 'node:child_process';
import { projectPath } from '../../core/paths.js';

/** Exit code, stdout, stderr and the `error:` lines of one `vph` run. */
export function runVph(...args: string[]) {
  const result = spawnSync('npx', ['tsx', projectPath('cli/vph.ts'), ...args], {
    cwd: projectPath(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, errorLines };
}
