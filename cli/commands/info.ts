/**
 * `vph info FILE [--mask M] [--json]`: how a NIfTI file is read. Dimensions, voxel size,
 * orientation code, affine, units, datatype, value range after scaling, which transform was used
 * and why; for a label map (the --mask file, or FILE itself when it holds few integer values)
 * the labels present with their names and voxel counts.
 */
import { parseArgs } from 'node:util';
import { UserError } from '../../core/errors.js';
import type { Command } from '../command.js';
import { readNifti, type NiftiImage } from '../../input/niftiFile.js';
import { countLabels, integerLabels, type LabelCount } from '../../input/labelMap.js';
import {
  fitsConvention,
  labelConventions,
  labelName,
  type LabelConvention,
} from '../../input/labelConventions.js';

/** Most distinct values FILE may hold to be listed as a label map. */
const maxLabelsListed = 128;

interface LabelReport {
  readonly conventions: LabelConvention[];
  readonly labels: (LabelCount & { names: Partial<Record<LabelConvention, string>> })[];
}

function looksLikeLabels(image: NiftiImage): boolean {
  const seen = new Set<number>();
  for (const value of image.values) {
    if (!Number.isInteger(value) || value < 0) return false;
    seen.add(value);
    if (seen.size > maxLabelsListed) return false;
  }
  return true;
}

function labelReport(image: NiftiImage): LabelReport {
  const counts = countLabels(integerLabels(image));
  const present = counts.map((c) => c.label);
  const conventions = labelConventions.filter((c) => fitsConvention(c, present));
  const labels = counts.map((count) => {
    const names: Partial<Record<LabelConvention, string>> = {};
    for (const convention of conventions) names[convention] = labelName(convention, count.label);
    return { ...count, names };
  });
  return { conventions, labels };
}

function valueRange(values: Float64Array) {
  let min = Infinity;
  let max = -Infinity;
  let nonFinite = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) {
      nonFinite++;
      continue;
    }
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { min, max, nonFinite };
}

function describe(image: NiftiImage, asLabels: boolean) {
  const { header, geometry } = image;
  const affine = Array.from(image.voxelToWorld);
  return {
    file: image.filePath,
    sha256: image.sha256,
    format: `NIfTI-${header.version}`,
    byteOrder: header.littleEndian ? 'little-endian' : 'big-endian',
    datatype: image.datatypeName,
    dims: image.dims,
    volumes: image.volumeCount,
    volumeIndex: image.volumeIndex,
    spacingMm: image.spacingMm,
    orientation: geometry.orientation,
    transform: geometry.source,
    transformReason: geometry.reason,
    qformCode: header.qformCode,
    sformCode: header.sformCode,
    headerUnits: geometry.units,
    voxelToWorld: [0, 1, 2, 3].map((row) => affine.slice(4 * row, 4 * row + 4)),
    scaling: image.scaling ?? null,
    range: valueRange(image.values),
    labels: asLabels ? labelReport(image) : undefined,
    warnings: image.warnings,
  };
}

type Description = ReturnType<typeof describe>;

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}

function formatText(info: Description): string {
  const lines = [
    `${info.file}`,
    `  format       ${info.format}, ${info.byteOrder}, ${info.datatype}`,
    `  dims         ${info.dims.join(' x ')}` +
      (info.volumes > 1 ? ` (volume ${info.volumeIndex} of ${info.volumes})` : ''),
    `  voxel        ${info.spacingMm.map(fmt).join(' x ')} mm`,
    `  orientation  ${info.orientation}`,
    `  transform    ${info.transform}: ${info.transformReason}`,
    `  units        ${info.headerUnits} in the header, shown in mm`,
    `  affine       ${info.voxelToWorld.map((row) => row.map(fmt).join(' ')).join(' | ')}`,
    `  scaling      ` +
      (info.scaling ? `value * ${info.scaling.slope} + ${info.scaling.intercept}` : 'none'),
    `  range        ${fmt(info.range.min)} .. ${fmt(info.range.max)} after scaling` +
      (info.range.nonFinite > 0 ? `, ${info.range.nonFinite} non-finite voxels` : ''),
    `  sha256       ${info.sha256}`,
  ];
  if (info.labels !== undefined) {
    const conventions = info.labels.conventions;
    lines.push(
      `  labels       ${info.labels.labels.length} present; numbering fits: ` +
        (conventions.length > 0 ? conventions.join(', ') : 'none'),
    );
    for (const { label, voxels, names } of info.labels.labels) {
      const named = conventions.map((c) => `${c} ${names[c]}`).join(', ');
      lines.push(
        `    ${String(label).padStart(4)}  ${String(voxels).padStart(9)} voxels  ${named}`,
      );
    }
  }
  for (const warning of info.warnings) lines.push(`  warning: ${warning}`);
  return lines.join('\n');
}

/** The `vph info` subcommand. */
export const command: Command = {
  summary: 'show how a NIfTI file is read: grid, orientation, transform, values, labels',
  help: `usage: vph info FILE [--mask MASK] [--volume N] [--json]

Prints how FILE (.nii or .nii.gz, NIfTI-1 or NIfTI-2) is read: dimensions, voxel size in mm,
orientation code (RAS, LPS, ...), the voxel-to-world affine in mm, header units, datatype, the
value range after scl_slope/scl_inter, and which transform (sform, qform or voxel sizes) was used
and why. For a label map (MASK, or FILE when it holds at most ${maxLabelsListed} integer values)
it lists the labels present with their names in each numbering that fits (verse, totalseg,
regions) and their voxel counts.

options:
  --mask MASK   also describe this label map
  --volume N    volume of a 4-D file (0-based, default 0)
  --json        machine-readable output on stdout`,

  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        options: {
          mask: { type: 'string' },
          volume: { type: 'string' },
          json: { type: 'boolean', default: false },
        },
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw new UserError(error instanceof Error ? error.message.split('\n')[0] : String(error));
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1) {
      throw new UserError(`vph info: expected one FILE, got ${positionals.length}`);
    }
    let volumeIndex: number | undefined;
    if (values.volume !== undefined) {
      volumeIndex = Number(values.volume);
      if (values.volume.trim() === '' || !Number.isInteger(volumeIndex) || volumeIndex < 0) {
        throw new UserError(`--volume: '${values.volume}' is not an integer >= 0`);
      }
    }

    const image = readNifti(positionals[0], { volumeIndex: volumeIndex ?? 0 });
    const reports = [describe(image, looksLikeLabels(image))];
    if (values.mask !== undefined) reports.push(describe(readNifti(values.mask), true));

    if (values.json) {
      const body = values.mask === undefined ? reports[0] : { image: reports[0], mask: reports[1] };
      process.stdout.write(JSON.stringify(body, null, 2) + '\n');
    } else {
      process.stdout.write(reports.map(formatText).join('\n\n') + '\n');
    }
  },
};
