import type { Database } from '../../db/database';
import type { NoticeOutbox } from '../../core/notices';
import { storedFlagOf } from '../../core/quality/flag.label';
import { normalizeFlag, type FlagFields } from '../../core/quality/flag.normalize';
import type { FlagChange } from '../../core/recording/lineage-change.types';
import type { LineageRecorder } from '../../core/recording/lineage.recorder';
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
 * quality hook), and the flags people put on them. A flag is a change like any other (`flag`, recorded by the
 * recorder: its rules, its write and its audit record in one transaction), announced to the webhooks through the
 * outbox in the same transaction.
 */
export class QualityService {
  constructor(
    private readonly db: Database,
    private readonly recorder: LineageRecorder,
    private readonly notices: NoticeOutbox,
    private readonly quality = new QualityRepository(),
  ) {}

  /**
   * Flags a dataset version SUSPECT or BAD, or CLEARED (a person checked it and found it fine: failed checks
   * reported until then no longer count). Replaying a flag (same version, same flaggedAt, same status and
   * reason) returns the recorded one; flags of a version may not be recorded out of order.
   */
  async flagDatasetVersion(context: WriteContext, input: FlagFields): Promise<StoredFlag> {
    const now = new Date();
    const flag = normalizeFlag(input, now);
    const change: FlagChange = { kind: 'flag', at: now.toISOString(), flag, flaggedBy: context.actor, receipt: null };
    return this.db.write('flagDatasetVersion', async (tx) => {
      const { state } = await this.recorder.recordOne(tx, context, change);
      // The flag as recorded: made by this change, or found (a replay, which made nothing and is not announced again).
      const recorded = state.get('flag', flag.id)!;
      const made = state.changedOf('flag').some((changed) => changed.id === flag.id);
      if (made) {
        const previous = state.latestFlagOf(recorded.versionId, recorded.flaggedAt);
        await this.notices.enqueue(tx, [
          {
            type: recorded.status === 'CLEARED' ? 'DATASET_VERSION_CLEARED' : 'DATASET_VERSION_FLAGGED',
            at: recorded.flaggedAt,
            datasetVersionId: recorded.versionId,
            severityRank: FLAG_RANK,
            details: {
              flag: {
                id: recorded.id,
                status: recorded.status,
                reason: recorded.reason,
                flaggedAt: recorded.flaggedAt,
                flaggedBy: recorded.flaggedBy,
                previousStatus: previous?.status ?? null,
              },
            },
          },
        ]);
      }
      return storedFlagOf(recorded);
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
