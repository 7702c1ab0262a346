import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { Database } from '../../src/db/database';
import { loadMigrationFiles, MigrationError, Migrator } from '../../src/db/migrator';
import { freePort, LocalNeo4jError, startLocalNeo4j, type LocalNeo4j } from '../../src/local-neo4j/local-neo4j';
import { createLogger } from '../../src/logger';
import { startTestService, type TestService } from '../support/service';

/**
 * These tests need a Neo4j of their own (they stop it, and they fill the migration bookkeeping with test
 * migrations), so they start one instead of using the suite's shared database.
 */
const logger = createLogger('silent');
const small = { heap: '384m', pageCache: '32m', startTimeoutMs: 120_000, logger };

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.fail(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}

describe('a Neo4j of its own', () => {
  const home = tempDir('lineage-own-neo4j-');
  let port: number;
  let neo4j: LocalNeo4j;
  let db: Database;

  before(async () => {
    port = await freePort();
    neo4j = await startLocalNeo4j({ home, boltPort: port, ...small });
    db = Database.connect({ uri: neo4j.uri, user: 'neo4j', password: '', database: 'neo4j', transactionTimeoutMs: 10_000, maxRetryTimeMs: 1_000 }, logger);
  });

  after(async () => {
    await db?.close();
    await neo4j?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  describe('migrations', () => {
    const dir = tempDir('lineage-migrations-');
    fs.writeFileSync(
      path.join(dir, '0001_counter_constraint.cypher'),
      'CREATE CONSTRAINT counter_name IF NOT EXISTS FOR (c:Counter) REQUIRE c.name IS UNIQUE;\n',
    );
    // Each application of 0002 increments the counter: a count above 1 would mean it ran twice.
    fs.writeFileSync(
      path.join(dir, '0002_count_runs.cypher'),
      "MERGE (c:Counter {name: 'runs'}) ON CREATE SET c.n = 1, c.order = ['0002'] ON MATCH SET c.n = c.n + 1, c.order = c.order + '0002';\n",
    );
    // 0003 depends on 0002 having run first.
    fs.writeFileSync(path.join(dir, '0003_after.cypher'), "MATCH (c:Counter {name: 'runs'}) SET c.order = c.order + '0003';\n");

    it('apply once each, in order, even when two instances start at the same time', async () => {
      const files = loadMigrationFiles(dir);
      const [first, second] = await Promise.all([new Migrator(db, files, logger).migrate(), new Migrator(db, files, logger).migrate()]);
      assert.deepEqual([...first, ...second].sort(), [1, 2, 3], 'each migration is applied by exactly one of the two instances');

      const [counter] = await db.read('test', (tx) =>
        tx.rows<{ n: number; order: string[] }>("MATCH (c:Counter {name: 'runs'}) RETURN c.n AS n, c.order AS order"),
      );
      assert.deepEqual(counter, { n: 1, order: ['0002', '0003'] });
      const recorded = await db.read('test', (tx) => tx.rows<{ version: number }>('MATCH (m:Migration) RETURN m.version AS version ORDER BY version'));
      assert.deepEqual(
        recorded.map((r) => r.version),
        [1, 2, 3],
      );

      assert.deepEqual(await new Migrator(db, files, logger).migrate(), [], 'a later start applies nothing');
    });

    it('refuse to start when an applied migration was changed', async () => {
      fs.appendFileSync(path.join(dir, '0002_count_runs.cypher'), '// an innocent-looking edit\n');
      await assert.rejects(
        new Migrator(db, loadMigrationFiles(dir), logger).migrate(),
        (error: unknown) => error instanceof MigrationError && /0002_count_runs.cypher was changed after it was applied/.test(error.message),
      );
    });
  });

  describe('readiness', () => {
    let service: TestService;
    before(async () => {
      // The database already has test migrations (above); give the service a clean store of its own instead.
      await db.write('test', (tx) => tx.rows('MATCH (n) DETACH DELETE n'));
      service = await startTestService({}, neo4j.uri);
    });
    after(async () => service?.stop());

    it('/healthz answers and /readyz is 200 while Neo4j is up', async () => {
      assert.equal((await fetch(`${service.url}/healthz`)).status, 200);
      const ready = await fetch(`${service.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready', ready: true, neo4j: 'up', pendingMigrations: 0 });
      const body = await service.graphql('{ __typename }');
      assert.deepEqual(body, { data: { __typename: 'Query' } });
    });

    it('/readyz turns 503 when Neo4j stops and back to 200 when it returns', async () => {
      await neo4j.stop();
      const down = await fetch(`${service.url}/readyz`);
      assert.equal(down.status, 503);
      assert.equal(((await down.json()) as { neo4j: string }).neo4j, 'down');
      assert.equal((await fetch(`${service.url}/healthz`)).status, 200, 'the process stays up');

      neo4j = await startLocalNeo4j({ home, boltPort: port, ...small });
      await eventually(async () => (await fetch(`${service.url}/readyz`)).status === 200, 30_000, '/readyz to return to 200');
    });
  });

  it('says which port is taken when the Bolt port is in use', async () => {
    const blocker = net.createServer();
    const taken = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)));
    try {
      await assert.rejects(
        startLocalNeo4j({ home: tempDir('lineage-port-'), boltPort: taken, ...small }),
        (error: unknown) =>
          error instanceof LocalNeo4jError &&
          error.message.includes(`127.0.0.1:${taken}`) &&
          /in use/.test(error.message) &&
          /NEO4J_LOCAL_BOLT_PORT/.test(error.message),
      );
    } finally {
      blocker.close();
    }
  });

  it('says Java 17 is needed when no Java can be run', async () => {
    const saved = process.env.JAVA_HOME;
    process.env.JAVA_HOME = '/nonexistent/jdk';
    try {
      await assert.rejects(
        startLocalNeo4j({ home: tempDir('lineage-java-'), boltPort: 0, ...small }),
        (error: unknown) => error instanceof LocalNeo4jError && /Java 17\+ is needed/.test(error.message) && /NEO4J_URI/.test(error.message),
      );
    } finally {
      if (saved === undefined) delete process.env.JAVA_HOME;
      else process.env.JAVA_HOME = saved;
    }
  });

  it('leaves no orphan JVM when the process that started it is killed', async () => {
    const childHome = tempDir('lineage-orphan-');
    const child = spawn(process.execPath, [path.join(__dirname, '..', 'support', 'local-neo4j-child.js'), childHome], { stdio: ['ignore', 'pipe', 'inherit'] });
    const jvmPid = await new Promise<number>((resolve, reject) => {
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        const match = /^JVM_PID (\d+)/.exec(line);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    assert.ok(isAlive(jvmPid));
    child.kill('SIGKILL');
    await eventually(() => !isAlive(jvmPid), 30_000, `JVM ${jvmPid} to exit after its parent was killed`);
    fs.rmSync(childHome, { recursive: true, force: true });
  });
});
