import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { Database, Tx } from '../db/database';
import type { Limits } from '../limits';
import { BadInputError, InvalidInputError, LimitExceededError, LineageError } from '../errors';
import { checkJson } from '../core/json-check';
import { recordIngestConflicts, recordIngestedEvents, recordIngestWarnings } from '../observability/metrics';
import { canonicalJson } from '../core/canonical-json';
import { kindOfId } from '../core/ids';
import { fromJsonProperty } from '../core/json-property';
import type { RecordedConflict } from '../core/recording/conflict-log';
import { mapPage, pageRequest, type Page } from '../core/page';
import type { WriteContext } from '../core/write-context';
import type { EventReceipt, LineageChange } from '../core/recording/lineage-change.types';
import type { LineageRecorder, RecordOutcome } from '../core/recording/lineage.recorder';
import { GroupCommit } from '../core/recording/group-commit';
import type { EventItem } from './event-stream';
import { datasetsOverLimit } from './event-limits';
import { changeOf } from './ingestion.mapper';
import { cutPages, EventBodyBudget } from './event-body-budget';
import { LineageEventRepository, type ConflictSubject, type EventOfPage, type EventSubject, type StoredLineageEvent } from './lineage-event.repository';
import type { LineageEvent } from './lineage-event.type';
import { schemaUrlOf } from './openlineage.defaults';
import { planIngestion } from './openlineage.mapper';
import type { ValidationIssue } from './openlineage.types';
import { validateEvent } from './openlineage.validator';

/**
 * What became of one event: recorded (or already recorded: a duplicate changes nothing), or refused and why.
 * `warnings` say what the event got wrong that did not stop it (a missing producer: what was recorded instead).
 */
export type IngestOutcome = ({ status: 'accepted' | 'duplicate'; eventId: string } | { status: 'rejected'; eventId: string | null; error: LineageError }) & {
  warnings: ValidationIssue[];
};

/**
 * OpenLineage ingestion, behind every front door that takes events (the HTTP route, the replay CLI): validate
 * and plan each event (pure), map it to a change, and record the changes with the raw events in as few
 * transactions as the recorder needs. An event is acknowledged only once it is durable, graph and raw event
 * together; a refused event writes nothing and does not stop the others.
 */
