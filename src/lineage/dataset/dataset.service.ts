import type { AuditChange, AuditLog } from '../../core/audit-log';
import { fieldChanges } from '../../core/field-changes';
import type { Database, Tx } from '../../db/database';
import type { Limits } from '../../limits';
import { ids } from '../../core/ids';
import { mapPage, pageRequest, type Page } from '../../core/page';
import { normalizeDatasetVersion, type DatasetVersionFields, type NormalizedDatasetVersion } from '../../core/dataset/dataset.normalize';
import { optionalName, optionalText, requiredName, INPUT_LIMITS } from '../../core/validate';
import type { WriteContext } from '../../core/write-context';
import { inKeyOrder } from '../../core/key-order';
import { dedupeVersions, fillVersion } from '../../core/dataset/dataset.rules';
import { DatasetRepository, toDatasetVersion, type DatasetFilter, type DatasetVersionWrite } from './dataset.repository';
import type { Dataset } from './dataset.type';
import type { DatasetVersion } from './dataset-version.type';

export interface RecordedVersions {
  /** The versions as recorded after the write, in input order. */
  versions: DatasetVersion[];
  /** Ids of the versions this write created. */
  created: Set<string>;
  /** Write-once fields this write filled on versions that existed before it (for the audit trail). */
  changes: AuditChange[];
}

export class DatasetService {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly audit: AuditLog,
    private readonly datasets = new DatasetRepository(),
  ) {}

  async registerDataset(context: WriteContext, input: { namespace: string; name: string; description?: string | null }): Promise<Dataset> {
    const namespace = requiredName('namespace', input.namespace);
    const name = requiredName('name', input.name);
    const description = optionalText('description', input.description);
    const id = ids.dataset(namespace, name);
    return this.db.write('registerDataset', async (tx) => {
      const before = (await this.datasets.upsert(tx, [{ id, namespace, name, description, at: new Date().toISOString() }])).get(id)!;
      const changes =
        description !== null && description !== before.previousDescription
          ? [{ entityId: id, field: 'description', before: before.previousDescription, after: description }]
          : [];
      await this.audit.append(tx, context, [{ operation: 'registerDataset', entityIds: [id], changes, details: { created: before.created } }]);
      return (await this.datasets.findByIds(tx, [id])).get(id)!;
    });
  }

  async registerDatasetVersion(context: WriteContext, input: DatasetVersionFields): Promise<DatasetVersion> {
    const version = normalizeDatasetVersion('', input);
    return this.db.write('registerDatasetVersion', async (tx) => {
      const recorded = await this.recordVersions(tx, [version], new Date().toISOString());
      await this.audit.append(tx, context, [
        {
          operation: 'registerDatasetVersion',
          entityIds: [version.datasetId, version.id],
          changes: recorded.changes,
          details: { created: recorded.created.has(version.id) },
        },
      ]);
      return recorded.versions[0]!;
    });
  }

  /** Creates or completes versions; a value that contradicts a recorded one fails the transaction with CONFLICT. */
  private async recordVersions(tx: Tx, versions: readonly NormalizedDatasetVersion[], defaultCreatedAt: string): Promise<RecordedVersions> {
    if (versions.length === 0) return { versions: [], created: new Set(), changes: [] };
    const unique = dedupeVersions(versions);
    const recorded = await this.datasets.findVersionsByIds(tx, [...unique.keys()]);
    const changes: AuditChange[] = [];
    const writes: DatasetVersionWrite[] = [...unique.values()].map((version) => {
      const fill = fillVersion(version, recorded.get(version.id) ?? null, version.values);
      // Write-once fields go from nothing to their value: those this write filled, or all of a new version's.
      const set: Record<string, unknown> = recorded.has(version.id) ? fill : { createdAt: version.createdAt ?? defaultCreatedAt, ...version.values };
      changes.push(...fieldChanges(version.id, null, set, Object.keys(set)));
      return {
        id: version.id,
        datasetId: version.datasetId,
        namespace: version.namespace,
        name: version.name,
        version: version.version,
        createdAt: version.createdAt ?? defaultCreatedAt,
        fill: fill as DatasetVersionWrite['fill'],
      };
    });
    await this.datasets.writeVersions(tx, writes);
    const after = await this.datasets.findVersionsByIds(
      tx,
      versions.map((v) => v.id),
    );
    return {
      versions: versions.map((v) => toDatasetVersion(after.get(v.id)!)),
      created: new Set([...unique.keys()].filter((id) => !recorded.has(id))),
      changes,
    };
  }

  /** For each reference, the version of the dataset that was current at `at` (null if it had none then). */
  async versionsCurrentAt(tx: Tx, refs: ReadonlyArray<{ datasetId: string; at: string }>): Promise<Array<DatasetVersion | null>> {
    const versions = await this.datasets.versionsCurrentAt(tx, refs);
    return versions.map((version) => (version ? toDatasetVersion(version) : null));
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
