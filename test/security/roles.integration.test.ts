import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import { ApiKeyRepository } from '../../src/auth/api-key.repository';
import { ApiKeyService } from '../../src/auth/api-key.service';
import type { Tx } from '../../src/db/database';
import { PROJECT_ROOT } from '../../src/paths';
import { isWellFormed } from '../../src/core/text';
import { bearer, createTestKey, hsJwt, startTestIssuer, type TestIssuer } from '../support/auth';
import { graphqlCall, httpCall, type HttpAnswer } from '../support/http';
import { runEvent } from '../support/openlineage-events';
import { startTestService, testNeo4jUri, uniqueNamespace, type TestService } from '../support/service';

const JWT_SECRET = 'roles-test-shared-secret-32-bytes-long!';

function expectDenied(answer: HttpAnswer, status: 401 | 403, graphql: boolean): void {
  const code = status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN';
  assert.equal(answer.status, status, answer.text);
  if (graphql) {
    assert.equal(answer.body.errors[0].extensions.code, code, answer.text);
    assert.equal(answer.body.data, undefined, 'nothing ran');
  } else {
    assert.equal(answer.body.error.code, code, answer.text);
  }
  assert.ok((graphql ? answer.body.errors[0].message : answer.body.error.message).length > 10, 'the refusal says why');
  if (status === 401) assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="lineage"');
}

