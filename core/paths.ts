/**
 * Locations of the project's non-TypeScript assets (WGSL shaders, the WebAssembly kernel, the
 * bundled samples), found from this module's own location so that they resolve the same way
 * from the sources (tests, tsx) and from the compiled `dist/` tree.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'shaders'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('project root (package.json beside shaders/) not found');
    dir = parent;
  }
}

/** Absolute path of the repository (package) root. */
export const projectRoot: string = findRoot();

/** Absolute path of a WGSL shader in `shaders/`. */
export function shaderPath(fileName: string): string {
  return join(projectRoot, 'shaders', fileName);
}

/** Absolute path of a file under the project root. */
export function projectPath(...parts: string[]): string {
  return join(projectRoot, ...parts);
}
