import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataOf } from '../support/graphql';
import { post } from '../support/openlineage-http';
import { Isolation, removeIsolated } from '../support/openlineage-isolation';
import { readOwnEvent } from '../support/openlineage-fixtures';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';

type Json = Record<string, any>;

/**
 * Group commit (src/core/recording/group-commit.ts): OpenLineage events posted one per request at once share
 * transactions, and each request still gets its own answer, after its own commit, with its own audit record.
 */
describe('group commit of single OpenLineage events', () => {
  let service: TestService;
  const prefixes: string[] = [];
  const isolation = () => {
    const created = new Isolation(`${uniqueNamespace('group')}.`);
    prefixes.push(created.prefix);
    return created;
  };
  /** START and COMPLETE of run k of the fixture's job, each writing a version of its own. */
  const eventsOfRun = (copy: Isolation, k: number): Json[] =>
    ['run-start.json', 'run-complete.json'].map((name) => {
      const event = copy.event(readOwnEvent(name) as Json);
      event.run.runId = copy.runId(`0190f1d2-7a3b-7c4d-8e5f-${String(k).padStart(12, '0')}`);
      for (const output of event.outputs ?? []) {
        const model = output.facets?.lineage_modelVersion;
        if (model) {
          model.name = `${copy.prefix}${model.name}`;
          model.version = `v${k}`;
        }
        if (output.facets?.version) output.facets.version.datasetVersion = `v${k}`;
      }
      return event;
    });

  before(async () => {
    service = await startTestService();
  });
  after(async () => {
    if (service) await removeIsolated(service.db, prefixes);
    await service?.stop();
  });

  it('writes concurrent events in fewer transactions than events, each answered after its commit, with its own outcome and audit record', async () => {
    const copy = isolation();
    const runs = 12;
    // A run's START and COMPLETE are sent together, as concurrent producers do: they often land in one group.
    const events = Array.from({ length: runs }, (_, k) => eventsOfRun(copy, k)).flat();
    const duplicate = structuredClone(events[0]!);
    const invalid = { ...structuredClone(events[1]!), eventTime: 'yesterday' };
    const transactions: string[] = [];
    const stop = service.db.onTransaction((event) => {
      if (event.mode === 'WRITE') transactions.push(`${event.transaction} ${event.outcome} ${event.attempts}`);
    });
    const readable: boolean[] = [];
    const sent: Json[] = [...events, duplicate, invalid];
    const answers = await Promise.all(
      sent.map(async (event, index) => {
        const answer = await post(service, '/api/v1/lineage', event, { 'x-request-id': `${copy.prefix}request-${index}` });
        // Acknowledged only once durable: a read right after the answer finds the event.
        if (answer.status === 201) readable[index] = await eventIsStored(answer.body.eventId);
        return answer;
      }),
    );
    stop();

    const statuses = answers.map((answer) => `${answer.status} ${answer.body.status ?? answer.body.error?.code ?? ''}`.trim());
    // The same event twice, at once: whichever arrived first records it, the other finds it recorded.
    const twice = [0, sent.length - 2];
    assert.deepEqual(twice.map((index) => statuses[index]).sort(), ['201 accepted', '201 duplicate'], JSON.stringify(answers.map((answer) => answer.body)));
    assert.deepEqual(
      statuses.slice(1, events.length).filter((status) => status !== '201 accepted'),
      [],
    );
    assert.equal(statuses.at(-1), '400 BAD_USER_INPUT', JSON.stringify(answers.at(-1)!.body));
    assert.match(JSON.stringify(answers.at(-1)!.body), /eventTime/);
    assert.deepEqual(
      readable.filter((found) => found !== undefined),
      sent.slice(0, -1).map(() => true),
    );

    const singles = transactions.filter((line) => line.startsWith('openlineage.event '));
    assert.ok(
      singles.length < sent.length - 1,
      `expected the ${sent.length - 1} valid events in fewer transactions, got ${singles.length}: ${singles.join('; ')}`,
    );
    assert.deepEqual(
      singles.filter((line) => !line.endsWith(' ok 1')),
      [],
      'no group transaction failed or was retried',
    );

    for (let k = 0; k < runs; k++) {
      const { run } = dataOf<any>(await service.graphql(`{ run(runId: "${events[2 * k]!.run.runId}") { state events { totalCount } } }`));
      assert.deepEqual(run, { state: 'COMPLETED', events: { totalCount: 2 } }, `run ${k}`);
    }
    // Each recorded event's audit record names its own request, as if it had had a transaction of its own; the
    // duplicate wrote nothing.
    for (const [index, event] of sent.slice(0, -1).entries()) {
      const requestId = `${copy.prefix}request-${index}`;
      const trail = dataOf<any>(
        await service.graphql(`query($r: String) { auditTrail(requestId: $r, first: 10) { nodes { requestId source actor operation } } }`, { r: requestId }),
      );
      const expected =
        statuses[index] === '201 duplicate'
          ? []
          : [{ requestId, source: 'openlineage', actor: 'anonymous', operation: `openlineage.RunEvent.${event.eventType}` }];
      assert.deepEqual(trail.auditTrail.nodes, expected, requestId);
    }
  });

  async function eventIsStored(eventId: string): Promise<boolean> {
    const [row] = await service.db.read('test.eventStored', (tx) =>
      tx.rows<{ found: boolean }>('RETURN EXISTS { MATCH (e:LineageEvent {id: $id}) } AS found', { id: eventId }),
    );
    return row!.found;
  }
});