describe('roles on every endpoint (API keys)', () => {
  let service: TestService;
  const callers: Record<'none' | 'garbage' | 'unknownKey' | 'reader' | 'writer' | 'admin', Record<string, string>> = {
    none: {},
    garbage: { authorization: 'Basic dXNlcjpwYXNz' },
    unknownKey: bearer('lin_' + 'A'.repeat(43)),
    reader: {},
    writer: {},
    admin: {},
  };
  const names: Record<string, string> = {};

  before(async () => {
    service = await startTestService({ LINEAGE_AUTH: 'on', AUTH_JWT_SECRET: JWT_SECRET });
    for (const role of ['reader', 'writer', 'admin'] as const) {
      const key = await createTestKey(service.services, role);
      callers[role] = key.header;
      names[role] = key.name;
    }
  });
  after(async () => service?.stop());

  const call = (caller: keyof typeof callers, query: string, variables?: Record<string, unknown>) =>
    graphqlCall(service.url, query, variables, callers[caller]);

  it('probes and metrics answer without credentials', async () => {
    for (const route of ['/healthz', '/readyz', '/metrics']) {
      assert.equal((await httpCall(service.url, 'GET', route)).status, 200, route);
    }
  });

  it('GraphQL queries need any valid credentials', async () => {
    for (const caller of ['none', 'garbage', 'unknownKey'] as const) expectDenied(await call(caller, '{ viewer { name } }'), 401, true);
    for (const role of ['reader', 'writer', 'admin'] as const) {
      const answer = await call(role, '{ viewer { name role } }');
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { data: { viewer: { name: `key:${names[role]}`, role } } });
    }
    // Queries over GET too (Apollo asks GET callers for a header against CSRF).
    const get = await httpCall(service.url, 'GET', `/graphql?query=${encodeURIComponent('{ viewer { role } }')}`, {
      headers: { ...callers.reader, 'apollo-require-preflight': '1' },
    });
    assert.deepEqual(get.body, { data: { viewer: { role: 'reader' } } });
    expectDenied(
      await httpCall(service.url, 'GET', `/graphql?query=${encodeURIComponent('{ viewer { role } }')}`, { headers: { 'apollo-require-preflight': '1' } }),
      401,
      true,
    );
  });

  it('audit reports need any valid credentials', async () => {
    // A subject that does not exist: the role is checked before the report is looked for.
    const route = '/reports/audit/Deployment:AAAAAAAAAAAAAAAAAAAAAA.json';
    for (const caller of ['none', 'garbage', 'unknownKey'] as const)
      expectDenied(await httpCall(service.url, 'GET', route, { headers: callers[caller] }), 401, false);
    for (const role of ['reader', 'writer', 'admin'] as const) {
      assert.equal((await httpCall(service.url, 'GET', route, { headers: callers[role] })).status, 404, role);
    }
  });

  it('GraphQL mutations need a writer, and a refused mutation writes nothing', async () => {
    const namespace = uniqueNamespace('roles');
    const mutation = 'mutation($ns: String!) { registerDataset(input: {namespace: $ns, name: "d"}) { namespace } }';
    expectDenied(await call('none', mutation, { ns: namespace }), 401, true);
    expectDenied(await call('reader', mutation, { ns: namespace }), 403, true);
    const [count] = await service.db.read('test', (tx) =>
      tx.rows<{ n: number }>('MATCH (d:Dataset {namespace: $namespace}) RETURN count(d) AS n', { namespace }),
    );
    assert.equal(count!.n, 0);
    for (const role of ['writer', 'admin'] as const) {
      const answer = await call(role, mutation, { ns: `${namespace}-${role}` });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.body.data.registerDataset.namespace, `${namespace}-${role}`);
    }
    await service.db.write('test', (tx) => tx.rows('MATCH (d:Dataset) WHERE d.namespace STARTS WITH $namespace DETACH DELETE d', { namespace }));
  });

  it('API key administration needs an admin', async () => {
    const create = 'mutation($name: String!) { createApiKey(input: {name: $name, role: reader}) { secret key { name role createdBy } } }';
    for (const role of ['reader', 'writer'] as const) {
      expectDenied(await call(role, '{ apiKeys { name } }'), 403, true);
      expectDenied(await call(role, create, { name: uniqueNamespace('denied') }), 403, true);
      expectDenied(await call(role, 'mutation { revokeApiKey(name: "whatever") { name } }'), 403, true);
    }
    const name = uniqueNamespace('made-by-admin');
    const created = await call('admin', create, { name });
    assert.equal(created.status, 200, created.text);
    const { secret, key } = created.body.data.createApiKey;
    assert.deepEqual(key, { name, role: 'reader', createdBy: `key:${names.admin}` });
    assert.match(secret, /^lin_[A-Za-z0-9_-]{43}$/);

    const listed = await call('admin', '{ apiKeys { name role prefix revokedAt } }');
    const entry = listed.body.data.apiKeys.find((k: { name: string }) => k.name === name);
    assert.deepEqual(entry, { name, role: 'reader', prefix: secret.slice(0, 10), revokedAt: null });
    assert.ok(!listed.text.includes(secret), 'the secret is never shown again');

    assert.equal((await graphqlCall(service.url, '{ viewer { name } }', undefined, bearer(secret))).status, 200);
    const revoked = await call('admin', 'mutation($name: String!) { revokeApiKey(name: $name) { name revokedBy } }', { name });
    assert.deepEqual(revoked.body.data.revokeApiKey, { name, revokedBy: `key:${names.admin}` });
    expectDenied(await graphqlCall(service.url, '{ viewer { name } }', undefined, bearer(secret)), 401, true);

    const again = await call('admin', create, { name });
    assert.equal(again.body.errors[0].extensions.code, 'CONFLICT', 'a key name is never reused');
  });

  it('OpenLineage ingestion routes need a writer', async () => {
    const namespaces: string[] = [];
    for (const route of ['/api/v1/lineage', '/api/v1/lineage/batch']) {
      const namespace = uniqueNamespace('roles-ol');
      namespaces.push(`${namespace}-writer`, `${namespace}-admin`);
      const body = route.endsWith('batch') ? [runEvent({ namespace })] : runEvent({ namespace });
      expectDenied(await httpCall(service.url, 'POST', route, { body }), 401, false);
      expectDenied(await httpCall(service.url, 'POST', route, { body, headers: callers.garbage }), 401, false);
      expectDenied(await httpCall(service.url, 'POST', route, { body, headers: callers.reader }), 403, false);
      for (const role of ['writer', 'admin'] as const) {
        const answer = await httpCall(service.url, 'POST', route, {
          body: route.endsWith('batch') ? [runEvent({ namespace: `${namespace}-${role}` })] : runEvent({ namespace: `${namespace}-${role}` }),
          headers: callers[role],
        });
        assert.ok(![401, 403].includes(answer.status), `${role} may ingest on ${route}: ${answer.status} ${answer.text}`);
        // Until the OpenLineage routes exist the answer is 404; afterwards it must be a success.
        if (answer.status !== 404) assert.ok(answer.status >= 200 && answer.status < 300, `${role} on ${route}: ${answer.status} ${answer.text}`);
      }
    }
    await service.db.write('test', (tx) =>
      tx.rows('MATCH (n) WHERE (n:Job OR n:Dataset) AND n.namespace IN $namespaces OPTIONAL MATCH (n)<-[:RUN_OF|VERSION_OF]-(m) DETACH DELETE n, m', {
        namespaces,
      }),
    );
  });

  it('routes that do not exist are not revealed to anonymous callers', async () => {
    expectDenied(await httpCall(service.url, 'GET', '/admin'), 401, false);
    const found = await httpCall(service.url, 'GET', '/admin', { headers: callers.reader });
    assert.equal(found.status, 404);
    assert.equal(found.body.error.code, 'NOT_FOUND');
  });

  it('writes record the key as their actor', async () => {
    const model = uniqueNamespace('actor-model');
    const answer = await call(
      'writer',
      `mutation($model: String!) {
        registerModelVersion(input: {model: $model, version: "1"}) { version }
        deployModel(input: {name: $model, environment: "test", model: $model, version: "1"}) { deployedBy }
      }`,
      { model },
    );
    assert.equal(answer.body.data?.deployModel.deployedBy, `key:${names.writer}`, answer.text);
    await service.db.write('test', (tx) =>
      tx.rows(
        'MATCH (n) WHERE (n:Model AND n.name = $model) OR (n:ModelVersion AND n.modelName = $model) OR (n:Deployment AND n.name = $model) DETACH DELETE n',
        { model },
      ),
    );
  });
});

