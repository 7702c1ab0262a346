import { createHash } from 'node:crypto';
import { FIELD_KIND, NODE_KINDS, type NodeKind } from './vocabulary';

/**
 * Global ids are derived from natural keys: `<Label>:<22 base64url chars of SHA-256(key)>`. The same natural
 * key always gives the same id, so writes are idempotent MERGEs on one indexed property, a batch can compute its
 * ids before touching the graph, and `node(id:)` knows the label to seek from the prefix.
 */

function derive(kind: NodeKind | typeof FIELD_KIND, ...key: string[]): string {
  // NUL cannot occur in the key parts (validation refuses control characters), so the join is unambiguous.
  const digest = createHash('sha256').update(key.join('\u0000')).digest('base64url');
  return `${kind}:${digest.slice(0, 22)}`;
}

export const ids = {
  dataset: (namespace: string, name: string) => derive('Dataset', namespace, name),
  datasetVersion: (namespace: string, name: string, version: string) => derive('DatasetVersion', namespace, name, version),
  job: (namespace: string, name: string) => derive('Job', namespace, name),
  run: (runId: string) => derive('Run', runId),
  commit: (repository: string, sha: string) => derive('Commit', normalizeRepository(repository), sha.toLowerCase()),
  model: (name: string) => derive('Model', name),
  modelVersion: (model: string, version: string) => derive('ModelVersion', model, version),
  deployment: (name: string, environment: string, deployedAt: string) => derive('Deployment', name, environment, deployedAt),
  /** A field of a dataset version or model version (its owner), by name. */
  field: (ownerId: string, name: string) => derive(FIELD_KIND, ownerId, name),
};

/** Whether an id names a field (see ids.field). */
export function isFieldId(id: string): boolean {
  return /^Field:[A-Za-z0-9_-]{22}$/.test(id);
}

const ID_FORMAT = /^[A-Za-z]+:[A-Za-z0-9_-]{22}$/;
const KINDS_BY_NAME = new Map<string, NodeKind>(NODE_KINDS.map((kind) => [kind, kind]));

/**
 * The kind named by an id's prefix, or null when the id is not one of ours. A test and a slice rather than a
 * match: a walk asks this of every relationship it crosses, and a match allocates.
 */
export function kindOfId(id: string): NodeKind | null {
  if (!ID_FORMAT.test(id)) return null;
  // The format ends in ':' and 22 characters: the prefix is everything before them.
  return KINDS_BY_NAME.get(id.slice(0, id.length - 23)) ?? null;
}

/**
 * One spelling per repository, so that a commit recorded by CI as git@github.com:acme/fraud.git and by a pipeline
 * as https://github.com/acme/fraud is the same commit.
 */
export function normalizeRepository(repository: string): string {
  let url = repository.trim();
  const scp = /^[\w.-]+@([\w.-]+):(.+)$/.exec(url);
  if (scp) url = `https://${scp[1]}/${scp[2]}`;
  url = url.replace(/^ssh:\/\/[\w.-]+@/, 'https://').replace(/^git:\/\//, 'https://');
  url = url.replace(/\/+$/, '').replace(/\.git$/, '');
  const host = /^(https?:\/\/)([^/]+)(.*)$/.exec(url);
  return host ? `${host[1]}${host[2]!.toLowerCase()}${host[3]}` : url;
}
