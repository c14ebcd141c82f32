/**
 * An anatomical check of the scan's orientation: in the RAS+ world frame the vertebral body
 * lies anterior (+y) of the posterior elements. A header whose anterior-posterior direction is
 * flipped still gives the same axial stiffness (the load case does not depend on it), but the
 * picture and any anatomical reading of the fields would be mirrored, so it is reported.
 */
import { tetVolumeMm3 } from './components.js';
import { ElementRegion, type TetMesh } from './tetMesh.js';

/** Where the body lies relative to the posterior elements, in world mm. */
export interface AnatomyCheck {
  /** Body centroid minus posterior-elements centroid, world mm (volume weighted). */
  readonly bodyToPosteriorOffsetMm: [number, number, number];
  /** True when the body lies anterior (+y) of the posterior elements, as it should. */
  readonly bodyIsAnterior: boolean;
}

/** Compares the body and posterior centroids; null when either region is missing. */
export function checkBodyIsAnterior(mesh: TetMesh, region: Uint8Array): AnatomyCheck | null {
  const sums = { [ElementRegion.Body]: [0, 0, 0, 0], [ElementRegion.Posterior]: [0, 0, 0, 0] };
  for (let e = 0; e < region.length; e++) {
    const r = region[e];
    if (r !== ElementRegion.Body && r !== ElementRegion.Posterior) continue;
    const volume = Math.abs(tetVolumeMm3(mesh, e));
    const sum = sums[r];
    for (let a = 0; a < 4; a++) {
      const n = mesh.tets[4 * e + a];
      for (let c = 0; c < 3; c++) sum[c] += (volume / 4) * mesh.nodes[3 * n + c];
    }
    sum[3] += volume;
  }

  const body = sums[ElementRegion.Body];
  const posterior = sums[ElementRegion.Posterior];
  if (body[3] === 0 || posterior[3] === 0) return null;
  const offset: [number, number, number] = [0, 1, 2].map(
    (c) => body[c] / body[3] - posterior[c] / posterior[3],
  ) as [number, number, number];
  return { bodyToPosteriorOffsetMm: offset, bodyIsAnterior: offset[1] > 0 };
}
