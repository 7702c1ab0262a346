import { randomUUID } from 'node:crypto';
import type { Database, Tx } from '../db/database';
import type { Limits } from '../limits';
import { kindOfId } from '../core/ids';
import { fromJsonProperty, toJsonProperty } from '../core/json-property';
import { mapPage, pageRequest, type Page, type PageRequest } from '../core/page';
import { optionalInstant, optionalName } from '../core/validate';
import type { WriteContext } from '../core/write-context';
import { GENESIS_HASH, recordHash } from './audit-hash';
import { AuditRepository, type StoredAuditRecord } from './audit.repository';
import type { AuditChange, AuditEntry, AuditLog } from '../core/audit-log';
import type { AuditRecord, AuditVerification } from './audit-record.type';
import { NODE_KINDS, type NodeKind } from '../core/vocabulary';

const VERIFY_PAGE = 2_000;

/**
 * The audit trail: every write appends one record in the same transaction as the change, numbered and
 * hash-chained, so a committed change always has its record and a rolled-back one never does. There is no way
 * to edit or delete a record through the service; `verify` detects any change made behind its back.
 */
export class AuditService implements AuditLog {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly audit = new AuditRepository(),
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Appends one record per entry inside the caller's write transaction: the content and its links first, then,
   * under the chain head's lock (the last lock the transaction takes, see AuditRepository.draft), the numbers,
   * the time and the hashes.
   */
  async append(tx: Tx, context: WriteContext, entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const contents = entries.map((entry) => ({
      actor: context.actor,
      source: context.source,
      requestId: context.requestId ?? null,
      operation: entry.operation,
      entityIds: [...new Set(entry.entityIds)],
      changes: (entry.changes ?? []).map((change) => ({ ...change, before: change.before ?? null, after: change.after ?? null })),
      details: entry.details ?? null,
    }));
    const elements = await this.audit.draft(
      tx,
      contents.map(({ changes, details, ...content }) => ({ ...content, changesJson: toJsonProperty(changes)!, detailsJson: toJsonProperty(details) })),
    );
    const head = await this.audit.lockHead(tx, randomUUID());
    const at = this.clock().toISOString();
    let prevHash = head.hash;
    const seals = contents.map((content, index) => {
      const seq = head.seq + index + 1;
      const hash = recordHash({ ...content, seq, at, prevHash });
      const seal = { element: elements[index]!, seq, at, prevHash, hash };
      prevHash = hash;
      return seal;
    });
    await this.audit.seal(tx, seals);
  }

  /**
   * Walks the whole chain in order and recomputes every hash: reports the first record that was changed,
   * removed or reordered, or the head hash and count when the trail is intact.
   */
  async verify(): Promise<AuditVerification> {
    // The head first: records 1..head.seq committed with it; records appended while we walk are not our concern.
    const head = await this.db.read('audit.head', (tx) => this.audit.head(tx));
    let expectedPrev = GENESIS_HASH;
    let expectedSeq = 1;
    while (expectedSeq <= head.seq) {
      const limit = Math.min(VERIFY_PAGE, head.seq - expectedSeq + 1);
      const records = await this.db.read('audit.verify', (tx) => this.audit.range(tx, expectedSeq - 1, limit));
      if (records.length === 0) {
        return { intact: false, count: expectedSeq - 1, headHash: expectedPrev, firstBadSeq: expectedSeq, reason: `record ${expectedSeq} is missing` };
      }
      for (const stored of records) {
        const problem = this.check(stored, expectedSeq, expectedPrev);
        if (problem) return { intact: false, count: expectedSeq - 1, headHash: expectedPrev, firstBadSeq: problem.seq, reason: problem.reason };
        expectedPrev = stored.hash;
        expectedSeq += 1;
      }
    }
    if (head.hash !== expectedPrev) {
      return {
        intact: false,
        count: head.seq,
        headHash: expectedPrev,
        firstBadSeq: head.seq,
        reason: `the chain head's hash does not match record ${head.seq}`,
      };
    }
    return { intact: true, count: head.seq, headHash: head.hash, firstBadSeq: null, reason: null };
  }

  private check(stored: StoredAuditRecord, expectedSeq: number, expectedPrev: string): { seq: number; reason: string } | null {
    if (stored.seq !== expectedSeq) return { seq: expectedSeq, reason: `record ${expectedSeq} is missing (next is ${stored.seq})` };
    if (stored.prevHash !== expectedPrev) return { seq: stored.seq, reason: `record ${stored.seq} does not link to the record before it` };
    const recomputed = recordHash({
      seq: stored.seq,
      at: stored.at.toISOString(),
      actor: stored.actor,
      source: stored.source,
      requestId: stored.requestId,
      operation: stored.operation,
      entityIds: stored.entityIds,
      changes: fromJsonProperty<unknown[]>(stored.changesJson) ?? [],
      details: fromJsonProperty<Record<string, unknown>>(stored.detailsJson),
      prevHash: stored.prevHash,
    });
    return recomputed === stored.hash ? null : { seq: stored.seq, reason: `record ${stored.seq} does not match its hash: its content was changed` };
  }

  /** The records that touched any of the entities, oldest first, at most `limit`. */
  recordsTouching(entityIds: readonly string[], limit: number): Promise<AuditRecord[]> {
    return this.db.read('audit.recordsTouching', async (tx) => (await this.audit.recordsTouching(tx, entityIds, limit)).map(toAuditRecord));
  }

  head(): Promise<{ seq: number; hash: string }> {
    return this.db.read('audit.head', (tx) => this.audit.head(tx));
  }

  trail(
    filter: {
      entity?: string | null;
      actor?: string | null;
      requestId?: string | null;
      since?: Date | string | null;
      until?: Date | string | null;
      newestFirst?: boolean | null;
    },
    first?: number | null,
    after?: string | null,
  ): Promise<Page<AuditRecord>> {
    const normalized = {
      entityId: optionalName('entity', filter.entity),
      actor: optionalName('actor', filter.actor),
      requestId: optionalName('requestId', filter.requestId),
      since: optionalInstant('since', filter.since),
      until: optionalInstant('until', filter.until),
      descending: filter.newestFirst ?? false,
    };
    const request = pageRequest(first, after, this.limits.page);
    return this.db.read('audit.trail', async (tx) => mapPage(await this.audit.list(tx, normalized, request), toAuditRecord));
  }

  /** Every record that touched each entity, newest first (the `history` field of every entity type). */
  historyPages(keys: ReadonlyArray<{ entityId: string; first?: number | null; after?: string | null }>): Promise<Page<AuditRecord>[]> {
    const byKind = new Map<NodeKind, Array<{ index: number; parentId: string; request: PageRequest }>>();
    keys.forEach((key, index) => {
      const kind = kindOfId(key.entityId) ?? NODE_KINDS[0];
      byKind.set(kind, [...(byKind.get(kind) ?? []), { index, parentId: key.entityId, request: pageRequest(key.first, key.after, this.limits.page) }]);
    });
    return this.db.read('audit.history', async (tx) => {
      const pages: Page<AuditRecord>[] = new Array(keys.length);
      for (const [kind, group] of byKind) {
        const found = await this.audit.historyPages(tx, kind, group);
        group.forEach((key, i) => (pages[key.index] = mapPage(found[i]!, toAuditRecord)));
      }
      return pages;
    });
  }
}

export function toAuditRecord(stored: StoredAuditRecord): AuditRecord {
  const { changesJson, detailsJson, ...rest } = stored;
  return { ...rest, changes: fromJsonProperty<AuditChange[]>(changesJson) ?? [], details: fromJsonProperty<Record<string, unknown>>(detailsJson) };
}
