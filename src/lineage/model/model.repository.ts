import type { Tx } from '../../db/database';
import { fromJsonProperty } from '../../core/json-property';
import { keysetPage, keysetPagesByParent, type Page, type PageRequest, type RelatedPageKey } from '../../core/page';
import type { Model } from './model.type';
import type { ModelVersion } from './model-version.type';

const MODEL = (v: string) => `${v} { .id, .name, .description, .createdAt, kind: 'Model' }`;
const VERSION = (v: string) =>
  `${v} { .id, .modelId, .modelName, .version, .artifactUri, .digest, .framework, .metricsJson, .createdAt, .facetsJson, kind: 'ModelVersion' }`;

export interface StoredModelVersion extends Omit<ModelVersion, 'metrics'> {
  metricsJson: string | null;
}

export function toModelVersion(stored: StoredModelVersion): ModelVersion {
  const { metricsJson, ...rest } = stored;
  return { ...rest, metrics: fromJsonProperty<Record<string, unknown>>(metricsJson) };
}

export interface ModelVersionWrite {
  id: string;
  modelId: string;
  modelName: string;
  version: string;
  createdAt: string;
  fill: { artifactUri?: string; digest?: string; framework?: string; metricsJson?: string };
  trainingRunId: string | null;
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

  /** Creates the model if missing; replaces its description when given. Returns the description before. */
  async upsert(
    tx: Tx,
    model: { id: string; name: string; description: string | null; at: string },
  ): Promise<{ created: boolean; previousDescription: string | null }> {
    const [row] = await tx.rows<{ created: boolean; previousDescription: string | null }>(
      // Merge the model on its id; the description is the one mutable property.
      `OPTIONAL MATCH (existing:Model {id: $model.id})
       WITH existing IS NULL AS created, existing.description AS previousDescription
       MERGE (m:Model {id: $model.id})
         ON CREATE SET m.name = $model.name, m.createdAt = datetime($model.at), m.recordedAt = datetime()
       SET m.description = coalesce($model.description, m.description)
       RETURN created, previousDescription`,
      { model },
    );
    return row!;
  }

  /** Creates the version (and model) if missing, fills its unknown fields, links its training run. */
  async writeVersion(tx: Tx, version: ModelVersionWrite): Promise<void> {
    await tx.rows(
      // Merge model and version, link them, fill the version, and link the run that wrote it.
      `MERGE (m:Model {id: $version.modelId})
         ON CREATE SET m.name = $version.modelName, m.createdAt = datetime($version.createdAt), m.recordedAt = datetime()
       MERGE (v:ModelVersion {id: $version.id})
         ON CREATE SET v.modelId = $version.modelId, v.modelName = $version.modelName, v.version = $version.version,
                       v.createdAt = datetime($version.createdAt), v.recordedAt = datetime()
       MERGE (v)-[:VERSION_OF]->(m)
       SET v += $version.fill
       WITH v
       CALL (v) {
         OPTIONAL MATCH (r:Run {id: $version.trainingRunId})
         FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | MERGE (r)-[:WROTE]->(v))
       }`,
      { version },
    );
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
