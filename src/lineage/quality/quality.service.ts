import type { AuditLog } from '../../core/audit-log';
import type { Database } from '../../db/database';
import { NotFoundError } from '../../errors';
import type { NoticeOutbox } from '../../core/notices';
import { normalizeFlag, type FlagFields } from '../../core/quality/flag.normalize';
import { checkFlagInOrder, checkFlagReplay, type FlagSnapshot } from '../../core/quality/flag.rules';
import type { WriteContext } from '../../core/write-context';
import { SEVERITY_RANK, type Severity } from './quality-facets';
import { evaluateQuality, type VersionQuality } from './quality-status';
import { QualityRepository, type StoredFlag, type StoredReport } from './quality.repository';

export type { FlagFields, FlagStatus } from '../../core/quality/flag.normalize';

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
    const flag = normalizeFlag(input, new Date());
    const { id, versionId, status, reason, flaggedAt } = flag;
    return this.db.write('flagDatasetVersion', async (tx) => {
      const version = await this.quality.lockVersionFlags(tx, versionId);
      if (!version.exists) throw new NotFoundError('DatasetVersion', versionId);
      const replay = (await this.quality.findFlags(tx, [id])).get(id);
      if (replay) {
        checkFlagReplay(flag, snapshotOf(replay));
        await this.audit.append(tx, context, [{ operation: 'flagDatasetVersion', entityIds: [versionId], details: { unchanged: true, flagId: id } }]);
        return replay;
      }
      const latest = version.latest;
      checkFlagInOrder(flag, version.createdAt?.toISOString() ?? null, latest ? snapshotOf(latest) : null);
      await this.quality.createFlag(tx, { id, versionId, status, reason, flaggedAt, flaggedBy: context.actor });
      await this.audit.append(tx, context, [
        {
          operation: 'flagDatasetVersion',
          entityIds: [versionId],
          changes: [{ entityId: versionId, field: 'qualityFlag', before: latest?.status ?? null, after: status }],
          details: { flagId: id, reason, flaggedAt },
        },
      ]);
      await this.notices.enqueue(tx, [
        {
          type: status === 'CLEARED' ? 'DATASET_VERSION_CLEARED' : 'DATASET_VERSION_FLAGGED',
          at: flaggedAt,
          datasetVersionId: versionId,
          severityRank: FLAG_RANK,
          details: { flag: { id, status, reason, flaggedAt, flaggedBy: context.actor, previousStatus: latest?.status ?? null } },
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

function snapshotOf(flag: StoredFlag): FlagSnapshot {
  return { ...flag, flaggedAt: flag.flaggedAt.toISOString() };
}
