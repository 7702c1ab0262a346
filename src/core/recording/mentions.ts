import type { DatasetRef, NormalizedDatasetVersion } from '../dataset/dataset.normalize';
import { fillVersion } from '../dataset/dataset.rules';
import { mergeFacets } from '../facets';
import type { NormalizedJob } from '../job/job.normalize';
import { earliest } from '../run/run.rules';
import type { FacetValues } from './lineage-change.types';
import type { LineageState, VersionSnapshot } from './lineage-state';

/**
 * Entities as any change mentions them, one rule each whoever mentions them: created when new; jobs, datasets and
 * models exist from their earliest mention, their facets merge by name (see core/facets), a description given
 * replaces the one recorded; versions are created or have their write-once fields filled.
 */

export function touchJob(state: LineageState, job: NormalizedJob, facets: FacetValues | null, at: string): void {
  const before = state.get('job', job.id);
  state.put('job', {
    id: job.id,
    namespace: job.namespace,
    name: job.name,
    description: job.description ?? before?.description ?? null,
    createdAt: earliest(before?.createdAt, at)!,
    facets: mergeFacets(before?.facets ?? null, facets, at),
  });
}

export function touchDataset(state: LineageState, dataset: DatasetRef, facets: FacetValues | null, at: string, description: string | null = null): void {
  const before = state.get('dataset', dataset.id);
  state.put('dataset', {
    ...dataset,
    description: description ?? before?.description ?? null,
    createdAt: earliest(before?.createdAt, at)!,
    facets: mergeFacets(before?.facets ?? null, facets, at),
  });
}

export function touchModel(state: LineageState, model: { id: string; name: string }, at: string, description: string | null = null): void {
  const before = state.get('model', model.id);
  state.put('model', { id: model.id, name: model.name, description: description ?? before?.description ?? null, createdAt: earliest(before?.createdAt, at)! });
}

/** Creates the version or fills its write-once fields (a version a run wrote exists from the run's end). */
export function recordVersion(version: NormalizedDatasetVersion, before: VersionSnapshot | null, at: string, written: boolean): VersionSnapshot {
  const fill = fillVersion(version, before?.values ?? null, version.values);
  if (before) return { ...before, values: { ...before.values, ...fill } };
  return newVersion(version, at, written);
}

/** A version first mentioned now; `written`: by the run that wrote it. */
export function newVersion(version: NormalizedDatasetVersion, at: string, written: boolean): VersionSnapshot {
  return {
    id: version.id,
    datasetId: version.datasetId,
    namespace: version.namespace,
    name: version.name,
    version: version.version,
    createdAt: version.createdAt ?? at,
    // An output created by a run exists from the moment the run ended (settleOutputTimes).
    createdAtFromRun: written && version.createdAt === null,
    values: version.values,
    // When each value was given, while its run is open (run.rules reviseOutput); null for a version no run wrote.
    valuesAt: null,
    facets: null,
    producer: null,
  };
}