describe('JWT bearer tokens', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService({ AUTH_JWT_SECRET: JWT_SECRET, AUTH_JWT_AUDIENCE: 'lineage', AUTH_JWT_ISSUER: 'https://idp.test' });
  });
  after(async () => service?.stop());

  const token = (claims: Record<string, unknown>, expiresIn?: string | number | null) =>
    hsJwt(JWT_SECRET, { iss: 'https://idp.test', aud: 'lineage', sub: 'alice@example.com', ...claims }, { expiresIn });

  it('refuse tokens that never expire or claim a validity longer than AUTH_JWT_MAX_LIFETIME_MS (24 h)', async () => {
    const ask = async (jwt: string) => graphqlCall(service.url, '{ viewer { name } }', undefined, bearer(jwt));
    const forever = await ask(await token({ role: 'admin' }, null));
    expectDenied(forever, 401, true);
    assert.match(forever.body.errors[0].message, /no expiry \(exp claim\).*AUTH_JWT_REQUIRE_EXP/);
    const decade = await ask(await token({ role: 'admin' }, '3650d'));
    expectDenied(decade, 401, true);
    assert.match(decade.body.errors[0].message, /longer than the 86400 s .*AUTH_JWT_MAX_LIFETIME_MS/);
    // Without iat the lifetime counts from now.
    const noIat = await new SignJWT({ iss: 'https://idp.test', aud: 'lineage', sub: 'x', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('400d')
      .sign(new TextEncoder().encode(JWT_SECRET));
    expectDenied(await ask(noIat), 401, true);
    const future = await new SignJWT({ iss: 'https://idp.test', aud: 'lineage', sub: 'x', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(Math.floor(Date.now() / 1000) + 3600)
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(JWT_SECRET));
    expectDenied(await ask(future), 401, true);
    // A day is fine.
    assert.equal((await ask(await token({ role: 'reader' }, '23h'))).status, 200);
  });

  it('keep a subject exactly as it is stored, never half a character, and refuse one that is not valid Unicode', async () => {
    const ask = async (sub: string) => graphqlCall(service.url, '{ viewer { name } }', undefined, bearer(await token({ role: 'reader', sub })));
    // 199 + an emoji (two UTF-16 units): exactly the 200 units kept whole.
    const emoji = 'a'.repeat(199) + '😀';
    assert.deepEqual((await ask(emoji)).body, { data: { viewer: { name: `jwt:${emoji}` } } });
    // Longer: the start, cut on a code point, and a digest of the whole, so two long subjects stay two principals.
    const long = (tail: string) => 'b'.repeat(180) + '😀'.repeat(20) + tail;
    const one = (await ask(long('1'))).body.data.viewer.name as string;
    const two = (await ask(long('2'))).body.data.viewer.name as string;
    assert.notEqual(one, two);
    assert.ok(Array.from(one).length <= 204 && isWellFormed(one), one);
    for (const sub of ['a\ud800b', 'tab\there', 'line\nbreak']) {
      const answer = await ask(sub);
      expectDenied(answer, 401, true);
      assert.match(answer.body.errors[0].message, /JWT subject/);
    }
  });

  it('take the subject as the principal and the role from the role claim', async () => {
    const writer = await graphqlCall(service.url, '{ viewer { name role } }', undefined, bearer(await token({ role: 'writer' })));
    assert.deepEqual(writer.body, { data: { viewer: { name: 'jwt:alice@example.com', role: 'writer' } } });
    // A list of roles (as identity providers send groups): the highest known one wins.
    const listed = await graphqlCall(service.url, '{ viewer { role } }', undefined, bearer(await token({ role: ['staff', 'reader', 'admin'] })));
    assert.deepEqual(listed.body, { data: { viewer: { role: 'admin' } } });
  });

  it('refuse expired, forged, foreign and role-less tokens', async () => {
    const ask = async (jwt: string) => graphqlCall(service.url, '{ viewer { name } }', undefined, bearer(jwt));
    const expired = await ask(await token({ role: 'reader' }, Math.floor(Date.now() / 1000) - 3600));
    expectDenied(expired, 401, true);
    assert.match(expired.body.errors[0].message, /expired/);
    expectDenied(
      await ask(await hsJwt('another-secret-that-is-32-bytes-long!!', { iss: 'https://idp.test', aud: 'lineage', sub: 'mallory', role: 'admin' })),
      401,
      true,
    );
    expectDenied(await ask(await token({ role: 'reader', aud: 'someone-else' })), 401, true);
    expectDenied(await ask(await token({ role: 'reader', iss: 'https://evil.test' })), 401, true);
    expectDenied(await ask(await token({ role: 'reader', sub: undefined })), 401, true);
    // Unsigned (alg none) tokens are never accepted.
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iss: 'https://idp.test', aud: 'lineage', sub: 'x', role: 'admin', exp: 9999999999 })).toString('base64url');
    expectDenied(await ask(`${header}.${payload}.`), 401, true);
    const roleless = await ask(await token({}));
    expectDenied(roleless, 403, true);
    assert.match(roleless.body.errors[0].message, /has no lineage role: its claim role names none of reader, writer, admin/);
  });

  it('a reader token cannot mutate', async () => {
    expectDenied(
      await graphqlCall(service.url, 'mutation { registerModel(input: {name: "m"}) { name } }', undefined, bearer(await token({ role: 'reader' }))),
      403,
      true,
    );
  });
});

