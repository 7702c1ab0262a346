import { ids } from '../ids';
import type { DatasetRegistration, DatasetVersionRegistration } from '../recording/lineage-change.types';
import { inputPath, instant, optionalText, requiredName, INPUT_LIMITS, type FieldPath } from '../validate';
import { checkVersionValues, type VersionValueFields, type VersionValues } from './dataset-version.label';

export interface DatasetFields {
  namespace: string;
  name: string;
  description?: string | null;
}

export interface DatasetVersionFields extends VersionValueFields {
  namespace: string;
  name: string;
  version: string;
  createdAt?: Date | string | null;
}

/** A dataset named by a front door, with its id. */
export interface DatasetRef {
  id: string;
  namespace: string;
  name: string;
}

/** A version input after validation, with its ids computed. */
export interface NormalizedDatasetVersion {
  id: string;
  datasetId: string;
  namespace: string;
  name: string;
  version: string;
  createdAt: string | null;
  values: VersionValues;
}

/** Checks the name of a dataset; `path` says where each field was (see FieldPath). */
export function normalizeDatasetRef(input: { namespace: string; name: string }, path: FieldPath): DatasetRef {
  const namespace = requiredName(path('namespace'), input.namespace);
  const name = requiredName(path('name'), input.name);
  return { id: ids.dataset(namespace, name), namespace, name };
}

/** Checks a version input: its name, version and write-once values (dataset-version.label). */
export function normalizeDatasetVersion(input: DatasetVersionFields, path: FieldPath): NormalizedDatasetVersion {
  const { id: datasetId, namespace, name } = normalizeDatasetRef(input, path);
  const version = requiredName(path('version'), input.version, INPUT_LIMITS.version);
  return {
    id: ids.datasetVersion(namespace, name, version),
    datasetId,
    namespace,
    name,
    version,
    createdAt: input.createdAt ? instant(path('createdAt'), input.createdAt, new Date()) : null,
    values: checkVersionValues(input, path),
  };
}

/** What a GraphQL registerDataset asks the recorder to do. */
export function datasetRegistration(input: DatasetFields, now = new Date()): DatasetRegistration {
  const dataset = normalizeDatasetRef(input, inputPath());
  return { kind: 'registerDataset', at: now.toISOString(), dataset, description: optionalText('description', input.description), receipt: null };
}

/** What a GraphQL registerDatasetVersion asks the recorder to do. */
export function datasetVersionRegistration(input: DatasetVersionFields, now = new Date()): DatasetVersionRegistration {
  return { kind: 'registerDatasetVersion', at: now.toISOString(), version: normalizeDatasetVersion(input, inputPath()), receipt: null };
}
