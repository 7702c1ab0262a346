import { ids } from '../ids';
import { toJsonProperty } from '../json-property';
import { boundedList, instant, optionalCount, optionalName, optionalText, requiredName, INPUT_LIMITS } from '../validate';

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

/** Validates a version input; `field` prefixes error paths (e.g. `outputs[1]`). */
export function normalizeDatasetVersion(field: string, input: DatasetVersionFields): NormalizedDatasetVersion {
  const at = (name: string) => (field ? `${field}.${name}` : name);
  const namespace = requiredName(at('namespace'), input.namespace);
  const name = requiredName(at('name'), input.name);
  const version = requiredName(at('version'), input.version, INPUT_LIMITS.version);
  const schema = boundedList(at('schema'), input.schema).map((schemaField, index) => ({
    name: requiredName(at(`schema[${index}].name`), schemaField.name),
    type: optionalText(at(`schema[${index}].type`), schemaField.type, INPUT_LIMITS.name),
    description: optionalText(at(`schema[${index}].description`), schemaField.description),
  }));
  return {
    id: ids.datasetVersion(namespace, name, version),
    datasetId: ids.dataset(namespace, name),
    namespace,
    name,
    version,
    createdAt: input.createdAt ? instant(at('createdAt'), input.createdAt, new Date()) : null,
    values: {
      digest: optionalName(at('digest'), input.digest, INPUT_LIMITS.version),
      uri: optionalText(at('uri'), input.uri, INPUT_LIMITS.uri),
      schemaJson: input.schema ? toJsonProperty(schema) : null,
      rowCount: optionalCount(at('rowCount'), input.rowCount),
    },
  };
}
