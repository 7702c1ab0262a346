import type { Logger } from 'pino';
import { startLocalNeo4j, type LocalNeo4j, type LocalNeo4jOptions } from './local-neo4j';

/** What liveness (`/healthz`) reports about a part of the process it cannot do without. */
export interface Liveness {
  alive: boolean;
  reason?: string;
}

export interface SupervisorSettings {
  /** NEO4J_LOCAL_RESTART_BACKOFF_MS: wait before the first restart; doubled after each failed one, at most 30 s. */
  restartBackoffMs: number;
  /** NEO4J_LOCAL_RESTART_ATTEMPTS: failed restarts in a row after which liveness fails (restarts go on). */
  restartAttempts: number;
}

const MAX_BACKOFF_MS = 30_000;

export type LocalNeo4jState = 'running' | 'restarting' | 'failing' | 'stopped';

/**
 * The local Neo4j of `npm start`, kept running: when its JVM dies (killed, out of memory, crashed) the supervisor
 * logs it and starts it again on the same port and store, waiting NEO4J_LOCAL_RESTART_BACKOFF_MS first and twice as
 * long after each failed attempt (at most 30 s). Meanwhile the service answers 503 (its database breaker) and
 * recovers by itself once Neo4j is back. After NEO4J_LOCAL_RESTART_ATTEMPTS failed restarts in a row, liveness
 * says so (`/healthz` 503), so that an orchestrator replaces the process; the supervisor keeps trying.
 */
export class LocalNeo4jSupervisor {
  private current: LocalNeo4j;
  private state: LocalNeo4jState = 'running';
  private failures = 0;
  private restarts = 0;
  private lastFailure: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private attempt: Promise<void> | null = null;
  private readonly restartListeners: Array<() => void> = [];

  private constructor(
    first: LocalNeo4j,
    private readonly options: LocalNeo4jOptions,
    private readonly settings: SupervisorSettings,
    private readonly logger: Logger,
  ) {
    this.current = first;
    this.watch(first);
  }

  /** Starts the local Neo4j (as startLocalNeo4j: a failure to start the first time is thrown) and supervises it. */
  static async start(options: LocalNeo4jOptions, settings: SupervisorSettings): Promise<LocalNeo4jSupervisor> {
    const first = await startLocalNeo4j(options);
    // Restarts must come back where the driver looks: the port chosen the first time.
    return new LocalNeo4jSupervisor(first, { ...options, boltPort: first.port }, settings, options.logger);
  }

  get uri(): string {
    return this.current.uri;
  }

  /** The JVM's process id now (it changes with each restart). */
  get pid(): number {
    return this.current.pid;
  }

  get status(): { state: LocalNeo4jState; restarts: number; failures: number; lastFailure: string | null } {
    return { state: this.state, restarts: this.restarts, failures: this.failures, lastFailure: this.lastFailure };
  }

  /** Called after each restart: the new JVM has an empty plan cache (the service plans its heaviest writes again). */
  onRestarted(listener: () => void): void {
    this.restartListeners.push(listener);
  }

  liveness(): Liveness {
    if (this.state !== 'failing') return { alive: true };
    return {
      alive: false,
      reason: `the local Neo4j died and ${this.failures} restarts in a row failed (NEO4J_LOCAL_RESTART_ATTEMPTS); last: ${this.lastFailure}`,
    };
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // A restart under way finishes (or fails) first, so that its JVM is stopped too, never left behind.
    await this.attempt?.catch(() => undefined);
    await this.current.stop();
  }

  private watch(neo4j: LocalNeo4j): void {
    void neo4j.exited.then(({ code, signal }) => {
      if (this.state === 'stopped' || neo4j !== this.current) return;
      this.logger.error(
        { pid: neo4j.pid, code, signal, home: this.options.home },
        `the local Neo4j exited unexpectedly (${signal ?? `code ${code}`}); restarting it`,
      );
      this.state = 'restarting';
      this.schedule();
    });
  }

  private schedule(): void {
    const backoff = Math.min(MAX_BACKOFF_MS, this.settings.restartBackoffMs * 2 ** this.failures);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.attempt = this.restart();
    }, backoff);
  }

  /** Read through a method: the state changes while a restart awaits, which TypeScript's narrowing cannot see. */
  private get stopped(): boolean {
    return this.state === 'stopped';
  }

  private async restart(): Promise<void> {
    if (this.stopped) return;
    try {
      const next = await startLocalNeo4j(this.options);
      if (this.stopped) {
        await next.stop();
        return;
      }
      this.current = next;
      this.restarts += 1;
      this.failures = 0;
      this.state = 'running';
      this.logger.info({ pid: next.pid, uri: next.uri, restarts: this.restarts }, 'the local Neo4j was restarted');
      this.watch(next);
      for (const listener of this.restartListeners) listener();
    } catch (error) {
      if (this.stopped) return;
      this.failures += 1;
      this.lastFailure = error instanceof Error ? error.message : String(error);
      if (this.failures >= this.settings.restartAttempts) this.state = 'failing';
      this.logger.error({ err: error, failures: this.failures }, 'the local Neo4j could not be restarted; trying again');
      this.schedule();
    } finally {
      this.attempt = null;
    }
  }
}
