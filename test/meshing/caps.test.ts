import { describe, expect, it } from 'vitest';
import { VoxelRegion } from '../../input/volume.js';
import { labelledCapsAxis } from '../../meshing/axis.js';
import { capModulusMpa, capPoissonRatio, layoutCaps } from '../../meshing/caps.js';
import { diagonalAffine, syntheticImage } from './fixtures.js';

// A body of radius R = 12 mm between concave endplates: the top surface is
// z = 28 + 2 (r/R)^2 (2 mm deep in the middle), the bottom z = 12 - 2 (r/R)^2; 1 mm voxels with
// centres at half-integers.
const R = 12;
const centre = 20;
const inBody = (x: number, y: number, z: number) => {
  const q = ((x - centre) ** 2 + (y - centre) ** 2) / (R * R);
  return q <= 1 && z < 28 + 2 * q && z > 12 - 2 * q;
};
const dims: [number, number, number] = [40, 40, 40];
const affine = diagonalAffine([1, 1, 1], [0.5, 0.5, 0.5]);
const options = { capThicknessMm: 3, clearanceMm: 3, maxDepthMm: 10 };

describe('layoutCaps', () => {
  it('puts the planes at the body extremes plus the thickness and fills the concavity', () => {
    const image = syntheticImage(dims, affine, (i, j, k) => ({
      region: inBody(i + 0.5, j + 0.5, k + 0.5) ? VoxelRegion.BodyTrabecular : 0,
      density: 0,
    }));
    const layout = layoutCaps(image, image.regions, [0, 0, 1], options);

    // body voxel centres reach z = 29.5 and 10.5; voxel faces 30 and 10; plus 3 mm of cement
    expect(layout.planes.superiorMm).toBeCloseTo(33, 9);
    expect(layout.planes.inferiorMm).toBeCloseTo(7, 9);
    expect(layout.planes.heightMm).toBeCloseTo(26, 9);
    expect(layout.labelledCapVoxels).toBe(0);

    // cement volume under each plane: pi R^2 * 3 mm (slab) + pi R^2 * 1 mm (the paraboloid dent
    // of depth 2 mm holds half its cylinder): 4 pi R^2 = 1809.6 mm3
    const expected = 4 * Math.PI * R * R;
    let superior = 0;
    let inferior = 0;
    for (let k = 0; k < dims[2]; k++) {
      for (let v = k * 1600; v < (k + 1) * 1600; v++) {
        if (layout.regions[v] === VoxelRegion.CapSuperior && k + 0.5 < 33) superior++;
        if (layout.regions[v] === VoxelRegion.CapInferior && k + 0.5 > 7) inferior++;
      }
    }
    expect(Math.abs(superior / expected - 1)).toBeLessThan(0.05);
    expect(Math.abs(inferior / expected - 1)).toBeLessThan(0.05);
    // caps never replace bone, and reach two voxels past the planes
    for (let v = 0; v < image.regions.length; v++) {
      if (image.regions[v] !== 0) expect(layout.regions[v]).toBe(image.regions[v]);
    }
    expect(layout.regions[20 + 40 * (20 + 40 * 34)]).toBe(VoxelRegion.CapSuperior);
    expect(layout.regions[20 + 40 * (20 + 40 * 36)]).toBe(0);
  });

  it('keeps the caps clear of posterior voxels and completes labelled caps', () => {
    // a posterior bar 2 mm behind the body, taller than the body; a labelled cap slab on top
    const image = syntheticImage(dims, affine, (i, j, k) => {
      const [x, y, z] = [i + 0.5, j + 0.5, k + 0.5];
      if (inBody(x, y, z)) return { region: VoxelRegion.BodyTrabecular, density: 0 };
      if (y < centre - R - 2 && y > centre - R - 7 && Math.abs(x - centre) < 4 && z > 5 && z < 36) {
        return { region: VoxelRegion.PosteriorCortical, density: 0 };
      }
      if (z > 30 && z < 33 && Math.hypot(x - centre, y - centre) < 6) {
        return { region: VoxelRegion.CapSuperior, density: 0 };
      }
      return { region: 0, density: 0 };
    });
    const layout = layoutCaps(image, image.regions, [0, 0, 1], options);
    expect(layout.labelledCapVoxels).toBeGreaterThan(0);
    expect(layout.generatedCapVoxels).toBeGreaterThan(0);
    expect(layout.clearedCapVoxels).toBeGreaterThan(0);

    const index = (i: number, j: number, k: number) => i + 40 * (j + 40 * k);
    let tooClose = 0;
    for (let k = 0; k < 40; k++) {
      for (let j = 0; j < 40; j++) {
        for (let i = 0; i < 40; i++) {
          const r = layout.regions[index(i, j, k)];
          if (r !== VoxelRegion.CapSuperior && r !== VoxelRegion.CapInferior) continue;
          // no posterior voxel within 3 mm (Euclidean between centres)
          for (let dk = -3; dk <= 3; dk++) {
            for (let dj = -3; dj <= 3; dj++) {
              for (let di = -3; di <= 3; di++) {
                if (di * di + dj * dj + dk * dk > 9) continue;
                const [a, b, c] = [i + di, j + dj, k + dk];
                if (a < 0 || b < 0 || c < 0 || a >= 40 || b >= 40 || c >= 40) continue;
                if (layout.regions[index(a, b, c)] === VoxelRegion.PosteriorCortical) tooClose++;
              }
            }
          }
        }
      }
    }
    expect(tooClose).toBe(0);
  });

  it('uses the cement of the design brief', () => {
    expect(capModulusMpa).toBe(2500);
    expect(capPoissonRatio).toBe(0.3);
  });
});

describe('labelledCapsAxis', () => {
  it('returns the normal of two tilted slabs, from the inferior to the superior one', () => {
    // slabs 2 mm thick, 30 mm wide, normal n tilted 10 degrees about x, 20 mm apart
    const t = (10 * Math.PI) / 180;
    const n = [0, -Math.sin(t), Math.cos(t)];
    const inferior = new Uint8Array(60 * 60 * 60);
    const superior = new Uint8Array(60 * 60 * 60);
    const grid = syntheticImage([60, 60, 60], diagonalAffine([1, 1, 1], [-30, -30, -30]), () => ({
      region: 0,
      density: 0,
    }));
    for (let k = 0; k < 60; k++) {
      for (let j = 0; j < 60; j++) {
        for (let i = 0; i < 60; i++) {
          const p = [i - 30, j - 30, k - 30];
          const s = p[0] * n[0] + p[1] * n[1] + p[2] * n[2];
          const lateral = Math.hypot(p[0], p[1] - s * n[1], p[2] - s * n[2]);
          if (lateral > 15) continue;
          if (Math.abs(s + 10) <= 1) inferior[i + 60 * (j + 60 * k)] = 1;
          if (Math.abs(s - 10) <= 1) superior[i + 60 * (j + 60 * k)] = 1;
        }
      }
    }
    const axis = labelledCapsAxis(grid, inferior, superior)!;
    const dot = axis[0] * n[0] + axis[1] * n[1] + axis[2] * n[2];
    expect((Math.acos(Math.min(1, dot)) * 180) / Math.PI).toBeLessThan(1);
    expect(labelledCapsAxis(grid, superior, inferior)![2]).toBeLessThan(0);
  });
});
