import { AsyncLocalStorage } from 'node:async_hooks';
import neo4j, { type BookmarkManager, type Driver, type ManagedTransaction, Neo4jError } from 'neo4j-driver';
import type { Logger } from 'pino';
import { LimitExceededError, LineageError, ConflictError, InternalError, ServiceUnavailableError } from '../errors';
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

  constructor(initialBookmarks: string[] = []) {
    this.bookmarkManager = neo4j.bookmarkManager({ initialBookmarks });
  }

  async bookmarks(): Promise<string[]> {
    return [...(await this.bookmarkManager.getBookmarks())];
  }
}

const causalScope = new AsyncLocalStorage<CausalScope>();

/** Thrown at the end of every write transaction of a rehearsal, so that the driver rolls it back. */
class RehearsalRollback extends Error {}
const rehearsal = new AsyncLocalStorage<true>();

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

export class Database {
  private readonly listeners = new Set<(event: QueryEvent) => void>();
  private readonly transactionListeners = new Set<(event: TransactionEvent) => void>();
  private readonly availabilityListeners = new Set<(available: boolean) => void>();
  private unavailable = false;
  private nextProbeAt = 0;
  /** Used outside requests (start-up, CLI) so that one process always reads its own writes. */
  private readonly processBookmarks = neo4j.bookmarkManager();

  private constructor(
    private readonly driver: Driver,
    private readonly settings: DatabaseSettings,
    private readonly logger: Logger,
  ) {}

  static connect(settings: DatabaseSettings, logger: Logger): Database {
    const auth = settings.password ? neo4j.auth.basic(settings.user, settings.password) : undefined;
    const driver = neo4j.driver(settings.uri, auth, {
      userAgent: 'lineage-service',
      maxConnectionPoolSize: 50,
      // Fail fast when Neo4j is down, so callers get a 503 they can retry instead of a hanging request.
      connectionTimeout: 3_000,
      connectionAcquisitionTimeout: 5_000,
      maxTransactionRetryTime: settings.maxRetryTimeMs ?? 5_000,
      logging: {
        level: 'warn',
        logger: (level, message) => logger[level === 'error' ? 'error' : 'warn']({ neo4j: message }, 'neo4j driver'),
      },
    });
    return new Database(driver, settings, logger);
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

  /** `timeoutMs` overrides NEO4J_TX_TIMEOUT_MS for work that is not a client's request (e.g. compiling plans at start-up). */
  read<T>(transaction: string, work: (tx: Tx) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
    return this.execute('READ', transaction, work, options.timeoutMs);
  }

  write<T>(transaction: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.execute('WRITE', transaction, work);
  }

  /**
   * Runs `work` (service calls) with every write transaction rolled back at its end: each statement is planned
   * and run, nothing is kept. Used to warm Neo4j's query plans up before the first request (see
   * src/system/warm-up.ts). Resolves once `work` has run; a domain error of `work` is returned, not thrown.
   */
  async rehearse(work: () => Promise<unknown>): Promise<unknown> {
    try {
      await rehearsal.run(true, work);
      return undefined;
    } catch (error) {
      if (error instanceof RehearsalRollback) return undefined;
      return error;
    }
  }

  /** True when Neo4j answers a trivial read within the timeout. */
  async ping(timeoutMs = 2_000): Promise<boolean> {
    const session = this.driver.session({ database: this.settings.database, defaultAccessMode: neo4j.session.READ });
    try {
      await session.executeRead((tx) => tx.run('RETURN 1'), { timeout: timeoutMs, metadata: { app: 'lineage', tx: 'ping' } });
      this.setAvailable(true);
      return true;
    } catch {
      return false;
    } finally {
      await session.close().catch(() => undefined);
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
    await this.driver.close();
  }

  private async execute<T>(mode: AccessMode, transaction: string, work: (tx: Tx) => Promise<T>, timeoutMs?: number): Promise<T> {
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
    const scope = causalScope.getStore();
    const session = this.driver.session({
      database: this.settings.database,
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
      bookmarkManager: scope?.bookmarkManager ?? this.processBookmarks,
    });
    const config = { timeout: timeoutMs ?? this.settings.transactionTimeoutMs, metadata: { app: 'lineage', tx: transaction } };
    const unitOfWork = async (managed: ManagedTransaction) => {
      attempts += 1;
      const result = await work(this.wrap(managed, mode, transaction));
      if (mode === 'WRITE' && rehearsal.getStore()) throw new RehearsalRollback(transaction);
      return result;
    };
    try {
      const result = mode === 'READ' ? await session.executeRead(unitOfWork, config) : await session.executeWrite(unitOfWork, config);
      this.setAvailable(true);
      finished('ok');
      return result;
    } catch (error) {
      const mapped = this.mapError(error, transaction);
      finished(mapped instanceof LineageError ? mapped.code : mapped instanceof RehearsalRollback ? 'rehearsal' : 'INTERNAL_SERVER_ERROR');
      throw mapped;
    } finally {
      await session.close().catch(() => undefined);
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
        return new LimitExceededError('NEO4J_TX_TIMEOUT_MS', `the query ran longer than ${this.settings.transactionTimeoutMs} ms and was stopped`);
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