describe('JWT keys from a JWKS URL', () => {
  let issuer: TestIssuer;
  let service: TestService;
  before(async () => {
    issuer = await startTestIssuer();
    service = await startTestService({ AUTH_JWKS_URL: issuer.jwksUrl, AUTH_JWT_ROLE_CLAIM: 'lineage_role', AUTH_JWT_DEFAULT_ROLE: 'reader' });
  });
  after(async () => {
    await service?.stop();
    await issuer?.close().catch(() => undefined);
  });

  it('verify tokens signed by the identity provider, with a default role', async () => {
    const writer = await graphqlCall(
      service.url,
      '{ viewer { name role } }',
      undefined,
      bearer(await issuer.sign({ sub: 'svc-airflow', lineage_role: 'writer' })),
    );
    assert.deepEqual(writer.body, { data: { viewer: { name: 'jwt:svc-airflow', role: 'writer' } } });
    const plain = await graphqlCall(service.url, '{ viewer { role } }', undefined, bearer(await issuer.sign({ sub: 'bob' })));
    assert.deepEqual(plain.body, { data: { viewer: { role: 'reader' } } });
    // An HMAC token cannot pass for one of the provider's.
    expectDenied(
      await graphqlCall(service.url, '{ viewer { role } }', undefined, bearer(await hsJwt(JWT_SECRET, { sub: 'x', lineage_role: 'admin' }))),
      401,
      true,
    );
  });

  it('refuse a token signed with a key the provider does not publish', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ sub: 'mallory', lineage_role: 'admin' })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setExpirationTime('5m')
      .sign(privateKey);
    expectDenied(await graphqlCall(service.url, '{ viewer { role } }', undefined, bearer(forged)), 401, true);
    const unknownKid = await new SignJWT({ sub: 'mallory' }).setProtectedHeader({ alg: 'RS256', kid: 'rotated-key' }).setExpirationTime('5m').sign(privateKey);
    expectDenied(await graphqlCall(service.url, '{ viewer { role } }', undefined, bearer(unknownKid)), 401, true);
  });
});

