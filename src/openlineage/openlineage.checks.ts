import { isUuid } from './openlineage.formats';
import type { ValidationIssue } from './openlineage.types';
import { cutText } from '../core/text';

/**
 * The building blocks of the OpenLineage validator: the issue list, JSON paths, limits, and the checks of
 * single values. Messages name the path and, where it helps, the bad value.
 */

/** Enough to fix an event in one round trip, few enough to keep a 400 answer small. */
export const MAX_ISSUES = 20;
/** UTF-8 bytes of a name, namespace, producer or other identifying string. */
export const MAX_STRING_BYTES = 64 * 1024;
/** Containers (objects, arrays) from the event down; real events nest about 16 deep (Spark logical plans). */
export const MAX_DEPTH = 64;

export type JsonObject = Record<string, unknown>;

export class IssueList {
  private readonly issues: ValidationIssue[] = [];

  add(path: string, message: string): void {
    if (!this.full) this.issues.push({ path, message });
  }

  /** Once full, callers stop looking: a broken 10,000-item list is not walked to the end. */
  get full(): boolean {
    return this.issues.length >= MAX_ISSUES;
  }

  get empty(): boolean {
    return this.issues.length === 0;
  }

  /** The issues, and a note when the validator stopped looking for more. */
  list(): ValidationIssue[] {
    if (!this.full) return [...this.issues];
    return [...this.issues, { path: '', message: `validation stopped after ${MAX_ISSUES} issues; there may be more` }];
  }
}

/**
 * What an accepted event got wrong that does not stop it from becoming lineage, and the parts of it that are
 * set aside for it (not read; the raw event keeps them): a dataset (`inputs[1]`), a facet map (`run.facets`) or
 * one facet (`outputs[0].facets.version`). The mapper skips every part whose path is in `setAside`.
 */
export class Warnings {
  private readonly warnings: ValidationIssue[] = [];
  private dropped = 0;
  readonly setAside = new Set<string>();

  add(path: string, message: string): void {
    if (this.warnings.length < MAX_ISSUES) this.warnings.push({ path, message });
    else this.dropped++;
  }

  /** Sets the part at `path` aside when `issues` found something wrong with it; true when it did. */
  setAsideFor(path: string, issues: IssueList, consequence: string): boolean {
    if (issues.empty) return false;
    this.setAside.add(path);
    const found = issues.list().filter((issue) => issue.path !== '' || !issue.message.startsWith('validation stopped'));
    const shown = found.slice(0, 3).map((issue) => issue.message);
    if (found.length > 3) shown.push(`${found.length - 3} more`);
    this.add(path, `${shown.join('; ')}; ${consequence}`);
    return true;
  }

