import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { storedRecordHash } from '../../src/audit/audit-hash';
import type { StoredAuditRecord } from '../../src/audit/audit.repository';
import { hasControlCharacters } from '../../src/core/text';
import { PROJECT_ROOT } from '../../src/paths';
import { bearer, createTestKey, hsJwt } from '../support/auth';
import { graphqlCall, httpCall } from '../support/http';
import { runEvent } from '../support/openlineage-events';
import { startTestService, testNeo4jUri, uniqueNamespace, type TestService, removeNamespaces } from '../support/service';

/**
 * Every string an audit record stores must be hashed exactly as Neo4j stores it, whatever the entry point, or
 * `verify` reports the trail broken from that record on (and hides real tampering after it). Hostile strings go
 * in through every door that writes (GraphQL with API keys and JWTs, OpenLineage single and batch, the replay
 * CLI, the keys CLI): half an emoji at a cut, lone surrogates, control characters, bidi overrides, long text.
 * Each is refused with a clear error or stored exactly; then every record of the window is recomputed from what
 * the store holds, and the values the records name are the values stored.
 */
const SECRET = 'audit-strings-test-secret-of-32-bytes!!';
const HOSTILE = [
  'a'.repeat(199) + '😀',
  '😀'.repeat(150),
  'tab\there',
  'line\nbreak',
  'nul\u0000byte',
  'next\u0085line',
  '\u202Eevil.exe',
  '\uFEFFbom',
  'e\u0301 combining',
  '数据集 — مجموعة',
];
const LONE = ['a\uD800', '\uDC00b', 'x\uD83D'];

