import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, type OperationDefinitionNode } from 'graphql';
import { LimitExceededError } from '../../src/errors';
import { buildLineageSchema } from '../../src/graphql/schema';
import { checkOperationLimits, LIST_ESTIMATE, measureOperation } from '../../src/graphql/operation-limits';
import { DEFAULT_LIMITS, type Limits } from '../../src/limits';

describe('GraphQL operation limits', async () => {
  const schema = await buildLineageSchema();
  const operationOf = (source: string) => {
    const document = parse(source);
    return { document, operation: document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')! };
  };
  const measure = (source: string, variables?: Record<string, unknown>) => {
    const { document, operation } = operationOf(source);
    return measureOperation(schema, document, operation, variables, {
      defaultPageSize: 20,
      traversal: DEFAULT_LIMITS.traversal,
      stopAt: { depth: 1000, cost: 1e9, aliases: 1000 },
    });
  };
  const check = (source: string, limits: Partial<Limits['graphql']>, variables?: Record<string, unknown>) => {
    const { document, operation } = operationOf(source);
    return checkOperationLimits(schema, document, operation, variables, {
      page: DEFAULT_LIMITS.page,
      traversal: DEFAULT_LIMITS.traversal,
      graphql: { ...DEFAULT_LIMITS.graphql, ...limits },
    });
  };
  const refusedFor = (limit: string) => (error: unknown) =>
    error instanceof LimitExceededError && error.extensions.limit === limit && error.message.includes(`(limit: ${limit})`);

  it('measure depth through fragments and inline fragments, ignoring introspection', () => {
    assert.equal(measure('{ serviceInfo { version } }').depth, 2);
    assert.equal(measure('{ run(runId: "r") { parent { parent { runId } } } }').depth, 4);
    assert.equal(measure('{ run(runId: "r") { ...P } } fragment P on Run { parent { ... on Run { parent { runId } } } }').depth, 4);
    assert.equal(measure('{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }').depth, 0);
  });

  it('count aliases, each time a fragment is used', () => {
    assert.equal(measure('{ a: viewer { name } b: viewer { n: name } }').aliases, 3);
    assert.equal(measure('{ ...F x: viewer { ...G } } fragment F on Query { y: viewer { name } } fragment G on Viewer { z: name }').aliases, 3);
  });

  it('cost objects: connections by page size, id lists by length, other lists by an estimate', () => {
    // datasets: 1 connection + 20 nodes (default page size).
    assert.equal(measure('{ datasets { nodes { name } } }').cost, 1 + 20);
    assert.equal(measure('{ datasets(first: 5) { nodes { name } edges { cursor } } }').cost, 1 + 5 + 5);
    assert.equal(measure('query($n: Int) { datasets(first: $n) { nodes { name } } }', { n: 50 }).cost, 51);
    // Nested: every dataset's versions page, of 3 each.
    assert.equal(measure('{ datasets(first: 4) { nodes { versions(first: 3) { nodes { version } } } } }').cost, 1 + 4 * (1 + 1 + 3));
    assert.equal(measure('{ nodes(ids: ["a", "b", "c"]) { id } }').cost, 3);
    assert.equal(measure('{ run(runId: "r") { inputs { name } } }').cost, 1 + LIST_ESTIMATE);
    assert.equal(measure('{ serviceInfo { version } }').cost, 1);
  });

  it('refuse an operation over each limit, naming the limit', () => {
    assert.throws(() => check('{ run(runId: "r") { parent { parent { runId } } } }', { maxDepth: 3 }), refusedFor('LIMIT_GRAPHQL_DEPTH'));
    assert.throws(() => check('{ a: viewer { name } b: viewer { name } }', { maxAliases: 1 }), refusedFor('LIMIT_GRAPHQL_ALIASES'));
    // 10,201 objects, twice.
    const hundredByHundred = 'datasets(first: 100) { nodes { versions(first: 100) { nodes { version } } } }';
    assert.throws(() => check(`{ a: ${hundredByHundred} b: ${hundredByHundred} }`, {}), refusedFor('LIMIT_GRAPHQL_COST'));
    assert.throws(() => check(`{ ${hundredByHundred} }`, { maxCost: 10_000 }), refusedFor('LIMIT_GRAPHQL_COST'));
    assert.doesNotThrow(() => check('{ datasets(first: 100) { nodes { versions(first: 10) { nodes { version } } } } }', {}));
  });

  it('cost a traversal the nodes it may visit: its maxNodes, or the default budget', () => {
    const from = '"DatasetVersion:AAAAAAAAAAAAAAAAAAAAAA"';
    // 1 answer + 10 nodes (a list of unknown size) + the walk of 5,000 nodes.
    assert.equal(measure(`{ impact(from: ${from}, maxNodes: 5000) { nodes { id } } }`).cost, 1 + LIST_ESTIMATE + 5_000);
    assert.equal(measure(`query($n: Int) { provenance(from: ${from}, maxNodes: $n) { truncated } }`, { n: 300 }).cost, 1 + 300);
    // Without maxNodes: the default budget of the question (1,000; 100 for the explorer graph).
    assert.equal(measure(`{ impact(from: ${from}) { truncated } }`).cost, 1 + 1_000);
    assert.equal(measure(`{ lineageGraph(from: ${from}) { truncated } }`).cost, 1 + 100);
    assert.equal(measure(`{ reproductionRecipe(modelVersion: "ModelVersion:AAAAAAAAAAAAAAAAAAAAAA") { complete } }`).cost, 1 + 1_000);
    // The largest budget LIMIT_TRAVERSAL_NODES allows fits under the default cost limit; thirty of them do not.
    assert.doesNotThrow(() => check(`{ impact(from: ${from}, maxNodes: 10000) { nodes { id kind } edges { type } } }`, {}));
    const aliased = Array.from({ length: 30 }, (_, i) => `i${i}: impact(from: ${from}, maxNodes: 10000) { truncated }`).join(' ');
    assert.throws(() => check(`{ ${aliased} }`, {}), refusedFor('LIMIT_GRAPHQL_COST'));
    const defaults = Array.from({ length: 30 }, (_, i) => `i${i}: impact(from: ${from}) { truncated }`).join(' ');
    assert.throws(() => check(`{ ${defaults} }`, {}), refusedFor('LIMIT_GRAPHQL_COST'));
  });

  it("cost an entity's question its node budget for each entity that asks it", () => {
    // The connection, then per dataset: itself, its answer, 10 nodes (a list of unknown size), a walk of 1,000 nodes.
    assert.equal(measure(`{ datasets(first: 10) { nodes { impact { nodes { id } } } } }`).cost, 1 + 10 * (1 + 1 + LIST_ESTIMATE + 1_000));
    assert.doesNotThrow(() => check(`{ datasets(first: 10) { nodes { impact { nodes { label } } } } }`, {}));
    assert.throws(() => check(`{ datasets(first: 100) { nodes { impact { nodes { label } } } } }`, {}), refusedFor('LIMIT_GRAPHQL_COST'));
    // A smaller budget asked for is a smaller cost.
    assert.doesNotThrow(() => check(`{ datasets(first: 100) { nodes { impact(maxNodes: 50) { truncated } } } }`, {}));
  });

  it('stop measuring a document whose fragments expand exponentially', () => {
    // Each fragment spreads the next twice: 2^30 selections once expanded.
    const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const source = `{ ...F0 }\n${fragments}\nfragment F30 on Query { serviceInfo { version } }`;
    assert.throws(() => check(source, {}), refusedFor('LIMIT_GRAPHQL_COST'));
  });
});
