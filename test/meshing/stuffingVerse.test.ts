import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { describe, expect, it } from 'vitest';

import { maskDomain } from '../../meshing/implicitDomain.js';
import { stuffTetrahedra } from '../../meshing/stuffing.js';
import { meshQuality, surfaceDeviationMm } from '../../meshing/quality.js';
import { keepLargestComponent } from '../../meshing/components.js';
import type { GridGeometry } from '../../input/volume.js';

/** The VerSe L2 label map (uint8) and its grid, affine from the qform quaternion. */
function readLabels(): { grid: GridGeometry; labels: Uint8Array } {
  const file = new URL('../../data/verse004-L2/labels.nii.gz', import.meta.url);
  const raw = gunzipSync(readFileSync(file));
  const buffer = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
  const header = nifti.readHeader(buffer);
  if (!header || header.datatypeCode !== 2 || header.qform_code <= 0) {
    throw new Error('unexpected header in the VerSe label map');
  }
  const labels = new Uint8Array(nifti.readImage(header, buffer));

  // NIfTI qform: R from the quaternion (b, c, d), columns scaled by pixdim and qfac.
  const [b, c, d] = [header.quatern_b, header.quatern_c, header.quatern_d];
  const a = Math.sqrt(Math.max(0, 1 - b * b - c * c - d * d));
  const r = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  const qfac = header.pixDims[0] < 0 ? -1 : 1; // NIfTI keeps qfac in pixdim[0]
  const scale = [header.pixDims[1], header.pixDims[2], qfac * header.pixDims[3]];
  const offset = [header.qoffset_x, header.qoffset_y, header.qoffset_z];
  const voxelToWorld = new Float64Array(16);
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) voxelToWorld[4 * row + col] = r[row][col] * scale[col];
    voxelToWorld[4 * row + 3] = offset[row];
  }
  voxelToWorld[15] = 1;
  const dims: [number, number, number] = [header.dims[1], header.dims[2], header.dims[3]];
  const spacing = header.pixDims.slice(1, 4) as [number, number, number];
  return { grid: { dims, voxelToWorld, spacingMm: spacing }, labels };
}

describe('isosurface stuffing on the VerSe L2 sample', () => {
  it('meshes labels 1..6 at h = 1.5 mm: angles in bounds, volume within 3 % of the mask', () => {
    const { grid, labels } = readLabels();
    const mask = labels.map((v) => (v >= 1 && v <= 6 ? 1 : 0));
    let voxels = 0;
    const low = [Infinity, Infinity, Infinity];
    const high = [-Infinity, -Infinity, -Infinity];
    const m = grid.voxelToWorld;
    const [nx, ny] = grid.dims;
    for (let n = 0; n < mask.length; n++) {
      if (!mask[n]) continue;
      voxels++;
      const ijk = [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))];
      for (let row = 0; row < 3; row++) {
        const w = m[4 * row] * ijk[0] + m[4 * row + 1] * ijk[1] + m[4 * row + 2] * ijk[2];
        low[row] = Math.min(low[row], w + m[4 * row + 3]);
        high[row] = Math.max(high[row], w + m[4 * row + 3]);
      }
    }
    const voxelVolume = grid.spacingMm[0] * grid.spacingMm[1] * grid.spacingMm[2];

    const domain = maskDomain(grid, mask, 0.5);
    const mesh = stuffTetrahedra(domain, { edgeLengthMm: 1.5 });
    const quality = meshQuality(mesh);
    expect(quality.invertedCount).toBe(0);
    expect(quality.minDihedralDeg).toBeGreaterThanOrEqual(10);
    expect(quality.maxDihedralDeg).toBeLessThanOrEqual(165);
    const maskVolume = voxels * voxelVolume;
    expect(Math.abs(quality.volumeMm3 - maskVolume) / maskVolume).toBeLessThan(0.03);
    expect(surfaceDeviationMm(mesh, domain)).toBeLessThan(0.01);

    // The mesh sits where the voxels are in world mm (LPS qform applied): within a voxel.
    for (let axis = 0; axis < 3; axis++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let n = axis; n < mesh.nodes.length; n += 3) {
        lo = Math.min(lo, mesh.nodes[n]);
        hi = Math.max(hi, mesh.nodes[n]);
      }
      expect(Math.abs(lo - low[axis])).toBeLessThan(1);
      expect(Math.abs(hi - high[axis])).toBeLessThan(1);
    }

    const kept = keepLargestComponent(mesh);
    const dropped = kept.droppedVolumesMm3.reduce((s, v) => s + v, 0);
    expect(dropped).toBeLessThan(0.01 * maskVolume);
  });
});
