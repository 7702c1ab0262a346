import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, type OperationDefinitionNode } from 'graphql';
import { accessFor } from '../../src/auth/access-policy';
import { hasRole, requireRole } from '../../src/auth/principal';
import { ForbiddenError } from '../../src/errors';
import { buildLineageSchema } from '../../src/graphql/schema';
import { requiredAccess } from '../../src/graphql/operation-access';

describe('route access', () => {
  it('leaves only the probes, metrics and the explorer page (which holds no data) open', () => {
    for (const route of ['/healthz', '/readyz', '/metrics', '/explorer', '/explorer/*']) assert.equal(accessFor('GET', route), 'public');
    assert.equal(accessFor('POST', '/graphql'), 'reader');
    assert.equal(accessFor('GET', '/graphql'), 'reader');
    assert.equal(accessFor('GET', '/reports/audit/:subject'), 'reader');
  });

  it('needs a writer to ingest OpenLineage events, on every route under /api/v1/lineage', () => {
    assert.equal(accessFor('POST', '/api/v1/lineage'), 'writer');
    assert.equal(accessFor('POST', '/api/v1/lineage/batch'), 'writer');
    assert.equal(accessFor('PUT', '/api/v1/lineage/anything/:id'), 'writer');
    assert.equal(accessFor('GET', '/api/v1/lineage'), 'reader');
  });

  it('needs authentication where no route matched and on routes no rule names', () => {
    assert.equal(accessFor('GET', undefined), 'reader');
    assert.equal(accessFor('GET', '/admin'), 'reader');
    // A prefix only covers its own path segments.
    assert.equal(accessFor('GET', '/healthzfoo'), 'reader');
    assert.equal(accessFor('POST', '/api/v1/lineagex'), 'reader');
  });
});

describe('roles', () => {
  it('rank reader < writer < admin', () => {
    assert.ok(hasRole({ name: 'a', role: 'admin' }, 'writer'));
    assert.ok(hasRole({ name: 'w', role: 'writer' }, 'reader'));
    assert.ok(!hasRole({ name: 'r', role: 'reader' }, 'writer'));
    assert.throws(
      () => requireRole({ name: 'key:r', role: 'reader' }, 'writer', 'mutation x'),
      (error: unknown) => error instanceof ForbiddenError && /mutation x needs the writer role; key:r has reader/.test(error.message),
    );
  });
});

describe('operation access', async () => {
  const schema = await buildLineageSchema();
  const access = (source: string, name?: string) => {
    const document = parse(source);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && (!name || d.name?.value === name))!;
    return requiredAccess(schema, document, operation);
  };

  it('queries need a reader, mutations a writer', () => {
    assert.equal(access('{ datasets { totalCount } }').role, 'reader');
    assert.equal(access('mutation { registerDataset(input: {namespace: "n", name: "d"}) { id } }').role, 'writer');
  });

  it('fields marked admin need an admin, also inside fragments and next to other fields', () => {
    assert.deepEqual(access('{ apiKeys { name } }'), { role: 'admin', what: 'query field apiKeys' });
    assert.equal(access('query Q { viewer { name } ...F } fragment F on Query { apiKeys { name } }').role, 'admin');
    assert.equal(access('query Q { ... on Query { apiKeys { name } } }').role, 'admin');
    assert.equal(access('mutation { registerDataset(input: {namespace: "n", name: "d"}) { id } revokeApiKey(name: "x") { name } }').role, 'admin');
  });

  it('judge the operation that runs, not the others in the document', () => {
    const document = 'query Mine { viewer { name } } mutation Other { revokeApiKey(name: "x") { name } }';
    assert.equal(access(document, 'Mine').role, 'reader');
    assert.equal(access(document, 'Other').role, 'admin');
  });
});
