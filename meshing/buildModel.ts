/**
 * The vertebra model builder: from a {@link VertebraImage} to a meshed {@link VertebraModel}
 * with regions, materials, axis and loading faces, in one call.
 *
 * Phases: split a whole-vertebra label into body and posterior elements; fit the axis; place
 * the caps; mesh the union of bone and caps as one implicit domain cut by the cap planes
 * (isosurface stuffing), keep its largest component; give every element a region (voxel at
 * its centroid); map bone moduli with the chosen law, caps get the cement's; collect the nodes of
 * the two flat faces.
 */
import { NumericalError, UserError } from '../core/errors.js';
import type { PhaseLogger } from '../core/log.js';
import type { VertebraImage } from '../input/volume.js';
import { VoxelRegion } from '../input/volume.js';
import { labelledCapsAxis, vertebralAxis, type AxisSource } from './axis.js';
import { capDomain, capModulusMpa, capPoissonRatio, layoutCaps } from './caps.js';
import { keepLargestComponent } from './components.js';
import { planeFaceNodes, sampleElementRegions, sharedNodeCount } from './elementRegions.js';
import { mapElementMaterial } from './materialMapping.js';
import { bonePoissonRatio, defaultMaterialLawName, materialLaw } from './materialLaws.js';
import { checkBodyIsAnterior, type AnatomyCheck } from './anatomyCheck.js';
import { maskSurfaceDeviation } from './maskDeviation.js';
import { meshQuality, type MeshQuality } from './quality.js';
import { stuffTetrahedraWithRepair } from './stuffing.js';
import { ElementRegion, type VertebraModel } from './tetMesh.js';
import { splitVertebra } from './vertebralBody.js';
import { voxelVolumeMm3 } from './voxelFrame.js';

/** Options of the model builder; every one is recorded in the report. */
export interface ModelOptions {
  /** Target mean edge length of the mesh, mm (default 1). */
  readonly elementSizeMm: number;
  /** Name of the density-to-modulus law (default 'morgan2003-vertebra'). */
  readonly law: string;
  /** Cement beyond the body's extreme point along the axis, mm (default 3). */
  readonly capThicknessMm: number;
  /** Smallest gap between caps and posterior elements, mm (default 3). */
  readonly capClearanceMm: number;
  /** Deepest endplate concavity the generated caps fill, mm (default 10). */
  readonly capMaxDepthMm: number;
  /** Gaussian smoothing of the voxel surface, mm (default: a third of the largest spacing). */
  readonly smoothingMm: number;
  /** Disc radius for the body/posterior split of a whole-vertebra label, mm (default 5). */
  readonly openingRadiusMm: number;
  /**
   * Axis: 'auto' (default: the labelled caps' normal when both caps are labelled, else the
   * body's principal axis), 'principal-axes', 'image' (+z world) or 'labelled-caps'.
   */
  readonly axisMethod: 'auto' | AxisSource;
  /** Name of the density's file, for error messages (default 'density'). */
  readonly source: string;
}

/** Everything the builder decided and measured, for the run report. */
export interface ModelReport {
  readonly options: ModelOptions;
  readonly lawFormula: string;
  readonly axis: readonly [number, number, number];
  readonly axisAngleToImageDeg: number;
  readonly axisSource: AxisSource;
  /** Whether the body/posterior split was computed (whole-vertebra label). */
  readonly splitBody: boolean;
  readonly capPlanesMm: { readonly inferior: number; readonly superior: number };
  readonly heightMm: number;
  readonly labelledCapVoxels: number;
  readonly generatedCapVoxels: number;
  readonly clearedCapVoxels: number;
  /** Volume of the labelled voxels (bone and caps) between the cap planes, mm3. */
  readonly maskVolumeMm3: number;
  readonly meshVolumeMm3: number;
  /** Largest distance of a boundary node from the voxel mask's surface (flat cuts left out), mm. */
  readonly maxSurfaceDeviationMm: number;
  /** Volumes of the mesh islands dropped, mm3. */
  readonly droppedIslandVolumesMm3: number[];
  /** Elements the mesher's quality repair removed, and their volume in mm3. */
  readonly repairedElements: { readonly count: number; readonly volumeMm3: number };
  /** Body against posterior elements in world space (null without both regions). */
  readonly anatomy: AnatomyCheck | null;
  readonly elementCounts: Record<'body' | 'posterior' | 'capInferior' | 'capSuperior', number>;
  readonly fixedNodeCount: number;
  readonly loadedNodeCount: number;
  readonly warnings: string[];
}