export class IngestionService {
  /** Single events, one per request: concurrent ones share transactions (group-commit.ts). */
  private readonly singles: GroupCommit;

  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly recorder: LineageRecorder,
    private readonly events = new LineageEventRepository(),
  ) {
    this.singles = new GroupCommit(db, recorder, { transaction: 'openlineage.event', ...SINGLE_EVENT_GROUPS });
  }

  /**
   * One event (POST /api/v1/lineage). Concurrent events are written together, a group per transaction, each
   * acknowledged once its group committed, with its own outcome.
   */
  async ingest(context: WriteContext, event: unknown): Promise<IngestOutcome> {
    const prepared = prepare(context, event, new Date().toISOString(), this.limits);
    if (!prepared.change) return outcomeOf(prepared, null);
    return outcomeOf(prepared, await this.singles.record(context, prepared.change));
  }

  /**
   * One outcome per item, in order; an item that could not even be parsed (a bad NDJSON line) is refused with
   * its error. Throws LIMIT_EXCEEDED for a batch over the limit, SERVICE_UNAVAILABLE when Neo4j is down.
   */
  async ingestBatch(context: WriteContext, items: readonly EventItem[]): Promise<IngestOutcome[]> {
    const { maxBatchEvents } = this.limits.ingestion;
    if (items.length > maxBatchEvents) {
      throw new LimitExceededError('LIMIT_BATCH_EVENTS', `a batch may hold at most ${maxBatchEvents} events, got ${items.length}`);
    }
    return this.record(context, 'openlineage.batch', items);
  }

  private async record(context: WriteContext, transaction: string, items: readonly EventItem[]): Promise<IngestOutcome[]> {
    const receivedAt = new Date().toISOString();
    const prepared: Prepared[] = [];
    let since = performance.now();
    for (const item of items) {
      prepared.push(item.error ? { eventId: null, error: item.error, warnings: [] } : prepare(context, item.event, receivedAt, this.limits));
      // Checking and mapping a batch of wide events takes a while: other requests' work runs in between.
      if (performance.now() - since > YIELD_AFTER_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        since = performance.now();
      }
    }
    const changes = prepared.flatMap((item) => (item.change ? [item.change] : []));
    const recorded = await this.recorder.recordAll(transaction, context, changes);
    let next = 0;
    return prepared.map((item) => outcomeOf(item, item.change ? recorded[next++]! : null));
  }

  /** The budget of raw event bytes for one request's `events` and `conflicts` pages (LIMIT_EVENT_PAGE_BYTES). */
  bodyBudget(): EventBodyBudget {
    return new EventBodyBudget(this.limits.page.eventBytes);
  }

  /** Raw events that contradicted each entity's recorded facts, in event-time order, within the request's budget. */
  conflictPages(subject: ConflictSubject, keys: readonly PageKey[], budget = this.bodyBudget()): Promise<Page<LineageEvent>[]> {
    const requests = keys.map((key) => ({ parentId: key.parentId, request: pageRequest(key.first, key.after, this.limits.page) }));
    return this.db.read(`lineageConflicts.${subject}`, async (tx) => this.withBodies(tx, await this.events.pagesConflicting(tx, subject, requests), budget));
  }

  /** Raw events about each run, job or dataset, in event-time order, within the request's budget. */
  eventPages(subject: EventSubject, keys: readonly PageKey[], budget = this.bodyBudget()): Promise<Page<LineageEvent>[]> {
    const requests = keys.map((key) => ({ parentId: key.parentId, request: pageRequest(key.first, key.after, this.limits.page) }));
    return this.db.read(`lineageEvents.${subject}`, async (tx) => this.withBodies(tx, await this.events.pagesAbout(tx, subject, requests), budget));
  }

  /**
   * The pages' events read whole, as many as the budget lets through (event-body-budget.ts): first cut by the
   * stored (compressed) sizes, which bounds what is read from Neo4j; then by the bodies' sizes as JSON, which
   * bounds the answer, decompressing one body at a time so that a page of well-compressed bodies is never
   * inflated whole.
   */
  private async withBodies(tx: Tx, pages: Page<EventOfPage>[], budget: EventBodyBudget): Promise<Page<LineageEvent>[]> {
    const planned = budget.copy();
    const read = cutPages(pages, ({ storedBytes }) => planned.take(storedBytes));
    const ids = [...new Set(read.flatMap((page) => page.items.map((item) => item.node.id)))];
    const stored = new Map((await this.events.findByIds(tx, ids)).map((event) => [event.id, event]));
    const shown = new Map<string, LineageEvent>();
    const answered = cutPages(read, ({ id }) => {
      if (shown.has(id)) return true;
      const text = gunzipSync(stored.get(id)!.bodyGzip).toString('utf8');
      if (!budget.take(Buffer.byteLength(text, 'utf8'))) return false;
      shown.set(id, toLineageEvent(stored.get(id)!, text));
      return true;
    });
    return answered.map((page) => mapPage(page, ({ id }) => shown.get(id)!));
  }
}

/** What became of a prepared event, given what the recorder did with its change (null: it had none). */
function outcomeOf(item: Prepared, outcome: RecordOutcome | null): IngestOutcome {
  const { warnings } = item;
  if (!item.change) return { status: 'rejected', eventId: item.eventId, error: item.error, warnings };
  // An event with a change always has the recorder's outcome.
  outcome = outcome!;
  if (outcome.status === 'rejected') return { status: 'rejected', eventId: item.eventId, error: outcome.error, warnings };
  if (outcome.status === 'duplicate') return { status: 'duplicate', eventId: item.eventId, warnings };
  // What the event contradicted was set aside and kept with it: said like any other part set aside.
  const all = [...warnings, ...outcome.conflicts.map(conflictWarning)];
  // Counted once its transaction committed, i.e. now.
  recordIngestedEvents(item.change.receipt?.eventType ?? item.change.kind.toUpperCase());
  recordIngestWarnings(warnings.map((warning) => warning.path));
  recordIngestConflicts(outcome.conflicts.map((conflict) => kindOfId(conflict.entityId) ?? 'other'));
  return { status: 'accepted', eventId: item.eventId, warnings: all };
}

/** A page of a parent's events: its id and the field's pagination arguments. */
type PageKey = { parentId: string; first?: number | null; after?: string | null };

/**
 * Group commit of single events: a group holds what arrived while the previous one was written, up to 64 events
 * (a few ms of recorder work each, so the first of a full group waits a few tens of ms for the others); one group
 * in flight at a time, since groups written at once would only queue on the same run and audit-chain locks.
 */
const SINGLE_EVENT_GROUPS = { maxChanges: 64, concurrency: 1 };

