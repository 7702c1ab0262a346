import type { Tx } from '../../db/database';
import { fromJsonProperty } from '../../core/json-property';
import { keysetPage, keysetPagesByParent, type Page, type PageRequest, type RelatedPageKey } from '../../core/page';
import type { Dataset } from './dataset.type';
import type { DatasetVersion, SchemaField } from './dataset-version.type';

/** Map projections of the two labels; every query returns these shapes. */
const DATASET = (v: string) => `${v} { .id, .namespace, .name, .description, .createdAt, .facetsJson, kind: 'Dataset' }`;
const VERSION = (v: string) =>
  `${v} { .id, .datasetId, .namespace, .name, .version, .digest, .uri, .schemaJson, .rowCount, .createdAt, .facetsJson, kind: 'DatasetVersion' }`;

/** A version as stored: the schema is a JSON string property. */
export interface StoredDatasetVersion extends Omit<DatasetVersion, 'schema'> {
  schemaJson: string | null;
}

export interface DatasetWrite {
  id: string;
  namespace: string;
  name: string;
  description: string | null;
  at: string;
}

export interface DatasetVersionWrite {
  id: string;
  datasetId: string;
  namespace: string;
  name: string;
  version: string;
  createdAt: string;
  /** Write-once fields to fill (already checked against what is recorded). */
  fill: { digest?: string; uri?: string; schemaJson?: string; rowCount?: number };
}

export interface DatasetFilter {
  namespace: string | null;
  namePrefix: string | null;
}

export function toDatasetVersion(stored: StoredDatasetVersion): DatasetVersion {
  const { schemaJson, ...rest } = stored;
  return { ...rest, schema: fromJsonProperty<SchemaField[]>(schemaJson) };
}

export class DatasetRepository {
  async findByIds(tx: Tx, ids: readonly string[]): Promise<Map<string, Dataset>> {
    const rows = await tx.rows<{ dataset: Dataset }>(
      // Datasets by global id.
      `UNWIND $ids AS id MATCH (n:Dataset {id: id}) RETURN ${DATASET('n')} AS dataset`,
      { ids },
    );
    return new Map(rows.map((row) => [row.dataset.id, row.dataset]));
  }

  async findVersionsByIds(tx: Tx, ids: readonly string[]): Promise<Map<string, StoredDatasetVersion>> {
    const rows = await tx.rows<{ version: StoredDatasetVersion }>(
      // Dataset versions by global id.
      `UNWIND $ids AS id MATCH (n:DatasetVersion {id: id}) RETURN ${VERSION('n')} AS version`,
      { ids },
    );
    return new Map(rows.map((row) => [row.version.id, row.version]));
  }

  /** Creates missing datasets; sets descriptions that are given. Returns the descriptions recorded before. */
  async upsert(tx: Tx, datasets: readonly DatasetWrite[]): Promise<Map<string, { created: boolean; previousDescription: string | null }>> {
    const rows = await tx.rows<{ id: string; created: boolean; previousDescription: string | null }>(
      // Merge each dataset on its id; the description is the one mutable property.
      `UNWIND $datasets AS input
       OPTIONAL MATCH (existing:Dataset {id: input.id})
       WITH input, existing IS NULL AS created, existing.description AS previousDescription
       MERGE (d:Dataset {id: input.id})
         ON CREATE SET d.namespace = input.namespace, d.name = input.name, d.createdAt = datetime(input.at), d.recordedAt = datetime()
       SET d.description = coalesce(input.description, d.description)
       RETURN d.id AS id, created, previousDescription`,
      { datasets },
    );
    return new Map(rows.map((row) => [row.id, { created: row.created, previousDescription: row.previousDescription }]));
  }

  /** Creates missing versions (and their datasets) and fills write-once fields. */
  async writeVersions(tx: Tx, versions: readonly DatasetVersionWrite[]): Promise<void> {
    await tx.rows(
      // Merge dataset and version, link them, and fill the version's unknown fields.
      `UNWIND $versions AS input
       MERGE (d:Dataset {id: input.datasetId})
         ON CREATE SET d.namespace = input.namespace, d.name = input.name, d.createdAt = datetime(input.createdAt), d.recordedAt = datetime()
       MERGE (v:DatasetVersion {id: input.id})
         ON CREATE SET v.datasetId = input.datasetId, v.namespace = input.namespace, v.name = input.name, v.version = input.version,
                       v.createdAt = datetime(input.createdAt), v.recordedAt = datetime()
       MERGE (v)-[:VERSION_OF]->(d)
       SET v += input.fill`,
      { versions },
    );
  }

  /** The newest version of each dataset (by createdAt), keyed by dataset id. */
  async latestVersions(tx: Tx, datasetIds: readonly string[]): Promise<Map<string, StoredDatasetVersion>> {
    const rows = await tx.rows<{ datasetId: string; version: StoredDatasetVersion }>(
      `UNWIND $datasetIds AS datasetId
       MATCH (d:Dataset {id: datasetId})
       CALL (d) {
         MATCH (n:DatasetVersion)-[:VERSION_OF]->(d)
         RETURN n ORDER BY n.createdAt DESC, n.id DESC LIMIT 1
       }
       RETURN datasetId, ${VERSION('n')} AS version`,
      { datasetIds },
    );
    return new Map(rows.map((row) => [row.datasetId, row.version]));
  }

  /** For each (dataset, at) pair: the newest version created at or before that instant. */
  async versionsCurrentAt(tx: Tx, refs: ReadonlyArray<{ datasetId: string; at: string }>): Promise<Array<StoredDatasetVersion | null>> {
    const rows = await tx.rows<{ index: number; version: StoredDatasetVersion }>(
      `UNWIND range(0, size($refs) - 1) AS index
       WITH index, $refs[index] AS ref
       MATCH (d:Dataset {id: ref.datasetId})
       CALL (d, ref) {
         MATCH (n:DatasetVersion)-[:VERSION_OF]->(d)
         WHERE n.createdAt <= datetime(ref.at)
         RETURN n ORDER BY n.createdAt DESC, n.id DESC LIMIT 1
       }
       RETURN index, ${VERSION('n')} AS version`,
      { refs },
    );
    const byIndex = new Map(rows.map((row) => [row.index, row.version]));
    return refs.map((_, index) => byIndex.get(index) ?? null);
  }

  /** Versions of each dataset, newest first. */
  versionPages(tx: Tx, keys: readonly RelatedPageKey[]): Promise<Page<StoredDatasetVersion>[]> {
    return keysetPagesByParent<StoredDatasetVersion>(
      tx,
      {
        parentLabel: 'Dataset',
        match: 'MATCH (n:DatasetVersion)-[:VERSION_OF]->(p) WHERE true',
        projection: VERSION('n'),
        sortKeys: [
          { expression: 'n.createdAt', descending: true, temporal: true },
          { expression: 'n.id', descending: true },
        ],
      },
      keys,
    );
  }

  /** Datasets filtered by namespace and name prefix, by namespace then name. */
  list(tx: Tx, filter: DatasetFilter, request: PageRequest): Promise<Page<Dataset>> {
    const conditions = ['true'];
    if (filter.namespace !== null) conditions.push('n.namespace = $namespace');
    if (filter.namePrefix !== null) conditions.push('n.name STARTS WITH $namePrefix');
    return keysetPage<Dataset>(
      tx,
      {
        match: `MATCH (n:Dataset) WHERE ${conditions.join(' AND ')}`,
        projection: DATASET('n'),
        sortKeys: [{ expression: 'n.namespace' }, { expression: 'n.name' }],
        params: { ...filter },
      },
      request,
    );
  }
}
