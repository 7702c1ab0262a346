import type { Tx } from '../db/database';
import { kindOfId } from '../core/ids';
import { keysetPage, keysetPagesByParent, type Page, type PageRequest, type RelatedPageKey, type SortKey } from '../core/page';
import { GENESIS_HASH } from './audit-hash';
import { NODE_KINDS, type NodeKind } from '../core/vocabulary';

/** A record as stored: changes and details are JSON strings. */
export interface StoredAuditRecord {
  seq: number;
  at: Date;
  actor: string;
  source: string;
  requestId: string | null;
  operation: string;
  entityIds: string[];
  changesJson: string;
  detailsJson: string | null;
  prevHash: string;
  hash: string;
}

/** A record's content before it has a place in the chain (written first, numbered and hashed under the head's lock). */
export type AuditRecordDraft = Pick<StoredAuditRecord, 'actor' | 'source' | 'requestId' | 'operation' | 'entityIds' | 'changesJson' | 'detailsJson'>;

/** A record's place in the chain, for the record `element` (an element id, valid within the transaction). */
export interface AuditRecordSeal {
  element: string;
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

const RECORD = (v: string) => `${v} { .seq, .at, .actor, .source, .requestId, .operation, .entityIds, .changesJson, .detailsJson, .prevHash, .hash }`;

// One subquery per entity label (a closed list), so that each link is an index seek on that label's id.
const LINK_TOUCHED = NODE_KINDS.map(
  (kind) => `CALL (a, r) {
         UNWIND [id IN r.entityIds WHERE id STARTS WITH '${kind}:'] AS id
         MATCH (n:${kind} {id: id})
         CREATE (a)-[:TOUCHED]->(n)
       }`,
).join('\n       ');

// Records touching any of the ids, grouped by label ($ids.<Label>), so that each is an index seek on that label.
const RECORDS_TOUCHING = `CALL () {
         ${NODE_KINDS.map((kind) => `UNWIND $ids.${kind} AS id MATCH (a:AuditRecord)-[:TOUCHED]->(:${kind} {id: id}) RETURN a`).join('\n         UNION\n         ')}
       }
       WITH DISTINCT a ORDER BY a.seq LIMIT toInteger($limit)
       RETURN ${RECORD('a')} AS record`;

export interface AuditFilter {
  entityId: string | null;
  actor: string | null;
  requestId: string | null;
  since: string | null;
  until: string | null;
  descending: boolean;
}

export class AuditRepository {
  /**
   * Writes the records' content and links them to the entities they touched, before the chain head is locked
   * (`draft`, then `lockHead`, then `seal`): linking locks those entities, and a transaction holding the head
   * while it waits for an entity that another holds, which waits for the head, is a deadlock Neo4j breaks by
   * failing one of them (the driver then runs it again: the ingestion latency tail). With the head the last
   * lock a transaction takes, the head's holder waits for nothing but its commit.
   */
  async draft(tx: Tx, records: readonly AuditRecordDraft[]): Promise<string[]> {
    const rows = await tx.rows<{ index: number; element: string }>(
      `UNWIND $records AS r
       CREATE (a:AuditRecord {actor: r.actor, source: r.source, requestId: r.requestId, operation: r.operation,
                              entityIds: r.entityIds, changesJson: r.changesJson, detailsJson: r.detailsJson})
       WITH a, r
       ${LINK_TOUCHED}
       RETURN r.index AS index, elementId(a) AS element`,
      { records: records.map((record, index) => ({ ...record, index })) },
    );
    const elements: string[] = [];
    for (const row of rows) elements[row.index] = row.element;
    return elements;
  }

  /** Numbers and hashes drafted records (see `draft`) and moves the head to the last one, with its signature if any. */
  async seal(tx: Tx, seals: readonly AuditRecordSeal[], mac: string | null = null): Promise<void> {
    const last = seals.at(-1);
    if (!last) return;
    await tx.rows(
      `UNWIND $seals AS s
       MATCH (a:AuditRecord) WHERE elementId(a) = s.element
       SET a.seq = s.seq, a.at = datetime(s.at), a.prevHash = s.prevHash, a.hash = s.hash
       WITH count(*) AS sealed
       MATCH (h:AuditHead {name: 'audit'})
       SET h.seq = $seq, h.hash = $hash, h.mac = $mac
       REMOVE h.lockedBy`,
      { seals, seq: last.seq, hash: last.hash, mac },
    );
  }

