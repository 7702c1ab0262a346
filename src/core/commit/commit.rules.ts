import { ConflictError } from '../../errors';
import { describeConflicts, mergeWriteOnce } from '../write-once';

export type CommitValues = {
  branch: string | null;
  author: string | null;
  message: string | null;
  committedAt: string | null;
};

/**
 * Commits are immutable, except that the branch is only the one it was first seen on (the same SHA
 * legitimately lives on several branches, so another branch is no contradiction). Returns the fields to fill.
 */
export function fillCommit(commit: { id: string; repository: string; sha: string }, recorded: CommitValues | null, given: CommitValues): Partial<CommitValues> {
  const { branch, ...immutable } = given;
  const recordedImmutable = recorded ? { author: recorded.author, message: recorded.message, committedAt: recorded.committedAt } : null;
  const merge = mergeWriteOnce(recordedImmutable, immutable);
  if (merge.conflicts.length > 0) {
    throw new ConflictError(`commit ${commit.sha} of ${commit.repository} is immutable: ${describeConflicts(merge.conflicts)}`, { ref: commit.id });
  }
  return { ...merge.fill, ...(branch !== null && !recorded?.branch ? { branch } : {}) };
}