  list(): ValidationIssue[] {
    if (this.dropped === 0) return [...this.warnings];
    return [...this.warnings, { path: '', message: `${this.dropped} more warnings not listed` }];
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const MAX_KEY_IN_PATH = 80;

/** `run` + `runId` → `run.runId`; `outputs` + 2 → `outputs[2]`; odd keys are quoted: `facets["spark.plan"]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (IDENTIFIER.test(key) && key.length <= MAX_KEY_IN_PATH) return parent === '' ? key : `${parent}.${key}`;
  // Long keys are cut, so that a path (at most MAX_DEPTH keys) stays a few kilobytes at worst.
  const shown = cutText(key, MAX_KEY_IN_PATH + 1, '…');
  return `${parent}[${JSON.stringify(shown)}]`;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a value of the wrong type is named in a message: `a number`, `null`. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? `a ${typeof value}` : typeof value;
}

/** A bad value quoted in a message, cut short so a 64 KiB string does not become a 64 KiB answer. */
export function quote(value: string): string {
  return `'${cutText(value, 101, '…')}'`;
}

/** `undefined` and `null` both mean "not sent" for optional fields (Jackson and Go write nulls). */
export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export function requireObject(value: unknown, path: string, issues: IssueList): value is JsonObject {
  if (value === undefined) issues.add(path, `${path} is required`);
  else if (!isObject(value)) issues.add(path, `${path} must be an object, got ${typeName(value)}`);
  else return true;
  return false;
}

/** True when the value is an object to look into; absent is fine, anything else is an issue. */
export function optionalObject(value: unknown, path: string, issues: IssueList): value is JsonObject {
  if (isAbsent(value)) return false;
  if (isObject(value)) return true;
  issues.add(path, `${path} must be an object, got ${typeName(value)}`);
  return false;
}

export function optionalArray(value: unknown, path: string, issues: IssueList): value is unknown[] {
  if (isAbsent(value)) return false;
  if (Array.isArray(value)) return true;
  issues.add(path, `${path} must be an array, got ${typeName(value)}`);
  return false;
}

interface StringRules {
  /** Identifiers (names, namespaces, versions) must say something. */
  nonEmpty?: boolean;
}

export function requireString(value: unknown, path: string, issues: IssueList, rules: StringRules = {}): value is string {
  if (value === undefined || value === null) {
    issues.add(path, `${path} is required`);
    return false;
  }
  return checkString(value, path, issues, rules);
}

/** True when the value is a string to use; absent is fine, anything else is an issue. */
export function optionalString(value: unknown, path: string, issues: IssueList, rules: StringRules = {}): value is string {
  return !isAbsent(value) && checkString(value, path, issues, rules);
}

function checkString(value: unknown, path: string, issues: IssueList, rules: StringRules): value is string {
  if (typeof value !== 'string') issues.add(path, `${path} must be a string, got ${typeName(value)}`);
  else if (rules.nonEmpty && value.length === 0) issues.add(path, `${path} must not be empty`);
  // Cheap pre-check: a string of at most MAX/3 UTF-16 units cannot exceed MAX UTF-8 bytes.
  else if (value.length > MAX_STRING_BYTES / 3 && Buffer.byteLength(value, 'utf8') > MAX_STRING_BYTES) {
    issues.add(path, `${path} is ${Buffer.byteLength(value, 'utf8')} bytes long; at most ${MAX_STRING_BYTES} bytes are accepted`);
  } else return true;
  return false;
}

/** A run id, here or in a `parent` facet: the spec's `format: uuid`. */
export function requireUuid(value: unknown, path: string, issues: IssueList): value is string {
  if (!requireString(value, path, issues)) return false;
  if (isUuid(value)) return true;
  issues.add(path, `${path} ${quote(value)} is not a UUID`);
  return false;
}

/** Statistics are counts: whole numbers JSON can carry exactly. */
export function optionalInteger(value: unknown, path: string, issues: IssueList): value is number {
  if (isAbsent(value)) return false;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return true;
  issues.add(path, `${path} must be a whole number, got ${typeof value === 'number' ? String(value) : typeName(value)}`);
  return false;
}

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | null;
  key: string | number;
}

/**
 * The path of the first container nested deeper than MAX_DEPTH, or null. Iterative, so neither a deep
 * event nor a cyclic object built in code (which is infinitely deep) can overflow the stack; the path is
 * built only for the culprit.
 */
export function findTooDeep(root: unknown): string | null {
  const stack: Frame[] = [{ value: root, depth: 1, parent: null, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    if (frame.depth > MAX_DEPTH) return pathOf(frame);
    const { value } = frame;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (typeof item === 'object' && item !== null) stack.push({ value: item, depth: frame.depth + 1, parent: frame, key: index });
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (typeof item === 'object' && item !== null) stack.push({ value: item, depth: frame.depth + 1, parent: frame, key });
      }
    }
  }
  return null;
}

function pathOf(frame: Frame): string {
  const keys: Array<string | number> = [];
  for (let at: Frame | null = frame; at !== null && at.parent !== null; at = at.parent) keys.unshift(at.key);
  return keys.reduce<string>((path, key) => childPath(path, key), '');
}