/** How long preparing a batch may hold the event loop before it lets other work run. */
const YIELD_AFTER_MS = 20;

type Prepared = ({ change: LineageChange; eventId: string; error?: undefined } | { change?: undefined; eventId: string | null; error: LineageError }) & {
  warnings: ValidationIssue[];
};

function prepare(context: WriteContext, event: unknown, receivedAt: string, limits: Limits): Prepared {
  // Whatever brought it (a route, a batch, a file): nested within LIMIT_JSON_DEPTH, and valid Unicode, so that
  // every name is stored as sent (a lone surrogate would be stored as U+FFFD).
  try {
    checkJson(event, limits.http.jsonDepth);
  } catch (error) {
    if (error instanceof LineageError) return { eventId: null, error, warnings: [] };
    throw error;
  }
  const tooMany = datasetsOverLimit(event, limits.ingestion.eventDatasets);
  if (tooMany) return { eventId: null, error: tooMany, warnings: [] };
  const result = validateEvent(event);
  if (!result.ok) return { eventId: null, error: new InvalidInputError('not a valid OpenLineage event', result.errors), warnings: [] };
  const { warnings } = result;
  const plan = planIngestion(withinSkew(result.event, receivedAt, limits.ingestion.eventTimeSkewMs, warnings), result.setAside);
  const body = canonicalJson(result.event);
  // One limit per event whatever brought it: the single route, a batch (which checks while reading), the CLI.
  const { eventBytes } = limits.ingestion;
  if (body.length > eventBytes / 3 && Buffer.byteLength(body, 'utf8') > eventBytes) {
    return {
      eventId: null,
      error: new LimitExceededError('LIMIT_EVENT_BYTES', `the event is ${Buffer.byteLength(body, 'utf8')} bytes of JSON, more than ${eventBytes}`),
      warnings,
    };
  }
  const receipt: EventReceipt = {
    id: createHash('sha256').update(body).digest('hex'),
    kind: plan.kind,
    eventType: plan.eventType,
    runId: plan.run?.runId ?? null,
    eventTime: plan.eventTime,
    producer: plan.producer,
    schemaURL: schemaUrlOf(result.event, plan.kind),
    body,
    receivedAt,
    receivedBy: context.actor,
    source: context.source,
    requestId: context.requestId ?? null,
  };
  try {
    const mapped = changeOf(plan, receipt);
    return { change: mapped.change, eventId: receipt.id, warnings: [...warnings, ...mapped.warnings] };
  } catch (error) {
    // A value over one of our limits: answered like the validator's issues, with its path in the event.
    if (error instanceof BadInputError) {
      const path = String(error.extensions.field);
      return { eventId: receipt.id, error: new InvalidInputError('the event cannot be recorded', [{ path, message: error.message }]), warnings };
    }
    if (error instanceof LineageError) return { eventId: receipt.id, error, warnings };
    throw error;
  }
}

/**
 * An event dated further in the future than LIMIT_EVENT_TIME_SKEW_MS past its arrival (a producer's clock, or a
 * placeholder such as 9999-12-31) is recorded as of its arrival, with a warning: as dated, it would stand as the
 * latest word on its run and datasets for good, and no event of theirs could ever come after it. The stored raw
 * event keeps the time it was sent with.
 */
function withinSkew<E extends { eventTime: string }>(event: E, receivedAt: string, skewMs: number, warnings: ValidationIssue[]): E {
  const sent = Date.parse(event.eventTime);
  const latest = Date.parse(receivedAt) + skewMs;
  if (!(sent > latest)) return event;
  warnings.push({
    path: 'eventTime',
    message: `eventTime ${event.eventTime} is more than ${skewMs} ms after the event arrived (LIMIT_EVENT_TIME_SKEW_MS); recorded as of its arrival, ${receivedAt}`,
  });
  return { ...event, eventTime: receivedAt };
}

/** A conflict in the answer: the warning that the part was set aside, and where to find it. */
function conflictWarning(conflict: RecordedConflict): ValidationIssue {
  return { path: conflict.path, message: `${conflict.message}; set aside (conflict kept with the stored event, on ${conflict.entityId})` };
}

function toLineageEvent({ bodyGzip: _body, conflictsJson, ...stored }: StoredLineageEvent, body: string): LineageEvent {
  return {
    ...stored,
    body: JSON.parse(body) as Record<string, unknown>,
    conflicts: fromJsonProperty<RecordedConflict[]>(conflictsJson) ?? [],
  };
}
