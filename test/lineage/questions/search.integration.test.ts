import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { dataOf, errorOf } from '../../support/graphql';
import { LineageFixture } from '../../support/lineage-fixture';
import { startTestService, uniqueNamespace, type TestService } from '../../support/service';

const SEARCH = `query($query: String!, $kinds: [LineageNodeKind!], $first: Int) {
  search(query: $query, kinds: $kinds, first: $first) { score node { id kind label isLive hasMoreUpstream hasMoreDownstream depth } }
}`;

describe('search', () => {
  let service: TestService;
  let f: LineageFixture;
  // A word no other test uses: every name below contains it.
  const word = `w${randomBytes(5).toString('hex')}`;
  const commitSha = `${randomBytes(20).toString('hex')}`;

  before(async () => {
    service = await startTestService();
    f = new LineageFixture(service, uniqueNamespace('search'));
    await f.source(`${word}_orders`, '1', '2025-01-01T00:00:00Z');
    await f.run({ name: 'r1', job: `${word}_orders.build`, end: '2025-01-02T00:00:00Z', inputs: [[`${word}_orders`, '1']], outputs: [[`daily_${word}`, '1']] });
    await service.graphql(`mutation($input: RunInput!) { completeRun(input: $input) { id } }`, {
      input: {
        runId: f.runId('r2'),
        job: { namespace: f.ns, name: 'other' },
        at: '2025-01-03T00:00:00Z',
        commit: { repository: f.repository, sha: commitSha },
      },
    });
    dataOf(await service.graphql(`mutation { registerModelVersion(input: { model: "${f.ns}-model", version: "1" }) { id } }`));
    dataOf(await service.graphql(`mutation { registerModel(input: { name: "${word}" }) { id } }`));
    dataOf(await service.graphql(`mutation { registerModelVersion(input: { model: "${word}", version: "1" }) { id } }`));
    dataOf(await service.graphql(`mutation { registerModelVersion(input: { model: "${word}", version: "2" }) { id } }`));
    for (const [version, at] of [
      ['1', '2025-01-05T00:00:00Z'],
      ['2', '2025-01-06T00:00:00Z'],
    ]) {
      dataOf(
        await service.graphql(
          `mutation { deployModel(input: { name: "${word}-api", environment: "production", model: "${word}", version: "${version}", deployedAt: "${at}" }) { id } }`,
        ),
      );
    }
  });
  after(async () => {
    await f?.cleanup();
    await service?.db.write('cleanup', (tx) => tx.rows('MATCH (n) WHERE n.name STARTS WITH $word OR n.modelName = $word DETACH DELETE n', { word }));
    await service?.stop();
  });

  const search = async (variables: Record<string, unknown>) => dataOf<any>(await service.graphql(SEARCH, variables)).search;
  const hits = (answer: any[]) => answer.map((hit) => `${hit.node.kind} ${hit.node.label.split(word).join('W')}`);

  it('ranks an exact name first, then names starting with the words, then names containing them', async () => {
    const answer = await search({ query: word });
    assert.deepEqual(hits(answer).slice(0, 1), ['MODEL W']);
    assert.deepEqual(
      hits(answer).slice(1).sort(),
      ['DATASET W_orders', 'DATASET daily_W', 'DEPLOYMENT W-api (production, 2025-01-06 00:00)', 'JOB W_orders.build'].sort(),
    );
    assert.equal(hits(answer).at(-1), 'DATASET daily_W', 'a name that only contains the word comes last');
    for (let i = 1; i < answer.length; i++) assert.ok(answer[i].score <= answer[i - 1].score || i === 4, 'by score within a rank');
  });

  it('finds a deployment slot once, as its latest deployment', async () => {
    const answer = await search({ query: `${word}-api` });
    assert.deepEqual(hits(answer), ['DEPLOYMENT W-api (production, 2025-01-06 00:00)']);
    assert.equal(answer[0].node.isLive, true);
    assert.equal(answer[0].node.hasMoreUpstream, true);
    assert.equal(answer[0].node.depth, null);
  });

  it('finds a commit by a prefix of its SHA', async () => {
    const answer = await search({ query: commitSha.slice(0, 8).toUpperCase() });
    assert.equal(answer.length, 1);
    assert.equal(answer[0].node.kind, 'COMMIT');
    assert.equal(answer[0].node.label, `${f.ns}/repo@${commitSha.slice(0, 7)}`);
    assert.deepEqual([answer[0].node.hasMoreUpstream, answer[0].node.hasMoreDownstream], [false, true]);
  });

  it('matches every word, whole or in part, and filters by kind', async () => {
    assert.deepEqual(hits(await search({ query: `orders ${word}` })).sort(), ['DATASET W_orders', 'JOB W_orders.build']);
    assert.deepEqual(hits(await search({ query: word, kinds: ['JOB'] })), ['JOB W_orders.build']);
    assert.equal((await search({ query: word, first: 2 })).length, 2);
  });

  it('refuses kinds it does not index and empty queries', async () => {
    const kinds = errorOf(await service.graphql(SEARCH, { query: word, kinds: ['DATASET_VERSION'] }), 'BAD_USER_INPUT');
    assert.equal(kinds.extensions?.field, 'kinds');
    errorOf(await service.graphql(SEARCH, { query: ' / ' }), 'BAD_USER_INPUT');
    const many = errorOf(await service.graphql(SEARCH, { query: word, first: 101 }), 'LIMIT_EXCEEDED');
    assert.equal(many.extensions?.limit, 'MAX_SEARCH_RESULTS');
  });
});
