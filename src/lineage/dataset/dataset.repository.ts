import type { Tx } from '../../db/database';
import { datasetVersionProjection, datasetVersionView, type StoredDatasetVersion } from '../../core/dataset/dataset-version.label';
import { keysetPage, keysetPagesByParent, type Page, type PageRequest, type RelatedPageKey } from '../../core/page';
import type { Dataset } from './dataset.type';
import type { DatasetVersion } from './dataset-version.type';

export type { StoredDatasetVersion } from '../../core/dataset/dataset-version.label';

/** Map projections of the two labels (a version's is its label's); every query returns these shapes. */
const DATASET = (v: string) => `${v} { .id, .namespace, .name, .description, .createdAt, .facetsJson, kind: 'Dataset' }`;
const VERSION = datasetVersionProjection;

export interface DatasetFilter {
  namespace: string | null;
  namePrefix: string | null;
}

/** A stored version as the API shows it (see dataset-version.label). */
export function toDatasetVersion(stored: StoredDatasetVersion): DatasetVersion {
  return datasetVersionView(stored);
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
