import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dataOf } from '../support/graphql';
import { post, postEach } from '../support/openlineage-http';
import { dumpGraph, Isolation, removeIsolated } from '../support/openlineage-isolation';
import { sharedEvents, SKIP_WITHOUT_SHARED, type FixtureEvent } from '../support/openlineage-fixtures';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';
import { AIRFLOW_SCENARIO_LINEAGE, AIRFLOW_SCENARIO_RUNS } from './airflow-scenario.lineage';

/**
 * Real OpenLineage events (the shared fixtures: OpenLineage client tests, fluentd proxy, Marquez tests, and the
 * Airflow scenario of the compatibility suite) through the real front door, read back through GraphQL.
 */

/** The fixtures that cannot become lineage (no run id, an eventTime without an offset): refused, at these paths. */
const REFUSED: Record<string, string[]> = {
  'events/fluentd_event_no_run_id.json': ['run.runId'],
  'events/serde_example_dataset_event.json': ['eventTime'],
  'events/serde_example_job_event.json': ['eventTime'],
  'events/serde_example_run_event.json': ['eventTime'],
};

const AIRFLOW = path.join('scenarios', 'airflow', 'events') + path.sep;
const airflowEvents = (): FixtureEvent[] => sharedEvents().filter(({ name }) => name.startsWith(AIRFLOW));
const originalRunIds = (events: readonly FixtureEvent[]) => [
  ...new Set(events.flatMap(({ event }) => JSON.stringify(event).match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? [])),
];

