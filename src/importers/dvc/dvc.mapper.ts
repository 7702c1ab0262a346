import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json';
import { emptyPlan, type ImportPlan, type PlannedRun, type PlannedVersion } from '../common/import-plan';
import type { DvcHashName, DvcLockEntry, DvcPath, DvcYaml } from './dvc-files.parser';

/**
 * A DVC repository's lock files (the working tree's, and with `--history` every committed one) → an import plan,
 * as a pure function. Each distinct locked execution of a stage is one run, dated and attributed to the commit
 * that first recorded it; its dependencies and outputs are dataset versions whose version is DVC's content hash.
 * The mapping (and why) is in docs/import.md.
 */

export const DVC_PRODUCER = 'https://github.com/lineage/lineage/tree/main/src/importers/dvc';

export interface DvcCommit {
  sha: string;
  committedAt: string;
  author: string | null;
  message: string | null;
}

/** The lock file (and dvc.yaml) as one commit, or the working tree (commit null), had them. */
export interface DvcSnapshot {
  commit: DvcCommit | null;
  /** When the snapshot was made: the commit time, or the lock file's modification time for the working tree. */
  at: string;
  lock: DvcLockEntry[];
  yaml: DvcYaml | null;
}

export interface DvcRepositoryState {
  /** The repository's identity: its normalised origin URL (the namespace of every dataset and job). */
  repository: string;
  /** Where the default DVC remote keeps content (DVC 3 layout `files/md5/ab/cdef…`), or null. */
  remoteUrl: string | null;
  /** Committed snapshots oldest first, then the working tree's (if it differs, or when no commit has a lock). */
  snapshots: DvcSnapshot[];
  /** Directory manifests found in the local cache: `<hash>.dir` → its files. */
  manifests: ReadonlyMap<string, ReadonlyArray<{ relpath: string; md5: string }>>;
  /** Hashes whose content is in the local cache, so (once pushed) in the remote. */
  cached: ReadonlySet<string>;
}

export interface DvcMapOptions {
  /** Every execution in the history, not only those of the working tree's lock. */
  history: boolean;
  /** Outputs to record as model versions: path → model name (besides dvc.yaml's `artifacts` of type model). */
  models?: Readonly<Record<string, string>>;
  /** A directory of at most this many files also gets one version per file (0: directories stay whole). */
  dirFiles?: number;
}

interface Execution {
  key: string;
  entry: DvcLockEntry;
  snapshot: DvcSnapshot;
}

export function mapDvc(state: DvcRepositoryState, options: DvcMapOptions): ImportPlan {
  const plan = emptyPlan();
  const first = new Map<string, Execution>();
  for (const snapshot of state.snapshots) {
    for (const entry of inProducerOrder(snapshot.lock)) {
      const key = executionKey(state.repository, entry);
      if (!first.has(key)) first.set(key, { key, entry, snapshot });
    }
  }
  const current = state.snapshots[state.snapshots.length - 1];
  const wanted = options.history
    ? [...first.values()]
    : (current ? inProducerOrder(current.lock) : []).map((entry) => first.get(executionKey(state.repository, entry))!);

  const written = new Map<string, string>();
  const modelVersions = new Set<string>();
  for (const execution of wanted) {
    const { entry, snapshot } = execution;
    const runId = `dvc-${execution.key.slice(0, 32)}`;
    const models = { ...(snapshot.yaml?.models ? invert(snapshot.yaml.models) : {}), ...(options.models ?? {}) };
    const prefix = snapshot.yaml?.wdirs[entry.stage];
    const at = (p: DvcPath) => (prefix ? { ...p, path: `${prefix}/${p.path}` } : p);
    const inputs = entry.deps.flatMap((dep) => versionsOf(at(dep), state, options, plan.notes));
    const outputs: PlannedVersion[] = [];
    for (const out of entry.outs.map(at)) {
      const model = models[out.path];
      if (model && out.hash) {
        const id = `${model}\u0000${out.hash}`;
        if (modelVersions.has(id)) plan.notes.push(`${entry.stage}: ${model}@${out.hash} was produced by an earlier execution; not registered again`);
        else {
          modelVersions.add(id);
          plan.modelVersions.push({
            model,
            version: out.hash,
            trainingRunId: runId,
            artifactUri: remoteUri(state, out.hash, out.hashName) ?? out.path,
            digest: `${out.hashName}:${out.hash}`,
            metrics: null,
            createdAt: snapshot.at,
          });
          if (!plan.models.some((m) => m.name === model)) plan.models.push({ name: model, description: null });
        }
        continue;
      }
      for (const version of versionsOf(out, state, options, plan.notes)) {
        const id = `${version.name}\u0000${version.version}`;
        const writer = written.get(id);
        if (writer && writer !== runId) {
          plan.notes.push(`${entry.stage}: ${version.name}@${version.version} was written by an earlier execution (${writer}); not recorded as written again`);
          continue;
        }
        written.set(id, runId);
        outputs.push(version);
      }
    }
    const run: PlannedRun = {
      runId,
      job: { namespace: state.repository, name: entry.stage },
      startedAt: snapshot.at,
      endedAt: snapshot.at,
      final: 'COMPLETE',
      errorMessage: null,
      commit: snapshot.commit
        ? {
            repository: state.repository,
            sha: snapshot.commit.sha,
            committedAt: snapshot.commit.committedAt,
            author: snapshot.commit.author,
            message: snapshot.commit.message,
          }
        : null,
      parameters: parametersOf(entry),
      facets: { dvc_stage: { _producer: DVC_PRODUCER, stage: entry.stage, cmd: entry.cmd, execution: execution.key } },
      inputs: dedupe(inputs),
      outputs: dedupe(outputs),
    };
    if (!snapshot.commit) plan.notes.push(`${entry.stage}: this execution is not committed yet; recorded without a commit`);
    plan.runs.push(run);
  }
  return plan;
}

