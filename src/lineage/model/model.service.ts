import type { AuditLog } from '../../core/audit-log';
import { fieldChanges } from '../../core/field-changes';
import type { Database } from '../../db/database';
import type { Limits } from '../../limits';
import { NotFoundError } from '../../errors';
import { ids } from '../../core/ids';
import { toJsonProperty } from '../../core/json-property';
import { inKeyOrder } from '../../core/key-order';
import { mapPage, pageRequest, type Page } from '../../core/page';
import { instant, optionalJsonObject, optionalName, optionalText, requiredName, INPUT_LIMITS } from '../../core/validate';
import type { WriteContext } from '../../core/write-context';
import { RunRepository } from '../run/run.repository';
import { checkMetrics, checkTrainingRun, fillModelVersion } from '../../core/model/model.rules';
import { ModelRepository, toModelVersion, type ModelVersionWrite } from './model.repository';
import type { Model } from './model.type';
import type { ModelVersion } from './model-version.type';

export interface ModelVersionFields {
  model: string;
  version: string;
  trainingRunId?: string | null;
  artifactUri?: string | null;
  digest?: string | null;
  framework?: string | null;
  metrics?: Record<string, unknown> | null;
  createdAt?: Date | string | null;
}

export class ModelService {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly audit: AuditLog,
    private readonly models = new ModelRepository(),
    private readonly runs = new RunRepository(),
  ) {}

  async registerModel(context: WriteContext, input: { name: string; description?: string | null }): Promise<Model> {
    const name = requiredName('name', input.name);
    const description = optionalText('description', input.description);
    const id = ids.model(name);
    return this.db.write('registerModel', async (tx) => {
      const before = await this.models.upsert(tx, { id, name, description, at: new Date().toISOString() });
      const changes =
        description !== null && description !== before.previousDescription
          ? [{ entityId: id, field: 'description', before: before.previousDescription, after: description }]
          : [];
      await this.audit.append(tx, context, [{ operation: 'registerModel', entityIds: [id], changes, details: { created: before.created } }]);
      return (await this.models.findByIds(tx, [id])).get(id)!;
    });
  }

  /**
   * Records a model version and the run that trained it, in one transaction. A version has one training run and
   * write-once fields; metrics must be numbers, so that they can be compared across versions.
   */
  async registerModelVersion(context: WriteContext, input: ModelVersionFields): Promise<ModelVersion> {
    const modelName = requiredName('model', input.model);
    const version = requiredName('version', input.version, INPUT_LIMITS.version);
    const trainingRunId = optionalName('trainingRunId', input.trainingRunId, INPUT_LIMITS.version);
    const metrics = optionalJsonObject('metrics', input.metrics);
    checkMetrics('metrics', metrics);
    const given = {
      artifactUri: optionalText('artifactUri', input.artifactUri, INPUT_LIMITS.uri),
      digest: optionalName('digest', input.digest, INPUT_LIMITS.version),
      framework: optionalName('framework', input.framework, INPUT_LIMITS.version),
      metricsJson: toJsonProperty(metrics),
    };
    const explicitCreatedAt = input.createdAt ? instant('createdAt', input.createdAt, new Date()) : null;
    const id = ids.modelVersion(modelName, version);
    const runNodeId = trainingRunId ? ids.run(trainingRunId) : null;

    return this.db.write('registerModelVersion', async (tx) => {
      const recorded = (await this.models.findVersionsByIds(tx, [id])).get(id) ?? null;
      const fill = fillModelVersion({ id, modelName, version }, recorded, given);
      const run = runNodeId ? (await this.runs.findByIds(tx, [runNodeId])).get(runNodeId) : null;
      if (trainingRunId && !run) throw new NotFoundError('Run', trainingRunId);
      checkTrainingRun({ id, modelName, version }, (await this.models.trainingRunIdsOf(tx, [id])).get(id) ?? null, runNodeId);
      const write: ModelVersionWrite = {
        id,
        modelId: ids.model(modelName),
        modelName,
        version,
        createdAt: explicitCreatedAt ?? run?.endedAt?.toISOString() ?? new Date().toISOString(),
        fill: fill as ModelVersionWrite['fill'],
        trainingRunId: runNodeId,
      };
      await this.models.writeVersion(tx, write);
      const after = (await this.models.findVersionsByIds(tx, [id])).get(id)!;
      await this.audit.append(tx, context, [
        {
          operation: 'registerModelVersion',
          entityIds: [write.modelId, id, ...(runNodeId ? [runNodeId] : [])],
          changes: recorded ? fieldChanges(id, recorded, after, ['artifactUri', 'digest', 'framework', 'metricsJson']) : [],
          details: { created: recorded === null },
        },
      ]);
      return toModelVersion(after);
    });
  }

  findByIds(modelIds: readonly string[]): Promise<Array<Model | null>> {
    return this.db.read('modelsByIds', async (tx) => inKeyOrder(modelIds, await this.models.findByIds(tx, modelIds)));
  }

  findVersionsByIds(versionIds: readonly string[]): Promise<Array<ModelVersion | null>> {
    return this.db.read('modelVersionsByIds', async (tx) =>
      inKeyOrder(versionIds, await this.models.findVersionsByIds(tx, versionIds)).map((v) => (v ? toModelVersion(v) : null)),
    );
  }

  async findByName(name: string): Promise<Model | null> {
    const [model] = await this.findByIds([ids.model(requiredName('name', name))]);
    return model ?? null;
  }

  async findVersionByKey(model: string, version: string): Promise<ModelVersion | null> {
    const [found] = await this.findVersionsByIds([ids.modelVersion(requiredName('model', model), requiredName('version', version, INPUT_LIMITS.version))]);
    return found ?? null;
  }

  trainingRunIdsOf(versionIds: readonly string[]): Promise<Array<string | null>> {
    return this.db.read('modelVersionTrainingRuns', async (tx) => inKeyOrder(versionIds, await this.models.trainingRunIdsOf(tx, versionIds)));
  }

  versionsWrittenBy(runIds: readonly string[]): Promise<ModelVersion[][]> {
    return this.db.read('runModelVersions', async (tx) => {
      const found = await this.models.versionsWrittenBy(tx, runIds);
      return runIds.map((runId) => (found.get(runId) ?? []).map(toModelVersion));
    });
  }

  latestVersions(modelIds: readonly string[]): Promise<Array<ModelVersion | null>> {
    return this.db.read('latestModelVersions', async (tx) =>
      inKeyOrder(modelIds, await this.models.latestVersions(tx, modelIds)).map((v) => (v ? toModelVersion(v) : null)),
    );
  }

  versionPages(keys: ReadonlyArray<{ modelId: string; first?: number | null; after?: string | null }>): Promise<Page<ModelVersion>[]> {
    const requests = keys.map((key) => ({ parentId: key.modelId, request: pageRequest(key.first, key.after, this.limits.page) }));
    return this.db.read('modelVersionPages', async (tx) => (await this.models.versionPages(tx, requests)).map((page) => mapPage(page, toModelVersion)));
  }

  list(filter: { namePrefix?: string | null }, first?: number | null, after?: string | null): Promise<Page<Model>> {
    const namePrefix = optionalName('namePrefix', filter.namePrefix);
    const request = pageRequest(first, after, this.limits.page);
    return this.db.read('listModels', (tx) => this.models.list(tx, { namePrefix }, request));
  }
}