/**
 * Smallest share of the vertebra's voxels the body split may give the body. A vertebral body is
 * about half to two thirds of a lumbar vertebra's bone (the bundled L2: 58 %); a far smaller
 * share means the split or the segmentation failed.
 */
const minBodyShare = 0.2;

/** Defaults of {@link ModelOptions} (smoothing 0 means: a third of the largest voxel spacing). */
export const defaultModelOptions: ModelOptions = {
  elementSizeMm: 1,
  law: defaultMaterialLawName,
  capThicknessMm: 3,
  capClearanceMm: 3,
  capMaxDepthMm: 10,
  smoothingMm: 0,
  openingRadiusMm: 5,
  axisMethod: 'auto',
  source: 'density',
};

/** What {@link buildVertebraModel} returns. */
export interface BuiltModel {
  readonly model: VertebraModel;
  readonly quality: MeshQuality;
  readonly report: ModelReport;
}

/** Builds the finite-element model of one vertebra; see the module comment. */
export function buildVertebraModel(
  image: VertebraImage,
  options: Partial<ModelOptions>,
  log: PhaseLogger,
): BuiltModel {
  const resolved: ModelOptions = { ...defaultModelOptions, ...options };
  const smoothingMm =
    resolved.smoothingMm > 0 ? resolved.smoothingMm : Math.max(...image.spacingMm) / 3;
  const opts: ModelOptions = { ...resolved, smoothingMm };
  const law = materialLaw(opts.law);
  if (!(opts.elementSizeMm > 0)) {
    throw new UserError(
      `--element-size: must be a positive length in mm, got ${opts.elementSizeMm}`,
    );
  }
  const warnings: string[] = [];
  let start = performance.now();

  let regions = image.regions;
  const splitBody = regions.includes(VoxelRegion.Vertebra);
  if (splitBody) {
    const split = splitVertebra(image, regions, opts.openingRadiusMm);
    regions = split.regions;
    const bodyShare = split.bodyVoxelCount / (split.bodyVoxelCount + split.posteriorVoxelCount);
    if (bodyShare < minBodyShare) {
      throw new UserError(
        `${opts.source}: the vertebral body could not be separated (${split.bodyVoxelCount} body ` +
          `voxels, ${(100 * bodyShare).toFixed(0)} % of the vertebra; expected over ` +
          `${100 * minBodyShare} %): give a label map, or check the threshold`,
      );
    }
    log.phase(
      'body',
      `split whole-vertebra label: ${split.bodyVoxelCount} body, ` +
        `${split.posteriorVoxelCount} posterior voxels`,
      performance.now() - start,
    );
  }
  const body = Uint8Array.from(regions, (r) =>
    r === VoxelRegion.BodyTrabecular || r === VoxelRegion.BodyCortical ? 1 : 0,
  );
  if (!body.includes(1))
    throw new UserError(`${opts.source}: the vertebra has no vertebral-body voxels`);

  start = performance.now();
  const axis = chooseAxis(image, regions, body, opts.axisMethod);
  warnings.push(...axis.warnings);
  const caps = layoutCaps(image, regions, axis.axis, {
    capThicknessMm: opts.capThicknessMm,
    clearanceMm: opts.capClearanceMm,
    maxDepthMm: opts.capMaxDepthMm,
    source: opts.source,
  });
  log.phase(
    'caps',
    `axis (${axis.axis.map((c) => c.toFixed(3)).join(', ')}) ` +
      `${axis.angleToImageDeg.toFixed(1)} deg from +z, ` +
      `height ${caps.planes.heightMm.toFixed(1)} mm, ` +
      `cap voxels ${caps.labelledCapVoxels} labelled + ${caps.generatedCapVoxels} generated`,
    performance.now() - start,
  );

  const coarsestMm = caps.planes.heightMm / 3;
  if (opts.elementSizeMm > coarsestMm) {
    throw new UserError(
      `${opts.source}: element size ${opts.elementSizeMm} mm is over a third of the ` +
        `vertebra's height (${caps.planes.heightMm.toFixed(1)} mm between the caps): ` +
        `use at most ${coarsestMm.toFixed(1)} mm`,
    );
  }

  start = performance.now();
  const domain = capDomain(image, caps.regions, caps.planes, smoothingMm);
  const repaired = stuffTetrahedraWithRepair(domain, { edgeLengthMm: opts.elementSizeMm });
  const stuffed = repaired.mesh;
  if (repaired.droppedCount > 0) {
    warnings.push(
      `mesh: removed ${repaired.droppedCount} elements outside 10..165 degrees ` +
        `(${repaired.droppedVolumeMm3.toFixed(2)} mm3)`,
    );
  }
  const kept = keepLargestComponent(stuffed);
  const mesh = kept.mesh;
  const dropped = Array.from(kept.droppedVolumesMm3);
  if (dropped.length > 0) {
    warnings.push(
      `mesh: dropped ${dropped.length} islands totalling ` +
        `${dropped.reduce((a, b) => a + b, 0).toFixed(1)} mm3 ` +
        `(largest ${dropped[0].toFixed(1)} mm3)`,
    );
  }
  const quality = meshQuality(mesh);
  if (quality.invertedCount > 0) {
    throw new NumericalError(`mesh has ${quality.invertedCount} inverted elements`, {
      invertedCount: quality.invertedCount,
    });
  }
  // Fidelity against the voxel mask itself, leaving out the deliberate flat cuts of the caps.
  const cutBandMm = Math.max(...image.spacingMm);
  const deviation = maskSurfaceDeviation(
    mesh,
    image,
    Uint8Array.from(caps.regions, (r) => (r !== VoxelRegion.Outside ? 1 : 0)),
    (node) => {
      const s =
        caps.planes.axis[0] * mesh.nodes[3 * node] +
        caps.planes.axis[1] * mesh.nodes[3 * node + 1] +
        caps.planes.axis[2] * mesh.nodes[3 * node + 2];
      return (
        Math.abs(s - caps.planes.inferiorMm) <= cutBandMm ||
        Math.abs(s - caps.planes.superiorMm) <= cutBandMm
      );
    },
  ).maxMm;
  log.phase(
    'mesh',
    `${quality.nodeCount} nodes, ${quality.elementCount} tetrahedra, ` +
      `h = ${opts.elementSizeMm} mm, dihedral ` +
      `${quality.minDihedralDeg.toFixed(1)}..${quality.maxDihedralDeg.toFixed(1)} deg`,
    performance.now() - start,
  );

  start = performance.now();
  const region = sampleElementRegions(mesh, image, caps.regions);
  const boneElements = Uint8Array.from(region, (r) =>
    r === ElementRegion.Body || r === ElementRegion.Posterior ? 1 : 0,
  );
  const boneVoxels = Uint8Array.from(regions, (r) =>
    r >= VoxelRegion.BodyTrabecular && r <= VoxelRegion.PosteriorCortical ? 1 : 0,
  );
  const searchVoxels = Math.max(
    3,
    Math.ceil(opts.elementSizeMm / Math.min(...image.spacingMm)) + 2,
  );
  const material = mapElementMaterial(image, mesh, law, {
    boneVoxels,
    boneElements,
    searchVoxels,
    source: opts.source,
  });
  const modulus = material.youngsModulusMpa;
  const poisson = new Float64Array(region.length);
  for (let e = 0; e < region.length; e++) {
    if (boneElements[e]) poisson[e] = bonePoissonRatio;
    else {
      modulus[e] = capModulusMpa;
      poisson[e] = capPoissonRatio;
    }
  }
  log.phase('material', `${law.name}: ${law.formula}`, performance.now() - start);

  const tolerance = 1e-3 * opts.elementSizeMm;
  const fixedNodes = planeFaceNodes(
    mesh,
    region,
    ElementRegion.CapInferior,
    axis.axis,
    caps.planes.inferiorMm,
    tolerance,
  );
  const loadedNodes = planeFaceNodes(
    mesh,
    region,
    ElementRegion.CapSuperior,
    axis.axis,
    caps.planes.superiorMm,
    tolerance,
  );
  if (fixedNodes.length < 3 || loadedNodes.length < 3) {
    throw new NumericalError(
      `cap faces have ${fixedNodes.length} fixed and ${loadedNodes.length} loaded nodes ` +
        '(need 3 each)',
      { fixed: fixedNodes.length, loaded: loadedNodes.length },
    );
  }
  const anatomy = checkBodyIsAnterior(mesh, region);
  if (anatomy && !anatomy.bodyIsAnterior) {
    warnings.push(
      `orientation: in ${opts.source} the vertebral body lies ` +
        `${(-anatomy.bodyToPosteriorOffsetMm[1]).toFixed(1)} mm posterior (-y) of the posterior ` +
        "elements in world space: the header's anterior-posterior direction looks flipped " +
        '(stiffness and failure load do not depend on it; anatomical directions do)',
    );
  }
  const touching = sharedNodeCount(
    mesh,
    region,
    [ElementRegion.Posterior],
    [ElementRegion.CapInferior, ElementRegion.CapSuperior],
  );
  if (touching > 0) warnings.push(`caps: ${touching} nodes shared by posterior elements and a cap`);
  for (const w of warnings) log.warn(w);

  const counts = { body: 0, posterior: 0, capInferior: 0, capSuperior: 0 };
  for (const r of region) {
    if (r === ElementRegion.Body) counts.body++;
    else if (r === ElementRegion.Posterior) counts.posterior++;
    else if (r === ElementRegion.CapInferior) counts.capInferior++;
    else counts.capSuperior++;
  }

  const model: VertebraModel = {
    mesh,
    region,
    youngsModulusMpa: modulus,
    poissonRatio: poisson,
    densityMgCm3: material.densityMgCm3,
    axis: axis.axis,
    fixedNodes,
    loadedNodes,
    heightMm: caps.planes.heightMm,
  };
  const report: ModelReport = {
    options: opts,
    lawFormula: law.formula,
    axis: axis.axis,
    axisAngleToImageDeg: axis.angleToImageDeg,
    axisSource: axis.source,
    splitBody,
    capPlanesMm: { inferior: caps.planes.inferiorMm, superior: caps.planes.superiorMm },
    heightMm: caps.planes.heightMm,
    labelledCapVoxels: caps.labelledCapVoxels,
    generatedCapVoxels: caps.generatedCapVoxels,
    clearedCapVoxels: caps.clearedCapVoxels,
    maskVolumeMm3: maskVolumeBetweenPlanes(image, caps.regions, axis.axis, caps.planes),
    meshVolumeMm3: quality.volumeMm3,
    maxSurfaceDeviationMm: deviation,
    droppedIslandVolumesMm3: dropped,
    repairedElements: { count: repaired.droppedCount, volumeMm3: repaired.droppedVolumeMm3 },
    anatomy,
    elementCounts: counts,
    fixedNodeCount: fixedNodes.length,
    loadedNodeCount: loadedNodes.length,
    warnings,
  };
  return { model, quality, report };
}

