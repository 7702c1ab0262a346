import { parse } from 'yaml';

/**
 * dvc.lock, dvc.yaml and .dvc/config as data, as pure functions over their text. Only what lineage needs is
 * read; anything else in the files is ignored, and a file that is not what DVC writes is refused with the file
 * (and the commit it came from) named.
 */

export class DvcParseError extends Error {}

export type DvcHashName = 'md5' | 'md5-dos2unix';

export interface DvcPath {
  path: string;
  /** DVC's content hash: `<32 hex>` for a file, `<32 hex>.dir` for a directory; null for external data. */
  hash: string | null;
  /** `md5` (DVC 3) or `md5-dos2unix` (entries written by DVC 2, which hashed text files with CRLF turned to LF). */
  hashName: DvcHashName | null;
  /** For external dependencies (URLs): their etag or checksum, which versions them instead of a hash. */
  otherVersion: string | null;
  size: number | null;
}

export interface DvcLockEntry {
  stage: string;
  cmd: string;
  deps: DvcPath[];
  outs: DvcPath[];
  /** By parameters file: the values the stage ran with. */
  params: Record<string, Record<string, unknown>>;
}

export interface DvcYaml {
  /** Artifacts of type `model`: name → path (DVC 3's `artifacts:` section). */
  models: Record<string, string>;
  /** Stage working directories that are not the dvc.yaml's own. */
  wdirs: Record<string, string>;
}

export function parseDvcLock(text: string, where: string): DvcLockEntry[] {
  const doc = load(text, where) as { schema?: unknown; stages?: Record<string, unknown> } | null;
  if (doc === null) return [];
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new DvcParseError(`${where}: not a dvc.lock (expected a mapping with 'stages')`);
  if (doc.schema !== undefined && String(doc.schema) !== '2.0') {
    throw new DvcParseError(`${where}: dvc.lock schema '${String(doc.schema)}' is not supported (DVC 2 and 3 write schema '2.0')`);
  }
  const stages = doc.stages ?? {};
  if (typeof stages !== 'object' || Array.isArray(stages)) throw new DvcParseError(`${where}: 'stages' must be a mapping`);
  return Object.entries(stages).map(([stage, value]) => {
    const entry = (value ?? {}) as Record<string, unknown>;
    const at = `${where}: stage ${stage}`;
    return {
      stage,
      cmd: Array.isArray(entry.cmd) ? entry.cmd.map(String).join(' && ') : String(entry.cmd ?? ''),
      deps: list(entry.deps, `${at} deps`).map((item, index) => dvcPath(item, `${at} deps[${index}]`)),
      outs: list(entry.outs, `${at} outs`).map((item, index) => dvcPath(item, `${at} outs[${index}]`)),
      params: params(entry.params, `${at} params`),
    };
  });
}

export function parseDvcYaml(text: string, where: string): DvcYaml {
  const doc = (load(text, where) ?? {}) as { artifacts?: Record<string, unknown>; stages?: Record<string, unknown> };
  const models: Record<string, string> = {};
  for (const [name, value] of Object.entries(doc.artifacts ?? {})) {
    const artifact = (value ?? {}) as { path?: unknown; type?: unknown };
    if (artifact.type === 'model' && typeof artifact.path === 'string') models[name] = normalizePath(artifact.path);
  }
  const wdirs: Record<string, string> = {};
  for (const [stage, value] of Object.entries(doc.stages ?? {})) {
    const wdir = (value as { wdir?: unknown } | null)?.wdir;
    if (typeof wdir === 'string' && normalizePath(wdir) !== '.') wdirs[stage] = normalizePath(wdir);
  }
  return { models, wdirs };
}

/** The default remote's URL from .dvc/config (an INI file), or null. */
export function defaultRemoteUrl(config: string): string | null {
  let section = '';
  let defaultRemote: string | null = null;
  const urls = new Map<string, string>();
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header) {
      section = header[1]!.replace(/^'|'$/g, '');
      continue;
    }
    const pair = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (!pair) continue;
    if (section === 'core' && pair[1] === 'remote') defaultRemote = pair[2]!;
    const remote = /^remote\s+"(.+)"$/.exec(section);
    if (remote && pair[1] === 'url') urls.set(remote[1]!, pair[2]!);
  }
  return defaultRemote ? (urls.get(defaultRemote) ?? null) : null;
}

/** A path as DVC writes it, POSIX and without `./`. */
export function normalizePath(value: string): string {
  const parts: string[] = [];
  for (const part of value.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/') || '.';
}

function load(text: string, where: string): unknown {
  try {
    return parse(text);
  } catch (error) {
    throw new DvcParseError(`${where}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
}

function list(value: unknown, where: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new DvcParseError(`${where} must be a list`);
  return value;
}

function dvcPath(value: unknown, where: string): DvcPath {
  if (typeof value !== 'object' || value === null || typeof (value as { path?: unknown }).path !== 'string') {
    throw new DvcParseError(`${where} must be a mapping with a 'path'`);
  }
  const entry = value as Record<string, unknown>;
  const md5 = typeof entry.md5 === 'string' ? entry.md5 : null;
  if (md5 !== null && !/^[0-9a-f]{32}(\.dir)?$/.test(md5)) throw new DvcParseError(`${where}: md5 '${md5}' is not a DVC hash`);
  const other = ['etag', 'checksum', 'version_id'].map((key) => entry[key]).find((v) => typeof v === 'string' || typeof v === 'number');
  return {
    path: normalizePath(entry.path as string),
    hash: md5,
    hashName: md5 === null ? null : entry.hash === 'md5' ? 'md5' : 'md5-dos2unix',
    otherVersion: other === undefined ? null : String(other),
    size: typeof entry.size === 'number' ? entry.size : null,
  };
}

function params(value: unknown, where: string): Record<string, Record<string, unknown>> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new DvcParseError(`${where} must be a mapping of parameter files`);
  const result: Record<string, Record<string, unknown>> = {};
  for (const [file, values] of Object.entries(value)) {
    if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new DvcParseError(`${where} ${file} must be a mapping`);
    result[file] = values as Record<string, unknown>;
  }
  return result;
}
