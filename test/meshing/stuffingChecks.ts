import { expect } from 'vitest';

import { boundaryTriangles } from '../../meshing/quality.js';
import { TET_FACES } from '../../meshing/components.js';
import type { TetMesh } from '../../meshing/tetMesh.js';

/**
 * Checks that `mesh` conforms and is closed: no face is shared by more than two elements, and
 * on the boundary every directed edge is matched by its reverse as often as itself (the boundary
 * of a union of positively oriented tetrahedra is a closed, consistently oriented surface).
 */
export function expectConformingAndClosed(mesh: TetMesh): void {
  const faceUse = new Map<string, number>();
  for (let t = 0; t < mesh.tets.length; t += 4) {
    for (const face of TET_FACES) {
      const key = face
        .map((k) => mesh.tets[t + k])
        .sort((a, b) => a - b)
        .join(',');
      faceUse.set(key, (faceUse.get(key) ?? 0) + 1);
    }
  }
  for (const count of faceUse.values()) expect(count).toBeLessThanOrEqual(2);

  const triangles = boundaryTriangles(mesh);
  const directed = new Map<string, number>();
  for (let t = 0; t < triangles.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const key = `${triangles[t + k]},${triangles[t + ((k + 1) % 3)]}`;
      directed.set(key, (directed.get(key) ?? 0) + 1);
    }
  }
  for (const [key, count] of directed) {
    const [a, b] = key.split(',');
    expect(directed.get(`${b},${a}`)).toBe(count);
  }
}
