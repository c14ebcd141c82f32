/**
 * The input layer's product: one vertebra's equivalent density and regions on a cropped grid,
 * with the provenance of every choice made on the way (files and their SHA-256, transform,
 * units, datatype, calibration, label convention, threshold).
 *
 * With a label map, the vertebra is chosen by level or raw label (`labelMap.ts`); a map on
 * another grid is resampled nearest-neighbour when both grids have a known affine. Without one,
 * the scan is taken as a cropped single vertebra: values at or above the threshold (default
 * 200, in the image's units: HU, or mg/cm3 for density input), largest 6-connected component,
 * holes filled. The result is cropped to the selection's bounding box plus a margin.
 */
import { UserError } from '../core/errors.js';
import { timed, type PhaseLogger } from '../core/log.js';
import { VoxelRegion, type GridGeometry, type VertebraImage } from './volume.js';
import { readNifti, type NiftiImage } from './niftiFile.js';
import { ctVoxelRangeMm, type TransformSource } from './niftiGeometry.js';
import {
  cropArray,
  cropBox,
  croppedAffine,
  measureBone,
  type BoneMeasure,
} from './vertebraCrop.js';
import { integerLabels, resampleLabels, sameGrid, selectVertebra } from './labelMap.js';
import type { LabelConvention } from './labelConventions.js';
import { thresholdVertebra } from './thresholdMask.js';
import {
  convertToDensity,
  densityInputCalibration,
  fitPhantom,
  genericCalibration,
  readPhantomTable,
  type Calibration,
} from './calibration.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** What to load; every field maps to one command-line flag (see `inputArgs.ts`). */
export interface LoadOptions {
  /** CT or density image (.nii, .nii.gz). */
  readonly ctPath: string;
  /** Label map (--mask). */
  readonly maskPath?: string;
  /** Anatomical level, e.g. 'L2' (--level). */
  readonly level?: string;
  /** Raw label value (--label). */
  readonly label?: number;
  /** Label numbering (--labels). */
  readonly labels?: LabelConvention;
  /** Linear calibration [A mg/cm3, B mg/cm3 per HU]: rho = A + B * HU (--calibration A,B). */
  readonly calibration?: readonly [number, number];
  /** Phantom table CSV of insert HU and nominal mg/cm3 (--phantom). */
  readonly phantomPath?: string;
  /** 'hu' for CT numbers, 'density' for an image already in mg/cm3 (--input-units). */
  readonly inputUnits: 'hu' | 'density';
  /**
   * Threshold for a scan without mask, in the image's units (--threshold); default 200 HU, or
   * 40 mg/cm3 for density input.
   */
  readonly threshold?: number;
  /** Volume of a 4-D file, 0-based (--volume). */
  readonly volumeIndex?: number;
  /** Voxels kept around the selection when cropping; default 3. */
  readonly marginVoxels?: number;
}

/** Default bone threshold, HU, of a scan in Hounsfield units without a mask. */
export const defaultThreshold = 200;

/**
 * Default bone threshold, mg/cm3, for an image already in density: low, because a cropped
 * density image is zero outside the bone and the thin cortex must close for the holes to fill
 * (on the bundled L2, 100 mg/cm3 leaves an open shell; 10..40 give the whole vertebra).
 */
export const defaultDensityThresholdMgCm3 = 40;

/**
 * Largest bone volume, mm3, taken as one cropped vertebra when there is no mask. Whole lumbar
 * vertebrae measure about 50..120 cm3 (the bundled L2 and L3: 54 and 63 cm3); a component far
 * above that is a whole spine or skeleton, which needs a label map.
 */
export const maxSingleVertebraMm3 = 250_000;

/** Volume of one voxel in mm3: |det| of the affine's 3x3 part. */
function voxelVolumeMm3(grid: GridGeometry): number {
  const m = grid.voxelToWorld;
  return Math.abs(
    m[0] * (m[5] * m[10] - m[6] * m[9]) -
      m[1] * (m[4] * m[10] - m[6] * m[8]) +
      m[2] * (m[4] * m[9] - m[5] * m[8]),
  );
}

/** Default crop margin in voxels. */
export const defaultMarginVoxels = 3;

/** One input file and its checksum. */
export interface InputFile {
  readonly role: 'ct' | 'mask' | 'phantom';
  readonly path: string;
  readonly sha256: string;
}

