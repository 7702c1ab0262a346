import { childPath, isObject as isObject } from './openlineage.checks';
import { countOf, facetOf, FACET, keptFacets, textOf, type SetAside } from './openlineage.facets';
import type { DatasetPlan, ModelVersionPlan, RawDataset, RawInputDataset, RawOutputDataset, SchemaFieldPlan, VersionSource } from './openlineage.types';

export function planInput(dataset: RawInputDataset, path: string, setAside: SetAside): DatasetPlan {
  const io = dataset.inputFacets;
  const at = childPath(path, 'inputFacets');
  const statistics = facetOf(io, FACET.inputStatistics, at, setAside);
  // Older producers report input sizes in the data quality facet only.
  const quality = facetOf(io, FACET.dataQualityMetrics, at, setAside);
  const fromStatistics = countOf(statistics?.rowCount);
  const rowCount = fromStatistics ?? countOf(quality?.rowCount);
  return {
    ...describeDataset(dataset, path, null, setAside),
    rowCount,
    rowCountPath:
      rowCount === null ? null : facetPath(path, 'inputFacets', fromStatistics !== null ? FACET.inputStatistics : FACET.dataQualityMetrics, 'rowCount'),
    bytes: countOf(statistics?.size) ?? countOf(quality?.bytes),
    ioFacets: keptFacets(io, at, setAside),
  };
}

/** `writtenBy` is the writing run's id (lower-cased), or null for a JobEvent, which has no run. */
export function planOutput(dataset: RawOutputDataset, path: string, writtenBy: string | null, setAside: SetAside): DatasetPlan {
  const io = dataset.outputFacets;
  const at = childPath(path, 'outputFacets');
  const statistics = facetOf(io, FACET.outputStatistics, at, setAside);
  const rowCount = countOf(statistics?.rowCount);
  return {
    ...describeDataset(dataset, path, writtenBy, setAside),
    rowCount,
    rowCountPath: rowCount === null ? null : facetPath(path, 'outputFacets', FACET.outputStatistics, 'rowCount'),
    bytes: countOf(statistics?.size),
    ioFacets: keptFacets(io, at, setAside),
  };
}

/** The dataset of a DatasetEvent: static metadata, no run, no read or write. */
export function planStaticDataset(dataset: RawDataset, path: string, setAside: SetAside): DatasetPlan {
  return { ...describeDataset(dataset, path, null, setAside), rowCount: null, rowCountPath: null, bytes: null, ioFacets: {} };
}

/** An output marked with our `lineage_modelVersion` facet, or null when it is an ordinary output. */
export function planModelVersion(dataset: RawOutputDataset, path: string, setAside: SetAside): ModelVersionPlan | null {
  const at = childPath(path, 'facets');
  const facet = facetOf(dataset.facets, FACET.modelVersion, at, setAside);
  if (facet === undefined) return null;
  return {
    path: childPath(at, FACET.modelVersion),
    name: facet.name as string,
    version: facet.version as string,
    artifactUri: textOf(facet.artifactUri),
    framework: textOf(facet.framework),
    metrics: isObject(facet.metrics) ? (Object.fromEntries(Object.entries(facet.metrics)) as Record<string, number>) : null,
    dataset: { namespace: dataset.namespace, name: dataset.name },
    facets: keptFacets(dataset.facets, at, setAside),
    ioFacets: keptFacets(dataset.outputFacets, childPath(path, 'outputFacets'), setAside),
  };
}

type DatasetDescription = Omit<DatasetPlan, 'rowCount' | 'rowCountPath' | 'bytes' | 'ioFacets'>;

function describeDataset(dataset: RawDataset, path: string, writtenBy: string | null, setAside: SetAside): DatasetDescription {
  const facets = dataset.facets;
  const at = childPath(path, 'facets');
  const facet = (name: string) => facetOf(facets, name, at, setAside);
  const schema = facet(FACET.schema);
  return {
    path,
    namespace: dataset.namespace,
    name: dataset.name,
    ...versionOf(facet(FACET.version), writtenBy, path),
    schemaFields: schema === undefined ? null : flattenSchema(schema.fields, '', facetPath(path, 'facets', FACET.schema, 'fields')),
    columnLineage: facet(FACET.columnLineage) ?? null,
    uri: datasetUri(dataset.namespace, dataset.name, facet(FACET.symlinks)),
    facets: keptFacets(facets, at, setAside),
  };
}

