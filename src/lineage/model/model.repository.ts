import type { Tx } from '../../db/database';
import { modelVersionProjection, modelVersionView, type StoredModelVersion } from '../../core/model/model-version.label';
import { keysetPage, keysetPagesByParent, type Page, type PageRequest, type RelatedPageKey } from '../../core/page';
import type { Model } from './model.type';
import type { ModelVersion } from './model-version.type';

const MODEL = (v: string) => `${v} { .id, .name, .description, .createdAt, kind: 'Model' }`;
const VERSION = modelVersionProjection;

export type { StoredModelVersion } from '../../core/model/model-version.label';

/** A stored model version as the API shows it (see model-version.label). */
export function toModelVersion(stored: StoredModelVersion): ModelVersion {
  return modelVersionView(stored);
}

export class ModelRepository {
  async findByIds(tx: Tx, ids: readonly string[]): Promise<Map<string, Model>> {
    const rows = await tx.rows<{ model: Model }>(
      // Models by global id.
      `UNWIND $ids AS id MATCH (n:Model {id: id}) RETURN ${MODEL('n')} AS model`,
      { ids },
    );
    return new Map(rows.map((row) => [row.model.id, row.model]));
  }

  async findVersionsByIds(tx: Tx, ids: readonly string[]): Promise<Map<string, StoredModelVersion>> {
    const rows = await tx.rows<{ version: StoredModelVersion }>(
      // Model versions by global id.
      `UNWIND $ids AS id MATCH (n:ModelVersion {id: id}) RETURN ${VERSION('n')} AS version`,
      { ids },
    );
    return new Map(rows.map((row) => [row.version.id, row.version]));
  }

  /** The run that produced each model version, as run ids keyed by version id. */
  async trainingRunIdsOf(tx: Tx, versionIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await tx.rows<{ versionId: string; runId: string }>(
      `UNWIND $versionIds AS versionId
       MATCH (r:Run)-[:WROTE]->(:ModelVersion {id: versionId})
       RETURN versionId, r.id AS runId`,
      { versionIds },
    );
    return new Map(rows.map((row) => [row.versionId, row.runId]));
  }

  /** The model versions each run produced, keyed by run id. */
  async versionsWrittenBy(tx: Tx, runIds: readonly string[]): Promise<Map<string, StoredModelVersion[]>> {
    const rows = await tx.rows<{ runId: string; versions: StoredModelVersion[] }>(
      `UNWIND $runIds AS runId
       MATCH (:Run {id: runId})-[:WROTE]->(n:ModelVersion)
       WITH runId, n ORDER BY n.modelName, n.version
       RETURN runId, collect(${VERSION('n')}) AS versions`,
      { runIds },
    );
    return new Map(rows.map((row) => [row.runId, row.versions]));
  }

  /** The newest version of each model, keyed by model id. */
  async latestVersions(tx: Tx, modelIds: readonly string[]): Promise<Map<string, StoredModelVersion>> {
    const rows = await tx.rows<{ modelId: string; version: StoredModelVersion }>(
      `UNWIND $modelIds AS modelId
       MATCH (m:Model {id: modelId})
       CALL (m) {
         MATCH (n:ModelVersion)-[:VERSION_OF]->(m)
         RETURN n ORDER BY n.createdAt DESC, n.id DESC LIMIT 1
       }
       RETURN modelId, ${VERSION('n')} AS version`,
      { modelIds },
    );
    return new Map(rows.map((row) => [row.modelId, row.version]));
  }

  /** Versions of each model, newest first. */
  versionPages(tx: Tx, keys: readonly RelatedPageKey[]): Promise<Page<StoredModelVersion>[]> {
    return keysetPagesByParent<StoredModelVersion>(
      tx,
      {
        parentLabel: 'Model',
        match: 'MATCH (n:ModelVersion)-[:VERSION_OF]->(p) WHERE true',
        projection: VERSION('n'),
        sortKeys: [
          { expression: 'n.createdAt', descending: true, temporal: true },
          { expression: 'n.id', descending: true },
        ],
      },
      keys,
    );
  }

  /** Models by name, optionally with a name prefix. */
  list(tx: Tx, filter: { namePrefix: string | null }, request: PageRequest): Promise<Page<Model>> {
    const conditions = ['true'];
    if (filter.namePrefix !== null) conditions.push('n.name STARTS WITH $namePrefix');
    return keysetPage<Model>(
      tx,
      { match: `MATCH (n:Model) WHERE ${conditions.join(' AND ')}`, projection: MODEL('n'), sortKeys: [{ expression: 'n.name' }], params: { ...filter } },
      request,
    );
  }
}
