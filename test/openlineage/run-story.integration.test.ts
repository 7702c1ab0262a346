import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataOf } from '../support/graphql';
import { postEach } from '../support/openlineage-http';
import { Isolation, removeIsolated } from '../support/openlineage-isolation';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';

type Json = Record<string, any>;

/**
 * The events of one run are one story (docs/openlineage-mapping.md, "Events of one run are one story"), through
 * POST /api/v1/lineage as a Spark job (OpenLineage Spark integration 1.23) sends them: START, RUNNING with
 * `rowCount: 0` and a first schema, COMPLETE with `rowCount: 1` and the whole schema. Every arrival order ends
 * with the run COMPLETED and its output as the COMPLETE says.
 */
describe("a run's events as one story, over HTTP", () => {
  let service: TestService;
  const copy = new Isolation(`${uniqueNamespace('run-story')}.`);

  before(async () => {
    service = await startTestService();
  });
  after(async () => {
    if (service) await removeIsolated(service.db, [copy.prefix]);
    await service?.stop();
  });

  const RUN = (order: string) => copy.runId(`spark-${order}`);
  const event = (runId: string, eventType: string, minute: number, output: Json): Json => ({
    eventType,
    eventTime: `2024-06-01T10:0${minute}:00.000Z`,
    producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.23.0/integration/spark',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: { runId },
    job: { namespace: copy.namespace('spark'), name: 'orders_app.execute_insert_into_hadoop_fs_relation_command.warehouse_orders' },
    inputs: [{ namespace: copy.namespace('file'), name: '/warehouse/raw_orders' }],
    outputs: [{ namespace: copy.namespace('file'), name: '/warehouse/orders', ...output }],
  });
  const schema = (...names: string[]) => ({ schema: { fields: names.map((name) => ({ name, type: 'string' })) } });
  const stream = (runId: string) => [
    event(runId, 'START', 0, { facets: schema('id') }),
    event(runId, 'RUNNING', 1, { facets: schema('id', 'amount'), outputFacets: { outputStatistics: { rowCount: 0, size: 0 } } }),
    event(runId, 'COMPLETE', 2, { facets: schema('id', 'amount', 'at'), outputFacets: { outputStatistics: { rowCount: 1, size: 120 } } }),
  ];
  const permutations = (items: number[]): number[][] =>
    items.length <= 1 ? [items] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
  const runOf = async (runId: string) =>
    dataOf<any>(
      await service.graphql(
        `query($runId: String!) { run(runId: $runId) { state endedAt outputs { version rowCount schema { name } } events { totalCount } } }`,
        {
          runId,
        },
      ),
    ).run;

  it('ends COMPLETED with the final row count and schema, whatever the arrival order', async () => {
    for (const order of permutations([0, 1, 2])) {
      const runId = RUN(order.join(''));
      const events = stream(runId);
      const answers = await postEach(
        service,
        order.map((i) => events[i]),
      );
      assert.deepEqual(
        answers.map((answer) => [answer.status, answer.body.status]),
        [
          [201, 'accepted'],
          [201, 'accepted'],
          [201, 'accepted'],
        ],
        `order ${order.join(',')}: ${JSON.stringify(answers.map((answer) => answer.body))}`,
      );
      const run = await runOf(runId);
      assert.equal(run.state, 'COMPLETED', `order ${order.join(',')}`);
      assert.equal(run.endedAt, '2024-06-01T10:02:00.000Z');
      assert.deepEqual(
        run.outputs,
        [{ version: `run-${runId}`, rowCount: 1, schema: [{ name: 'id' }, { name: 'amount' }, { name: 'at' }] }],
        `order ${order.join(',')}`,
      );
      assert.equal(run.events.totalCount, 3);
    }
  });

  it('seals the output at the end: a later COMPLETE saying otherwise is stored, its values set aside as a conflict on the version', async () => {
    const runId = RUN('sealed');
    const [start, running, complete] = stream(runId);
    const again = event(runId, 'COMPLETE', 5, { outputFacets: { outputStatistics: { rowCount: 7 } } });
    const answers = await postEach(service, [start, complete, running, again]);
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [201, 201, 201, 201],
    );
    assert.deepEqual(
      answers.slice(0, 3).map((answer) => answer.body.warnings),
      [[], [], []],
      'a late RUNNING is part of the story, no conflict',
    );
    assert.deepEqual(
      answers[3]!.body.warnings.map((warning: Json) => warning.path),
      ['outputs[0]'],
    );
    assert.match(answers[3]!.body.warnings[0].message, /is sealed: rowCount: recorded '1', given '7'; set aside/);
    const { run } = dataOf<any>(
      await service.graphql(
        `query($runId: String!) { run(runId: $runId) { state outputs { rowCount conflicts { nodes { id conflicts { path message } } } } events { totalCount } } }`,
        { runId },
      ),
    );
    assert.equal(run.state, 'COMPLETED');
    assert.equal(run.events.totalCount, 4, 'every event is stored');
    assert.equal(run.outputs[0].rowCount, 1, "the final event's value stands");
    assert.deepEqual(
      run.outputs[0].conflicts.nodes.map((node: Json) => node.id),
      [answers[3]!.body.eventId],
    );
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    assert.match(metrics, /lineage_openlineage_conflicts_total\{kind="DatasetVersion"\} [1-9]/);
  });
});
