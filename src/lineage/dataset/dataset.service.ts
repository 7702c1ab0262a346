import type { Database } from '../../db/database';
import type { Limits } from '../../limits';
import { datasetRegistration, datasetVersionRegistration, type DatasetFields, type DatasetVersionFields } from '../../core/dataset/dataset.normalize';
import { ids } from '../../core/ids';
import { inKeyOrder } from '../../core/key-order';
import { mapPage, pageRequest, type Page } from '../../core/page';
import type { LineageRecorder } from '../../core/recording/lineage.recorder';
import { optionalName, requiredName, INPUT_LIMITS } from '../../core/validate';
import type { WriteContext } from '../../core/write-context';
import { DatasetRepository, toDatasetVersion, type DatasetFilter } from './dataset.repository';
import type { Dataset } from './dataset.type';
import type { DatasetVersion } from './dataset-version.type';

export class DatasetService {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly recorder: LineageRecorder,
    private readonly datasets = new DatasetRepository(),
  ) {}

  /** Registers a dataset (idempotent on its name), recorded by the rules of every write (core/recording). */
  registerDataset(context: WriteContext, input: DatasetFields): Promise<Dataset> {
    const change = datasetRegistration(input);
    return this.db.write('registerDataset', async (tx) => {
      await this.recorder.recordOne(tx, context, change);
      return (await this.datasets.findByIds(tx, [change.dataset.id])).get(change.dataset.id)!;
    });
  }

  /** Registers a dataset version or fills its write-once fields; a contradicting value is a CONFLICT. */
  registerDatasetVersion(context: WriteContext, input: DatasetVersionFields): Promise<DatasetVersion> {
    const change = datasetVersionRegistration(input);
    return this.db.write('registerDatasetVersion', async (tx) => {
      await this.recorder.recordOne(tx, context, change);
      return toDatasetVersion((await this.datasets.findVersionsByIds(tx, [change.version.id])).get(change.version.id)!);
    });
  }

  findByIds(datasetIds: readonly string[]): Promise<Array<Dataset | null>> {
    return this.db.read('datasetsByIds', async (tx) => inKeyOrder(datasetIds, await this.datasets.findByIds(tx, datasetIds)));
  }

  findVersionsByIds(versionIds: readonly string[]): Promise<Array<DatasetVersion | null>> {
    return this.db.read('datasetVersionsByIds', async (tx) =>
      inKeyOrder(versionIds, await this.datasets.findVersionsByIds(tx, versionIds)).map((v) => (v ? toDatasetVersion(v) : null)),
    );
  }

  async findByKey(namespace: string, name: string): Promise<Dataset | null> {
    const [dataset] = await this.findByIds([ids.dataset(requiredName('namespace', namespace), requiredName('name', name))]);
    return dataset ?? null;
  }

  async findVersionByKey(namespace: string, name: string, version: string): Promise<DatasetVersion | null> {
    const id = ids.datasetVersion(requiredName('namespace', namespace), requiredName('name', name), requiredName('version', version, INPUT_LIMITS.version));
    const [found] = await this.findVersionsByIds([id]);
    return found ?? null;
  }

  latestVersions(datasetIds: readonly string[]): Promise<Array<DatasetVersion | null>> {
    return this.db.read('latestDatasetVersions', async (tx) =>
      inKeyOrder(datasetIds, await this.datasets.latestVersions(tx, datasetIds)).map((v) => (v ? toDatasetVersion(v) : null)),
    );
  }

  versionPages(keys: ReadonlyArray<{ datasetId: string; first?: number | null; after?: string | null }>): Promise<Page<DatasetVersion>[]> {
    const requests = keys.map((key) => ({ parentId: key.datasetId, request: pageRequest(key.first, key.after, this.limits.page) }));
    return this.db.read('datasetVersionPages', async (tx) => (await this.datasets.versionPages(tx, requests)).map((page) => mapPage(page, toDatasetVersion)));
  }

  list(filter: { namespace?: string | null; namePrefix?: string | null }, first?: number | null, after?: string | null): Promise<Page<Dataset>> {
    const normalized: DatasetFilter = {
      namespace: optionalName('namespace', filter.namespace),
      namePrefix: optionalName('namePrefix', filter.namePrefix),
    };
    const request = pageRequest(first, after, this.limits.page);
    return this.db.read('listDatasets', (tx) => this.datasets.list(tx, normalized, request));
  }
}
