import { BadInputError, ConflictError } from '../../errors';
import { describeConflicts, mergeWriteOnce } from '../write-once';

/** The rules of model versions, shared by the GraphQL registration and the recorder (OpenLineage's model facet). */

export type ModelVersionValues = {
  artifactUri: string | null;
  digest: string | null;
  framework: string | null;
  metricsJson: string | null;
};

/** Metrics are compared across versions, so they must be numbers. `field` is the path of the metrics object. */
export function checkMetrics(field: string, metrics: Record<string, unknown> | null): void {
  for (const [key, value] of Object.entries(metrics ?? {})) {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new BadInputError(`${field}.${key}`, `must be a finite number, got ${JSON.stringify(value)}`);
  }
}

/** Write-once fields: unknown ones may be filled, a different value is a CONFLICT. Returns the fields to fill. */
export function fillModelVersion(
  version: { id: string; modelName: string; version: string },
  recorded: Partial<ModelVersionValues> | null,
  given: ModelVersionValues,
): Partial<ModelVersionValues> {
  const merge = mergeWriteOnce<ModelVersionValues>(recorded, given);
  if (merge.conflicts.length > 0) {
    throw new ConflictError(`model version ${version.modelName}@${version.version} is immutable: ${describeConflicts(merge.conflicts)}`, {
      ref: version.id,
      fields: merge.conflicts.map((c) => c.field),
    });
  }
  return merge.fill;
}

/** A model version has one training run. */
export function checkTrainingRun(version: { id: string; modelName: string; version: string }, producerId: string | null, runId: string | null): void {
  if (producerId && producerId !== runId) {
    throw new ConflictError(`model version ${version.modelName}@${version.version} was produced by another run; a version has one training run`, {
      ref: version.id,
    });
  }
}
