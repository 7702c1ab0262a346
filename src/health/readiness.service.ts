import type { Database } from '../db/database';
import type { Migrator } from '../db/migrator';
import type { Liveness } from '../local-neo4j/local-neo4j-supervisor';

export interface ReadinessReport {
  ready: boolean;
  /** `busy`: Neo4j answered transactions a moment ago but not the probe in time; it is serving, only slowly. */
  neo4j: 'up' | 'busy' | 'down';
  pendingMigrations: number | null;
  reason?: string;
}

/**
 * Answers "can this instance serve requests now?" (readiness: Neo4j reachable and every migration applied) and
 * "should this process be replaced?" (liveness: only what a restart of the process would fix, such as a local
 * Neo4j that cannot be brought back; never an outage of an external Neo4j, which a restart does not fix).
 *
 * The probe has its own connection (see Database.ping), so a pool busy with requests never makes Neo4j look gone;
 * a probe that times out while transactions keep succeeding reports Neo4j busy, and the instance ready.
 */
export class ReadinessService {
  /**
   * Migrations found pending by the last check that answered, or by the start (which applied them all): a busy
   * pool must not hide that none are. Migrations are never undone, and this process knows no newer files.
   */
  private lastPending: number | null;

  constructor(
    private readonly db: Database,
    private readonly migrator: Migrator,
    private readonly livenessOf: () => Liveness = () => ({ alive: true }),
    private readonly timeoutMs = 2_000,
    pendingAtStart: number | null = null,
  ) {
    this.lastPending = pendingAtStart;
  }

  liveness(): Liveness {
    return this.livenessOf();
  }

  async check(): Promise<ReadinessReport> {
    const neo4j = await this.db.ping(this.timeoutMs);
    if (neo4j === 'down') {
      return { ready: false, neo4j, pendingMigrations: null, reason: 'Neo4j is not reachable' };
    }
    if (neo4j === 'busy') return { ready: true, neo4j, pendingMigrations: null, reason: 'Neo4j is busy: the probe was slow, transactions succeed' };
    try {
      const pending = await withTimeout(this.migrator.pending(), this.timeoutMs, undefined);
      if (pending === undefined) {
        // Migrations are applied at start and never undone: if the last answer was "none pending", it still is.
        if (this.lastPending === 0) return { ready: true, neo4j: 'busy', pendingMigrations: 0, reason: 'Neo4j is busy: the migration state was slow to read' };
        return { ready: false, neo4j, pendingMigrations: null, reason: 'migration state could not be read in time' };
      }
      this.lastPending = pending.length;
      return pending.length === 0
        ? { ready: true, neo4j, pendingMigrations: 0 }
        : { ready: false, neo4j, pendingMigrations: pending.length, reason: `${pending.length} migration(s) not applied` };
    } catch (error) {
      // A pool so busy that the read was refused (no connection in time) is no reason to stop sending traffic.
      if (this.lastPending === 0) return { ready: true, neo4j: 'busy', pendingMigrations: 0, reason: 'Neo4j is busy: the migration state could not be read' };
      return { ready: false, neo4j, pendingMigrations: null, reason: error instanceof Error ? error.message : String(error) };
    }
  }
}

function withTimeout<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