describe('audit records of hostile strings, through every entry point', () => {
  let service: TestService;
  let writer: Record<string, string>;
  const namespace = uniqueNamespace('audit-strings');
  let firstSeq: number;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-audit-strings-'));

  before(async () => {
    service = await startTestService({ AUTH_JWT_SECRET: SECRET });
    writer = (await createTestKey(service.services, 'writer')).header;
    firstSeq = (await service.services.audit.head()).seq + 1;
  });
  after(async () => {
    if (service) await removeNamespaces(service.db, namespace);
    await service?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const mutation =
    'mutation($ns: String!, $name: String!, $d: String) { registerDataset(input: {namespace: $ns, name: $name, description: $d}) { name description } }';

  it('GraphQL: JWT subjects, names and descriptions are refused or stored exactly', async () => {
    for (const sub of [...HOSTILE, ...LONE]) {
      const token = await hsJwt(SECRET, { sub, role: 'writer' });
      const answer = await graphqlCall(service.url, mutation, { ns: namespace, name: `by-jwt-${randomUUID()}`, d: 'd' }, bearer(token));
      assert.ok(answer.status < 500, answer.text);
      if (answer.status === 200) {
        const viewer = await graphqlCall(service.url, '{ viewer { name } }', undefined, bearer(token));
        assert.ok(viewer.body.data.viewer.name.startsWith('jwt:'), viewer.text);
      } else assert.equal(answer.body.errors[0].extensions.code, 'UNAUTHENTICATED', answer.text);
    }
    for (const text of [...HOSTILE, ...LONE]) {
      for (const variables of [
        { ns: namespace, name: text, d: null },
        { ns: namespace, name: `described-${randomUUID()}`, d: text },
      ]) {
        const answer = await graphqlCall(service.url, mutation, variables, writer);
        assert.ok(answer.status < 500, answer.text);
        const stored = answer.body.data?.registerDataset;
        if (stored) assert.deepEqual(stored, { name: variables.name, description: variables.d }, 'stored exactly');
        else assert.equal(answer.body.errors[0].extensions.code, 'BAD_USER_INPUT', answer.text);
      }
    }
  });

  it('OpenLineage: job names, facet text and error messages cut to their limit are refused or stored exactly', async () => {
    // An error message over its 16,384-character limit is cut: never between the halves of an emoji.
    const failed = runEvent({ namespace, eventType: 'FAIL', job: 'failing' });
    const message = 'xx' + '😀'.repeat(9_000);
    failed.run.facets.errorMessage = {
      _producer: 'https://example.com/p',
      _schemaURL: 'https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json',
      message,
      programmingLanguage: 'python',
    };
    const single = await httpCall(service.url, 'POST', '/api/v1/lineage', { body: failed, headers: writer });
    assert.equal(single.status, 201, single.text);
    const run = await graphqlCall(service.url, 'query($id: String!) { run(runId: $id) { errorMessage } }', { id: failed.run.runId }, writer);
    const stored = run.body.data.run.errorMessage as string;
    assert.ok(message.startsWith(stored.replace(/…$/, '')), 'cut on a code point, the rest kept as sent');

    const events = [...HOSTILE, ...LONE].map((text) => {
      const event = runEvent({ namespace, job: text, output: `out-${randomUUID()}` });
      event.job.facets.documentation = { _producer: 'https://example.com/p', _schemaURL: 'https://example.com/s', description: text };
      return event;
    });
    for (const event of events) {
      const answer = await httpCall(service.url, 'POST', '/api/v1/lineage', { body: event, headers: writer });
      assert.ok([201, 400].includes(answer.status), answer.text);
    }
    const batch = await httpCall(service.url, 'POST', '/api/v1/lineage/batch', {
      body: events.map((event) => ({ ...event, run: { ...event.run, runId: randomUUID() } })),
      headers: writer,
    });
    assert.equal(batch.status, 200, batch.text);
    for (const [index, result] of batch.body.results.entries()) {
      const name = events[index]!.job.name as string;
      if (result.status === 'rejected') continue;
      const job = await graphqlCall(
        service.url,
        'query($ns: String!, $n: String!) { job(namespace: $ns, name: $n) { name } }',
        { ns: namespace, n: name },
        writer,
      );
      assert.deepEqual(job.body.data.job, { name }, `job ${JSON.stringify(name)} stored exactly`);
    }
  });

  it('the replay CLI: a file of hostile events is refused or stored exactly, whatever it holds', async () => {
    // Written as JSON text, so that the lone surrogates arrive as escapes, as a producer's file would carry them.
    const events = [...HOSTILE, ...LONE].map((text) => runEvent({ namespace, job: `cli ${text}`, output: `cli-${randomUUID()}` }));
    fs.writeFileSync(path.join(dir, 'hostile.json'), JSON.stringify(events));
    await promisify(execFile)(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'ingest.js'), dir], {
      env: { ...process.env, NEO4J_URI: testNeo4jUri(), LOG_LEVEL: 'silent' },
    }).catch((error: { code: number }) => assert.equal(error.code, 1, 'rejected events make the CLI exit 1, nothing worse'));
    for (const event of events) {
      const job = await graphqlCall(
        service.url,
        'query($ns: String!, $n: String!) { job(namespace: $ns, name: $n) { name } }',
        { ns: namespace, n: event.job.name },
        writer,
      );
      if (job.body.data?.job) assert.equal(job.body.data.job.name, event.job.name, 'stored exactly');
    }
    const [changed] = await service.db.read('check', (tx) =>
      tx.rows<{ n: number }>(`MATCH (j:Job {namespace: $ns}) WHERE j.name CONTAINS '\uFFFD' RETURN count(j) AS n`, { ns: namespace }),
    );
    assert.equal(changed!.n, 0, 'no name was stored changed (a lone surrogate turned into U+FFFD)');
  });

  it('the keys CLI: an operating-system user name of any kind becomes a storable actor', async () => {
    const name = uniqueNamespace('cli-actor');
    await promisify(execFile)(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'keys.js'), 'create', '--name', name, '--role', 'reader'], {
      env: { ...process.env, NEO4J_URI: testNeo4jUri(), LOG_LEVEL: 'warn', USER: `evil\nuser\u001b[31m${'😀'.repeat(150)}` },
    });
    const [key] = await service.db.read('check', (tx) => tx.rows<{ by: string }>('MATCH (k:ApiKey {name: $name}) RETURN k.createdBy AS by', { name }));
    assert.ok(!hasControlCharacters(key!.by), `no control characters in ${JSON.stringify(key!.by)}`);
    assert.ok(key!.by.startsWith('cli:evil\\u000auser\\u001b[31m'), key!.by);
  });

  it('every record of the window hashes to what the store holds, and the trail verifies', async () => {
    const head = await service.services.audit.head();
    const rows = await service.db.read('window', (tx) =>
      tx.rows<{ record: StoredAuditRecord }>(
        `MATCH (a:AuditRecord) WHERE a.seq >= $from AND a.seq <= $to
         RETURN a { .seq, .at, .actor, .source, .requestId, .operation, .entityIds, .changesJson, .detailsJson, .prevHash, .hash } AS record
         ORDER BY a.seq`,
        { from: firstSeq, to: head.seq },
      ),
    );
    const records = rows.map((row) => row.record);
    assert.ok(records.length > 20, `${records.length} records written`);
    const broken = records
      .filter((record) => storedRecordHash(record) !== record.hash)
      .map((record) => `${record.seq} (${record.operation} by ${JSON.stringify(record.actor).slice(0, 60)})`);
    assert.deepEqual(broken, [], 'records whose stored content no longer matches their hash');
    const actors = new Set(records.map((record) => record.actor));
    assert.ok(actors.has(`jwt:${'a'.repeat(199)}😀`), 'the 200-character subject is the actor, whole');

    // The whole trail too; other suites tamper with it for a moment to test verification, so a break elsewhere
    // is looked at again before it counts.
    let verification = await service.services.audit.verify();
    for (let attempt = 0; !verification.intact && attempt < 5; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      verification = await service.services.audit.verify();
    }
    assert.equal(verification.intact, true, verification.reason ?? '');
  });
});
