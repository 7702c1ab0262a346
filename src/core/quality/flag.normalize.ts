import { createHash } from 'node:crypto';
import { BadInputError } from '../../errors';
import { ids, kindOfId } from '../ids';
import { instant, optionalName, requiredName, INPUT_LIMITS } from '../validate';

/** A person's verdict on a dataset version: SUSPECT or BAD make it offending, CLEARED says the failures known until then do not count. */
export const FLAG_STATUSES = ['SUSPECT', 'BAD', 'CLEARED'] as const;
export type FlagStatus = (typeof FLAG_STATUSES)[number];

export interface FlagFields {
  /** The version's global id, or its natural key. */
  id?: string | null;
  namespace?: string | null;
  name?: string | null;
  version?: string | null;
  status: FlagStatus;
  reason: string;
  /** Defaults to now; flags of a version are recorded in order. */
  flaggedAt?: Date | string | null;
}

/** A flag input after validation, with its id computed: the same version and instant are the same flag. */
export interface NormalizedFlag {
  id: string;
  versionId: string;
  status: FlagStatus;
  reason: string;
  flaggedAt: string;
}

/** Validates a flag; `now` is the instant it defaults to and may not be after (a flag says what someone found, when). */
export function normalizeFlag(input: FlagFields, now: Date): NormalizedFlag {
  const versionId = versionIdOf(input);
  if (!(FLAG_STATUSES as readonly string[]).includes(input.status)) {
    throw new BadInputError('status', `must be one of ${FLAG_STATUSES.join(', ')}, got ${String(input.status)}`);
  }
  const reason = requiredName('reason', input.reason, INPUT_LIMITS.text);
  const flaggedAt = instant('flaggedAt', input.flaggedAt, now);
  if (new Date(flaggedAt) > now) throw new BadInputError('flaggedAt', `${flaggedAt} is in the future; a flag says what someone found, when they found it`);
  return { id: flagId(versionId, flaggedAt), versionId, status: input.status, reason, flaggedAt };
}

/** The version a flag is about: its global id, or namespace, name and version. */
function versionIdOf(input: FlagFields): string {
  if (input.id) {
    if (kindOfId(input.id) !== 'DatasetVersion') throw new BadInputError('id', `'${input.id.slice(0, 80)}' is not a dataset version id`);
    return input.id;
  }
  const namespace = optionalName('namespace', input.namespace);
  const name = optionalName('name', input.name);
  const version = optionalName('version', input.version, INPUT_LIMITS.version);
  if (!namespace || !name || !version) throw new BadInputError('id', 'give the dataset version id, or its namespace, name and version');
  return ids.datasetVersion(namespace, name, version);
}

function flagId(versionId: string, flaggedAt: string): string {
  return `QualityFlag:${createHash('sha256').update(`${versionId}\u0000${flaggedAt}`).digest('base64url').slice(0, 22)}`;
}
