import DataLoader from 'dataloader';
import type { Page } from '../core/page';
import type { Services } from '../services';
import { createQualityLoaders } from '../lineage/quality/quality.loaders';

/**
 * Per-request DataLoaders, one per relationship field: whatever the shape of the query, each field costs one
 * Cypher statement per nesting level (an `UNWIND $keys` batch), never one per row. They live for one request
 * only, so a request never sees another request's cache.
 */

/** A page of related nodes: the parent's id and the field's pagination arguments. */
export interface RelatedPageKey {
  parentId: string;
  first?: number | null;
  after?: string | null;
}

const MAX_BATCH = 1_000;

function byKey<V>(batch: (keys: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
  return new DataLoader<string, V>(batch, { maxBatchSize: MAX_BATCH });
}

function pages<T>(batch: (keys: readonly RelatedPageKey[]) => Promise<Page<T>[]>): DataLoader<RelatedPageKey, Page<T>, string> {
  return new DataLoader<RelatedPageKey, Page<T>, string>(batch, {
    maxBatchSize: MAX_BATCH,
    cacheKeyFn: (key) => JSON.stringify([key.parentId, key.first ?? null, key.after ?? null]),
  });
}

export function createLoaders(services: Services) {
  const { datasets, jobs, runs, commits, models, deployments, openlineage, audit, columns } = services;
  // One budget of raw event bytes for the whole request, whatever the number of `events` and `conflicts` fields.
  const eventBodies = openlineage.bodyBudget();
  return {
    dataset: byKey((ids) => datasets.findByIds(ids)),
    datasetVersion: byKey((ids) => datasets.findVersionsByIds(ids)),
    latestDatasetVersion: byKey((ids) => datasets.latestVersions(ids)),
    datasetVersionPages: pages((keys) => datasets.versionPages(keys.map((k) => ({ ...k, datasetId: k.parentId })))),
    producerOfVersion: byKey((ids) => runs.producersOf(ids)),
    consumerPagesOfVersion: pages((keys) => runs.consumerPages(keys.map((k) => ({ ...k, versionId: k.parentId })))),

    job: byKey((ids) => jobs.findByIds(ids)),
    runPagesOfJob: pages((keys) => jobs.runPages(keys.map((k) => ({ ...k, jobId: k.parentId })))),

    run: byKey((ids) => runs.findByIds(ids)),
    inputsOfRun: byKey((ids) => runs.datasetVersionsOf(ids, 'READ')),
    outputsOfRun: byKey((ids) => runs.datasetVersionsOf(ids, 'WROTE')),
    modelVersionsOfRun: byKey((ids) => models.versionsWrittenBy(ids)),
    commitIdOfRun: byKey((ids) => runs.commitIdsOf(ids)),
    parentOfRun: byKey((ids) => runs.parentsOf(ids)),
    childPagesOfRun: pages((keys) => runs.childPages(keys.map((k) => ({ ...k, runId: k.parentId })))),

    commit: byKey((ids) => commits.findByIds(ids)),
    runPagesOfCommit: pages((keys) => commits.runPages(keys.map((k) => ({ ...k, commitId: k.parentId })))),

    model: byKey((ids) => models.findByIds(ids)),
    modelVersion: byKey((ids) => models.findVersionsByIds(ids)),
    latestModelVersion: byKey((ids) => models.latestVersions(ids)),
    modelVersionPages: pages((keys) => models.versionPages(keys.map((k) => ({ ...k, modelId: k.parentId })))),
    trainingRunIdOfModelVersion: byKey((ids) => models.trainingRunIdsOf(ids)),
    deploymentsOfModelVersion: byKey((ids) => deployments.deploymentsOf(ids)),

    eventPagesOfRun: pages((keys) => openlineage.eventPages('Run', keys, eventBodies)),
    eventPagesOfJob: pages((keys) => openlineage.eventPages('Job', keys, eventBodies)),
    eventPagesOfDataset: pages((keys) => openlineage.eventPages('Dataset', keys, eventBodies)),
    conflictPagesOfRun: pages((keys) => openlineage.conflictPages('Run', keys, eventBodies)),
    conflictPagesOfDatasetVersion: pages((keys) => openlineage.conflictPages('DatasetVersion', keys, eventBodies)),
    conflictPagesOfModelVersion: pages((keys) => openlineage.conflictPages('ModelVersion', keys, eventBodies)),

    deployment: byKey((ids) => deployments.findByIds(ids)),
    previousDeployment: byKey((ids) => deployments.neighboursOf(ids, 'previous')),
    nextDeployment: byKey((ids) => deployments.neighboursOf(ids, 'next')),

    auditHistoryPages: pages((keys) => audit.historyPages(keys.map((k) => ({ ...k, entityId: k.parentId })))),

    columnField: byKey((ids) => columns.findFieldsByIds(ids)),
    fieldPagesOfDatasetVersion: pages((keys) =>
      columns.fieldPages(
        'DatasetVersion',
        keys.map((k) => ({ ...k, ownerId: k.parentId })),
      ),
    ),
    fieldPagesOfModelVersion: pages((keys) =>
      columns.fieldPages(
        'ModelVersion',
        keys.map((k) => ({ ...k, ownerId: k.parentId })),
      ),
    ),
    upstreamColumnEdgePages: pages((keys) =>
      columns.edgePages(
        'UP',
        keys.map((k) => ({ ...k, fieldId: k.parentId })),
      ),
    ),
    downstreamColumnEdgePages: pages((keys) =>
      columns.edgePages(
        'DOWN',
        keys.map((k) => ({ ...k, fieldId: k.parentId })),
      ),
    ),
    quality: createQualityLoaders(services),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
