import { BadInputError, ConflictError } from '../../errors';
import { describeConflicts, mergeWriteOnce } from '../write-once';

/**
 * The rules of dataset versions, as pure functions: shared by the dataset service (GraphQL registration) and the
 * recorder (runs and OpenLineage events), so that a version follows the same rules whichever door it came in by.
 */

/** The version an input without a version string resolves to when its dataset had none yet at the run's time. */
export const UNVERSIONED = 'unversioned';

export type VersionValues = {
  digest: string | null;
  uri: string | null;
  schemaJson: string | null;
  rowCount: number | null;
};

export interface VersionKey {
  id: string;
  namespace: string;
  name: string;
  version: string;
}

/**
 * Write-once fields: unknown ones may be filled, known ones repeated, a different value is a CONFLICT.
 * Returns the fields to fill.
 */
export function fillVersion(version: VersionKey, recorded: Partial<VersionValues> | null, given: VersionValues): Partial<VersionValues> {
  const merge = mergeWriteOnce<VersionValues>(recorded, given);
  if (merge.conflicts.length > 0) {
    throw new ConflictError(`dataset version ${version.namespace}/${version.name}@${version.version} is immutable: ${describeConflicts(merge.conflicts)}`, {
      ref: version.id,
      fields: merge.conflicts.map((c) => c.field),
    });
  }
  return merge.fill;
}

/** The same version twice in one call (say, read and written) is merged; contradicting itself is an error. */
export function dedupeVersions<T extends VersionKey & { values: VersionValues; createdAt: string | null }>(versions: readonly T[]): Map<string, T> {
  const unique = new Map<string, T>();
  for (const version of versions) {
    const seen = unique.get(version.id);
    if (!seen) {
      unique.set(version.id, version);
      continue;
    }
    const merge = mergeWriteOnce(seen.values, version.values);
    if (merge.conflicts.length > 0) {
      throw new BadInputError(
        `${version.namespace}/${version.name}@${version.version}`,
        `is given twice with different values (${describeConflicts(merge.conflicts)})`,
      );
    }
    unique.set(version.id, { ...seen, values: { ...seen.values, ...merge.fill }, createdAt: seen.createdAt ?? version.createdAt });
  }
  return unique;
}

export interface VersionTimeline {
  id: string;
  createdAt: string;
  /** The run that wrote it, if any. */
  producerId: string | null;
}

/**
 * The version of a dataset current at `at` for a reading run: the newest created at or before `at`, ties broken
 * by id, never one the reading run wrote itself (a run that reads and writes a table reads the version before
 * its own). Null when there is none.
 */
export function currentVersion(candidates: Iterable<VersionTimeline>, at: string, readerId: string): VersionTimeline | null {
  let best: VersionTimeline | null = null;
  for (const candidate of candidates) {
    if (!readableAt(candidate, at, readerId)) continue;
    if (best === null || candidate.createdAt > best.createdAt || (candidate.createdAt === best.createdAt && candidate.id > best.id)) best = candidate;
  }
  return best;
}

/** A version a run may have read at `at`: it existed then, and the run did not write it. */
export function readableAt(candidate: VersionTimeline, at: string, readerId: string): boolean {
  return candidate.createdAt <= at && candidate.producerId !== readerId;
}