/** How the inputs were read and interpreted. */
export interface Provenance {
  readonly files: InputFile[];
  /** The CT's transform, why it was chosen, its orientation code and header units. */
  readonly transform: {
    readonly source: TransformSource;
    readonly reason: string;
    readonly orientation: string;
    readonly units: string;
  };
  /** Datatype of the CT file. */
  readonly datatype: string;
  /** Units of the image values. */
  readonly inputUnits: 'hu' | 'density';
  /** Calibration line used (kind, coefficients, r of a phantom fit). */
  readonly calibration: Calibration;
  /** Label-map choice, when a mask was given. */
  readonly selection?: {
    readonly convention?: LabelConvention;
    readonly level?: string;
    readonly label?: number;
    readonly selectedLabels: number[];
    readonly description: string;
    readonly resampled: boolean;
  };
  /** Threshold segmentation, when no mask was given. */
  readonly threshold?: {
    readonly value: number;
    readonly units: 'HU' | 'mg/cm3';
    readonly components: number;
    readonly largestComponentVoxels: number;
    readonly holesFilledVoxels: number;
  };
  /** The bone of the selected vertebra (caps excluded), on the original grid. */
  readonly vertebra: BoneMeasure;
  /** Crop: first voxel (i, j, k) on the original grid and the cropped dims. */
  readonly crop: {
    readonly origin: [number, number, number];
    readonly dims: [number, number, number];
  };
  /** Invalid voxels inside the crop: non-finite values and padding (<= -1500 HU). */
  readonly invalidVoxels: { readonly nonFinite: number; readonly padding: number };
}