/**
 * The version facet wins. Without it, an output's version is named after the run that wrote it, so the same
 * event delivered twice names the same version; an input's stays null for the service to resolve to the
 * version current when the run read it (which it knows and the event does not).
 */
function versionOf(
  facet: Record<string, unknown> | undefined,
  writtenBy: string | null,
  path: string,
): { version: string | null; versionSource: VersionSource; versionPath: string | null } {
  const version = textOf(facet?.datasetVersion);
  if (version !== null) return { version, versionSource: 'facet', versionPath: facetPath(path, 'facets', FACET.version, 'datasetVersion') };
  if (writtenBy !== null) return { version: `run-${writtenBy}`, versionSource: 'derived-from-run', versionPath: null };
  return { version: null, versionSource: 'unknown', versionPath: null };
}

/**
 * Nested fields become dotted names, each parent listed before its children, each with its JSON path (`at` is the
 * path of the list). Depth was bounded by the validator.
 */
function flattenSchema(fields: unknown, prefix: string, at: string): SchemaFieldPlan[] {
  if (!Array.isArray(fields)) return [];
  return (fields as Array<{ name: string; type?: unknown; description?: unknown; fields?: unknown }>).flatMap((field, index) => {
    const name = prefix === '' ? field.name : `${prefix}.${field.name}`;
    const path = childPath(at, index);
    const own = { name, type: typeOrNull(field.type), description: typeOrNull(field.description), path };
    return [own, ...flattenSchema(field.fields, name, childPath(path, 'fields'))];
  });
}

/** `outputs[0]` + `facets`, `schema` → `outputs[0].facets.schema` (odd facet names quoted, see childPath). */
function facetPath(path: string, ...keys: string[]): string {
  return keys.reduce(childPath, path);
}

function typeOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * Object stores and file systems, where `namespace` + `/` + `name` is where the data is. Elsewhere
 * (`postgres://host:5432` + `db.schema.table`, `kafka://broker` + topic, `bigquery` + table) the pair is an
 * identifier, not a location, and joining them would invent a URI.
 */
const STORAGE_SCHEMES: ReadonlySet<string> = new Set(['file', 's3', 's3a', 's3n', 'gs', 'hdfs', 'abfs', 'abfss', 'wasb', 'wasbs', 'dbfs']);
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/**
 * The storage location, when obvious: from the dataset's own namespace, else from the first `symlinks`
 * identifier that is a storage location (e.g. a Hive table pointing at its S3 path). Facets `storage` (a
 * format) and `dataSource` (a connection, not a dataset) do not say where the dataset is, so they are not used.
 * The result is not percent-encoded: it is the location as the producer names it.
 */
export function datasetUri(namespace: string, name: string, symlinks: Record<string, unknown> | undefined): string | null {
  const own = storageUri(namespace, name);
  if (own !== null) return own;
  const identifiers = symlinks?.identifiers;
  if (!Array.isArray(identifiers)) return null;
  for (const identifier of identifiers) {
    if (!isObject(identifier) || typeof identifier.namespace !== 'string' || typeof identifier.name !== 'string') continue;
    const linked = storageUri(identifier.namespace, identifier.name);
    if (linked !== null) return linked;
  }
  return null;
}

function storageUri(namespace: string, name: string): string | null {
  // The OpenLineage naming spec's local file system: namespace `file`, name the absolute path.
  if (namespace === 'file') return name.startsWith('/') ? `file://${name}` : null;
  const scheme = SCHEME.exec(namespace)?.[1];
  if (scheme === undefined || !STORAGE_SCHEMES.has(scheme.toLowerCase())) return null;
  return `${namespace.replace(/\/+$/, '')}/${name.replace(/^\/+/, '')}`;
}
