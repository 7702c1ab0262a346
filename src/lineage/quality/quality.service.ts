import { createHash } from 'node:crypto';
import type { AuditLog } from '../../core/audit-log';
import type { Database } from '../../db/database';
import { BadInputError, ConflictError, NotFoundError } from '../../errors';
import type { NoticeOutbox } from '../../core/notices';
import { ids, kindOfId } from '../../core/ids';
import { instant, optionalName, requiredName, INPUT_LIMITS } from '../../core/validate';
import type { WriteContext } from '../../core/write-context';
import { SEVERITY_RANK, type Severity } from './quality-facets';
import { evaluateQuality, type VersionQuality } from './quality-status';
import { QualityRepository, type StoredFlag, type StoredReport } from './quality.repository';

export type FlagStatus = StoredFlag['status'];
export const FLAG_STATUSES: readonly FlagStatus[] = ['SUSPECT', 'BAD', 'CLEARED'];

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

export interface QualityKey {
  versionId: string;
  asOf: string;
  minSeverity: Severity;
}

export interface VersionQualityAnswer extends VersionQuality {
  versionId: string;
  asOf: string;
  minSeverity: Severity;
  /** Flags made at or before the instant, newest first. */
  flags: StoredFlag[];
}

/** Most severe flag first, for notices: a webhook's minSeverity does not filter flags. */
const FLAG_RANK = 3;

/**
 * Data quality of dataset versions: the checks and metrics reported for them (recorded by the recorder's
 * quality hook), and the flags people put on them. A flag is a write like any other: validated, audited in its
 * transaction, and announced to the webhooks through the outbox in the same transaction.
 */
export class QualityService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
    private readonly notices: NoticeOutbox,
    private readonly quality = new QualityRepository(),
  ) {}

  /**
   * Flags a dataset version SUSPECT or BAD, or CLEARED (a person checked it and found it fine: failed checks
   * reported until then no longer count). Replaying a flag (same version, same flaggedAt, same status and
   * reason) returns the recorded one; flags of a version may not be recorded out of order.
   */
  async flagDatasetVersion(context: WriteContext, input: FlagFields): Promise<StoredFlag> {
    const versionId = versionIdOf(input);
    if (!FLAG_STATUSES.includes(input.status)) throw new BadInputError('status', `must be one of ${FLAG_STATUSES.join(', ')}, got ${String(input.status)}`);
    const reason = requiredName('reason', input.reason, INPUT_LIMITS.text);
    const now = new Date();
    const flaggedAt = instant('flaggedAt', input.flaggedAt, now);
    if (new Date(flaggedAt) > now) throw new BadInputError('flaggedAt', `${flaggedAt} is in the future; a flag says what someone found, when they found it`);
    const id = flagId(versionId, flaggedAt);

    return this.db.write('flagDatasetVersion', async (tx) => {
      const version = await this.quality.lockVersionFlags(tx, versionId);
      if (!version.exists) throw new NotFoundError('DatasetVersion', versionId);
      const replay = (await this.quality.findFlags(tx, [id])).get(id);
      if (replay) {
        if (replay.status !== input.status || replay.reason !== reason) {
          throw new ConflictError(`${versionId} was flagged ${replay.status} at ${flaggedAt} already, for another reason or status`, { ref: id });
        }
        await this.audit.append(tx, context, [{ operation: 'flagDatasetVersion', entityIds: [versionId], details: { unchanged: true, flagId: id } }]);
        return replay;
      }
      if (version.createdAt && new Date(flaggedAt) < version.createdAt) {
        throw new BadInputError('flaggedAt', `${flaggedAt} precedes the version itself (created ${version.createdAt.toISOString()})`);
      }
      const latest = version.latest;
      if (latest && new Date(flaggedAt) < latest.flaggedAt) {
        throw new ConflictError(
          `flaggedAt ${flaggedAt} precedes the version's latest flag (${latest.status} at ${latest.flaggedAt.toISOString()}); record flags in order`,
          { ref: latest.id },
        );
      }
      const flag = { id, versionId, status: input.status, reason, flaggedAt, flaggedBy: context.actor };
      await this.quality.createFlag(tx, flag);
      await this.audit.append(tx, context, [
        {
          operation: 'flagDatasetVersion',
          entityIds: [versionId],
          changes: [{ entityId: versionId, field: 'qualityFlag', before: latest?.status ?? null, after: input.status }],
          details: { flagId: id, reason, flaggedAt },
        },
      ]);
      await this.notices.enqueue(tx, [
        {
          type: input.status === 'CLEARED' ? 'DATASET_VERSION_CLEARED' : 'DATASET_VERSION_FLAGGED',
          at: flaggedAt,
          datasetVersionId: versionId,
          severityRank: FLAG_RANK,
          details: { flag: { id, status: input.status, reason, flaggedAt, flaggedBy: context.actor, previousStatus: latest?.status ?? null } },
        },
      ]);
      return (await this.quality.findFlags(tx, [id])).get(id)!;
    });
  }

  /** The quality of each version as of each key's instant, in key order (for a DataLoader). */
  versionQuality(keys: readonly QualityKey[]): Promise<VersionQualityAnswer[]> {
    return this.db.read('datasetVersionQuality', async (tx) => {
      const byInstant = new Map<string, string[]>();
      for (const key of keys) byInstant.set(key.asOf, [...(byInstant.get(key.asOf) ?? []), key.versionId]);
      const reports = new Map<string, Map<string, StoredReport[]>>();
      const flags = new Map<string, Map<string, StoredFlag[]>>();
      for (const [asOf, versionIds] of byInstant) {
        reports.set(asOf, await this.quality.reportsOn(tx, versionIds, asOf));
        flags.set(asOf, await this.quality.flagsOn(tx, versionIds, asOf));
      }
      return keys.map((key) => {
        const versionFlags = flags.get(key.asOf)!.get(key.versionId) ?? [];
        const quality = evaluateQuality(reports.get(key.asOf)!.get(key.versionId) ?? [], versionFlags, SEVERITY_RANK[key.minSeverity]);
        return { ...quality, versionId: key.versionId, asOf: key.asOf, minSeverity: key.minSeverity, flags: versionFlags };
      });
    });
  }

  /** Every flag of each version, newest first. */
  flagHistory(versionIds: readonly string[]): Promise<StoredFlag[][]> {
    return this.db.read('datasetVersionFlags', async (tx) => {
      const found = await this.quality.flagsOn(tx, versionIds, null);
      return versionIds.map((id) => found.get(id) ?? []);
    });
  }
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
