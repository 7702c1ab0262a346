import { AsyncLocalStorage } from 'node:async_hooks';
import neo4j, { type BookmarkManager, type Config, type Driver, type ManagedTransaction, Neo4jError } from 'neo4j-driver';
import type { Logger } from 'pino';
import { BadInputError, LineageError, ConflictError, InternalError, ServiceUnavailableError, TransactionTimeoutError } from '../errors';
import { FairLane } from './fair-lane';
import { abandonedError, currentRequestScope, outsideRequestScope, type RequestScope } from './request-scope';
import { toPlain } from './values';

/**
 * The only module that talks to the Neo4j driver. Everything else runs Cypher through `read` and `write`,
 * which choose the access mode (so a cluster routes reads to followers), tag each transaction with its name,
 * apply the transaction timeout, let the driver retry transient failures, convert values at the boundary
 * and map driver errors to API errors.
 */

export interface DatabaseSettings {
  uri: string;
  user: string;
  password: string;
  database: string;
  transactionTimeoutMs: number;
  /** How long a failing transaction is retried on transient errors before the error reaches the caller. */
  maxRetryTimeMs?: number;
  /** NEO4J_POOL_SIZE: connections the driver keeps at most (50 unless configured). */
  poolSize?: number;
  /** NEO4J_REQUEST_CONNECTIONS: connections one client request may hold at once (its fair share of the pool). */
  requestConnections?: number;
  /** NEO4J_TRAVERSAL_CONCURRENCY: expensive transactions (traversals) running at once, all requests together. */
  traversalConcurrency?: number;
}

/** `heavy`: a traversal or another question whose work grows with its node budget; it takes the fair lane. */
export interface ReadOptions {
  timeoutMs?: number;
  heavy?: boolean;
}

export type AccessMode = 'READ' | 'WRITE';

/** One statement as the database saw it; listeners use this for metrics and for the query-count tests. */
export interface QueryEvent {
  transaction: string;
  mode: AccessMode;
  query: string;
  rows: number;
  durationMs: number;
}

/** One transaction function as the caller saw it, retries included; listeners use this for metrics. */
export interface TransactionEvent {
  transaction: string;
  mode: AccessMode;
  durationMs: number;
  /** How many times the driver ran the unit of work (more than 1 after transient failures). */
  attempts: number;
  /** `ok`, or the API error code the failure was mapped to. */
  outcome: 'ok' | string;
}

export interface Tx {
  /** Runs one statement and returns its records as plain objects. */
  rows<T = Record<string, unknown>>(query: string, params?: Record<string, unknown>): Promise<T[]>;
}

/**
 * Causal consistency for one client request: sessions opened while a scope is active start from the client's
 * bookmarks and add theirs, so a client that sends back the bookmark of its write reads that write, even from
 * another API instance against a cluster.
 */
export class CausalScope {
  readonly bookmarkManager: BookmarkManager;

  /** `source` names where the bookmarks came from (a header), for the error when Neo4j refuses one. */
  constructor(
    initialBookmarks: string[] = [],
    readonly source = 'bookmark',
  ) {
    this.bookmarkManager = neo4j.bookmarkManager({ initialBookmarks });
  }

  async bookmarks(): Promise<string[]> {
    return [...(await this.bookmarkManager.getBookmarks())];
  }
}

const causalScope = new AsyncLocalStorage<CausalScope>();

function createDriver(settings: DatabaseSettings, logger: Logger, overrides: Config): Driver {
  const auth = settings.password ? neo4j.auth.basic(settings.user, settings.password) : undefined;
  return neo4j.driver(settings.uri, auth, {
    userAgent: 'lineage-service',
    maxConnectionPoolSize: settings.poolSize ?? DEFAULT_POOL_SIZE,
    // Fail fast when Neo4j is down, so callers get a 503 they can retry instead of a hanging request.
    connectionTimeout: 3_000,
    connectionAcquisitionTimeout: 5_000,
    maxTransactionRetryTime: settings.maxRetryTimeMs ?? 5_000,
    logging: {
      level: 'warn',
      logger: (level, message) => logger[level === 'error' ? 'error' : 'warn']({ neo4j: message }, 'neo4j driver'),
    },
    ...overrides,
  });
}