describe('JWT keys from an identity provider that cannot be reached', () => {
  let issuer: TestIssuer;
  let service: TestService;
  before(async () => {
    issuer = await startTestIssuer();
    await issuer.close();
    service = await startTestService({ AUTH_JWKS_URL: issuer.jwksUrl });
  });
  after(async () => service?.stop());

  it('answer 503 (retry later), not 401', async () => {
    const answer = await graphqlCall(service.url, '{ viewer { role } }', undefined, bearer(await issuer.sign({ sub: 'carol', role: 'reader' })));
    assert.equal(answer.status, 503, answer.text);
    assert.equal(answer.body.errors[0].extensions.code, 'SERVICE_UNAVAILABLE');
    assert.equal(answer.headers.get('retry-after'), '1');
  });
});

describe('npm run keys', () => {
  const cli = path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'keys.js');
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, [cli, ...args], { env: { ...process.env, NEO4J_URI: testNeo4jUri(), LOG_LEVEL: 'warn' } });
  let service: TestService;
  before(async () => {
    // No key cache: a revocation by the CLI (another process) takes effect at the next request.
    service = await startTestService({ LINEAGE_AUTH: 'on', AUTH_KEY_CACHE_MS: '0' });
  });
  after(async () => service?.stop());

  it('creates a key whose secret is shown once, lists it, and revokes it', async () => {
    const name = uniqueNamespace('cli');
    const created = await run('create', '--name', name, '--role', 'writer');
    const secret = /^(lin_\S+)$/m.exec(created.stdout)?.[1];
    assert.ok(secret, created.stdout);
    const viewer = await graphqlCall(service.url, '{ viewer { name role } }', undefined, bearer(secret));
    assert.deepEqual(viewer.body, { data: { viewer: { name: `key:${name}`, role: 'writer' } } });

    const listed = await run('list');
    const line = listed.stdout.split('\n').find((l) => l.startsWith(name));
    assert.match(line ?? '', new RegExp(`^${name}\\s+writer\\s+${secret.slice(0, 10)}…\\s+\\S+\\s+cli:\\S+\\s+active$`));
    assert.ok(!listed.stdout.includes(secret));

    const revoked = await run('revoke', name);
    assert.match(revoked.stdout, new RegExp(`revoked API key ${name} at `));
    expectDenied(await graphqlCall(service.url, '{ viewer { name } }', undefined, bearer(secret)), 401, true);
    const all = await run('list', '--all');
    assert.match(all.stdout.split('\n').find((l) => l.startsWith(name)) ?? '', /revoked \S+$/);
  });

  it('says what is wrong with a bad command line', async () => {
    await assert.rejects(
      run('create', '--name', 'x'),
      (error: { code: number; stderr: string }) => error.code === 2 && /--role is required/.test(error.stderr),
    );
    await assert.rejects(
      run('create', '--name', 'bad name', '--role', 'reader'),
      (error: { code: number; stderr: string }) => error.code === 1 && /an API key name is/.test(error.stderr),
    );
    await assert.rejects(
      run('revoke', uniqueNamespace('nobody')),
      (error: { code: number; stderr: string }) => error.code === 1 && /API key .* does not exist/.test(error.stderr),
    );
  });
});

