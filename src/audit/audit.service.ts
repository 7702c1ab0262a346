import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Database, Tx } from '../db/database';
import type { Limits } from '../limits';
import { kindOfId } from '../core/ids';
import { fromJsonProperty, toJsonProperty } from '../core/json-property';
import { mapPage, pageRequest, type Page, type PageRequest } from '../core/page';
import { optionalInstant, optionalName } from '../core/validate';
import type { WriteContext } from '../core/write-context';
import { asStored } from '../core/text';
import { headMac, macMatches, readAnchors, type AuditAnchor } from './audit-anchor';
import { GENESIS_HASH, recordHash, storedRecordHash } from './audit-hash';
import { AuditRepository, type StoredAuditRecord } from './audit.repository';
import type { AuditChange, AuditEntry, AuditLog } from '../core/audit-log';
import type { AuditRecord, AuditVerification } from './audit-record.type';
import { NODE_KINDS, type NodeKind } from '../core/vocabulary';

const VERIFY_PAGE = 2_000;

/** AUDIT_HMAC_KEY signs the chain head at every append; AUDIT_ANCHOR_FILE holds the published heads (see audit-anchor.ts). */
export interface AuditAnchoring {
  hmacKey: string | null;
  anchorFile: string | null;
}

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
    private readonly anchoring: AuditAnchoring = { hmacKey: null, anchorFile: null },
  ) {
    this.hmacKey = anchoring.hmacKey;
  }

  private readonly hmacKey: string | null;

  /**
   * Appends one record per entry inside the caller's write transaction: the content and its links first, then,
   * under the chain head's lock (the last lock the transaction takes, see AuditRepository.draft), the numbers,
   * the time and the hashes.
   */
  async append(tx: Tx, context: WriteContext, entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // The strings stored as properties are hashed as Neo4j will store them (see src/core/text.ts); changes and details
    // are stored as JSON text, whose escapes keep every string exactly.
    const contents = entries.map(({ context: own = context, ...entry }) => ({
      actor: asStored(own.actor),
      source: own.source,
      requestId: own.requestId === undefined ? null : asStored(own.requestId),
      operation: asStored(entry.operation),
      entityIds: [...new Set(entry.entityIds.map(asStored))],
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
    const last = seals.at(-1)!;
    await this.audit.seal(tx, seals, this.hmacKey ? headMac(this.hmacKey, last.seq, last.hash) : null);
  }

  /**
   * Walks the whole chain in order and recomputes every hash: reports the first record that was changed,
   * removed or reordered, or the head hash and count when the trail is intact. With AUDIT_HMAC_KEY the head's
   * signature must match; each of `anchors` (published heads, see audit-anchor.ts) must still be on the chain.
   */
  async verify(
    anchors: readonly AuditAnchor[] = this.anchoring.anchorFile && fs.existsSync(this.anchoring.anchorFile) ? readAnchors(this.anchoring.anchorFile) : [],
  ): Promise<AuditVerification> {
    // The head first: records 1..head.seq committed with it; records appended while we walk are not our concern.
    const head = await this.db.read('audit.head', (tx) => this.audit.head(tx));
    const signed = this.hmacKey !== null && head.seq > 0;
    const result = (fields: Omit<AuditVerification, 'signed' | 'anchorsChecked'>): AuditVerification => ({
      ...fields,
      signed: signed && fields.intact,
      anchorsChecked: fields.intact ? anchors.length : 0,
    });
    if (this.hmacKey !== null && head.seq > 0 && !macMatches(this.hmacKey, head.seq, head.hash, head.mac)) {
      return result({
        intact: false,
        count: head.seq,
        headHash: head.hash,
        firstBadSeq: head.seq,
        reason: head.mac
          ? `the chain head's signature does not match (AUDIT_HMAC_KEY): the trail was rewritten by someone without the key`
          : `the chain head is not signed, though AUDIT_HMAC_KEY is set: it was written without the key, or its signature removed`,
      });
    }
    const beyond = anchors.find((anchor) => anchor.seq > head.seq);
    if (beyond) {
      return result({
        intact: false,
        count: head.seq,
        headHash: head.hash,
        firstBadSeq: head.seq + 1,
        reason: `anchor ${beyond.seq} is beyond the chain head (${head.seq}): records after ${head.seq} were removed`,
      });
    }
    const anchored = new Map<number, AuditAnchor[]>();
    for (const anchor of anchors) anchored.set(anchor.seq, [...(anchored.get(anchor.seq) ?? []), anchor]);
    let expectedPrev = GENESIS_HASH;
    let expectedSeq = 1;
    while (expectedSeq <= head.seq) {
      const limit = Math.min(VERIFY_PAGE, head.seq - expectedSeq + 1);
      const records = await this.db.read('audit.verify', (tx) => this.audit.range(tx, expectedSeq - 1, limit));
      if (records.length === 0) {
        return result({ intact: false, count: expectedSeq - 1, headHash: expectedPrev, firstBadSeq: expectedSeq, reason: `record ${expectedSeq} is missing` });
      }
      for (const stored of records) {
        const problem = this.check(stored, expectedSeq, expectedPrev) ?? this.checkAnchors(stored, anchored.get(stored.seq));
        if (problem) return result({ intact: false, count: expectedSeq - 1, headHash: expectedPrev, firstBadSeq: problem.seq, reason: problem.reason });
        expectedPrev = stored.hash;
        expectedSeq += 1;
      }
    }
    if (head.hash !== expectedPrev) {
      return result({
        intact: false,
        count: head.seq,
        headHash: expectedPrev,
        firstBadSeq: head.seq,
        reason: `the chain head's hash does not match record ${head.seq}`,
      });
    }
    return result({ intact: true, count: head.seq, headHash: head.hash, firstBadSeq: null, reason: null });
  }

  /** A published anchor names this record: its hash must be the one published (and its signature valid). */
  private checkAnchors(stored: StoredAuditRecord, anchors: AuditAnchor[] | undefined): { seq: number; reason: string } | null {
    for (const anchor of anchors ?? []) {
      if (anchor.hash !== stored.hash)
        return { seq: stored.seq, reason: `record ${stored.seq} is not the one anchored at ${anchor.at ?? 'publication'}: the chain was rewritten` };
      if (this.hmacKey !== null && anchor.mac && !macMatches(this.hmacKey, anchor.seq, anchor.hash, anchor.mac)) {
        return { seq: stored.seq, reason: `the anchor of record ${stored.seq} is not signed with AUDIT_HMAC_KEY: the anchor file was altered` };
      }
    }
    return null;
  }

  private check(stored: StoredAuditRecord, expectedSeq: number, expectedPrev: string): { seq: number; reason: string } | null {
    if (stored.seq !== expectedSeq) return { seq: expectedSeq, reason: `record ${expectedSeq} is missing (next is ${stored.seq})` };
    if (stored.prevHash !== expectedPrev) return { seq: stored.seq, reason: `record ${stored.seq} does not link to the record before it` };
    const recomputed = storedRecordHash(stored);
    return recomputed === stored.hash ? null : { seq: stored.seq, reason: `record ${stored.seq} does not match its hash: its content was changed` };
  }

  /** The records that touched any of the entities, oldest first, at most `limit`. */
  recordsTouching(entityIds: readonly string[], limit: number): Promise<AuditRecord[]> {
    return this.db.read('audit.recordsTouching', async (tx) => (await this.audit.recordsTouching(tx, entityIds, limit)).map(toAuditRecord));
  }

  head(): Promise<{ seq: number; hash: string; mac: string | null }> {
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
