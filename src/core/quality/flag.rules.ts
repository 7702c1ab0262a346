import { BadInputError, ConflictError } from '../../errors';
import type { FlagStatus, NormalizedFlag } from './flag.normalize';

/**
 * The rules of flags, as pure functions. A version's flags are its history: recorded in order, never before the
 * version existed, and the same flag twice (same version and instant) is the one recorded, if it says the same.
 */

export interface FlagSnapshot {
  id: string;
  versionId: string;
  status: FlagStatus;
  reason: string;
  /** ISO-8601 UTC. */
  flaggedAt: string;
  flaggedBy: string;
}

/** A replay must say what the recorded flag said. */
export function checkFlagReplay(flag: NormalizedFlag, recorded: FlagSnapshot): void {
  if (recorded.status !== flag.status || recorded.reason !== flag.reason) {
    throw new ConflictError(`${flag.versionId} was flagged ${recorded.status} at ${flag.flaggedAt} already, for another reason or status`, {
      ref: recorded.id,
    });
  }
}

/** A flag is about a version that existed then, and follows the version's latest flag. */
export function checkFlagInOrder(flag: NormalizedFlag, versionCreatedAt: string | null, latest: FlagSnapshot | null): void {
  if (versionCreatedAt && flag.flaggedAt < versionCreatedAt) {
    throw new BadInputError('flaggedAt', `${flag.flaggedAt} precedes the version itself (created ${versionCreatedAt})`);
  }
  if (latest && flag.flaggedAt < latest.flaggedAt) {
    throw new ConflictError(`flaggedAt ${flag.flaggedAt} precedes the version's latest flag (${latest.status} at ${latest.flaggedAt}); record flags in order`, {
      ref: latest.id,
    });
  }
}