describe('API key revocation', () => {
  let service: TestService;
  before(async () => {
    // The defaults: answers cached for 30 s, revocations checked every second.
    service = await startTestService({ LINEAGE_AUTH: 'on' });
  });
  after(async () => service?.stop());

  /** Holds each key lookup, after it read the database, until the test lets it go. */
  class HeldLookups extends ApiKeyRepository {
    private hold: { reached: () => void; release: Promise<void> } | null = null;

    arm(): { reached: Promise<void>; release: () => void } {
      let reached!: () => void;
      let release!: () => void;
      const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
      this.hold = { reached, release: new Promise<void>((resolve) => (release = resolve)) };
      return { reached: reachedPromise, release };
    }

    override async findActiveByHash(tx: Tx, hash: string) {
      const found = await super.findActiveByHash(tx, hash);
      const hold = this.hold;
      if (hold) {
        this.hold = null;
        hold.reached();
        await hold.release;
      }
      return found;
    }
  }

  it('a lookup in flight when the key is revoked cannot bring it back: refused at once on this instance', async () => {
    const lookups = new HeldLookups();
    const keys = new ApiKeyService(service.db, service.services.audit, { cacheMs: 30_000, revocationCheckMs: 1_000 }, lookups);
    const {
      key: { name },
      secret,
    } = await keys.createKey({ actor: 'test', source: 'cli' }, { name: uniqueNamespace('race'), role: 'writer' });
    const held = lookups.arm();
    // Read before the revocation commits, answered after it cleared the cache.
    const inFlight = keys.authenticate(secret);
    await held.reached;
    await keys.revokeKey({ actor: 'test', source: 'cli' }, name);
    held.release();
    await inFlight;
    assert.equal(await keys.authenticate(secret), null, 'a revoked key is refused from the moment revokeKey returned');
    assert.equal(await keys.authenticate(secret), null);
  });

  it('another instance refuses it within AUTH_REVOCATION_CHECK_MS, though it cached the key for AUTH_KEY_CACHE_MS', async () => {
    let now = Date.now();
    const settings = { cacheMs: 30_000, revocationCheckMs: 1_000 };
    const here = new ApiKeyService(service.db, service.services.audit, settings, undefined, () => now);
    const elsewhere = new ApiKeyService(service.db, service.services.audit, settings);
    const {
      key: { name },
      secret,
    } = await elsewhere.createKey({ actor: 'test', source: 'cli' }, { name: uniqueNamespace('elsewhere'), role: 'reader' });
    assert.equal((await here.authenticate(secret))?.name, `key:${name}`, 'cached here');
    await elsewhere.revokeKey({ actor: 'test', source: 'cli' }, name);
    now += settings.revocationCheckMs;
    assert.equal(await here.authenticate(secret), null, 'refused here one check interval later, 29 s before its cache entry expires');
  });

  it('npm run keys -- revoke says when running services refuse the key, and they do', async () => {
    const key = await createTestKey(service.services, 'reader', 'cli-revoked');
    assert.equal((await graphqlCall(service.url, '{ viewer { name } }', undefined, key.header)).status, 200, 'the service cached the key');
    const cli = path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'keys.js');
    const revoked = await promisify(execFile)(process.execPath, [cli, 'revoke', key.name], {
      env: { ...process.env, NEO4J_URI: testNeo4jUri(), LOG_LEVEL: 'warn' },
    });
    assert.match(revoked.stdout, /Running services refuse it within 1000 ms \(AUTH_REVOCATION_CHECK_MS\)/);
    // The bound is a second; the deadline only keeps a broken service from hanging the suite (the cache holds 30 s).
    const deadline = Date.now() + 20_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await graphqlCall(service.url, '{ viewer { name } }', undefined, key.header)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(status, 401, 'the running service refuses the key revoked by another process');
  });
});
