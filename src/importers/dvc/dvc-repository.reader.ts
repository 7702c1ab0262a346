import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { normalizeRepository } from '../../core/ids';
import { defaultRemoteUrl, DvcParseError, parseDvcLock, parseDvcYaml, type DvcLockEntry } from './dvc-files.parser';
import type { DvcRepositoryState, DvcSnapshot } from './dvc.mapper';

const run = promisify(execFile);

export class DvcReadError extends Error {}

/**
 * Reads a DVC project from disk and from git: the working tree's dvc.lock and dvc.yaml, every committed version
 * of dvc.lock (`git log` / `git show`), the default remote, and the directory manifests and hashes present in
 * the local cache. Only reads; never runs DVC.
 */
export async function readDvcRepository(dir: string, options: { repository?: string | null } = {}): Promise<DvcRepositoryState> {
  const root = path.resolve(dir);
  if (!fs.existsSync(path.join(root, 'dvc.yaml')) && !fs.existsSync(path.join(root, 'dvc.lock'))) {
    throw new DvcReadError(`${root} has no dvc.yaml or dvc.lock: not a DVC project directory`);
  }
  const inGit = await git(root, ['rev-parse', '--is-inside-work-tree']).then(
    () => true,
    () => false,
  );
  const repository = options.repository ? normalizeRepository(options.repository) : ((inGit ? await originOf(root) : null) ?? `file://${root}`);

  const snapshots: DvcSnapshot[] = [];
  if (inGit) {
    const log = await git(root, ['log', '--reverse', '--format=%H%x09%cI%x09%an <%ae>%x09%s', '--', 'dvc.lock']);
    for (const line of log.split('\n').filter(Boolean)) {
      const [sha, committedAt, author, ...subject] = line.split('\t');
      const lockText = await git(root, ['show', `${sha}:./dvc.lock`]).catch(() => null);
      if (lockText === null) continue; // the commit deleted the lock file
      const yamlText = await git(root, ['show', `${sha}:./dvc.yaml`]).catch(() => null);
      snapshots.push({
        commit: { sha: sha!, committedAt: new Date(committedAt!).toISOString(), author: author ?? null, message: subject.join('\t') || null },
        at: new Date(committedAt!).toISOString(),
        lock: parse(() => parseDvcLock(lockText, `dvc.lock at ${sha!.slice(0, 12)}`)),
        yaml: yamlText === null ? null : parse(() => parseDvcYaml(yamlText, `dvc.yaml at ${sha!.slice(0, 12)}`)),
      });
    }
  }
  const lockFile = path.join(root, 'dvc.lock');
  if (fs.existsSync(lockFile)) {
    const lock = parse(() => parseDvcLock(fs.readFileSync(lockFile, 'utf8'), lockFile));
    const yamlFile = path.join(root, 'dvc.yaml');
    const yaml = fs.existsSync(yamlFile) ? parse(() => parseDvcYaml(fs.readFileSync(yamlFile, 'utf8'), yamlFile)) : null;
    // The working tree's lock is the current state; when it is the last commit's, that commit dates it.
    const last = snapshots[snapshots.length - 1];
    snapshots.push(
      last && sameLock(last.lock, lock) ? { ...last, yaml: yaml ?? last.yaml } : { commit: null, at: fs.statSync(lockFile).mtime.toISOString(), lock, yaml },
    );
  }

  const config = path.join(root, '.dvc', 'config');
  const remote = fs.existsSync(config) ? defaultRemoteUrl(fs.readFileSync(config, 'utf8')) : null;
  const hashes = new Set(snapshots.flatMap((s) => s.lock.flatMap((e) => [...e.deps, ...e.outs]).flatMap((p) => (p.hash ? [p.hash] : []))));
  const manifests = new Map<string, Array<{ relpath: string; md5: string }>>();
  const cached = new Set<string>();
  for (const hash of hashes) {
    const file = cacheFile(root, hash);
    if (!file) continue;
    cached.add(hash);
    if (!hash.endsWith('.dir')) continue;
    try {
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ relpath: string; md5: string }>;
      manifests.set(hash, manifest);
      for (const entry of manifest) if (cacheFile(root, entry.md5)) cached.add(entry.md5);
    } catch {
      // A damaged manifest: the directory is recorded whole.
    }
  }
  return { repository, remoteUrl: remote ? remoteBase(root, remote) : null, snapshots, manifests, cached };
}

/** Content in the local cache: DVC 3 keeps it under files/md5/, DVC 2 directly under the cache directory. */
function cacheFile(root: string, hash: string): string | null {
  for (const candidate of [
    path.join(root, '.dvc', 'cache', 'files', 'md5', hash.slice(0, 2), hash.slice(2)),
    path.join(root, '.dvc', 'cache', hash.slice(0, 2), hash.slice(2)),
  ]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

/** A local remote is a path relative to .dvc/ or absolute: as a file URI. */
function remoteBase(root: string, url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  return `file://${path.resolve(root, '.dvc', url)}`;
}

async function originOf(root: string): Promise<string | null> {
  const remotes = (await git(root, ['remote']).catch(() => '')).split('\n').filter(Boolean);
  const remote = remotes.includes('origin') ? 'origin' : remotes[0];
  if (!remote) return null;
  const url = (await git(root, ['remote', 'get-url', remote]).catch(() => '')).trim();
  return url ? normalizeRepository(url) : null;
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failure = error as { code?: string; stderr?: string };
    if (failure.code === 'ENOENT') throw new DvcReadError('git is not installed; the DVC importer reads the repository with git');
    throw new DvcReadError(`git ${args.join(' ')} failed in ${cwd}: ${(failure.stderr ?? String(error)).trim()}`);
  }
}

function parse<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof DvcParseError) throw new DvcReadError(error.message);
    throw error;
  }
}

function sameLock(a: DvcLockEntry[], b: DvcLockEntry[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
