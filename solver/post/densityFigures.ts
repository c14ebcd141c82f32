/**
 * Density figures of the report: mean volumetric BMD of the vertebral body's trabecular bone
 * (mg/cm3, equivalent density as calibrated), bone volume of the model (mm3) and its height.
 *
 * Trabecular voxels: region BodyTrabecular when the image has it (the VerSe region scheme).
 * Otherwise the body's voxels (BodyCortical, or for a whole-vertebra label the body found by
 * `splitVertebra`) eroded by {@link trabecularErosionMm} (at least one voxel per axis) to shed
 * the cortical shell, which is about 0.5..1 mm thick but blurred over 1..2 mm in clinical CT.
 * Invalid voxels are skipped.
 */
import { NumericalError } from '../../core/errors.js';
import { VoxelRegion, type VertebraImage } from '../../input/volume.js';
import { splitVertebra } from '../../meshing/vertebralBody.js';
import { ElementRegion, type VertebraModel } from '../../meshing/tetMesh.js';

/** Erosion depth (mm) that turns body voxels into trabecular voxels when no label says so. */
export const trabecularErosionMm = 2;

/** How the trabecular BMD was measured. */
export type BmdSource = 'BodyTrabecular label' | 'body voxels eroded by 2 mm';

/** The density figures of one vertebra. */
export interface DensityFigures {
  /** Mean equivalent density of the body's trabecular voxels, mg/cm3. */
  readonly trabecularBmdMgCm3: number;
  readonly trabecularVoxels: number;
  readonly bmdSource: BmdSource;
  /** Volume of the model's bone elements (body and posterior), mm3. */
  readonly boneVolumeMm3: number;
  /** Volume of the model's body elements, mm3. */
  readonly bodyVolumeMm3: number;
  /** Distance between the cap faces, mm. */
  readonly heightMm: number;
}

/** Measures the density figures of `image` and `model` (element volumes in mm3 given). */
export function densityFigures(
  image: VertebraImage,
  model: VertebraModel,
  volumeMm3: Float64Array,
): DensityFigures {
  const { mask, source } = trabecularMask(image);
  let sum = 0;
  let count = 0;
  for (let v = 0; v < mask.length; v++) {
    if (!mask[v] || image.invalid[v]) continue;
    sum += image.densityMgCm3[v];
    count++;
  }
  if (count === 0) {
    throw new NumericalError('no trabecular voxel left to measure the BMD', { source });
  }

  let boneVolumeMm3 = 0;
  let bodyVolumeMm3 = 0;
  for (let e = 0; e < model.region.length; e++) {
    if (model.region[e] === ElementRegion.Body) bodyVolumeMm3 += volumeMm3[e];
    if (model.region[e] === ElementRegion.Body || model.region[e] === ElementRegion.Posterior) {
      boneVolumeMm3 += volumeMm3[e];
    }
  }

  return {
    trabecularBmdMgCm3: sum / count,
    trabecularVoxels: count,
    bmdSource: source,
    boneVolumeMm3,
    bodyVolumeMm3,
    heightMm: model.heightMm,
  };
}

/** The voxels whose mean density is the trabecular BMD, and how they were chosen. */
export function trabecularMask(image: VertebraImage): { mask: Uint8Array; source: BmdSource } {
  const { regions } = image;
  const labelled = new Uint8Array(regions.length);
  let any = false;
  for (let v = 0; v < regions.length; v++) {
    if (regions[v] !== VoxelRegion.BodyTrabecular) continue;
    labelled[v] = 1;
    any = true;
  }
  if (any) return { mask: labelled, source: 'BodyTrabecular label' };

  // No trabecular label: the body (cortical label, or the split of a whole-vertebra label).
  let hasVertebra = false;
  for (let v = 0; v < regions.length; v++)
    if (regions[v] === VoxelRegion.Vertebra) hasVertebra = true;
  const bodyRegions = hasVertebra ? splitVertebra(image, regions).regions : regions;
  const body = new Uint8Array(regions.length);
  for (let v = 0; v < regions.length; v++) {
    const r = bodyRegions[v];
    if (r === VoxelRegion.BodyCortical || (hasVertebra && r === VoxelRegion.BodyTrabecular))
      body[v] = 1;
  }
  return {
    mask: erode(body, image.dims, image.spacingMm, trabecularErosionMm),
    source: 'body voxels eroded by 2 mm',
  };
}

/** Keeps the voxels whose ellipsoidal neighbourhood of radius `radiusMm` lies in the mask. */
function erode(
  mask: Uint8Array,
  dims: readonly [number, number, number],
  spacingMm: readonly [number, number, number],
  radiusMm: number,
): Uint8Array {
  const r = spacingMm.map((s) => Math.max(1, Math.round(radiusMm / s)));
  const offsets: number[][] = [];
  for (let dk = -r[2]; dk <= r[2]; dk++) {
    for (let dj = -r[1]; dj <= r[1]; dj++) {
      for (let di = -r[0]; di <= r[0]; di++) {
        if ((di / r[0]) ** 2 + (dj / r[1]) ** 2 + (dk / r[2]) ** 2 <= 1) offsets.push([di, dj, dk]);
      }
    }
  }

  const out = new Uint8Array(mask.length);
  const [nx, ny, nz] = dims;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        if (!mask[i + nx * (j + ny * k)]) continue;
        let inside = true;
        for (const [di, dj, dk] of offsets) {
          const [a, b, c] = [i + di, j + dj, k + dk];
          if (
            a < 0 ||
            b < 0 ||
            c < 0 ||
            a >= nx ||
            b >= ny ||
            c >= nz ||
            !mask[a + nx * (b + ny * c)]
          ) {
            inside = false;
            break;
          }
        }
        if (inside) out[i + nx * (j + ny * k)] = 1;
      }
    }
  }
  return out;
}