/** Thrown at the end of every write transaction of a rehearsal, so that the driver rolls it back. */
class RehearsalRollback extends Error {}
/** Set while a rehearsal runs: its transactions' timeout. */
const rehearsal = new AsyncLocalStorage<{ timeoutMs: number | undefined }>();

/**
 * Set while a transaction function runs: a transaction opened inside another one (same async context) uses the
 * request's connection and lane turn already held, so that nested work can never wait for itself.
 */
const holding = new AsyncLocalStorage<{ heavy: boolean }>();

/** Expensive transactions waiting longer than this for their turn are refused (busy, retry later). */
const MAX_LANE_QUEUE = 200;

export function withCausalScope<T>(scope: CausalScope, work: () => T): T {
  return causalScope.run(scope, work);
}

/**
 * After a transaction found Neo4j unavailable (the driver had already retried it for maxTransactionRetryTime),
 * further transactions fail at once with SERVICE_UNAVAILABLE instead of each waiting out the same retries, except
 * one probe per interval, which closes the breaker when Neo4j answers again. A successful readiness ping also
 * closes it. So an outage costs clients milliseconds, not seconds, and recovery needs no restart.
 */
const PROBE_INTERVAL_MS = 1_000;
/** A readiness probe that times out this soon after a successful transaction finds Neo4j busy, not gone. */
const BUSY_WINDOW_MS = 10_000;

export const DEFAULT_POOL_SIZE = 50;
/** A GraphQL request batches its reads (DataLoaders): a handful of concurrent transactions is what it needs. */
export const DEFAULT_REQUEST_CONNECTIONS = 4;
/** Two cores' worth: traversals in flight never take all of Neo4j's CPU from cheap reads. */
export const DEFAULT_TRAVERSAL_CONCURRENCY = 2;

export class Database {
  private readonly listeners = new Set<(event: QueryEvent) => void>();
  private readonly transactionListeners = new Set<(event: TransactionEvent) => void>();
  private readonly availabilityListeners = new Set<(available: boolean) => void>();
  private unavailable = false;
  private nextProbeAt = 0;
  /** Used outside requests (start-up, CLI) so that one process always reads its own writes. */
  private readonly processBookmarks = neo4j.bookmarkManager();
  /** The lane of expensive transactions (see fair-lane.ts). */
  readonly traversals: FairLane;
  private readonly requestConnections: number;
  /** The readiness probe's own driver (one connection), made at the first probe. */
  private probeDriver: Driver | undefined;
  private lastSuccessAt = 0;

  private constructor(
    private readonly driver: Driver,
    private readonly settings: DatabaseSettings,
    private readonly logger: Logger,
  ) {
    const pool = settings.poolSize ?? DEFAULT_POOL_SIZE;
    this.requestConnections = Math.min(settings.requestConnections ?? DEFAULT_REQUEST_CONNECTIONS, pool);
    this.traversals = new FairLane(
      Math.min(settings.traversalConcurrency ?? DEFAULT_TRAVERSAL_CONCURRENCY, pool),
      settings.transactionTimeoutMs,
      MAX_LANE_QUEUE,
    );
  }

  static connect(settings: DatabaseSettings, logger: Logger): Database {
    return new Database(createDriver(settings, logger, {}), settings, logger);
  }

  private newDriver(overrides: Config): Driver {
    return createDriver(this.settings, this.logger, overrides);
  }

  get databaseName(): string {
    return this.settings.database;
  }

