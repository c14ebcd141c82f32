/**
 * Splits a whole-vertebra label ({@link VoxelRegion.Vertebra}, e.g. a TotalSegmentator mask)
 * into the vertebral body and the posterior elements.
 *
 * Heuristic: every axial cross-section of the mask (the voxel slices across the grid axis
 * closest to world +z) is opened morphologically with a disc of `openingRadiusMm`. Opening
 * removes everything narrower than about the disc's diameter: pedicles (about 5-10 mm wide),
 * laminae and processes go, the body (30-50 mm across) stays. The largest 6-connected 3D
 * component of what remains, grown back by one voxel (6-connected) into the label to restore
 * the outline bumps the opening shaved off, is the body; every other voxel of the label is
 * posterior. The
 * default radius of 5 mm keeps the body's rounded outline and removes pedicles in clinical
 * scans; a thick pedicle that survives the opening while touching the body is counted as body.
 */
import type { GridGeometry } from '../input/volume.js';
import { faceNeighbours, VoxelRegion } from '../input/volume.js';

/** Result of the split. */
export interface VertebraSplit {
  /** The regions with every Vertebra voxel made BodyTrabecular or PosteriorTrabecular. */
  readonly regions: Uint8Array;
  /** Number of voxels assigned to the body. */
  readonly bodyVoxelCount: number;
  /** Number of voxels assigned to the posterior elements. */
  readonly posteriorVoxelCount: number;
}

/** Index 0..2 of the grid axis whose world direction is closest to +z (superior). */
export function axialGridAxis(grid: GridGeometry): number {
  const m = grid.voxelToWorld;
  let best = 0;
  for (let a = 1; a < 3; a++) {
    const score = Math.abs(m[8 + a]) / grid.spacingMm[a];
    if (score > Math.abs(m[8 + best]) / grid.spacingMm[best]) best = a;
  }
  return best;
}

/** Offsets (du, dv) of a disc of radius `radiusMm` on a 2D grid of spacings (su, sv). */
function discOffsets(radiusMm: number, su: number, sv: number): [number, number][] {
  const ru = Math.floor(radiusMm / su);
  const rv = Math.floor(radiusMm / sv);
  const offsets: [number, number][] = [];
  for (let dv = -rv; dv <= rv; dv++) {
    for (let du = -ru; du <= ru; du++) {
      if ((du * su) ** 2 + (dv * sv) ** 2 <= radiusMm * radiusMm) offsets.push([du, dv]);
    }
  }
  return offsets;
}

/** 2D erosion (`erode`) or dilation of a slice by a set of offsets; outside counts as empty. */
function morph(
  slice: Uint8Array,
  nu: number,
  nv: number,
  offsets: [number, number][],
  erode: boolean,
): Uint8Array {
  const out = new Uint8Array(slice.length);
  for (let v = 0; v < nv; v++) {
    for (let u = 0; u < nu; u++) {
      let hit = erode;
      for (const [du, dv] of offsets) {
        const uu = u + du;
        const vv = v + dv;
        const set = uu >= 0 && vv >= 0 && uu < nu && vv < nv && slice[uu + nu * vv] !== 0;
        if (erode ? !set : set) {
          hit = !erode;
          break;
        }
      }
      out[u + nu * v] = hit ? 1 : 0;
    }
  }
  return out;
}

/** Largest 6-connected component of a 3D mask (index list). */
export function largestComponent(mask: Uint8Array, dims: readonly number[]): Uint32Array {
  const seen = new Uint8Array(mask.length);
  const stack = new Uint32Array(mask.length);
  const next = new Int32Array(6);
  let best: Uint32Array = new Uint32Array(0);
  for (let seed = 0; seed < mask.length; seed++) {
    if (!mask[seed] || seen[seed]) continue;
    const members: number[] = [];
    let top = 0;
    stack[top++] = seed;
    seen[seed] = 1;
    while (top > 0) {
      const v = stack[--top];
      members.push(v);
      for (const w of faceNeighbours(next, dims, v)) {
        if (w < 0 || !mask[w] || seen[w]) continue;
        seen[w] = 1;
        stack[top++] = w;
      }
    }
    if (members.length > best.length) best = Uint32Array.from(members);
  }
  return best;
}

/**
 * Splits the {@link VoxelRegion.Vertebra} voxels of `regions` into body and posterior elements;
 * other regions are copied unchanged.
 */
export function splitVertebra(
  grid: GridGeometry,
  regions: Uint8Array,
  openingRadiusMm = 5,
): VertebraSplit {
  const dims = grid.dims;
  const slab = axialGridAxis(grid);
  const [ua, va] = [0, 1, 2].filter((a) => a !== slab);
  const stride = [1, dims[0], dims[0] * dims[1]];
  const nu = dims[ua];
  const nv = dims[va];
  const offsets = discOffsets(openingRadiusMm, grid.spacingMm[ua], grid.spacingMm[va]);

  const opened = new Uint8Array(regions.length);
  const slice = new Uint8Array(nu * nv);
  for (let s = 0; s < dims[slab]; s++) {
    let any = false;
    for (let v = 0; v < nv; v++) {
      for (let u = 0; u < nu; u++) {
        const index = s * stride[slab] + u * stride[ua] + v * stride[va];
        slice[u + nu * v] = regions[index] === VoxelRegion.Vertebra ? 1 : 0;
        any ||= slice[u + nu * v] !== 0;
      }
    }
    if (!any) continue;
    const result = morph(morph(slice, nu, nv, offsets, true), nu, nv, offsets, false);
    for (let v = 0; v < nv; v++) {
      for (let u = 0; u < nu; u++) {
        const index = s * stride[slab] + u * stride[ua] + v * stride[va];
        opened[index] = result[u + nu * v] & (slice[u + nu * v] as number);
      }
    }
  }

  const body = largestComponent(opened, dims);
  const out = Uint8Array.from(regions);
  let posteriorVoxelCount = 0;
  for (let v = 0; v < out.length; v++) {
    if (out[v] === VoxelRegion.Vertebra) {
      out[v] = VoxelRegion.PosteriorTrabecular;
      posteriorVoxelCount++;
    }
  }
  for (const v of body) out[v] = VoxelRegion.BodyTrabecular;

  // give back the body's outline bumps that the opening shaved off (one voxel, 6-connected)
  const regrown: number[] = [];
  const next = new Int32Array(6);
  for (const v of body) {
    for (const w of faceNeighbours(next, dims, v)) {
      if (w < 0 || regions[w] !== VoxelRegion.Vertebra) continue;
      if (out[w] === VoxelRegion.PosteriorTrabecular) regrown.push(w);
    }
  }
  for (const w of regrown) out[w] = VoxelRegion.BodyTrabecular;
  let bodyVoxelCount = 0;
  for (let v = 0; v < out.length; v++) {
    if (regions[v] === VoxelRegion.Vertebra && out[v] === VoxelRegion.BodyTrabecular) {
      bodyVoxelCount++;
    }
  }
  return {
    regions: out,
    bodyVoxelCount,
    posteriorVoxelCount: posteriorVoxelCount - bodyVoxelCount,
  };
}
