import type { Tx } from '../db/database';
import { keysetPagesByParent, type Page, type RelatedPageKey } from '../core/page';

/** The nodes raw events can be about; a closed list, so the label in the query is never user input. */
export type EventSubject = 'Run' | 'Job' | 'Dataset';
/** The nodes whose recorded facts an event can contradict (see core/recording/conflict-log.ts); closed likewise. */
export type ConflictSubject = 'Run' | 'DatasetVersion' | 'ModelVersion' | 'Commit';

export interface StoredLineageEvent {
  id: string;
  kind: string;
  eventType: string | null;
  eventTime: Date;
  producer: string;
  receivedAt: Date;
  receivedBy: string;
  source: string;
  /** The canonical JSON of the event, gzip-compressed (see the recorder's repository). */
  bodyGzip: Buffer;
  /** What it contradicted (RecordedConflict[] as JSON), or null. */
  conflictsJson: string | null;
}

/** An event of a page before its body is read: its id and the stored size of its body (gzip). */
export interface EventOfPage {
  id: string;
  storedBytes: number;
}

const EVENT = (v: string) => `${v} { .id, .kind, .eventType, .eventTime, .producer, .receivedAt, .receivedBy, .source, .bodyGzip, .conflictsJson }`;

export class LineageEventRepository {
  /** Raw events about each run, job or dataset, in event-time order (the order to replay them in). */
  pagesAbout(tx: Tx, subject: EventSubject, keys: readonly RelatedPageKey[]): Promise<Page<EventOfPage>[]> {
    return this.pages(tx, subject, 'ABOUT', keys);
  }

  /** Raw events that contradicted each entity's recorded facts, in event-time order. */
  pagesConflicting(tx: Tx, subject: ConflictSubject, keys: readonly RelatedPageKey[]): Promise<Page<EventOfPage>[]> {
    return this.pages(tx, subject, 'CONFLICTS_WITH', keys);
  }

  /**
   * The events of these ids, bodies included, in no particular order. Pages are read without bodies first, so
   * that only the events a request's byte budget lets through are read whole (see event-body-budget.ts).
   */
  async findByIds(tx: Tx, ids: readonly string[]): Promise<StoredLineageEvent[]> {
    if (ids.length === 0) return [];
    const rows = await tx.rows<{ event: StoredLineageEvent }>(`UNWIND $ids AS id MATCH (n:LineageEvent {id: id}) RETURN ${EVENT('n')} AS event`, { ids });
    return rows.map((row) => row.event);
  }

  private pages(
    tx: Tx,
    subject: EventSubject | ConflictSubject,
    type: 'ABOUT' | 'CONFLICTS_WITH',
    keys: readonly RelatedPageKey[],
  ): Promise<Page<EventOfPage>[]> {
    return keysetPagesByParent<EventOfPage>(
      tx,
      {
        parentLabel: subject,
        match: `MATCH (n:LineageEvent)-[:${type}]->(p) WHERE true`,
        projection: 'n { .id, storedBytes: size(n.bodyGzip) }',
        sortKeys: [{ expression: 'n.eventTime', temporal: true }, { expression: 'n.id' }],
      },
      keys,
    );
  }
}