describe('OpenLineage ingestion of the shared fixtures', { skip: SKIP_WITHOUT_SHARED }, () => {
  let service: TestService;
  const prefixes: string[] = [];
  const isolation = () => {
    const created = new Isolation(`${uniqueNamespace('ol')}.`);
    prefixes.push(created.prefix);
    return created;
  };

  before(async () => {
    service = await startTestService();
  });
  after(async () => {
    if (service) await removeIsolated(service.db, prefixes);
    await service?.stop();
  });

  it('accepts every event of events/ and scenarios/ except those that cannot become lineage', async () => {
    const copy = isolation();
    const fixtures = sharedEvents();
    assert.equal(fixtures.length, 47);
    const answers = await postEach(
      service,
      fixtures.map(({ event }) => copy.event(event)),
    );
    const refused = new Map<string, string[]>();
    fixtures.forEach(({ name }, index) => {
      const { status, body } = answers[index]!;
      if (status === 201) {
        assert.equal(body.status, 'accepted', name);
        assert.match(body.eventId, /^[0-9a-f]{64}$/);
      } else {
        assert.equal(status, 400, `${name}: ${JSON.stringify(body)}`);
        assert.equal(body.error.code, 'BAD_USER_INPUT');
        refused.set(
          name.split(path.sep).join('/'),
          body.error.issues.map((issue: { path: string }) => issue.path),
        );
      }
    });
    assert.deepEqual(Object.fromEntries(refused), REFUSED);
  });

  it('gives, after the Airflow scenario, the dataset-to-dataset lineage it describes through GraphQL', async () => {
    const copy = isolation();
    const answers = await postEach(
      service,
      airflowEvents().map(({ event }) => copy.event(event)),
    );
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([201]));

    const { jobs } = dataOf<any>(
      await service.graphql(
        `query($namespace: String!) {
          jobs(namespace: $namespace, first: 20) {
            nodes { runs(first: 2) { nodes { runId state job { name } parent { runId job { name } }
                                               inputs { namespace name version } outputs { namespace name version } } } }
          }
        }`,
        { namespace: copy.namespace('airflow') },
      ),
    );
    const runs = { nodes: jobs.nodes.flatMap((job: any) => job.runs.nodes) };
    const unprefix = (namespace: string) => namespace.slice(copy.prefix.length);
    const runIdOf = new Map(AIRFLOW_SCENARIO_RUNS.map((run) => [copy.runId(run.runId), run.runId]));
    const versionOf = (version: string) => (version.startsWith('run-') ? `run-${runIdOf.get(version.slice(4))}` : version);
    const edges = runs.nodes.flatMap((run: any) =>
      run.inputs.flatMap((input: any) =>
        run.outputs.map((output: any) => ({
          job: run.job.name,
          from: { namespace: unprefix(input.namespace), name: input.name },
          to: { namespace: unprefix(output.namespace), name: output.name },
          fromVersion: input.version === 'unversioned' ? null : versionOf(input.version),
          toVersion: versionOf(output.version),
        })),
      ),
    );
    const order = (a: any, b: any) => JSON.stringify(a).localeCompare(JSON.stringify(b));
    assert.deepEqual(edges.sort(order), [...AIRFLOW_SCENARIO_LINEAGE].sort(order));

    const recorded = runs.nodes.map((run: any) => ({
      job: run.job.name,
      runId: runIdOf.get(run.runId),
      parent: run.parent ? { job: run.parent.job.name, runId: runIdOf.get(run.parent.runId) } : null,
    }));
    assert.deepEqual(recorded.sort(order), [...AIRFLOW_SCENARIO_RUNS].sort(order));
    assert.ok(runs.nodes.every((run: any) => run.state === 'COMPLETED'));
  });

  it('is idempotent: the scenario delivered twice changes nothing, raw events included', async () => {
    const copy = isolation();
    const events = airflowEvents();
    const copies = events.map(({ event }) => copy.event(event));
    await postEach(service, copies);
    const once = await dumpGraph(service.db, copy, originalRunIds(events));
    const again = await postEach(service, copies);
    assert.deepEqual(new Set(again.map((answer) => `${answer.status} ${answer.body.status}`)), new Set(['201 duplicate']));
    const batch = await post(service, '/api/v1/lineage/batch', copies);
    assert.deepEqual(
      { accepted: batch.body.accepted, duplicates: batch.body.duplicates, rejected: batch.body.rejected },
      { accepted: 0, duplicates: 32, rejected: 0 },
    );
    assertSameGraph(await dumpGraph(service.db, copy, originalRunIds(events)), once);
    assert.equal(once.split('\n').filter((line) => line.startsWith('LineageEvent ')).length, 32, 'one raw event per distinct event');
  });

  it('is order-tolerant: each run COMPLETE before START ends in the same graph as START before COMPLETE', async () => {
    const events = airflowEvents();
    const inOrder = isolation();
    const swapped = isolation();
    await postEach(
      service,
      events.map(({ event }) => inOrder.event(event)),
    );
    // Swap each run's START and COMPLETE in the stream, leaving every other event where it was.
    const positions = new Map<string, number[]>();
    events.forEach(({ event }, index) => {
      const runId = (event as any).run.runId as string;
      positions.set(runId, [...(positions.get(runId) ?? []), index]);
    });
    const reordered = [...events];
    for (const [first, second] of positions.values()) [reordered[first!], reordered[second!]] = [events[second!]!, events[first!]!];
    assert.notDeepEqual(reordered, events);
    const answers = await postEach(
      service,
      reordered.map(({ event }) => swapped.event(event)),
    );
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([201]));
    const runIds = originalRunIds(events);
    assertSameGraph(await dumpGraph(service.db, swapped, runIds), await dumpGraph(service.db, inOrder, runIds));
  });

  it('records a batch exactly as the same events posted one by one', async () => {
    const events = airflowEvents();
    const single = isolation();
    const batched = isolation();
    await postEach(
      service,
      events.map(({ event }) => single.event(event)),
    );
    const answer = await post(
      service,
      '/api/v1/lineage/batch',
      events.map(({ event }) => batched.event(event)),
    );
    assert.equal(answer.status, 200);
    assert.deepEqual(
      { accepted: answer.body.accepted, duplicates: answer.body.duplicates, rejected: answer.body.rejected },
      { accepted: 32, duplicates: 0, rejected: 0 },
    );
    const runIds = originalRunIds(events);
    assertSameGraph(await dumpGraph(service.db, batched, runIds), await dumpGraph(service.db, single, runIds));
  });
});

/** Equal dumps, or a failure that shows only the lines that differ. */
function assertSameGraph(actual: string, expected: string): void {
  const count = (text: string) => text.split('\n').reduce((counts, line) => counts.set(line, (counts.get(line) ?? 0) + 1), new Map<string, number>());
  const a = count(actual);
  const e = count(expected);
  const differ = (x: Map<string, number>, y: Map<string, number>) => [...x].filter(([line, n]) => y.get(line) !== n).map(([line, n]) => `${n}x ${line}`);
  assert.deepEqual({ unexpected: differ(a, e), missing: differ(e, a) }, { unexpected: [], missing: [] });
}
