import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readAnchors } from '../../src/audit/audit-anchor';
import { storedRecordHash } from '../../src/audit/audit-hash';
import type { StoredAuditRecord } from '../../src/audit/audit.repository';
import { Database } from '../../src/db/database';
import { PROJECT_ROOT } from '../../src/paths';
import { freePort } from '../../src/local-neo4j/local-neo4j';
import { createLogger } from '../../src/logger';
import { graphqlCall, httpCall } from '../support/http';
import { runEvent } from '../support/openlineage-events';
import { uniqueNamespace } from '../support/service';
import { startServiceProcess, type ServiceProcess } from '../support/service-process';

/**
 * Chaos: the real process (`npm start` without NEO4J_URI, so with its own local Neo4j) under OpenLineage ingestion
 * load, and its Neo4j JVM killed with SIGKILL. The service notices, logs it, restarts Neo4j on the same port and
 * store, and recovers by itself; every event it acknowledged (201, or accepted in a batch) is in the graph; the
 * audit trail verifies. When Neo4j cannot be restarted (its port taken), liveness says so, and recovers with it.
 * Kills only the processes it started, by pid.
 */

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
}

/**
 * Listens on the port as soon as it is free (a killed process lets it go a moment later), within `withinMs`, so
 * that the supervisor's check that the port is free fails. Every connection it gets (the service's driver, trying
 * the old address) is closed at once: an open one would keep `close()` from ever finishing, and the test with it.
 */
