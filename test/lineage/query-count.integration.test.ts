import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { QueryEvent } from '../../src/db/database';
import { dataOf } from '../support/graphql';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';

/**
 * Relationship fields are batched by per-request DataLoaders: a query nested five levels deep over many rows
 * costs one Cypher statement per level, not one per row.
 */
const NESTED = `query($environment: String!, $first: Int!) {
  deployments(environment: $environment, first: $first) {
    nodes {
      name
      modelVersion {
        version
        trainingRun {
          runId
          inputs { version dataset { namespace name } }
          commit { sha }
        }
      }
    }
  }
}`;

describe('query count of nested relationship fields', () => {
  let service: TestService;
  const ns = uniqueNamespace('nplus1');
  const environment = `${ns}-prod`;
  const sha = (i: number) => (i.toString(16) + 'a'.repeat(40)).slice(0, 40);

  before(async () => {
    service = await startTestService();
    for (let i = 0; i < 50; i++) {
      const runId = `${ns}-run-${i}`;
      dataOf(
        await service.graphql(`mutation($input: RunInput!) { completeRun(input: $input) { id } }`, {
          input: {
            runId,
            job: { namespace: ns, name: 'train' },
            at: '2024-08-01T00:00:00Z',
            inputs: [
              { namespace: ns, name: 'shared', version: '1' },
              { namespace: ns, name: `features-${i}`, version: '1' },
            ],
            commit: { repository: `https://example.com/${ns}`, sha: sha(i) },
          },
        }),
      );
      dataOf(await service.graphql(`mutation { registerModelVersion(input: { model: "${ns}-model", version: "${i}", trainingRunId: "${runId}" }) { id } }`));
      dataOf(
        await service.graphql(
          `mutation { deployModel(input: { name: "${ns}-slot-${i}", environment: "${environment}", model: "${ns}-model", version: "${i}" }) { id } }`,
        ),
      );
    }
  });
  after(async () => {
    await service?.db.write('cleanup', (tx) =>
      tx.rows(
        'MATCH (n) WHERE n.namespace = $ns OR n.environment = $environment OR n.modelName STARTS WITH $ns OR n.name STARTS WITH $ns OR n.runId STARTS WITH $ns DETACH DELETE n',
        { ns, environment },
      ),
    );
    await service?.stop();
  });

  async function countQueries(first: number): Promise<{ statements: number; rows: number }> {
    const events: QueryEvent[] = [];
    const stop = service.db.onQuery((event) => events.push(event));
    try {
      const data = dataOf<any>(await service.graphql(NESTED, { environment, first }));
      assert.equal(data.deployments.nodes.length, first);
      for (const node of data.deployments.nodes) {
        assert.equal(node.modelVersion.trainingRun.inputs.length, 2);
        assert.ok(node.modelVersion.trainingRun.commit.sha);
      }
      return { statements: events.length, rows: data.deployments.nodes.length };
    } finally {
      stop();
    }
  }

  it('runs a small constant number of statements, whether 5 or 50 deployments', async () => {
    const few = await countQueries(5);
    const many = await countQueries(50);
    // deployments, model versions, training run ids, runs, inputs, datasets, commit ids, commits
    assert.equal(many.statements, 8, `50 deployments took ${many.statements} statements`);
    assert.equal(few.statements, many.statements, 'the count does not grow with the rows');
  });
});
