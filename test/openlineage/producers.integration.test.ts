import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ids } from '../../src/core/ids';
import { dataOf } from '../support/graphql';
import { postEach } from '../support/openlineage-http';
import { Isolation, removeIsolated } from '../support/openlineage-isolation';
import { completeStream, impliedLinks, producerStreams, type CompletedRun, type DatasetKey } from '../support/producer-streams';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';

type Json = Record<string, any>;

/** What a run's final event makes of it. */
const FINAL_STATE: Record<string, string> = { COMPLETE: 'COMPLETED', FAIL: 'FAILED', ABORT: 'ABORTED' };

/**
 * The events real producers send (Spark, Hive, Flink, dbt, Airflow: the OpenLineage project's integration
 * tests, see test/fixtures/openlineage/producers), replayed stream by stream through POST /api/v1/lineage as the
 * producer sends them: every event is accepted, every run a stream ends has its final state, and every
 * dataset-to-dataset link a run implies (what it read to what it wrote) is in `impact` of the dataset read.
 */
describe('real producer streams', () => {
  let service: TestService;
  const prefixes: string[] = [];
  const replayedRunIds: string[] = [];

  before(async () => {
    service = await startTestService();
  });
  after(async () => {
    if (service) {
      await removeIsolated(service.db, prefixes);
      // Jobs the events name without a namespace are recorded in `default`, which no prefix covers: their runs
      // (all ours, by id) go, and the jobs with them once no run is left.
      await service.db.write('test.removeReplayedRuns', (tx) =>
        tx.rows(
          `UNWIND $runIds AS runId
           MATCH (r:Run {runId: runId})
           OPTIONAL MATCH (r)-[:RUN_OF]->(j:Job {namespace: 'default'})
           OPTIONAL MATCH (e:LineageEvent)-[:ABOUT]->(r)
           DETACH DELETE e, r
           WITH DISTINCT j WHERE j IS NOT NULL AND NOT EXISTS { (j)<-[:RUN_OF]-() }
           OPTIONAL MATCH (e:LineageEvent)-[:ABOUT]->(j)
           DETACH DELETE e, j`,
          { runIds: replayedRunIds },
        ),
      );
    }
    await service?.stop();
  });

  it('accepts every event, ends the runs the streams end, and answers the links they imply in impact', async (t) => {
    const streams = producerStreams();
    const base = uniqueNamespace('producers');
    // One prefix for all the streams' namespaces (each its own below it), so that one scan removes them all.
    prefixes.push(`${base}.`);
    const covered = new Map<string, { streams: number; events: number; runs: number; links: number }>();
    for (const [index, stream] of streams.entries()) {
      const copy = new Isolation(`${base}.${index}.`);
      const completed = completeStream(stream);
      const events = completed.events.map((event) => copy.event(event));
      const where = `${stream.producer}/${stream.name}`;

      const answers = await postEach(service, events);
      answers.forEach((answer, at) => {
        assert.equal(answer.status, 201, `${where} event ${at + 1}: ${JSON.stringify(answer.body)}`);
        assert.ok(['accepted', 'duplicate'].includes(answer.body.status), `${where} event ${at + 1}: ${JSON.stringify(answer.body)}`);
      });

      const runs = completed.runs.map((run) => ({ ...run, runId: copy.runId(run.runId) }));
      replayedRunIds.push(...runs.map((run) => run.runId));
      await checkRunStates(service, where, runs);
      const links = impliedLinks(events);
      await checkLinks(service, where, links);

      const tally = covered.get(stream.producer) ?? { streams: 0, events: 0, runs: 0, links: 0 };
      covered.set(stream.producer, {
        streams: tally.streams + 1,
        events: tally.events + events.length,
        runs: tally.runs + runs.filter((run) => run.eventTypes.length > 0).length,
        links: tally.links + links.length,
      });
    }
    const total = [...covered.values()].reduce((sum, tally) => sum + tally.events, 0);
    t.diagnostic(`replayed ${total} events of ${covered.size} producers (${streams.length} streams):`);
    for (const [producer, tally] of covered) {
      t.diagnostic(`  ${producer}: ${tally.events} events, ${tally.streams} streams, ${tally.runs} runs, ${tally.links} dataset-to-dataset links`);
    }
    assert.deepEqual([...covered.keys()].sort(), ['airflow', 'dbt', 'flink', 'hive', 'spark']);
  });
});

/** Runs a stream ends have the state of their final event; runs it starts and does not end are running. */
async function checkRunStates(service: TestService, where: string, runs: readonly CompletedRun[]): Promise<void> {
  const sent = runs.filter((run) => run.eventTypes.length > 0);
  for (let from = 0; from < sent.length; from += 100) {
    const page = sent.slice(from, from + 100);
    const { nodes } = dataOf<any>(
      await service.graphql(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on Run { runId state } } }`, { ids: page.map((run) => ids.run(run.runId)) }),
    );
    page.forEach((run, index) => {
      const final = run.eventTypes.find((type) => FINAL_STATE[type]);
      const expected = final ? FINAL_STATE[final] : run.eventTypes.some((type) => type === 'START' || type === 'RUNNING') ? 'RUNNING' : null;
      assert.equal(nodes[index]?.state ?? null, expected, `${where}: run of ${run.job.name} (${run.eventTypes.join(', ')})`);
    });
  }
}

/**
 * Every link is in `impact` of the dataset read: a run that READ a version of it and WROTE a version of the
 * dataset written, both edges in the answer (a dataset the run reads and writes is a link too: then the version
 * written is also one of the start's own).
 */
async function checkLinks(service: TestService, where: string, links: ReturnType<typeof impliedLinks>): Promise<void> {
  const bySource = new Map<string, { from: DatasetKey; to: DatasetKey[] }>();
  for (const { from, to } of links) {
    const key = ids.dataset(from.namespace, from.name);
    const entry = bySource.get(key) ?? { from, to: [] };
    entry.to.push(to);
    bySource.set(key, entry);
  }
  const keyOf = (dataset: { namespace?: unknown; name?: unknown }) => JSON.stringify([dataset.namespace, dataset.name]);
  for (const [id, { from, to }] of bySource) {
    const { impact } = dataOf<any>(
      await service.graphql(`query($id: ID!) { impact(from: $id) { truncated nodes { id kind properties } edges { type upstream downstream } } }`, { id }),
    );
    assert.equal(impact.truncated, false, `${where}: impact of ${from.namespace}/${from.name} was cut`);
    const datasetOf = new Map<string, string>(
      impact.nodes.filter((node: Json) => node.kind === 'DATASET_VERSION').map((node: Json) => [node.id, keyOf(node.properties)]),
    );
    const readers = new Set<string>(
      impact.edges.filter((edge: Json) => edge.type === 'READ' && datasetOf.get(edge.upstream) === keyOf(from)).map((edge: Json) => edge.downstream),
    );
    const written = new Set<string>(
      impact.edges.filter((edge: Json) => edge.type === 'WROTE' && readers.has(edge.upstream)).map((edge: Json) => datasetOf.get(edge.downstream)),
    );
    for (const target of to) {
      assert.ok(written.has(keyOf(target)), `${where}: impact of ${from.namespace}/${from.name} misses ${target.namespace}/${target.name}`);
    }
  }
}
