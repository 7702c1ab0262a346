import fs from 'node:fs';
import path from 'node:path';
import { digestOf, parseDigest } from './content-digest';

/**
 * Whether local bytes are the ones a recorded dataset version names: for each version, find the local file or
 * directory that stands for it, compute its digest the way the recorded one was computed, and compare.
 */

export interface RecordedSource {
  label: string;
  namespace: string | null;
  name: string;
  version: string;
  digest: string | null;
  uri: string | null;
  /** What the version is to the check: a source of the recipe, or the dataset version asked about. */
  role: 'source' | 'version';
}

export type Verdict = 'MATCH' | 'CHANGED' | 'MISSING' | 'UNVERIFIABLE';

export interface SourceCheck {
  source: RecordedSource;
  verdict: Verdict;
  localPath: string | null;
  computed: string | null;
  reason: string;
}

/**
 * The local path for a recorded version. With directories given (`--data <dir>`), the version's name is looked
 * up as a path below each (a DVC or MLflow repository path such as `data/raw/transactions.csv`), then its last
 * segment directly in it; with files given, the one whose name is the version's last segment (or its URI's).
 */
export function locate(source: RecordedSource, targets: readonly string[]): string | null {
  const wantsDirectory = parseDigest(source.digest ?? '')?.directory ?? false;
  const usable = (candidate: string) => fs.existsSync(candidate) && fs.statSync(candidate).isDirectory() === wantsDirectory;
  const names = [source.name, ...(source.uri ? [uriPath(source.uri)] : [])].filter((n): n is string => !!n);
  const bases = [...new Set(names.map((n) => path.posix.basename(n.replace(/\/+$/, ''))))];
  const dirs = targets.filter((t) => fs.existsSync(t) && fs.statSync(t).isDirectory());
  const files = targets.filter((t) => !dirs.includes(t));
  for (const dir of dirs) {
    for (const name of names) {
      const candidate = path.join(dir, ...name.replace(/^\/+/, '').split('/'));
      if (usable(candidate)) return candidate;
    }
  }
  for (const dir of dirs) {
    for (const base of bases) if (usable(path.join(dir, base))) return path.join(dir, base);
  }
  for (const target of [...files, ...(wantsDirectory ? dirs : [])]) {
    if (bases.includes(path.basename(target)) && usable(target)) return target;
  }
  return null;
}

export function checkSource(source: RecordedSource, targets: readonly string[]): SourceCheck {
  if (!source.digest) return { source, verdict: 'UNVERIFIABLE', localPath: null, computed: null, reason: 'no digest is recorded for this version' };
  const parsed = parseDigest(source.digest);
  if (!parsed) {
    return {
      source,
      verdict: 'UNVERIFIABLE',
      localPath: null,
      computed: null,
      reason: `digest '${source.digest}' is not one verify computes (sha256:, md5:, md5-dos2unix:)`,
    };
  }
  const localPath = locate(source, targets);
  if (!localPath) {
    return {
      source,
      verdict: 'MISSING',
      localPath: null,
      computed: null,
      reason: `no local ${parsed.directory ? 'directory' : 'file'} for ${source.name} in the data given`,
    };
  }
  const computed = digestOf(localPath, parsed);
  const same = computed.toLowerCase() === source.digest.trim().toLowerCase();
  return {
    source,
    verdict: same ? 'MATCH' : 'CHANGED',
    localPath,
    computed,
    reason: same ? 'the bytes are the ones recorded' : 'the bytes differ from the ones recorded',
  };
}

/** 0 when every version matches; 1 when one changed or is missing; 3 when none did but some cannot be checked. */
export function exitCodeOf(checks: readonly SourceCheck[]): number {
  if (checks.some((c) => c.verdict === 'CHANGED' || c.verdict === 'MISSING')) return 1;
  if (checks.some((c) => c.verdict === 'UNVERIFIABLE')) return 3;
  return 0;
}

function uriPath(uri: string): string | null {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(uri);
  return match ? (match[1] ?? null) : uri;
}