/** The axis by the chosen method (see {@link ModelOptions.axisMethod}). */
function chooseAxis(
  image: VertebraImage,
  regions: Uint8Array,
  body: Uint8Array,
  method: ModelOptions['axisMethod'],
): {
  axis: [number, number, number];
  angleToImageDeg: number;
  source: AxisSource;
  warnings: string[];
} {
  if (method === 'image')
    return { axis: [0, 0, 1], angleToImageDeg: 0, source: 'image', warnings: [] };
  if (method === 'auto' || method === 'labelled-caps') {
    const inferior = Uint8Array.from(regions, (r) => (r === VoxelRegion.CapInferior ? 1 : 0));
    const superior = Uint8Array.from(regions, (r) => (r === VoxelRegion.CapSuperior ? 1 : 0));
    const axis = labelledCapsAxis(image, inferior, superior);
    if (axis !== undefined) {
      const angleToImageDeg = (Math.acos(Math.min(1, Math.abs(axis[2]))) * 180) / Math.PI;
      return { axis, angleToImageDeg, source: 'labelled-caps', warnings: [] };
    }
    if (method === 'labelled-caps') {
      throw new UserError('--axis labelled-caps: the labels hold no inferior and superior caps');
    }
  }
  return vertebralAxis(image, body);
}

/** Volume in mm3 of the labelled voxels whose centres lie between the cap planes. */
function maskVolumeBetweenPlanes(
  image: VertebraImage,
  regions: Uint8Array,
  axis: readonly number[],
  planes: { inferiorMm: number; superiorMm: number },
): number {
  const [ni, nj] = image.dims;
  const m = image.voxelToWorld;
  let count = 0;
  for (let v = 0; v < regions.length; v++) {
    if (regions[v] === VoxelRegion.Outside) continue;
    const i = v % ni;
    const j = Math.floor(v / ni) % nj;
    const k = Math.floor(v / (ni * nj));
    let s = 0;
    for (let r = 0; r < 3; r++)
      s += axis[r] * (m[4 * r] * i + m[4 * r + 1] * j + m[4 * r + 2] * k + m[4 * r + 3]);
    if (s > planes.inferiorMm && s < planes.superiorMm) count++;
  }
  return count * voxelVolumeMm3(image);
}