/** The loaded vertebra: image for the mesher, provenance for the report, warnings. */
export interface LoadedVertebra {
  readonly image: VertebraImage;
  readonly provenance: Provenance;
  readonly warnings: string[];
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function checkOptions(options: LoadOptions): void {
  if (options.level !== undefined && options.label !== undefined) {
    throw new UserError('--level and --label: give one of them, not both');
  }
  if (options.maskPath === undefined) {
    for (const [flag, set] of [
      ['--level', options.level],
      ['--label', options.label],
      ['--labels', options.labels],
    ] as const) {
      if (set !== undefined) throw new UserError(`${flag} needs --mask FILE`);
    }
  } else if (options.threshold !== undefined) {
    throw new UserError('--threshold applies only without --mask');
  }
  if (options.maskPath !== undefined && resolve(options.maskPath) === resolve(options.ctPath)) {
    throw new UserError(`--mask: '${options.maskPath}' is the image itself, not its label map`);
  }
  if (options.calibration !== undefined && options.phantomPath !== undefined) {
    throw new UserError('--calibration and --phantom: give one of them, not both');
  }
  const calibrated = options.calibration !== undefined || options.phantomPath !== undefined;
  if (options.inputUnits === 'density' && calibrated) {
    throw new UserError(
      '--input-units density: the image is already calibrated, drop ' +
        (options.phantomPath !== undefined ? '--phantom' : '--calibration'),
    );
  }
}

function chooseCalibration(options: LoadOptions, warnings: string[], files: InputFile[]) {
  if (options.inputUnits === 'density') return densityInputCalibration;
  if (options.calibration !== undefined) {
    const [intercept, slope] = options.calibration;
    return { kind: 'linear', interceptMgCm3: intercept, slopeMgCm3PerHu: slope } as Calibration;
  }
  if (options.phantomPath !== undefined) {
    const fit = fitPhantom(readPhantomTable(options.phantomPath), options.phantomPath);
    files.push({
      role: 'phantom',
      path: options.phantomPath,
      sha256: sha256Of(options.phantomPath),
    });
    warnings.push(...fit.warnings);
    return fit.calibration;
  }
  warnings.push(
    'NO CALIBRATION: densities use the generic line rho = 1.0 * HU mg/cm3 and are ' +
      'uncalibrated; give --calibration A,B or --phantom FILE for quantitative results',
  );
  return genericCalibration;
}

function maskOnCtGrid(ct: NiftiImage, mask: NiftiImage, warnings: string[]) {
  const labels = integerLabels(mask);
  if (sameGrid(ct, mask)) return { labels, resampled: false };

  const known = ct.geometry.source !== 'pixdim' && mask.geometry.source !== 'pixdim';
  const sameDims = ct.dims.every((size, axis) => size === mask.dims[axis]);
  if (!known && sameDims) {
    warnings.push(
      `${mask.filePath}: grid transform unknown on one side: same grid as the CT assumed`,
    );
    return { labels, resampled: false };
  }
  if (!known) {
    throw new UserError(
      `${mask.filePath}: dims ${mask.dims.join('x')} differ from the CT's ` +
        `${ct.dims.join('x')} and a grid transform is unknown: cannot resample`,
    );
  }
  warnings.push(
    `${mask.filePath}: on another grid than the CT (dims ${mask.dims.join('x')}): ` +
      'resampled nearest-neighbour',
  );
  const resampled = resampleLabels(mask, labels, ct);
  if (!resampled.some((label) => label !== 0) && labels.some((label) => label !== 0)) {
    throw new UserError(
      `${mask.filePath}: on another grid than the CT (dims ${mask.dims.join('x')}) and none ` +
        "of its labelled voxels falls inside the CT's volume: not a mask of this scan",
    );
  }
  return { labels: resampled, resampled: true };
}

/**
 * A warning when the image's values do not fit the units given. A CT in HU holds air near -1000
 * (or padding below it) and fat near -100; an image already in mg/cm3 of K2HPO4 holds neither,
 * and a masked one is mostly exactly 0. Density images made from a whole CT by a calibration
 * line can reach -900 mg/cm3 in air, hence the margin; below 1 % of voxels under -200 counts as
 * "no air or fat".
 */
function unitsMismatch(values: Float64Array, options: LoadOptions): string | undefined {
  let min = Infinity;
  let below200 = 0;
  for (const value of values) {
    if (value < min) min = value;
    if (value < -200) below200++;
  }
  if (!Number.isFinite(min)) return undefined;
  if (options.inputUnits === 'density' && min < -900) {
    return (
      `${options.ctPath}: values reach ${min} with --input-units density, far below any ` +
      'bone density (air is about -1000 HU): the image looks like HU, check --input-units'
    );
  }
  if (options.inputUnits === 'hu' && below200 < 0.01 * values.length) {
    const percent = ((100 * below200) / values.length).toFixed(2);
    return (
      `${options.ctPath}: only ${percent} % of voxels below -200 HU (no air or fat): the ` +
      'image may already be density in mg/cm3; if so, give --input-units density'
    );
  }
  return undefined;
}

/** Loads one vertebra from a CT (and label map) as the mesher's {@link VertebraImage}. */
export async function loadVertebraImage(
  options: LoadOptions,
  log: PhaseLogger,
): Promise<LoadedVertebra> {
  checkOptions(options);
  const warnings: string[] = [];
  const files: InputFile[] = [];

  const [ct, readMs] = await timed(() =>
    readNifti(options.ctPath, { volumeIndex: options.volumeIndex }),
  );
  files.push({ role: 'ct', path: options.ctPath, sha256: ct.sha256 });
  const [smallest, largest] = ctVoxelRangeMm;
  if (ct.spacingMm.some((size) => !(size >= smallest && size <= largest))) {
    throw new UserError(
      `${options.ctPath}: voxel sizes ${ct.spacingMm.map((s) => s.toPrecision(4)).join(' x ')} ` +
        `mm are outside ${smallest}..${largest} mm (xyzt_units ${ct.geometry.units}): ` +
        'wrong units or transform in the header',
    );
  }
  warnings.push(...ct.warnings);
  const voxel = ct.spacingMm.map((size) => size.toFixed(3)).join(' x ');
  const read = `${ct.dims.join('x')} ${ct.datatypeName}, ${ct.geometry.orientation}`;
  log.phase('read', `${read} from the ${ct.geometry.source}, voxel ${voxel} mm`, readMs);

  const unitsWarning = unitsMismatch(ct.values, options);
  if (unitsWarning !== undefined) warnings.push(unitsWarning);
  const calibration = chooseCalibration(options, warnings, files);
  const converted = convertToDensity(ct.values, calibration);

  let regions: Uint8Array;
  let selection: Provenance['selection'];
  let threshold: Provenance['threshold'];
  if (options.maskPath !== undefined) {
    const mask = readNifti(options.maskPath);
    files.push({ role: 'mask', path: options.maskPath, sha256: mask.sha256 });
    warnings.push(...mask.warnings);
    const { labels, resampled } = maskOnCtGrid(ct, mask, warnings);
    const request = { level: options.level, label: options.label, convention: options.labels };
    const chosen = selectVertebra(labels, request, options.maskPath);
    regions = chosen.regions;
    selection = {
      convention: chosen.convention,
      level: options.level,
      label: options.label,
      selectedLabels: chosen.selectedLabels,
      description: chosen.description,
      resampled,
    };
    log.phase('select', chosen.description);
  } else {
    const value =
      options.threshold ??
      (options.inputUnits === 'density' ? defaultDensityThresholdMgCm3 : defaultThreshold);
    const usable = converted.invalid.map((flag) => 1 - flag);
    const found = thresholdVertebra(ct.values, ct.dims, value, usable);
    if (found.largestComponent === 0) {
      throw new UserError(`${options.ctPath}: no voxel at or above the threshold ${value}`);
    }
    const componentMm3 = found.largestComponent * voxelVolumeMm3(ct);
    if (componentMm3 > maxSingleVertebraMm3) {
      throw new UserError(
        `${options.ctPath}: without --mask the scan must be one cropped vertebra, but the bone ` +
          `above the threshold ${value} forms ${(componentMm3 / 1000).toFixed(0)} cm3 ` +
          `(one vertebra is well under ${maxSingleVertebraMm3 / 1000} cm3): ` +
          'give --mask and --level',
      );
    }
    regions = found.mask.map((inside) => (inside ? VoxelRegion.Vertebra : 0));
    const units = options.inputUnits === 'density' ? 'mg/cm3' : 'HU';
    threshold = {
      value,
      units,
      components: found.components,
      largestComponentVoxels: found.largestComponent,
      holesFilledVoxels: found.holesFilled,
    };
    log.phase(
      'segment',
      `threshold ${value} ${units}: largest of ${found.components} ` +
        `components, ${found.largestComponent} voxels, ${found.holesFilled} filled`,
    );
  }

  const vertebra = measureBone(regions, ct);
  if (vertebra.voxels === 0) {
    throw new UserError(`${options.maskPath ?? options.ctPath}: the selection holds no bone voxel`);
  }
  if (vertebra.touchesBorder) {
    warnings.push(`${options.ctPath}: the vertebra touches the volume border: it may be cut`);
  }

  const crop = cropBox(regions, ct.dims, options.marginVoxels ?? defaultMarginVoxels);
  const densityMgCm3 = cropArray(converted.densityMgCm3, ct.dims, crop, (n) => new Float32Array(n));
  const invalid = cropArray(converted.invalid, ct.dims, crop, (n) => new Uint8Array(n));
  const croppedRegions = cropArray(regions, ct.dims, crop, (n) => new Uint8Array(n));
  const croppedValues = cropArray(ct.values, ct.dims, crop, (n) => new Float64Array(n));
  let nonFinite = 0;
  let padding = 0;
  for (let n = 0; n < invalid.length; n++) {
    if (invalid[n] === 0) continue;
    if (Number.isFinite(croppedValues[n])) padding++;
    else nonFinite++;
  }
  if (nonFinite + padding > 0) {
    warnings.push(
      `${options.ctPath}: ${nonFinite} non-finite and ${padding} padding voxels ` +
        '(<= -1500 HU) in the region used: flagged invalid',
    );
  }

  for (const warning of warnings) log.warn(warning);
  log.phase(
    'crop',
    `${crop.dims.join('x')} voxels from (${crop.origin.join(', ')}), ` +
      `bone ${vertebra.voxels} voxels, ${vertebra.volumeMm3.toFixed(0)} mm3`,
  );

  const affine = croppedAffine(ct.voxelToWorld, crop.origin);
  const image: VertebraImage = {
    dims: crop.dims,
    voxelToWorld: affine,
    spacingMm: ct.spacingMm,
    densityMgCm3,
    regions: croppedRegions,
    invalid,
    calibrated: calibration.kind !== 'generic',
  };
  const provenance: Provenance = {
    files,
    transform: {
      source: ct.geometry.source,
      reason: ct.geometry.reason,
      orientation: ct.geometry.orientation,
      units: ct.geometry.units,
    },
    datatype: ct.datatypeName,
    inputUnits: options.inputUnits,
    calibration,
    selection,
    threshold,
    vertebra,
    crop,
    invalidVoxels: { nonFinite, padding },
  };
  return { image, provenance, warnings };
}
