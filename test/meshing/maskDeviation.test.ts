import { describe, expect, it } from 'vitest';
import type { GridGeometry } from '../../input/volume.js';
import { maskSurfaceDeviation } from '../../meshing/maskDeviation.js';

// A 4x4x4 block of mask voxels (indices 2..5) in an 8x8x8 grid with anisotropic spacing
// (1, 2, 0.5) mm and a translated origin: the mask surface is the block's faces at continuous
// indices 1.5 and 5.5 on every axis.
const spacing = [1, 2, 0.5] as const;
// prettier-ignore
const grid: GridGeometry = {
  dims: [8, 8, 8],
  spacingMm: spacing,
  voxelToWorld: Float64Array.from([
    spacing[0], 0, 0, 10,
    0, spacing[1], 0, -4,
    0, 0, spacing[2], 7,
    0, 0, 0, 1,
  ]),
};
const mask = new Uint8Array(512);
for (let k = 2; k <= 5; k++)
  for (let j = 2; j <= 5; j++) for (let i = 2; i <= 5; i++) mask[i + 8 * (j + 8 * k)] = 1;

const world = (i: number, j: number, k: number) => [
  10 + spacing[0] * i,
  -4 + spacing[1] * j,
  7 + spacing[2] * k,
];

describe('maskSurfaceDeviation', () => {
  it('measures node-to-voxel-face distances worked out by hand', () => {
    // One tetrahedron: every node is a boundary node.
    const nodes = Float64Array.from([
      ...world(1.5, 3, 3), // on the i = 1.5 face: 0 mm
      ...world(0.5, 3, 3), // one voxel outside along i: 1 * 1 mm
      ...world(3.5, 3.5, 3.5), // centre of the block: nearest face 2 voxels along k = 1 mm
      ...world(6.5, 6.5, 6.5), // beyond the corner: hypot(1 * 1, 1 * 2, 1 * 0.5) mm
    ]);
    const mesh = { nodes, tets: Uint32Array.from([0, 1, 2, 3]) };
    const corner = Math.sqrt(1 + 4 + 0.25);

    const all = maskSurfaceDeviation(mesh, grid, mask);
    expect(all.nodeCount).toBe(4);
    expect(all.beyondWindowCount).toBe(0);
    expect(all.maxMm).toBeCloseTo(corner, 12);
    expect(all.meanMm).toBeCloseTo((0 + 1 + 1 + corner) / 4, 12);

    const withoutCorner = maskSurfaceDeviation(mesh, grid, mask, (node) => node === 3);
    expect(withoutCorner.nodeCount).toBe(3);
    expect(withoutCorner.maxMm).toBeCloseTo(1, 12);
  });
});
