/**
 * `vph mesh INPUT [input options] --out DIR [model options]`: builds the vertebra model (mesh,
 * caps, materials, loading faces) without solving it, and writes DIR/model.vtu (region, modulus
 * and density per element; the loading faces per node), DIR/model.inp (a CalculiX/Abaqus deck of
 * the axial compression case) and DIR/mesh.json (the build report and mesh quality). Prints the
 * mesh quality, the axis and the warnings.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { inputOptionsHelp, parseInputArgs } from '../../input/inputArgs.js';
import { loadVertebraImage } from '../../input/loadVertebra.js';
import { buildVertebraModel, type ModelOptions } from '../../meshing/buildModel.js';
import { writeInp } from '../../meshing/inp.js';
import { materialLaws } from '../../meshing/materialLaws.js';
import { writeVtu } from '../../meshing/vtu.js';
import type { Command } from '../command.js';
import { axisMethods, oneOf, positiveNumber } from '../optionValues.js';
import { prepareOutputFolder } from '../outputFolder.js';

const meshOptionSpec = {
  out: { type: 'string' },
  'element-size': { type: 'string' },
  law: { type: 'string' },
  'cap-thickness': { type: 'string' },
  axis: { type: 'string' },
  'inp-materials': { type: 'string' },
  'inp-strain': { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

const help = `usage: vph mesh INPUT --out DIR [options]

Builds the finite-element model of one vertebra without solving it: tetrahedral mesh of bone
and bone-cement caps, element moduli from the scan, loading faces. Writes DIR/model.vtu
(ParaView), DIR/model.inp (CalculiX/Abaqus deck) and DIR/mesh.json (report and mesh quality).

${inputOptionsHelp}

model options:
  --out DIR              output folder (created if missing; required)
  --element-size MM      target tetrahedron edge in mm (default 1.0)
  --law NAME             density-modulus law: ${Object.keys(materialLaws).join(', ')}
                         (default morgan2003-vertebra)
  --cap-thickness MM     cement beyond the body's extreme point along the axis (default 3)
  --axis METHOD          auto (default: labelled caps' normal, else the body's principal axis)
                         | principal-axes | image | labelled-caps
  --inp-materials M      binned (default, at most 256 materials) | per-element
  --inp-strain S         apparent strain prescribed in the deck (default 0.002)
  --quiet                no progress lines on stderr`;

async function run(args: string[]): Promise<void> {
  const { options, extra } = parseInputArgs(args, meshOptionSpec);
  const out = extra.out as string | undefined;
  if (out === undefined) throw new UserError('--out: an output folder is required');
  const law = (extra.law as string | undefined) ?? 'morgan2003-vertebra';
  const modelOptions: Partial<ModelOptions> = {
    elementSizeMm: positiveNumber('element-size', extra['element-size'], 1),
    law: oneOf('law', law, Object.keys(materialLaws), 'morgan2003-vertebra'),
    capThicknessMm: positiveNumber('cap-thickness', extra['cap-thickness'], 3),
    axisMethod: oneOf('axis', extra.axis, axisMethods, 'auto'),
    source: options.ctPath,
  };
  const inpMaterials = oneOf(
    'inp-materials',
    extra['inp-materials'],
    ['binned', 'per-element'] as const,
    'binned',
  );
  const strain = positiveNumber('inp-strain', extra['inp-strain'], 0.002);
  const log = createLogger(extra.quiet === true);
  const resultNames = ['model.vtu', 'model.inp', 'mesh.json'];
  prepareOutputFolder(out, resultNames);

  const loaded = await loadVertebraImage(options, log);
  const { model, quality, report } = buildVertebraModel(loaded.image, modelOptions, log);

  const displacementMm = strain * model.heightMm;
  let inp: ReturnType<typeof writeInp>;
  try {
    const nodeCount = model.mesh.nodes.length / 3;
    const face = new Uint8Array(nodeCount);
    for (const n of model.fixedNodes) face[n] = 1;
    for (const n of model.loadedNodes) face[n] = 2;
    writeVtu(join(out, 'model.vtu'), model.mesh, {
      pointData: [{ name: 'face (1 fixed, 2 loaded)', components: 1, values: face }],
      cellData: [
        { name: 'region', components: 1, values: model.region },
        { name: 'modulus (MPa)', components: 1, values: model.youngsModulusMpa },
        { name: 'density (mg/cm3)', components: 1, values: model.densityMgCm3 },
      ],
    });
    inp = writeInp(join(out, 'model.inp'), model, {
      displacementMm,
      materials: inpMaterials,
    });
    const inpReport = {
      materials: inpMaterials,
      materialCount: inp.materialCount,
      modulusRelativeL2: inp.modulusRelativeL2,
      displacementMm,
    };
    writeFileSync(
      join(out, 'mesh.json'),
      JSON.stringify(
        {
          provenance: loaded.provenance,
          model: report,
          quality: { ...quality, dihedralHistogram: Array.from(quality.dihedralHistogram) },
          inp: inpReport,
        },
        null,
        2,
      ) + '\n',
    );
  } catch (error) {
    for (const name of resultNames) rmSync(join(out, name), { force: true });
    throw error;
  }

  const volumePercent = ((report.meshVolumeMm3 / report.maskVolumeMm3 - 1) * 100).toFixed(2);
  const counts = report.elementCounts;
  const cm3 = (mm3: number) => `${(mm3 / 1000).toFixed(2)} cm3`;
  const written = ['model.vtu', 'model.inp', 'mesh.json'].map((f) => join(out, f));
  const lines = [
    `nodes            ${quality.nodeCount}`,
    `elements         ${quality.elementCount} (body ${counts.body}, ` +
      `posterior ${counts.posterior}, caps ${counts.capInferior} + ${counts.capSuperior})`,
    `dihedral angles  ${quality.minDihedralDeg.toFixed(1)} .. ` +
      `${quality.maxDihedralDeg.toFixed(1)} deg`,
    `radius ratio     min ${quality.minRadiusRatio.toFixed(3)}, ` +
      `mean ${quality.meanRadiusRatio.toFixed(3)}`,
    `inverted         ${quality.invertedCount}`,
    `volume           mesh ${cm3(report.meshVolumeMm3)}, ` +
      `mask ${cm3(report.maskVolumeMm3)} (${volumePercent} %)`,
    `surface dev.     ${report.maxSurfaceDeviationMm.toFixed(2)} mm ` +
      '(largest, boundary nodes to the voxel mask surface)',
    `axis             (${report.axis.map((c) => c.toFixed(4)).join(', ')}), ` +
      `${report.axisAngleToImageDeg.toFixed(2)} deg from image +z, ${report.axisSource}`,
    `height           ${report.heightMm.toFixed(2)} mm between the cap faces; ` +
      `${report.fixedNodeCount} fixed, ${report.loadedNodeCount} loaded nodes`,
    `law              ${report.lawFormula}`,
    `inp materials    ${inp.materialCount} (${inpMaterials}), ` +
      `modulus relative L2 difference ${inp.modulusRelativeL2.toExponential(2)}`,
    `written          ${written.join(', ')}`,
  ];
  for (const warning of report.warnings) lines.push(`warning          ${warning}`);
  process.stdout.write(lines.join('\n') + '\n');
}

/** The `vph mesh` subcommand. */
export const command: Command = {
  summary: 'build the vertebra model (mesh, caps, materials) and write .vtu and .inp',
  help,
  run,
};