  /**
   * Locks the chain head for this transaction and returns it. Writing the head serialises appenders: the next
   * transaction reads the head only after this one commits, so sequence numbers and hashes never fork.
   */
  async lockHead(tx: Tx, token: string): Promise<{ seq: number; hash: string }> {
    const [head] = await tx.rows<{ seq: number; hash: string }>(
      `MERGE (h:AuditHead {name: 'audit'})
         ON CREATE SET h.seq = 0, h.hash = $genesis
       SET h.lockedBy = $token
       RETURN h.seq AS seq, h.hash AS hash`,
      { genesis: GENESIS_HASH, token },
    );
    return head!;
  }

  async head(tx: Tx): Promise<{ seq: number; hash: string; mac: string | null }> {
    const [head] = await tx.rows<{ seq: number; hash: string; mac: string | null }>(
      `OPTIONAL MATCH (h:AuditHead {name: 'audit'}) RETURN coalesce(h.seq, 0) AS seq, coalesce(h.hash, $genesis) AS hash, h.mac AS mac`,
      {
        genesis: GENESIS_HASH,
      },
    );
    return head!;
  }

  /** Records with seq in (afterSeq, afterSeq + limit], in order: the verifier walks the chain with this. */
  async range(tx: Tx, afterSeq: number, limit: number): Promise<StoredAuditRecord[]> {
    const rows = await tx.rows<{ record: StoredAuditRecord }>(
      `MATCH (a:AuditRecord) WHERE a.seq > $afterSeq
       WITH a ORDER BY a.seq LIMIT toInteger($limit)
       RETURN ${RECORD('a')} AS record`,
      { afterSeq, limit },
    );
    return rows.map((row) => row.record);
  }

  /** The trail filtered by entity, actor and time window, by seq. */
  list(tx: Tx, filter: AuditFilter, request: PageRequest): Promise<Page<StoredAuditRecord>> {
    const conditions = ['true'];
    let match = 'MATCH (n:AuditRecord)';
    const kind = filter.entityId ? kindOfId(filter.entityId) : null;
    if (filter.entityId) {
      // Entities of known kinds are reached through TOUCHED from their id index; others by the record's list.
      if (kind) match = `MATCH (n:AuditRecord)-[:TOUCHED]->(:${kind} {id: $entityId})`;
      else conditions.push('$entityId IN n.entityIds');
    }
    if (filter.actor !== null) conditions.push('n.actor = $actor');
    if (filter.requestId !== null) conditions.push('n.requestId = $requestId');
    if (filter.since !== null) conditions.push('n.at >= datetime($since)');
    if (filter.until !== null) conditions.push('n.at < datetime($until)');
    const sortKeys: SortKey[] = [{ expression: 'n.seq', descending: filter.descending }];
    return keysetPage<StoredAuditRecord>(
      tx,
      { match: `${match} WHERE ${conditions.join(' AND ')}`, projection: RECORD('n'), sortKeys, params: { ...filter } },
      request,
    );
  }

  /** The records that touched any of the entities, oldest first, at most `limit` (one seek per id on its label). */
  async recordsTouching(tx: Tx, entityIds: readonly string[], limit: number): Promise<StoredAuditRecord[]> {
    const ids = Object.fromEntries(NODE_KINDS.map((kind) => [kind, entityIds.filter((id) => kindOfId(id) === kind)]));
    const rows = await tx.rows<{ record: StoredAuditRecord }>(RECORDS_TOUCHING, { ids, limit });
    return rows.map((row) => row.record);
  }

  /** The records that touched each entity (all of one kind), newest first. */
  historyPages(tx: Tx, kind: NodeKind, keys: readonly RelatedPageKey[]): Promise<Page<StoredAuditRecord>[]> {
    return keysetPagesByParent<StoredAuditRecord>(
      tx,
      {
        parentLabel: kind,
        match: 'MATCH (n:AuditRecord)-[:TOUCHED]->(p) WHERE true',
        projection: RECORD('n'),
        sortKeys: [{ expression: 'n.seq', descending: true }],
      },
      keys,
    );
  }
}