/**
 * The identity of one locked execution: the repository, the stage and everything the lock pins (command,
 * dependencies, parameters, outputs with their hashes). The same execution seen at many commits is one run.
 */
export function executionKey(repository: string, entry: DvcLockEntry): string {
  return createHash('sha256').update(canonicalJson({ repository, entry })).digest('hex');
}

/** A dependency or output → its version, and one per file of a directory whose manifest is in the cache. */
function versionsOf(p: DvcPath, state: DvcRepositoryState, options: DvcMapOptions, notes: string[]): PlannedVersion[] {
  if (!p.hash) {
    if (!p.otherVersion) return [];
    return [{ namespace: state.repository, name: p.path, version: p.otherVersion, digest: null, uri: /^[a-z][a-z0-9+.-]*:\/\//i.test(p.path) ? p.path : null }];
  }
  const whole: PlannedVersion = {
    namespace: state.repository,
    name: p.path,
    version: p.hash,
    digest: `${p.hashName}:${p.hash}`,
    uri: remoteUri(state, p.hash, p.hashName),
  };
  if (!p.hash.endsWith('.dir') || (options.dirFiles ?? 0) <= 0) return [whole];
  const manifest = state.manifests.get(p.hash);
  if (!manifest) {
    notes.push(`${p.path}@${p.hash}: the directory's manifest is not in the local cache (dvc pull / dvc fetch); its files are not recorded one by one`);
    return [whole];
  }
  if (manifest.length > options.dirFiles!) {
    notes.push(`${p.path}@${p.hash}: ${manifest.length} files, more than --dir-files ${options.dirFiles}; recorded as one directory`);
    return [whole];
  }
  return [
    whole,
    ...manifest.map((file) => ({
      namespace: state.repository,
      name: `${p.path}/${file.relpath}`,
      version: file.md5,
      digest: `${p.hashName}:${file.md5}`,
      uri: remoteUri(state, file.md5, p.hashName),
    })),
  ];
}

/** Where the default remote keeps this content, if the content is DVC's (cached) and a remote is configured. */
export function remoteUri(state: Pick<DvcRepositoryState, 'remoteUrl' | 'cached'>, hash: string, hashName: DvcHashName | null): string | null {
  if (!state.remoteUrl || !state.cached.has(hash)) return null;
  const base = state.remoteUrl.replace(/\/+$/, '');
  const layout = hashName === 'md5' ? 'files/md5/' : '';
  return `${base}/${layout}${hash.slice(0, 2)}/${hash.slice(2)}`;
}

/** Parameters as DVC locked them: keys of params.yaml as they are, keys of other files as `<file>:<key>`. */
function parametersOf(entry: DvcLockEntry): Record<string, unknown> | null {
  const parameters: Record<string, unknown> = {};
  for (const [file, values] of Object.entries(entry.params)) {
    for (const [key, value] of Object.entries(values)) parameters[file === 'params.yaml' ? key : `${file}:${key}`] = value;
  }
  return Object.keys(parameters).length > 0 ? parameters : null;
}

/** Stages whose outputs others depend on first, so that a version is written before it is read. */
export function inProducerOrder(entries: readonly DvcLockEntry[]): DvcLockEntry[] {
  const feeds = (a: DvcLockEntry, b: DvcLockEntry) =>
    a.outs.some((out) => b.deps.some((dep) => dep.path === out.path || dep.path.startsWith(`${out.path}/`) || out.path.startsWith(`${dep.path}/`)));
  const remaining = [...entries];
  const ordered: DvcLockEntry[] = [];
  while (remaining.length > 0) {
    const index = remaining.findIndex((candidate) => !remaining.some((other) => other !== candidate && feeds(other, candidate)));
    // A cycle cannot be locked by DVC; if a hand-edited file has one, keep the file's order for what is left.
    ordered.push(...remaining.splice(index === -1 ? 0 : index, 1));
  }
  return ordered;
}

function dedupe(versions: PlannedVersion[]): PlannedVersion[] {
  const seen = new Map<string, PlannedVersion>();
  for (const version of versions) if (!seen.has(`${version.name}\u0000${version.version}`)) seen.set(`${version.name}\u0000${version.version}`, version);
  return [...seen.values()];
}

function invert(models: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(models).map(([name, path]) => [path, name]));
}
