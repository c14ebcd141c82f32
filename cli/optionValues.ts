/** Option values shared by the `vph` subcommands: checked, or a one-line UserError. */
import { UserError } from '../core/errors.js';

/** The value of `--flag` as a finite positive number, or `fallback` when the flag is absent. */
export function positiveNumber(flag: string, text: unknown, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (typeof text !== 'string' || text.trim() === '' || !(value > 0) || !Number.isFinite(value)) {
    throw new UserError(`--${flag}: '${String(text)}' is not a positive number`);
  }
  return value;
}

/** The value of `--flag` if it is one of `allowed`, or `fallback` when the flag is absent. */
export function oneOf<T extends string>(
  flag: string,
  text: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (text === undefined) return fallback;
  if (!(allowed as readonly unknown[]).includes(text)) {
    throw new UserError(`--${flag}: '${String(text)}' is not one of ${allowed.join(', ')}`);
  }
  return text as T;
}

/** How the vertebral axis may be chosen (`--axis`), as the model builder names them. */
export const axisMethods = ['auto', 'principal-axes', 'image', 'labelled-caps'] as const;
