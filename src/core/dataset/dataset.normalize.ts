import { ids } from '../ids';
import type { DatasetRegistration, DatasetVersionRegistration } from '../recording/lineage-change.types';
import { toJsonProperty } from '../json-property';
import { boundedList, inputPath, instant, optionalCount, optionalName, optionalText, requiredName, INPUT_LIMITS, type FieldPath } from '../validate';

export interface DatasetFields {
  namespace: string;
  name: string;
  description?: string | null;
}

export interface DatasetVersionFields {
  namespace: string;
  name: string;
  version: string;
  digest?: string | null;
  uri?: string | null;
  schema?: ReadonlyArray<{ name: string; type?: string | null; description?: string | null }> | null;
  rowCount?: number | null;
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
  values: { digest: string | null; uri: string | null; schemaJson: string | null; rowCount: number | null };
}

/** Checks the name of a dataset; `path` says where each field was (see FieldPath). */
export function normalizeDatasetRef(input: { namespace: string; name: string }, path: FieldPath): DatasetRef {
  const namespace = requiredName(path('namespace'), input.namespace);
  const name = requiredName(path('name'), input.name);
  return { id: ids.dataset(namespace, name), namespace, name };
}

/** Checks a version input: its name, version, schema and write-once values. */
export function normalizeDatasetVersion(input: DatasetVersionFields, path: FieldPath): NormalizedDatasetVersion {
  const { id: datasetId, namespace, name } = normalizeDatasetRef(input, path);
  const version = requiredName(path('version'), input.version, INPUT_LIMITS.version);
  const schema = boundedList(path('schema'), input.schema).map((schemaField, index) => ({
    name: requiredName(path('schema', index, 'name'), schemaField.name),
    type: optionalText(path('schema', index, 'type'), schemaField.type, INPUT_LIMITS.name),
    description: optionalText(path('schema', index, 'description'), schemaField.description),
  }));
  return {
    id: ids.datasetVersion(namespace, name, version),
    datasetId,
    namespace,
    name,
    version,
    createdAt: input.createdAt ? instant(path('createdAt'), input.createdAt, new Date()) : null,
    values: {
      digest: optionalName(path('digest'), input.digest, INPUT_LIMITS.version),
      uri: optionalText(path('uri'), input.uri, INPUT_LIMITS.uri),
      schemaJson: input.schema ? toJsonProperty(schema) : null,
      rowCount: optionalCount(path('rowCount'), input.rowCount),
    },
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
