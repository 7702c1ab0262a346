import type { FlagSnapshot } from './flag.rules';

/**
 * The `QualityFlag` label, described once: the projection every repository returns, the row it yields and the
 * recorder's snapshot of that row. In the graph:
 *
 *   (:QualityFlag {id, versionId, datasetId, namespace, status, reason, flaggedAt, flaggedBy, recordedAt})-[:FLAGS]->(:DatasetVersion)
 *
 * `FLAGS` is not lineage (lineage-steps.ts), so no traversal crosses it.
 */

/** A flag as the projection returns it. */
export interface StoredFlag {
  id: string;
  versionId: string;
  status: FlagSnapshot['status'];
  reason: string;
  flaggedAt: Date;
  flaggedBy: string;
}

/** The projection of the flag node bound to `f`. */
export function flagProjection(f: string): string {
  return `${f} { .id, .versionId, .status, .reason, .flaggedAt, .flaggedBy }`;
}

export function flagSnapshotOf(row: StoredFlag): FlagSnapshot {
  return { ...row, flaggedAt: row.flaggedAt.toISOString() };
}

/** The row of a flag the recorder holds, as the projection would return it (its answer to the mutation). */
export function storedFlagOf(snapshot: FlagSnapshot): StoredFlag {
  return { ...snapshot, flaggedAt: new Date(snapshot.flaggedAt) };
}