  /** Subscribes to every statement run; returns the function that unsubscribes. */
  onQuery(listener: (event: QueryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribes to every transaction function run (retries included); returns the function that unsubscribes. */
  onTransaction(listener: (event: TransactionEvent) => void): () => void {
    this.transactionListeners.add(listener);
    return () => this.transactionListeners.delete(listener);
  }

  /** Subscribes to changes of availability (Neo4j lost, Neo4j back); returns the function that unsubscribes. */
  onAvailabilityChange(listener: (available: boolean) => void): () => void {
    this.availabilityListeners.add(listener);
    return () => this.availabilityListeners.delete(listener);
  }

  /** False while transactions fail fast because Neo4j was found unavailable. */
  get available(): boolean {
    return !this.unavailable;
  }

  /**
   * `timeoutMs` overrides NEO4J_TX_TIMEOUT_MS for work that is not a client's request (e.g. compiling plans at
   * start-up); `heavy` sends the transaction through the fair lane of expensive questions.
   */
  read<T>(transaction: string, work: (tx: Tx) => Promise<T>, options: ReadOptions = {}): Promise<T> {
    return this.execute('READ', transaction, work, options);
  }

  /**
   * A read that walks the graph (a lineage question): it takes the fair lane of traversals, at most
   * NEO4J_TRAVERSAL_CONCURRENCY at once, round-robin by principal (see fair-lane.ts).
   */
  traverse<T>(transaction: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.execute('READ', transaction, work, { heavy: true });
  }

  write<T>(transaction: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.execute('WRITE', transaction, work, {});
  }

  /**
   * Runs `work` (service calls) with every write transaction rolled back at its end: each statement is planned
   * and run, nothing is kept. Used to warm Neo4j's query plans up before the first request (see
   * src/system/warm-up.ts). Its transactions may take `timeoutMs` instead of NEO4J_TX_TIMEOUT_MS: planning the
   * heaviest statements on a cold store takes longer than a request may, and that is what a rehearsal is for.
   * Resolves once `work` has run; a domain error of `work` is returned, not thrown.
   */
  async rehearse(work: () => Promise<unknown>, timeoutMs?: number): Promise<unknown> {
    try {
      await rehearsal.run({ timeoutMs }, work);
      return undefined;
    } catch (error) {
      if (error instanceof RehearsalRollback) return undefined;
      return error;
    }
  }

  /** Inside a rehearsal, its timeout (never shorter than a request's). */
  private rehearsalTimeout(): number | undefined {
    const timeoutMs = rehearsal.getStore()?.timeoutMs;
    return timeoutMs === undefined ? undefined : Math.max(timeoutMs, this.settings.transactionTimeoutMs);
  }

  /**
   * Whether a write made now must have a transaction of its own rather than share one with other requests' writes
   * (src/core/recording/group-commit.ts): in a rehearsal (which is rolled back), inside another transaction, or for
   * a client whose bookmarks its transaction must start from and whose response carries the new one.
   */
  get mustWriteAlone(): boolean {
    return rehearsal.getStore() !== undefined || holding.getStore() !== undefined || causalScope.getStore() !== undefined;
  }

  /**
   * Runs work done for several requests at once (a group commit's transaction) as nobody's: outside the request
   * scope of whichever request set it going, so that it takes none of that request's connections and is not
   * abandoned when that one client leaves.
   */
  detached<T>(work: () => Promise<T>): Promise<T> {
    return outsideRequestScope(work);
  }

  /**
   * Whether Neo4j answers a trivial read within the timeout, over a connection of its own: requests holding every
   * connection of the pool must not make Neo4j look gone. `busy` when the probe timed out while transactions
   * succeeded within the last BUSY_WINDOW_MS: Neo4j is serving, slowly. A successful probe closes the breaker.
   */
  async ping(timeoutMs = 2_000): Promise<'up' | 'busy' | 'down'> {
    this.probeDriver ??= this.newDriver({ maxConnectionPoolSize: 1, connectionAcquisitionTimeout: timeoutMs });
    const session = this.probeDriver.session({ database: this.settings.database, defaultAccessMode: neo4j.session.READ });
    let timer: NodeJS.Timeout | undefined;
    try {
      // An auto-commit statement, not executeRead: the driver retries a managed transaction on a refused connection
      // for up to 30 s, which would turn a stopped Neo4j into a probe timeout, and so into "busy".
      const probe = session.run('RETURN 1', {}, { timeout: timeoutMs, metadata: { app: 'lineage', tx: 'ping' } });
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      if ((await Promise.race([probe, timedOut])) === 'timeout') {
        probe.catch(() => undefined);
        return Date.now() - this.lastSuccessAt < BUSY_WINDOW_MS ? 'busy' : 'down';
      }
      this.setAvailable(true);
      return 'up';
    } catch (error) {
      // Timed out inside Neo4j (the transaction timeout), not unreachable: as slow as a timeout above.
      const code = (error as Neo4jError).code ?? '';
      if (code.startsWith('Neo.ClientError.Transaction.TransactionTimedOut') && Date.now() - this.lastSuccessAt < BUSY_WINDOW_MS) return 'busy';
      return 'down';
    } finally {
      clearTimeout(timer);
      void session.close().catch(() => undefined);
    }
  }

  /** Waits until Neo4j answers, for at most `timeoutMs`; used at start-up. */
  async waitUntilReachable(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      try {
        await this.driver.verifyConnectivity({ database: this.settings.database });
        return;
      } catch (error) {
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    throw new ServiceUnavailableError(`Neo4j at ${this.settings.uri} did not answer within ${timeoutMs} ms (NEO4J_CONNECT_TIMEOUT_MS): ${reason}`);
  }

  async close(): Promise<void> {
    await Promise.all([this.driver.close(), this.probeDriver?.close()]);
  }

  private async execute<T>(mode: AccessMode, transaction: string, work: (tx: Tx) => Promise<T>, options: ReadOptions): Promise<T> {
    const started = performance.now();
    let attempts = 0;
    const finished = (outcome: string) => {
      const event: TransactionEvent = { transaction, mode, durationMs: performance.now() - started, attempts, outcome };
      for (const listener of this.transactionListeners) listener(event);
    };
    if (this.unavailable) {
      const now = Date.now();
      if (now < this.nextProbeAt) {
        finished('SERVICE_UNAVAILABLE');
        throw new ServiceUnavailableError();
      }
      // This transaction is the probe; the others keep failing fast until it answers.
      this.nextProbeAt = now + PROBE_INTERVAL_MS;
    }
    const request = currentRequestScope();
    const held = holding.getStore();
    let release: () => void;
    try {
      release = await this.takeTurn(request, held, options.heavy ?? false);
    } catch (error) {
      finished((error as LineageError).code ?? 'INTERNAL_SERVER_ERROR');
      throw error;
    }
    const scope = causalScope.getStore();
    const session = this.driver.session({
      database: this.settings.database,
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
      bookmarkManager: scope?.bookmarkManager ?? this.processBookmarks,
    });
    const config = {
      timeout: options.timeoutMs ?? this.rehearsalTimeout() ?? this.settings.transactionTimeoutMs,
      metadata: { app: 'lineage', tx: transaction },
    };
    const unitOfWork = async (managed: ManagedTransaction) => {
      // Also before a retry: a client that left while the driver backed off gets nothing more done for it.
      if (request?.abandoned) throw abandonedError();
      attempts += 1;
      const result = await work(this.wrap(managed, mode, transaction));
      if (mode === 'WRITE' && rehearsal.getStore()) throw new RehearsalRollback(transaction);
      return result;
    };
    try {
      const run = () => (mode === 'READ' ? session.executeRead(unitOfWork, config) : session.executeWrite(unitOfWork, config));
      const result = await holding.run({ heavy: (held?.heavy ?? false) || (options.heavy ?? false) }, run);
      this.lastSuccessAt = Date.now();
      this.setAvailable(true);
      finished('ok');
      return result;
    } catch (error) {
      const mapped = this.mapError(error, transaction);
      finished(mapped instanceof LineageError ? mapped.code : mapped instanceof RehearsalRollback ? 'rehearsal' : 'INTERNAL_SERVER_ERROR');
      throw mapped;
    } finally {
      await session.close().catch(() => undefined);
      release();
    }
  }

  /**
   * Waits for this transaction's share: one of the request's NEO4J_REQUEST_CONNECTIONS connections, and for an
   * expensive one a turn in the fair lane. A transaction nested in another (same async context) holds both
   * already. Resolves with the function that gives them back.
   */
  private async takeTurn(request: RequestScope | undefined, held: { heavy: boolean } | undefined, heavy: boolean): Promise<() => void> {
    if (request?.abandoned) throw abandonedError();
    let releaseSlot = () => undefined as void;
    if (request && !held) {
      await request.takeConnection(this.requestConnections);
      let given = false;
      releaseSlot = () => {
        if (given) return;
        given = true;
        request.giveBackConnection();
      };
    }
    if (!heavy || held?.heavy) return releaseSlot;
    try {
      const releaseLane = await this.traversals.acquire(request?.who ?? 'system', request?.signal);
      return () => {
        releaseLane();
        releaseSlot();
      };
    } catch (error) {
      releaseSlot();
      throw error;
    }
  }

  private setAvailable(available: boolean): void {
    if (this.unavailable === !available) return;
    this.unavailable = !available;
    this.nextProbeAt = available ? 0 : Date.now() + PROBE_INTERVAL_MS;
    if (available) this.logger.info('Neo4j is available again');
    for (const listener of this.availabilityListeners) listener(available);
  }

  private wrap(managed: ManagedTransaction, mode: AccessMode, transaction: string): Tx {
    return {
      rows: async <T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> => {
        const started = performance.now();
        const result = await managed.run(query, params);
        const rows = result.records.map((record) => toPlain(record.toObject()) as T);
        const event: QueryEvent = { transaction, mode, query, rows: rows.length, durationMs: performance.now() - started };
        for (const listener of this.listeners) listener(event);
        return rows;
      },
    };
  }

  /** Domain errors pass through; driver errors become API errors; anything else is logged and hidden. */
  private mapError(error: unknown, transaction: string): Error {
    if (error instanceof LineageError || error instanceof RehearsalRollback) return error;
    if (error instanceof Neo4jError) {
      const code = error.code ?? '';
      // A bookmark a client sent back that Neo4j cannot read: the client's input, named where it came from.
      if (code === 'Neo.ClientError.Transaction.InvalidBookmark' || code === 'Neo.ClientError.Transaction.InvalidBookmarkMixture') {
        return new BadInputError(
          causalScope.getStore()?.source ?? 'bookmark',
          'is not a bookmark this service returned; send back the value of a response header as it came',
        );
      }
      if (
        code === neo4j.error.SERVICE_UNAVAILABLE ||
        code === neo4j.error.SESSION_EXPIRED ||
        code.startsWith('Neo.TransientError.General.DatabaseUnavailable')
      ) {
        this.logger.warn({ err: error, transaction }, 'Neo4j unavailable');
        this.setAvailable(false);
        return new ServiceUnavailableError();
      }
      if (code.startsWith('Neo.ClientError.Transaction.TransactionTimedOut')) {
        this.logger.warn({ err: error, transaction, timeoutMs: this.settings.transactionTimeoutMs }, 'transaction stopped at NEO4J_TX_TIMEOUT_MS');
        return new TransactionTimeoutError(this.settings.transactionTimeoutMs);
      }
      // Terminated while it waited for a lock or ran (its timeout, or an operator): Neo4j says to retry it. Seen
      // when a Neo4j restarted under load let writes queue on locks past their timeout.
      if (code === 'Neo.ClientError.Transaction.LockClientStopped' || code === 'Neo.ClientError.Transaction.Terminated') {
        this.logger.warn({ err: error, transaction, timeoutMs: this.settings.transactionTimeoutMs }, 'transaction terminated before it finished');
        return new TransactionTimeoutError(this.settings.transactionTimeoutMs, 'terminated');
      }
      if (code === 'Neo.ClientError.Schema.ConstraintValidationFailed') {
        this.logger.warn({ err: error, transaction }, 'constraint violation');
        return new ConflictError('the write conflicts with an existing entity (uniqueness constraint)');
      }
      // Still failing after the driver's retries (deadlocks, memory pressure, a leader election): retry later.
      if (code.startsWith('Neo.TransientError.')) {
        this.logger.warn({ err: error, transaction }, 'transient Neo4j error persisted through retries');
        return new ServiceUnavailableError('the graph database is busy; retry later');
      }
      // Every connection in the pool stayed busy: the database is overloaded, not gone.
      if (/^Connection acquisition timed out/.test(error.message)) {
        this.logger.warn({ err: error, transaction }, 'no Neo4j connection became free in time');
        return new ServiceUnavailableError('the graph database is busy; retry later');
      }
    }
    this.logger.error({ err: error, transaction }, 'database error');
    return new InternalError();
  }
}
