/**
 * The same irregular, two-material mesh solved by this code and by CalculiX (`ccx`, C3D4
 * elements, its direct SPOOLES solver), compared on every displacement and on the reaction.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleStiffness, internalForces } from '../../solver/fem/assembly.js';
import { compressionConditions, eliminateDirichlet } from '../../solver/fem/boundaryConditions.js';
import { buildMeshSparsity } from '../../solver/fem/sparsity.js';
import { solvePcg } from '../../solver/jsSolver.js';
import { boxMesh, nodesWhere, seededRandom } from './boxMesh.js';

const hasCcx = spawnSync('ccx', ['-v'], { encoding: 'utf8' }).error === undefined;

/** Minimal CalculiX deck: one material per element, prescribed components, U and RF printed. */
function deck(
  nodes: Float64Array,
  tets: Uint32Array,
  modulus: Float64Array,
  nu: number,
  dofs: Uint32Array,
  values: Float64Array,
): string {
  const lines = ['*NODE'];
  for (let n = 0; n < nodes.length / 3; n++) {
    lines.push(`${n + 1}, ${nodes[3 * n]}, ${nodes[3 * n + 1]}, ${nodes[3 * n + 2]}`);
  }
  for (let e = 0; e < tets.length / 4; e++) {
    const t = Array.from(tets.subarray(4 * e, 4 * e + 4), (n) => n + 1);
    lines.push(`*ELEMENT, TYPE=C3D4, ELSET=E${e + 1}`, `${e + 1}, ${t.join(', ')}`);
    lines.push(`*MATERIAL, NAME=M${e + 1}`, '*ELASTIC', `${modulus[e]}, ${nu}`);
    lines.push(`*SOLID SECTION, ELSET=E${e + 1}, MATERIAL=M${e + 1}`);
  }
  const all = Array.from({ length: nodes.length / 3 }, (_, n) => n + 1);
  lines.push('*NSET, NSET=NOUT');
  for (let k = 0; k < all.length; k += 8) lines.push(all.slice(k, k + 8).join(', '));
  lines.push('*BOUNDARY');
  for (let k = 0; k < dofs.length; k++) {
    const node = Math.floor(dofs[k] / 3) + 1;
    const c = (dofs[k] % 3) + 1;
    lines.push(`${node}, ${c}, ${c}, ${values[k]}`);
  }
  lines.push('*STEP', '*STATIC', '*NODE PRINT, NSET=NOUT', 'U, RF', '*END STEP', '');
  return lines.join('\n');
}

/** Reads the blocks of the .dat file: 'displacements' and 'forces' tables by node. */
function readDat(text: string, nodeCount: number): { u: Float64Array; rf: Float64Array } {
  const u = new Float64Array(3 * nodeCount);
  const rf = new Float64Array(3 * nodeCount);
  let target: Float64Array | null = null;
  for (const line of text.split('\n')) {
    if (line.includes('displacements')) target = u;
    else if (line.includes('forces')) target = rf;
    const fields = line.trim().split(/\s+/);
    if (target && fields.length === 4 && /^\d+$/.test(fields[0])) {
      const n = Number(fields[0]) - 1;
      for (let c = 0; c < 3; c++) target[3 * n + c] = Number(fields[c + 1]);
    }
  }
  return { u, rf };
}

describe.skipIf(!hasCcx)('agreement with CalculiX', () => {
  it('gives the same displacements (1e-6 relative) and reaction force', () => {
    const mesh = boxMesh([3, 3, 4], [9, 8, 10], 0.2, 21);
    const tetCount = mesh.tets.length / 4;
    const random = seededRandom(4);
    const modulus = Float64Array.from({ length: tetCount }, () => 50 + 3000 * random());
    const nu = 0.3;
    const axisLength = Math.hypot(0.1, -0.2, 1);
    const axis: [number, number, number] = [0.1 / axisLength, -0.2 / axisLength, 1 / axisLength];
    const fixed = nodesWhere(mesh, 2, 0);
    const loaded = nodesWhere(mesh, 2, 10);
    const bc = compressionConditions(fixed, loaded, axis, 0.02);

    // This code.
    const materials = {
      youngsModulusMpa: modulus,
      poissonRatio: new Float64Array(tetCount).fill(nu),
    };
    const matrix = assembleStiffness(mesh, buildMeshSparsity(mesh), materials);
    const rhs = eliminateDirichlet(matrix, bc);
    const { x } = solvePcg(matrix, rhs, { relativeTolerance: 1e-12, maxIterations: 10000 });
    const forces = internalForces(mesh, materials, x);

    // CalculiX.
    const dir = mkdtempSync(join(tmpdir(), 'vph-ccx-'));
    try {
      writeFileSync(
        join(dir, 'job.inp'),
        deck(mesh.nodes, mesh.tets, modulus, nu, bc.dofs, bc.valuesMm),
      );
      const run = spawnSync('ccx', ['-i', 'job'], { cwd: dir, encoding: 'utf8' });
      expect(run.status).toBe(0);
      const { u, rf } = readDat(readFileSync(join(dir, 'job.dat'), 'utf8'), mesh.nodes.length / 3);

      let diff = 0;
      let norm = 0;
      for (let k = 0; k < x.length; k++) {
        diff += (x[k] - u[k]) ** 2;
        norm += u[k] ** 2;
      }
      expect(Math.sqrt(diff / norm)).toBeLessThan(1e-6);

      let ours = 0;
      let theirs = 0;
      for (const n of loaded) {
        for (let c = 0; c < 3; c++) {
          ours += forces[3 * n + c] * axis[c];
          theirs += rf[3 * n + c] * axis[c];
        }
      }
      expect(Math.abs(ours - theirs) / Math.abs(theirs)).toBeLessThan(1e-5);
      expect(theirs).toBeLessThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
