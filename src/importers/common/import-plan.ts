import type { CommitFields } from '../../core/commit/commit.normalize';
import type { JobFields } from '../../core/job/job.normalize';
import type { RunDatasetFields } from '../../core/run/run.normalize';

/**
 * What an importer wants recorded, as plain data: the pure mappers (MLflow REST JSON, dvc.lock YAML) produce it,
 * the import writer compares it with the graph and turns what is missing into service calls. Instants are
 * ISO-8601 UTC strings.
 */
export interface ImportPlan {
  runs: PlannedRun[];
  models: PlannedModel[];
  modelVersions: PlannedModelVersion[];
  /** Slots whose live deployment the source states; `managedBy` slots absent from the list are retired. */
  deployments: PlannedDeployment[];
  /**
   * Deployments recorded by this importer (their deployedBy) in these slot names, and these environments (all
   * when null), that the plan does not state live any more are retired.
   */
  managedSlots: { deployedBy: string; names: string[]; environments: string[] | null } | null;
  /** What the mapper could not map, for the summary (never silently dropped). */
  notes: string[];
}

export interface PlannedRun {
  runId: string;
  job: JobFields;
  startedAt: string | null;
  endedAt: string | null;
  /** How the run ended; null while it runs. */
  final: 'COMPLETE' | 'FAIL' | 'ABORT' | null;
  errorMessage: string | null;
  commit: CommitFields | null;
  parameters: Record<string, unknown> | null;
  facets: Record<string, unknown> | null;
  inputs: PlannedVersion[];
  outputs: PlannedVersion[];
}

export type PlannedVersion = RunDatasetFields & { version: string };

export interface PlannedModel {
  name: string;
  description: string | null;
}

export interface PlannedModelVersion {
  model: string;
  version: string;
  trainingRunId: string | null;
  artifactUri: string | null;
  digest: string | null;
  metrics: Record<string, number> | null;
  createdAt: string | null;
}

export interface PlannedDeployment {
  name: string;
  environment: string;
  model: string;
  version: string;
  endpoint: string | null;
  deployedBy: string;
  /** When the source says the version took the slot; null when it does not say (the import's own time is used). */
  deployedAt: string | null;
}

export function emptyPlan(): ImportPlan {
  return { runs: [], models: [], modelVersions: [], deployments: [], managedSlots: null, notes: [] };
}

/** ISO-8601 UTC of a millisecond epoch time, as MLflow reports times; null for absent or zero. */
export function isoOfMillis(value: unknown): string | null {
  const millis = typeof value === 'string' ? Number(value) : value;
  if (typeof millis !== 'number' || !Number.isFinite(millis) || millis <= 0) return null;
  return new Date(millis).toISOString();
}
