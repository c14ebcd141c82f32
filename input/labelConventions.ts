/**
 * Label-map numbering conventions and spinal levels.
 *
 * - `verse`: the VerSe challenge numbering (Sekuboyina et al., Medical Image Analysis 2021):
 *   1..7 C1..C7, 8..19 T1..T12, 20..24 L1..L5, 25 L6, 26 sacrum, 27 coccyx, 28 T13.
 * - `totalseg`: TotalSegmentator v2 (Wasserthal et al., Radiology: AI 2023), vertebrae only:
 *   25 sacrum, 26 S1, 27 L5, 28 L4, 29 L3, 30 L2, 31 L1, 32 T12 .. 43 T1, 44 C7 .. 50 C1. Its
 *   labels 1..24 and 51..117 are organs, vessels and muscles, named here only as "not a vertebra".
 * - `regions`: the scheme of the bundled VerSe sample: one cropped vertebra, 1/2 body trabecular/
 *   cortical, 3/4 posterior trabecular/cortical, 5/6 bone-cement caps inferior/superior.
 */
import { UserError } from '../core/errors.js';

/** A label-numbering convention. */
export type LabelConvention = 'verse' | 'totalseg' | 'regions';

/** All conventions, in the order they are tried. */
export const labelConventions: readonly LabelConvention[] = ['verse', 'totalseg', 'regions'];

/** Levels prefix+first, prefix+(first+1), ... numbered firstCode, firstCode+1, ... */
function range(prefix: string, first: number, count: number, firstCode: number) {
  return Array.from(
    { length: count },
    (_, n) => [`${prefix}${first + n}`, firstCode + n] as [string, number],
  );
}

/** Levels prefix+last, prefix+(last-1), ... numbered firstCode, firstCode+1, ... (going up). */
function descending(prefix: string, last: number, count: number, firstCode: number) {
  return Array.from(
    { length: count },
    (_, n) => [`${prefix}${last - n}`, firstCode + n] as [string, number],
  );
}

const verseLevels = new Map<string, number>([
  ...range('C', 1, 7, 1),
  ...range('T', 1, 12, 8),
  ...range('L', 1, 5, 20),
  ['L6', 25],
  ['SACRUM', 26],
  ['COCCYX', 27],
  ['T13', 28],
]);

const totalsegLevels = new Map<string, number>([
  ['SACRUM', 25],
  ['S1', 26],
  ...descending('L', 5, 5, 27),
  ...descending('T', 12, 12, 32),
  ...descending('C', 7, 7, 44),
]);

const regionNames = new Map<number, string>([
  [1, 'body trabecular'],
  [2, 'body cortical'],
  [3, 'posterior trabecular'],
  [4, 'posterior cortical'],
  [5, 'cap inferior'],
  [6, 'cap superior'],
]);

function invert(levels: Map<string, number>): Map<number, string> {
  const names = new Map<number, string>();
  for (const [name, code] of levels) {
    names.set(code, name === 'SACRUM' ? 'sacrum' : name === 'COCCYX' ? 'coccyx' : name);
  }
  return names;
}

const verseNames = invert(verseLevels);
const totalsegNames = invert(totalsegLevels);

/** Normalises a level name: 'l2' -> 'L2', 'Sacrum' -> 'SACRUM'. Throws on an unknown name. */
export function parseLevel(text: string, source = '--level'): string {
  const level = text.trim().toUpperCase();
  const known = /^(C[1-7]|T([1-9]|1[0-3])|L[1-6]|S1|SACRUM|COCCYX)$/;
  if (!known.test(level)) {
    throw new UserError(`${source}: '${text}' is not a spinal level (C1..C7, T1..T13, L1..L6, S1)`);
  }
  return level;
}

/** Label code of a level in a convention, or undefined when the convention has no such level. */
export function labelOfLevel(convention: LabelConvention, level: string): number | undefined {
  if (convention === 'verse') return verseLevels.get(level);
  if (convention === 'totalseg') return totalsegLevels.get(level);
  return undefined;
}

/** Name of a label under a convention ('L2', 'body cortical', 'not a vertebra', ...). */
export function labelName(convention: LabelConvention, label: number): string {
  if (label === 0) return 'background';
  const table =
    convention === 'verse' ? verseNames : convention === 'totalseg' ? totalsegNames : regionNames;
  const name = table.get(label);
  if (name !== undefined) return name;
  if (convention === 'totalseg' && label >= 1 && label <= 117) return 'not a vertebra';
  return 'unknown';
}

/** Whether every present non-zero label has a meaning in the convention. */
export function fitsConvention(convention: LabelConvention, present: readonly number[]): boolean {
  const nonZero = present.filter((label) => label !== 0);
  if (nonZero.length === 0) return false;
  if (convention === 'regions') return nonZero.every((label) => regionNames.has(label));
  if (convention === 'verse') return nonZero.every((label) => verseNames.has(label));
  return (
    nonZero.every((label) => label >= 1 && label <= 117) &&
    nonZero.some((label) => totalsegNames.has(label))
  );
}

/** Parses a `--labels` value. */
export function parseConvention(text: string): LabelConvention {
  const name = text.trim().toLowerCase();
  if (!(labelConventions as readonly string[]).includes(name)) {
    throw new UserError(`--labels: '${text}' is not one of ${labelConventions.join(', ')}`);
  }
  return name as LabelConvention;
}

/** "26 S1, 29 L3 (2 conventions)" style list of the present labels with their names. */
export function describeLabels(present: readonly number[], conventions: LabelConvention[]) {
  const nonZero = present.filter((label) => label !== 0);
  if (nonZero.length === 0) return 'none';
  return nonZero
    .map((label) => {
      const names = conventions.map((c) => labelName(c, label)).filter((n) => n !== 'unknown');
      const unique = [...new Set(names)];
      return unique.length === 0 ? `${label}` : `${label} ${unique.join('/')}`;
    })
    .join(', ');
}
