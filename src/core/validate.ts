import { BadInputError } from '../errors';

/**
 * Checks on values arriving at a front door, shared by every service. Each throws BadInputError naming the
 * field path it was given (e.g. `outputs[2].version`), so the client sees exactly which value was wrong.
 */

export const INPUT_LIMITS = {
  name: 1024,
  version: 256,
  uri: 4096,
  text: 16_384,
  listItems: 10_000,
  jsonBytes: 256 * 1024,
} as const;

// Control characters have no business in names and would make keys ambiguous (ids join key parts with NUL).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

export function requiredName(field: string, value: unknown, max: number = INPUT_LIMITS.name): string {
  if (typeof value !== 'string') throw new BadInputError(field, `must be a string, got ${describe(value)}`);
  if (value.trim().length === 0) throw new BadInputError(field, 'must not be empty');
  if (value.length > max) throw new BadInputError(field, `must be at most ${max} characters, got ${value.length}`);
  if (CONTROL.test(value)) throw new BadInputError(field, 'must not contain control characters');
  return value;
}

export function optionalName(field: string, value: unknown, max: number = INPUT_LIMITS.name): string | null {
  return value === undefined || value === null ? null : requiredName(field, value, max);
}

/** Free text (descriptions, commit messages): any characters, bounded length. */
export function optionalText(field: string, value: unknown, max: number = INPUT_LIMITS.text): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new BadInputError(field, `must be a string, got ${describe(value)}`);
  if (value.length > max) throw new BadInputError(field, `must be at most ${max} characters, got ${value.length}`);
  return value;
}

export function optionalCount(field: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new BadInputError(field, `must be a non-negative whole number, got ${describe(value)}`);
  }
  return value;
}

/** An instant as ISO-8601 UTC with milliseconds; `fallback` when absent. */
export function instant(field: string, value: unknown, fallback: Date): string {
  if (value === undefined || value === null) return fallback.toISOString();
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new BadInputError(field, `must be an ISO-8601 date-time, got ${describe(value)}`);
  if (date.getUTCFullYear() < 1970 || date.getUTCFullYear() > 9999) throw new BadInputError(field, `${date.toISOString()} is out of range`);
  return date.toISOString();
}

export function optionalInstant(field: string, value: unknown): string | null {
  return value === undefined || value === null ? null : instant(field, value, new Date(0));
}

/** A JSON object (parameters, metrics): plain, bounded in size, with string keys. */
export function optionalJsonObject(field: string, value: unknown): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new BadInputError(field, `must be a JSON object, got ${describe(value)}`);
  const size = Buffer.byteLength(JSON.stringify(value));
  if (size > INPUT_LIMITS.jsonBytes) throw new BadInputError(field, `must be at most ${INPUT_LIMITS.jsonBytes} bytes of JSON, got ${size}`);
  return value as Record<string, unknown>;
}

export function boundedList<T>(field: string, value: readonly T[] | null | undefined, max: number = INPUT_LIMITS.listItems): readonly T[] {
  if (value === undefined || value === null) return [];
  if (value.length > max) throw new BadInputError(field, `must have at most ${max} items, got ${value.length}`);
  return value;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 60)}…` : value}'`;
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}
