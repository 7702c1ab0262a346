import type { Database } from '../../db/database';
import type { Limits } from '../../limits';
import { ids } from '../../core/ids';
import { inKeyOrder } from '../../core/key-order';
import { modelRegistration, modelVersionRegistration, type ModelFields, type ModelVersionFields } from '../../core/model/model.normalize';
import { mapPage, pageRequest, type Page } from '../../core/page';
import type { LineageRecorder } from '../../core/recording/lineage.recorder';
import { optionalName, requiredName, INPUT_LIMITS } from '../../core/validate';
import type { WriteContext } from '../../core/write-context';
import { ModelRepository, toModelVersion } from './model.repository';
import type { Model } from './model.type';
import type { ModelVersion } from './model-version.type';

export class ModelService {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly recorder: LineageRecorder,
    private readonly models = new ModelRepository(),
  ) {}

  /** Registers a model (idempotent on its name), recorded by the rules of every write (core/recording). */
  registerModel(context: WriteContext, input: ModelFields): Promise<Model> {
    const change = modelRegistration(input);
    return this.db.write('registerModel', async (tx) => {
      await this.recorder.recordOne(tx, context, change);
      return (await this.models.findByIds(tx, [change.model.id])).get(change.model.id)!;
    });
  }

  /**
   * Records a model version and the run that trained it, in one transaction. A version has one training run and
   * write-once fields; metrics must be numbers, so that they can be compared across versions.
   */
  registerModelVersion(context: WriteContext, input: ModelVersionFields): Promise<ModelVersion> {
    const change = modelVersionRegistration(input);
    return this.db.write('registerModelVersion', async (tx) => {
      await this.recorder.recordOne(tx, context, change);
      return toModelVersion((await this.models.findVersionsByIds(tx, [change.version.id])).get(change.version.id)!);
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
