/**
 * Command-line flags of the input layer, shared by `vph info`, `vph mesh` and `vph solve`:
 * turns arguments into {@link LoadOptions} with one-line errors for every mistake.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../core/errors.js';
import { parseConvention, parseLevel } from './labelConventions.js';
import { parseLinearCalibration } from './calibration.js';
import type { LoadOptions } from './loadVertebra.js';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** The input layer's flags, in node:util parseArgs form. */
export const inputOptionSpec = {
  mask: { type: 'string' },
  level: { type: 'string' },
  label: { type: 'string' },
  labels: { type: 'string' },
  calibration: { type: 'string' },
  phantom: { type: 'string' },
  'input-units': { type: 'string' },
  threshold: { type: 'string' },
  volume: { type: 'string' },
} as const satisfies OptionSpec;

/** Help lines for the input layer's flags, for commands' help texts. */
export const inputOptionsHelp = `input options:
  --mask FILE            label map (NIfTI) on the CT's grid or another grid with a known affine
  --level L              vertebra by level (C1..C7, T1..T13, L1..L6, S1), needs --mask
  --label N              vertebra by raw label value, needs --mask
  --labels NAME          label numbering: verse | totalseg | regions (detected when unambiguous)
  --calibration A,B      density rho = A + B*HU in mg/cm3
  --phantom FILE         CSV of phantom inserts: HU,density_mg_cm3 (least-squares line)
  --input-units U        hu (default) or density (image already in mg/cm3)
  --threshold T          bone threshold without --mask (default 200 HU, or 40 mg/cm3 for density)
  --volume N             volume of a 4-D file (0-based)`;

function integerFlag(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new UserError(`--${flag}: '${text}' is not an integer >= ${min}`);
  }
  return value;
}

function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new UserError(`--${flag}: '${text}' is not a number`);
  }
  return value;
}

/** Result of {@link parseInputArgs}: the load options and the command's own flag values. */
export interface ParsedInputArgs {
  readonly options: LoadOptions;
  /** Values of the extra flags the command declared, by name. */
  readonly extra: Record<string, string | boolean | undefined>;
}

/**
 * Joins `--flag -2.5,1` into `--flag=-2.5,1` for string flags, so that negative numbers are
 * taken as values rather than as unknown flags.
 */
function joinNegativeValues(args: string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let n = 0; n < args.length; n++) {
    const name = args[n].startsWith('--') ? args[n].slice(2) : undefined;
    const next = args[n + 1];
    const takesValue = name !== undefined && options[name]?.type === 'string';
    if (takesValue && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${args[n]}=${next}`);
      n++;
    } else {
      out.push(args[n]);
    }
  }
  return out;
}

/**
 * Parses `FILE [input options] [extra options]`. `extraOptions` declares the command's own
 * flags (parseArgs form); unknown flags, a missing or second FILE, and bad values are
 * UserErrors.
 */
export function parseInputArgs(args: string[], extraOptions: OptionSpec = {}): ParsedInputArgs {
  const allOptions: OptionSpec = { ...inputOptionSpec, ...extraOptions };
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(args, allOptions),
      options: allOptions,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const unknown = /Unknown option '([^']+)'/.exec(String((error as Error).message));
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
      throw new UserError(`unknown option '${unknown[1]}' (--help lists the options)`);
    }
    throw new UserError(error instanceof Error ? error.message.split('\n')[0] : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    const got = positionals.length === 0 ? 'none' : positionals.join(' ');
    throw new UserError(`expected one image FILE (.nii or .nii.gz), got ${got}`);
  }

  const text = (name: keyof typeof inputOptionSpec) => values[name] as string | undefined;
  const units = text('input-units') ?? 'hu';
  if (units !== 'hu' && units !== 'density') {
    throw new UserError(`--input-units: '${units}' is not hu or density`);
  }
  const calibrationText = text('calibration');
  const calibration =
    calibrationText === undefined ? undefined : parseLinearCalibration(calibrationText);
  const levelText = text('level');
  const labelsText = text('labels');

  const options: LoadOptions = {
    ctPath: positionals[0],
    maskPath: text('mask'),
    level: levelText === undefined ? undefined : parseLevel(levelText),
    label: integerFlag('label', text('label'), 1),
    labels: labelsText === undefined ? undefined : parseConvention(labelsText),
    calibration:
      calibration === undefined
        ? undefined
        : [calibration.interceptMgCm3, calibration.slopeMgCm3PerHu],
    phantomPath: text('phantom'),
    inputUnits: units,
    threshold: numberFlag('threshold', text('threshold')),
    volumeIndex: integerFlag('volume', text('volume'), 0),
  };

  const extra: Record<string, string | boolean | undefined> = {};
  for (const name of Object.keys(extraOptions)) {
    extra[name] = (values as Record<string, string | boolean | undefined>)[name];
  }
  return { options, extra };
}
