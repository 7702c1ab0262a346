import type { Tx } from '../db/database';
import { keysetPagesByParent, type Page, type RelatedPageKey } from '../core/page';

/** The nodes raw events can be about; a closed list, so the label in the query is never user input. */
export type EventSubject = 'Run' | 'Job' | 'Dataset';

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
}

const EVENT = (v: string) => `${v} { .id, .kind, .eventType, .eventTime, .producer, .receivedAt, .receivedBy, .source, .bodyGzip }`;

export class LineageEventRepository {
  /** Raw events about each run, job or dataset, in event-time order (the order to replay them in). */
  pagesAbout(tx: Tx, subject: EventSubject, keys: readonly RelatedPageKey[]): Promise<Page<StoredLineageEvent>[]> {
    return keysetPagesByParent<StoredLineageEvent>(
      tx,
      {
        parentLabel: subject,
        match: 'MATCH (n:LineageEvent)-[:ABOUT]->(p) WHERE true',
        projection: EVENT('n'),
        sortKeys: [{ expression: 'n.eventTime', temporal: true }, { expression: 'n.id' }],
      },
      keys,
    );
  }
}
