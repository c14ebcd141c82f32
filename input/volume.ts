/**
 * The volume types every later stage trusts. World coordinates are NIfTI's RAS+ frame in
 * millimetres: +x towards the patient's right, +y anterior, +z superior. Voxels are stored with
 * i fastest, then j, then k.
 */

/** Grid geometry shared by every volume: sizes and the voxel-to-world transform. */
export interface GridGeometry {
  /** Number of voxels along i, j, k. */
  readonly dims: readonly [number, number, number];
  /**
   * Row-major 4x4 affine taking voxel indices (i, j, k, 1) to world millimetres (x, y, z, 1),
   * NIfTI RAS+ world: +x right, +y anterior, +z superior.
   */
  readonly voxelToWorld: Float64Array;
  /** Voxel edge lengths in mm (column norms of the affine's 3x3 part). */
  readonly spacingMm: readonly [number, number, number];
}

/** A scalar volume after scaling (HU, or density in mg/cm3: see the owner's field names). */
export interface ScalarVolume extends GridGeometry {
  /** One value per voxel, index = i + dims[0] * (j + dims[1] * k). */
  readonly values: Float32Array | Float64Array;
}

/** An integer label map on a grid. */
export interface LabelVolume extends GridGeometry {
  /** One label per voxel, same indexing as {@link ScalarVolume.values}. */
  readonly labels: Int32Array;
}

/**
 * What a voxel of the selected vertebra model is. Codes 1..6 follow the VerSe sample's label
 * scheme; `Vertebra` is bone whose body/posterior split is not known yet (a whole-vertebra label).
 */
export enum VoxelRegion {
  Outside = 0,
  BodyTrabecular = 1,
  BodyCortical = 2,
  PosteriorTrabecular = 3,
  PosteriorCortical = 4,
  CapInferior = 5,
  CapSuperior = 6,
  Vertebra = 7,
}

/**
 * The input layer's product and the mesher's input: equivalent density per voxel and the
 * region of every voxel of one vertebra, on one grid.
 */
export interface VertebraImage extends GridGeometry {
  /** Equivalent density rho_QCT in mg/cm3 per voxel (calibrated, or on the generic line). */
  readonly densityMgCm3: Float32Array;
  /** {@link VoxelRegion} code per voxel. */
  readonly regions: Uint8Array;
  /** 1 where the scan has no valid value (outside the field of view, NaN, infinite). */
  readonly invalid: Uint8Array;
  /** False when no calibration was given and the generic HU line was used. */
  readonly calibrated: boolean;
}

/** Linear index of voxel (i, j, k) in a grid of `dims`. */
export function voxelIndex(
  dims: readonly [number, number, number],
  i: number,
  j: number,
  k: number,
) {
  return i + dims[0] * (j + dims[1] * k);
}

/**
 * The 6 face neighbours of voxel `v` in a grid of `dims`, written into `out` (-i, +i, -j, +j,
 * -k, +k); -1 where the neighbour would lie outside the grid.
 */
export function faceNeighbours(
  out: Int32Array,
  dims: readonly [number, number, number] | readonly number[],
  v: number,
): Int32Array {
  const [ni, nj, nk] = dims;
  const layer = ni * nj;
  const i = v % ni;
  const j = Math.floor(v / ni) % nj;
  const k = Math.floor(v / layer);
  out[0] = i > 0 ? v - 1 : -1;
  out[1] = i < ni - 1 ? v + 1 : -1;
  out[2] = j > 0 ? v - ni : -1;
  out[3] = j < nj - 1 ? v + ni : -1;
  out[4] = k > 0 ? v - layer : -1;
  out[5] = k < nk - 1 ? v + layer : -1;
  return out;
}
