import { describe, expect, it } from 'vitest';
import { VoxelRegion } from '../../input/volume.js';
import { symmetricEigen3, vertebralAxis } from '../../meshing/axis.js';
import { splitVertebra } from '../../meshing/vertebralBody.js';
import { diagonalAffine, syntheticImage } from './fixtures.js';

/** Unit axis tilted by angles (rad) about x then y from +z. */
function tilted(aboutX: number, aboutY: number): [number, number, number] {
  const y = -Math.sin(aboutX);
  const z = Math.cos(aboutX);
  return [Math.sin(aboutY) * z, y, Math.cos(aboutY) * z];
}

describe('symmetricEigen3', () => {
  it('returns orthonormal eigenvectors with A v = lambda v', () => {
    const a = [4, 1, -2, 1, 3, 0.5, -2, 0.5, 6];
    const { values, vectors } = symmetricEigen3(a);
    for (let c = 0; c < 3; c++) {
      const v = [vectors[c], vectors[3 + c], vectors[6 + c]];
      for (let r = 0; r < 3; r++) {
        const av = a[3 * r] * v[0] + a[3 * r + 1] * v[1] + a[3 * r + 2] * v[2];
        expect(av).toBeCloseTo(values[c] * v[r], 10);
      }
      expect(Math.hypot(...v)).toBeCloseTo(1, 12);
    }
    // trace and determinant are invariants: 13 and det(a) by hand = 4(18-0.25) - 1(6+1) - 2(0.5+6)
    expect(values[0] + values[1] + values[2]).toBeCloseTo(13, 10);
    expect(values[0] * values[1] * values[2]).toBeCloseTo(4 * 17.75 - 7 - 13, 9);
  });
});

describe('vertebralAxis', () => {
  it('finds the axis of a tilted flat cylinder, cranial, and its angle to +z', () => {
    const axis = tilted(0.2, -0.1); // about 12.8 degrees from +z
    const spacing = 0.5;
    const n = 80;
    const c = (n - 1) * spacing * 0.5;
    const image = syntheticImage(
      [n, n, n],
      diagonalAffine([spacing, spacing, spacing], [0, 0, 0]),
      (i, j, k) => {
        const d = [i * spacing - c, j * spacing - c, k * spacing - c];
        const along = d[0] * axis[0] + d[1] * axis[1] + d[2] * axis[2];
        const radial = Math.hypot(
          d[0] - along * axis[0],
          d[1] - along * axis[1],
          d[2] - along * axis[2],
        );
        const inside = Math.abs(along) <= 6 && radial <= 14;
        return { region: inside ? 1 : 0, density: 0 };
      },
    );
    const result = vertebralAxis(image, image.regions);
    expect(result.source).toBe('principal-axes');
    const dot = result.axis[0] * axis[0] + result.axis[1] * axis[1] + result.axis[2] * axis[2];
    expect((Math.acos(Math.min(1, dot)) * 180) / Math.PI).toBeLessThan(0.5);
    const expectedAngle = (Math.acos(axis[2]) * 180) / Math.PI;
    expect(result.angleToImageDeg).toBeCloseTo(expectedAngle, 0);
    expect(result.centroidMm[0]).toBeCloseTo(c, 1);
  });

  it('is cranial in a grid whose k axis points inferior', () => {
    const n = 40;
    const flipped = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, -1, 40, 0, 0, 0, 1]);
    const image = syntheticImage([n, n, n], flipped, (i, j, k) => ({
      region: Math.hypot(i - 20, j - 20) < 12 && Math.abs(k - 20) < 5 ? 1 : 0,
      density: 0,
    }));
    const result = vertebralAxis(image, image.regions);
    expect(result.axis[2]).toBeCloseTo(1, 9);
  });
});

describe('splitVertebra', () => {
  it('separates a cylindrical body from pedicles, lamina and spinous process', () => {
    // 1 mm voxels; body: cylinder radius 16 mm, height 24 mm around (40, 30) in x-y (y anterior)
    // pedicles: 6 mm wide bars from y = 8 to 17, lamina y = 2..8, spinous process x 38..42
    const isBody = (x: number, y: number, z: number) =>
      Math.hypot(x - 40, y - 30) <= 16 && z >= 8 && z < 32;
    const isPosterior = (x: number, y: number, z: number) =>
      !isBody(x, y, z) &&
      z >= 14 &&
      z < 26 &&
      (((Math.abs(x - 30) <= 3 || Math.abs(x - 50) <= 3) && y >= 8 && y <= 17) ||
        (Math.abs(x - 40) <= 13 && y >= 2 && y < 8) ||
        (Math.abs(x - 40) <= 2 && y < 2));
    const image = syntheticImage(
      [80, 50, 40],
      diagonalAffine([1, 1, 1], [0, -10, 0]),
      (i, j, k) => {
        const y = j - 10;
        const inside = isBody(i, y, k) || isPosterior(i, y, k);
        return { region: inside ? VoxelRegion.Vertebra : 0, density: 0 };
      },
    );
    const split = splitVertebra(image, image.regions, 5);
    let bodyRight = 0;
    let bodyTotal = 0;
    let posteriorRight = 0;
    let posteriorTotal = 0;
    for (let k = 0; k < 40; k++) {
      for (let j = 0; j < 50; j++) {
        for (let i = 0; i < 80; i++) {
          const r = split.regions[i + 80 * (j + 50 * k)];
          if (isBody(i, j - 10, k)) {
            bodyTotal++;
            if (r === VoxelRegion.BodyTrabecular) bodyRight++;
          } else if (isPosterior(i, j - 10, k)) {
            posteriorTotal++;
            if (r === VoxelRegion.PosteriorTrabecular) posteriorRight++;
          } else expect(r).toBe(0);
        }
      }
    }
    expect(bodyRight / bodyTotal).toBeGreaterThan(0.97);
    expect(posteriorRight / posteriorTotal).toBeGreaterThan(0.9);
    expect(split.bodyVoxelCount + split.posteriorVoxelCount).toBe(bodyTotal + posteriorTotal);
  });
});
