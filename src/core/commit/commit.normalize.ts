import { BadInputError } from '../../errors';
import { ids, normalizeRepository } from '../ids';
import { optionalInstant, optionalName, optionalText, requiredName, INPUT_LIMITS, type FieldPath } from '../validate';

export interface CommitFields {
  repository: string;
  sha: string;
  branch?: string | null;
  author?: string | null;
  message?: string | null;
  committedAt?: Date | string | null;
}

export interface NormalizedCommit {
  id: string;
  repository: string;
  sha: string;
  values: { branch: string | null; author: string | null; message: string | null; committedAt: string | null };
}

const SHA = /^[0-9a-f]{7,64}$/;

/** Checks a commit named by a front door; the repository gets its one spelling (see normalizeRepository). */
export function normalizeCommit(input: CommitFields, path: FieldPath): NormalizedCommit {
  const repository = normalizeRepository(requiredName(path('repository'), input.repository, INPUT_LIMITS.uri));
  const sha = requiredName(path('sha'), input.sha, 64).toLowerCase();
  if (!SHA.test(sha)) throw new BadInputError(path('sha'), `'${input.sha}' is not a commit SHA (7 to 64 hex characters)`);
  return {
    id: ids.commit(repository, sha),
    repository,
    sha,
    values: {
      branch: optionalName(path('branch'), input.branch),
      author: optionalText(path('author'), input.author, INPUT_LIMITS.name),
      message: optionalText(path('message'), input.message),
      committedAt: optionalInstant(path('committedAt'), input.committedAt),
    },
  };
}
