import type { Database } from '../db/database';
import type { Migrator } from '../db/migrator';

export interface ReadinessReport {
  ready: boolean;
  neo4j: 'up' | 'down';
  pendingMigrations: number | null;
  reason?: string;
}

/** Answers "can this instance serve requests now?": Neo4j reachable and every migration applied. */
export class ReadinessService {
  constructor(
    private readonly db: Database,
    private readonly migrator: Migrator,
    private readonly timeoutMs = 2_000,
  ) {}

  async check(): Promise<ReadinessReport> {
    const reachable = await withTimeout(this.db.ping(this.timeoutMs), this.timeoutMs, false);
    if (!reachable) {
      return { ready: false, neo4j: 'down', pendingMigrations: null, reason: 'Neo4j is not reachable' };
    }
    try {
      const pending = await withTimeout(this.migrator.pending(), this.timeoutMs, undefined);
      if (pending === undefined) {
        return { ready: false, neo4j: 'up', pendingMigrations: null, reason: 'migration state could not be read in time' };
      }
      return pending.length === 0
        ? { ready: true, neo4j: 'up', pendingMigrations: 0 }
        : { ready: false, neo4j: 'up', pendingMigrations: pending.length, reason: `${pending.length} migration(s) not applied` };
    } catch (error) {
      return { ready: false, neo4j: 'up', pendingMigrations: null, reason: error instanceof Error ? error.message : String(error) };
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
