import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Database } from './database';

/**
 * Applies the versioned Cypher files in migrations/ in order, once each.
 *
 * - A file is `NNNN_description.cypher`; statements end with `;` at the end of a line; `//` lines are comments.
 *   Statements must be safe to run again (`IF NOT EXISTS`, `MERGE`), because a crash between a statement and
 *   the record of its file re-runs the file.
 * - Each applied file is recorded as `(:Migration {version, name, checksum, appliedAt})`. A file whose content
 *   changed after it was applied stops the start: the graph no longer matches what the files describe.
 * - Instances starting together take turns through a lease on a `(:MigrationLock)` node, so no file is applied
 *   twice; the lease expires if its holder dies mid-way.
 */

export interface MigrationFile {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.cypher$/;
const LEASE_MS = 120_000;

export function loadMigrationFiles(dir: string): MigrationFile[] {
  const files = fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.cypher'))
    .sort();
  const migrations = files.map((file) => {
    const match = FILE_PATTERN.exec(file);
    if (!match) {
      throw new MigrationError(`migration file ${file} is not named NNNN_description.cypher`);
    }
    const content = fs.readFileSync(path.join(dir, file), 'utf8');
    return {
      version: Number(match[1]),
      name: file,
      checksum: createHash('sha256').update(content).digest('hex'),
      statements: splitStatements(content),
    };
  });
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new MigrationError(`migration versions must run 0001, 0002, … without gaps; ${migration.name} is number ${index + 1}`);
    }
  });
  return migrations;
}

export function splitStatements(content: string): string[] {
  const withoutComments = content
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n');
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

export class Migrator {
  private readonly holder = randomUUID();

  constructor(
    private readonly db: Database,
    private readonly files: MigrationFile[],
    private readonly logger: Logger,
  ) {}

  /** Applies every pending migration; returns the versions this call applied. */
  async migrate(): Promise<number[]> {
    await this.ensureBookkeepingSchema();
    // Refuse early, without the lock, when an applied file has changed.
    this.checkApplied(await this.applied());
    await this.acquireLease();
    try {
      const applied = await this.applied();
      this.checkApplied(applied);
      const done = new Set(applied.map((migration) => migration.version));
      const ran: number[] = [];
      for (const migration of this.files.filter((file) => !done.has(file.version))) {
        await this.apply(migration);
        ran.push(migration.version);
      }
      return ran;
    } finally {
      await this.releaseLease();
    }
  }

  /** The migrations not yet recorded in the graph (throws if an applied one changed). */
  async pending(): Promise<MigrationFile[]> {
    const applied = await this.applied();
    this.checkApplied(applied);
    const done = new Set(applied.map((migration) => migration.version));
    return this.files.filter((file) => !done.has(file.version));
  }

  async applied(): Promise<AppliedMigration[]> {
    return this.db.read('migrations.applied', (tx) =>
      // Every migration recorded so far, oldest first.
      tx.rows<AppliedMigration>('MATCH (m:Migration) RETURN m.version AS version, m.name AS name, m.checksum AS checksum ORDER BY m.version'),
    );
  }

  private checkApplied(applied: AppliedMigration[]): void {
    const byVersion = new Map(this.files.map((file) => [file.version, file]));
    for (const record of applied) {
      const file = byVersion.get(record.version);
      if (!file) {
        throw new MigrationError(
          `migration ${record.name} (version ${record.version}) was applied to this database but is not in migrations/; ` +
            'this code is older than the database',
        );
      }
      if (file.checksum !== record.checksum) {
        throw new MigrationError(
          `migration ${file.name} was changed after it was applied (recorded checksum ${record.checksum.slice(0, 12)}…, ` +
            `file now ${file.checksum.slice(0, 12)}…). Applied migrations are immutable: restore the file and put the change in a new migration.`,
        );
      }
    }
  }

  private async apply(migration: MigrationFile): Promise<void> {
    const started = Date.now();
    // Schema statements cannot share a transaction with data writes, so each statement gets its own.
    for (const [index, statement] of migration.statements.entries()) {
      await this.db.write(`migration.${migration.version}.${index + 1}`, (tx) => tx.rows(statement));
    }
    await this.db.write('migrations.record', (tx) =>
      // Record the file as applied, with the checksum later starts compare against.
      tx.rows(
        `CREATE (m:Migration {version: $version, name: $name, checksum: $checksum, appliedAt: datetime(), durationMs: $durationMs, appliedBy: $holder})`,
        { version: migration.version, name: migration.name, checksum: migration.checksum, durationMs: Date.now() - started, holder: this.holder },
      ),
    );
    this.logger.info({ migration: migration.name, ms: Date.now() - started }, 'migration applied');
  }

  /** The constraints the bookkeeping itself relies on; safe to run concurrently and repeatedly. */
  private async ensureBookkeepingSchema(): Promise<void> {
    const statements = [
      'CREATE CONSTRAINT migration_version IF NOT EXISTS FOR (m:Migration) REQUIRE m.version IS UNIQUE',
      'CREATE CONSTRAINT migration_lock_name IF NOT EXISTS FOR (l:MigrationLock) REQUIRE l.name IS UNIQUE',
    ];
    for (const statement of statements) {
      await this.retryOnRace(() => this.db.write('migrations.bookkeeping', (tx) => tx.rows(statement)));
    }
  }

  private async acquireLease(): Promise<void> {
    const deadline = Date.now() + LEASE_MS * 2;
    for (;;) {
      const rows = await this.retryOnRace(() =>
        this.db.write('migrations.lease', (tx) =>
          // Take the lease if it is free or expired; MERGE under the unique constraint serialises contenders.
          tx.rows<{ holder: string }>(
            `MERGE (l:MigrationLock {name: 'migrations'})
             WITH l
             WHERE l.holder IS NULL OR l.expiresAt < datetime()
             SET l.holder = $holder, l.expiresAt = datetime() + duration({milliseconds: $leaseMs})
             RETURN l.holder AS holder`,
            { holder: this.holder, leaseMs: LEASE_MS },
          ),
        ),
      );
      if (rows.length === 1) return;
      if (Date.now() > deadline) {
        throw new MigrationError('another instance has held the migration lease for too long; is a migration stuck?');
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  private async releaseLease(): Promise<void> {
    await this.db.write('migrations.release', (tx) =>
      // Give the lease back, but only if we still hold it.
      tx.rows(`MATCH (l:MigrationLock {name: 'migrations'}) WHERE l.holder = $holder REMOVE l.holder, l.expiresAt`, { holder: this.holder }),
    );
  }

  /**
   * Two instances creating the same constraint or lock node at once can see a conflict the first time;
   * the second attempt finds it in place.
   */
  private async retryOnRace<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }
}