async function squat(port: number, withinMs: number): Promise<net.Server> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const server = net.createServer((socket) => socket.destroy());
    try {
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
      return server;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`port ${port} still taken ${withinMs} ms after the kill`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

const AUDIT_KEY = 'crash-test-audit-key-of-at-least-32-bytes';

const isExit = (pid: number) => (line: Record<string, any>) => line.pid === pid && String(line.msg).startsWith('the local Neo4j exited unexpectedly');

describe('the local Neo4j killed under ingestion load', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-crash-neo4j-'));
  const anchorFile = path.join(home, 'audit-anchors.jsonl');
  const namespace = uniqueNamespace('crash');
  let boltPort: number;
  let service: ServiceProcess;
  let jvmPid: number;

  before(async () => {
    boltPort = await freePort();
    service = await startServiceProcess(
      {
        NEO4J_URI: undefined,
        NEO4J_LOCAL_HOME: home,
        NEO4J_LOCAL_BOLT_PORT: String(boltPort),
        NEO4J_LOCAL_HEAP: '384m',
        NEO4J_LOCAL_PAGECACHE: '64m',
        // Long enough for the second test to take the port between the kill and the first restart.
        NEO4J_LOCAL_RESTART_BACKOFF_MS: '3000',
        NEO4J_LOCAL_RESTART_ATTEMPTS: '2',
        // A busy machine takes minutes to start a JVM: a restart that times out is no test of the supervisor.
        NEO4J_LOCAL_START_TIMEOUT_MS: '900000',
        AUDIT_HMAC_KEY: AUDIT_KEY,
        AUDIT_ANCHOR_FILE: anchorFile,
        AUDIT_ANCHOR_INTERVAL_MS: '500',
      },
      // Start-up plans every statement against a cold store: minutes on a machine shared with other suites.
      1_500_000,
    );
    jvmPid = (await service.waitForLog((line) => line.msg === 'local Neo4j is ready', 'local Neo4j is ready')).pid;
  });
  after(async () => {
    if (service && service.child.exitCode === null) {
      // SIGTERM stops the service, then its Neo4j; a process that does not stop is killed (its JVM then stops
      // when its stdin closes).
      service.child.kill('SIGTERM');
      const stopped = await Promise.race([service.exited.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 90_000))]);
      if (!stopped) service.child.kill('SIGKILL');
    }
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('restarts it by itself, loses nothing it acknowledged, and the audit trail verifies', async (t) => {
    const acknowledged = new Set<string>();
    const statuses = new Map<number, number>();
    let running = true;
    let sent = 0;
    const lastRefusals: string[] = [];
    // Every answer that is neither a success nor a 503 to retry, with its body: the failure names its cause.
    const unexpected: string[] = [];
    const note = (status: number, text = '') => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status !== 200 && status !== 201) lastRefusals.splice(0, lastRefusals.length >= 5 ? 1 : 0, `${status} ${text.slice(0, 200)}`);
      if (![200, 201, 503, 0].includes(status) && unexpected.length < 10) unexpected.push(`${status} ${text.slice(0, 400)}`);
    };
    // What the service answered and logged lately, for a wait that times out on a busy machine.
    const progress = (what: string) => () =>
      `${what}; ${acknowledged.size} acknowledged, answers ${JSON.stringify(Object.fromEntries(statuses))}, last refusals ${JSON.stringify(lastRefusals)}, ` +
      `last log lines ${JSON.stringify(service.lines.slice(-15).map((line) => line.msg))}`;
    const single = async () => {
      while (running) {
        sent += 1;
        try {
          const answer = await httpCall(service.url, 'POST', '/api/v1/lineage', { body: runEvent({ namespace, input: 'source', output: `out-${sent}` }) });
          note(answer.status, answer.text);
          if (answer.status === 201) acknowledged.add(answer.body.eventId);
        } catch (error) {
          note(0, String(error));
        }
      }
    };
    const batch = async () => {
      while (running) {
        const events = Array.from({ length: 10 }, () => runEvent({ namespace, input: 'source', output: `batched-${(sent += 1)}` }));
        try {
          const answer = await httpCall(service.url, 'POST', '/api/v1/lineage/batch', { body: events });
          note(answer.status, answer.text);
          if (answer.status === 200) {
            for (const result of answer.body.results) if (result.status !== 'rejected') acknowledged.add(result.eventId);
          }
        } catch (error) {
          note(0, String(error));
        }
      }
    };
    const clients = [single(), single(), single(), batch()];
    await eventually(() => acknowledged.size >= 40, 300_000, progress('40 acknowledged events before the kill'));
    const beforeKill = acknowledged.size;

    process.kill(jvmPid, 'SIGKILL');
    await service.waitForLog(isExit(jvmPid), 'that the local Neo4j died', 60_000);
    const restarted = await service.waitForLog((line) => line.msg === 'the local Neo4j was restarted', 'that it was restarted', 600_000);
    jvmPid = restarted.pid;
    // The new JVM plans every statement again (the service rehearses its writes once more): minutes on a busy machine.
    await eventually(() => acknowledged.size >= beforeKill + 40, 900_000, progress('40 more acknowledged events after the restart'));
    await eventually(
      () => service.lines.filter((line) => line.msg === 'query plans warmed up').length >= 2,
      600_000,
      'the writes to be rehearsed again after the restart',
    );
    running = false;
    await Promise.all(clients);
    t.diagnostic(`answers by status: ${JSON.stringify(Object.fromEntries(statuses))}; ${acknowledged.size} events acknowledged`);

    // While Neo4j was gone requests were refused with 503 (retry), never a 500.
    assert.deepEqual(
      [...statuses.keys()].filter((status) => ![200, 201, 503, 0].includes(status)),
      [],
      `unexpected answers: ${JSON.stringify(Object.fromEntries(statuses))}: ${unexpected.join(' | ')}; errors logged: ${JSON.stringify(
        service.lines
          // The driver's own error lines (a connection refused) are expected here; the service's are not.
          .filter((line) => line.level >= 50 && line.msg !== 'neo4j driver')
          .slice(0, 10)
          .map((line) => ({ msg: line.msg, transaction: line.transaction, code: line.err?.code, message: String(line.err?.message ?? '').slice(0, 300) })),
      )}`,
    );
    assert.equal((await httpCall(service.url, 'GET', '/healthz')).status, 200);
    assert.equal((await httpCall(service.url, 'GET', '/readyz')).status, 200);

    const db = Database.connect(
      { uri: `bolt://127.0.0.1:${boltPort}`, user: 'neo4j', password: '', database: 'neo4j', transactionTimeoutMs: 60_000 },
      createLogger('silent'),
    );
    try {
      const [stored] = await db.read('check', (tx) =>
        tx.rows<{ n: number }>('MATCH (e:LineageEvent) WHERE e.id IN $ids RETURN count(e) AS n', { ids: [...acknowledged] }),
      );
      assert.equal(stored!.n, acknowledged.size, 'every acknowledged event is in the graph');
    } finally {
      await db.close();
    }
    const verified = await graphqlCall(service.url, '{ verifyAuditTrail { intact count reason } }');
    assert.equal(verified.body.data?.verifyAuditTrail.intact, true, verified.text);
    assert.ok(verified.body.data.verifyAuditTrail.count >= acknowledged.size, verified.text);
  });

  it('says it is not alive while Neo4j cannot be restarted, and recovers when it can', async () => {
    process.kill(jvmPid, 'SIGKILL');
    // Its port taken as soon as the dead JVM lets it go, before the supervisor's first restart (after
    // NEO4J_LOCAL_RESTART_BACKOFF_MS): every restart fails, until the port is free again.
    const squatter = await squat(boltPort, 2_500);
    await service.waitForLog(isExit(jvmPid), 'that the local Neo4j died', 60_000);
    try {
      await eventually(async () => (await httpCall(service.url, 'GET', '/healthz')).status === 503, 180_000, '/healthz to fail');
      const health = await httpCall(service.url, 'GET', '/healthz');
      assert.equal(health.body.status, 'failing');
      assert.match(health.body.reason, /local Neo4j .*NEO4J_LOCAL_RESTART_ATTEMPTS/);
      assert.equal((await httpCall(service.url, 'GET', '/readyz')).status, 503);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    const restarted = await service.waitForLog((line) => line.msg === 'the local Neo4j was restarted' && line.pid !== jvmPid, 'that it was restarted', 600_000);
    jvmPid = restarted.pid;
    await eventually(async () => (await httpCall(service.url, 'GET', '/healthz')).status === 200, 60_000, '/healthz to recover');
    await eventually(async () => (await httpCall(service.url, 'GET', '/readyz')).status === 200, 120_000, '/readyz to recover');
    // As a producer does: a 503 (the restarted JVM compiles its plans again; a write may run out of time) is retried.
    const event = runEvent({ namespace, output: 'after-recovery' });
    let write = await httpCall(service.url, 'POST', '/api/v1/lineage', { body: event });
    for (const deadline = Date.now() + 180_000; write.status === 503 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      write = await httpCall(service.url, 'POST', '/api/v1/lineage', { body: event });
    }
    assert.equal(write.status, 201, write.text);
  });

  it('anchors the audit chain outside the store: a rewritten or cut chain is found with the key and the anchor file', async () => {
    const uri = `bolt://127.0.0.1:${boltPort}`;
    const verify = (env: Record<string, string>) => {
      const environment: NodeJS.ProcessEnv = { ...process.env, NEO4J_URI: uri, LOG_LEVEL: 'warn' };
      delete environment.AUDIT_HMAC_KEY;
      delete environment.AUDIT_ANCHOR_FILE;
      return promisify(execFile)(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'audit.js'), 'verify'], {
        env: { ...environment, ...env },
      }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      );
    };
    const anchors = () => (fs.existsSync(anchorFile) ? readAnchors(anchorFile) : []);
    const db = Database.connect({ uri, user: 'neo4j', password: '', database: 'neo4j', transactionTimeoutMs: 60_000 }, createLogger('silent'));
    try {
      const head = async () =>
        (
          await db.read('head', (tx) =>
            tx.rows<{ seq: number; hash: string; mac: string }>(`MATCH (h:AuditHead) RETURN h.seq AS seq, h.hash AS hash, h.mac AS mac`),
          )
        )[0]!;
      const current = await head();
      await eventually(() => anchors().some((anchor) => anchor.seq === current.seq), 60_000, 'the head to be published to AUDIT_ANCHOR_FILE');
      const keyed = { AUDIT_HMAC_KEY: AUDIT_KEY, AUDIT_ANCHOR_FILE: anchorFile };
      const intact = await verify(keyed);
      assert.equal(intact.code, 0, intact.stdout);
      assert.match(intact.stdout, /audit trail intact: \d+ records, head [0-9a-f]{64} \(head signature valid, \d+ anchors on the chain\)/);

      // Someone with write access to the store rewrites the last record and its hash, and the head: a consistent chain.
      const [last] = await db.read('last', (tx) =>
        tx.rows<StoredAuditRecord>(
          `MATCH (a:AuditRecord {seq: $seq}) RETURN a.seq AS seq, a.at AS at, a.actor AS actor, a.source AS source, a.requestId AS requestId,
                  a.operation AS operation, a.entityIds AS entityIds, a.changesJson AS changesJson, a.detailsJson AS detailsJson,
                  a.prevHash AS prevHash, a.hash AS hash`,
          { seq: current.seq },
        ),
      );
      const forged = storedRecordHash({ ...last!, actor: 'mallory' });
      const rewrite = (actor: string, hash: string) =>
        db.write('tamper', (tx) =>
          tx.rows(`MATCH (a:AuditRecord {seq: $seq}) SET a.actor = $actor, a.hash = $hash WITH a MATCH (h:AuditHead) SET h.hash = $hash`, {
            seq: last!.seq,
            actor,
            hash,
          }),
        );
      await rewrite('mallory', forged);
      try {
        assert.equal((await verify({})).code, 0, 'without the key, a consistent rewrite looks intact: the weakness the anchors close');
        const refused = await verify(keyed);
        assert.equal(refused.code, 3, refused.stdout);
        assert.match(refused.stdout, /signature does not match \(AUDIT_HMAC_KEY\)/);
      } finally {
        await rewrite(last!.actor, last!.hash);
      }
      assert.equal((await verify(keyed)).code, 0);

      // Cut back to an older head, its genuine signature kept: only the anchors published since can tell.
      const older = await head();
      for (let i = 0; i < 2; i++) {
        const write = await httpCall(service.url, 'POST', '/api/v1/lineage', { body: runEvent({ namespace, output: `anchored-${i}` }) });
        assert.equal(write.status, 201, write.text);
      }
      const newest = await head();
      await eventually(() => anchors().some((anchor) => anchor.seq === newest.seq), 60_000, 'the newer head to be published');
      await db.write('cut', (tx) =>
        tx.rows(
          `MATCH (a:AuditRecord) WHERE a.seq > $seq DETACH DELETE a
           WITH count(*) AS removed
           MATCH (h:AuditHead) SET h.seq = $seq, h.hash = $hash, h.mac = $mac`,
          older,
        ),
      );
      assert.equal((await verify({ AUDIT_HMAC_KEY: AUDIT_KEY })).code, 0, 'the replayed head carries a valid signature');
      const cut = await verify(keyed);
      assert.equal(cut.code, 3, cut.stdout);
      // The first anchor past the cut is named: the head after either write may have been published.
      const named = new RegExp(`anchor (\\d+) is beyond the chain head \\(${older.seq}\\): records after ${older.seq} were removed`).exec(cut.stdout);
      assert.ok(named && Number(named[1]) > older.seq && Number(named[1]) <= newest.seq, cut.stdout);
      // The service does not publish a head that went back.
      await eventually(() => service.lines.some((line) => /the audit chain head went back/.test(String(line.msg))), 30_000, 'the rewound head to be logged');
    } finally {
      await db.close();
    }
  });
});
