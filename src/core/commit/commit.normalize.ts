import { BadInputError } from '../../errors';
import { ids, normalizeRepository } from '../ids';
import { optionalInstant, optionalName, optionalText, requiredName, INPUT_LIMITS } from '../validate';

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

export function normalizeCommit(field: string, input: CommitFields): NormalizedCommit {
  const repository = normalizeRepository(requiredName(`${field}.repository`, input.repository, INPUT_LIMITS.uri));
  const sha = requiredName(`${field}.sha`, input.sha, 64).toLowerCase();
  if (!SHA.test(sha)) throw new BadInputError(`${field}.sha`, `'${input.sha}' is not a commit SHA (7 to 64 hex characters)`);
  return {
    id: ids.commit(repository, sha),
    repository,
    sha,
    values: {
      branch: optionalName(`${field}.branch`, input.branch),
      author: optionalText(`${field}.author`, input.author, INPUT_LIMITS.name),
      message: optionalText(`${field}.message`, input.message),
      committedAt: optionalInstant(`${field}.committedAt`, input.committedAt),
    },
  };
}
