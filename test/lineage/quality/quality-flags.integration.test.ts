import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataOf, errorOf } from '../../support/graphql';
import { postEach } from '../../support/openlineage-http';
import { removeIsolated } from '../../support/openlineage-isolation';
import { startTestService, uniqueNamespace, type TestService } from '../../support/service';

/** Flags on dataset versions: written through GraphQL, audited, with history and time travel. */

const REGISTER = `mutation($input: DatasetVersionInput!) { registerDatasetVersion(input: $input) { id createdAt } }`;
const FLAG = `mutation($input: FlagDatasetVersionInput!) { flagDatasetVersion(input: $input) { id status reason flaggedAt flaggedBy datasetVersion { id version } } }`;
const QUALITY = `query($id: ID!, $asOf: DateTimeISO) {
  node(id: $id) { ... on DatasetVersion {
    quality(asOf: $asOf) { status offending flag { status reason } flags { status flaggedAt } failedChecks { assertion } checks { assertion counts } }
    history(first: 10) { nodes { operation actor changes { field before after } details } }
  } }
}`;

describe('flagging dataset versions', () => {
  let service: TestService;
  let namespace: string;
  let versionId: string;

  const flag = (input: Record<string, unknown>) => service.graphql(FLAG, { input });
  const quality = async (asOf?: string) => dataOf<any>(await service.graphql(QUALITY, { id: versionId, asOf })).node;

  before(async () => {
    service = await startTestService();
    namespace = uniqueNamespace('flags');
    versionId = dataOf<any>(
      await service.graphql(REGISTER, { input: { namespace, name: 'raw/events', version: '2025-05-01', createdAt: '2025-05-01T00:00:00Z' } }),
    ).registerDatasetVersion.id;
  });
  after(async () => {
    if (service) await removeIsolated(service.db, [namespace]);
    await service?.stop();
  });

  it('flags, audits, keeps history and answers as of an instant', async () => {
    assert.equal((await quality()).quality.status, 'UNCHECKED');

    const suspect = dataOf<any>(await flag({ id: versionId, status: 'SUSPECT', reason: 'row count halved overnight', flaggedAt: '2025-05-02T09:00:00Z' }));
    assert.equal(suspect.flagDatasetVersion.status, 'SUSPECT');
    assert.equal(suspect.flagDatasetVersion.flaggedBy, 'anonymous');
    assert.equal(suspect.flagDatasetVersion.datasetVersion.id, versionId);
    dataOf(
      await flag({
        namespace,
        name: 'raw/events',
        version: '2025-05-01',
        status: 'BAD',
        reason: 'INC-4711: duplicated partition',
        flaggedAt: '2025-05-03T10:00:00Z',
      }),
    );

    const now = await quality();
    assert.equal(now.quality.status, 'BAD');
    assert.equal(now.quality.offending, true);
    assert.deepEqual(now.quality.flag, { status: 'BAD', reason: 'INC-4711: duplicated partition' });
    assert.deepEqual(
      now.quality.flags.map((f: any) => f.status),
      ['BAD', 'SUSPECT'],
    );
    const audited = now.history.nodes.filter((record: any) => record.operation === 'flagDatasetVersion');
    assert.deepEqual(
      audited.map((record: any) => record.changes),
      [[{ field: 'qualityFlag', before: 'SUSPECT', after: 'BAD' }], [{ field: 'qualityFlag', before: null, after: 'SUSPECT' }]],
    );
    assert.equal(audited[0].details.reason, 'INC-4711: duplicated partition');

    // Time travel: before the second flag it was suspect, before the first nothing was known.
    assert.equal((await quality('2025-05-02T12:00:00Z')).quality.status, 'SUSPECT');
    assert.deepEqual((await quality('2025-05-02T08:59:59Z')).quality.flags, []);
  });

  it('clears: failed checks reported until the clearing no longer count, later ones do', async () => {
    const producer = 'https://github.com/acme/checks';
    const schemaURL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent';
    const checkAt = (eventTime: string, success: boolean) => ({
      eventTime,
      producer,
      schemaURL,
      dataset: {
        namespace,
        name: 'raw/events',
        facets: { version: { datasetVersion: '2025-05-01' }, dataQualityAssertions: { assertions: [{ assertion: 'freshness', success }] } },
      },
    });
    const answers = await postEach(service, [checkAt('2025-05-03T11:00:00Z', false)]);
    assert.equal(answers[0]!.status, 201);
    dataOf(await flag({ id: versionId, status: 'CLEARED', reason: 're-loaded from the source; checked by hand', flaggedAt: '2025-05-04T08:00:00Z' }));
    const cleared = (await quality()).quality;
    assert.equal(cleared.status, 'CLEARED');
    assert.equal(cleared.offending, false);
    assert.deepEqual(cleared.checks, [{ assertion: 'freshness', counts: false }]);
    // Between the failed check and the clearing, the version was BAD.
    assert.equal((await quality('2025-05-03T12:00:00Z')).quality.status, 'BAD');

    // A check failing after the clearing counts again. (The dataset event's report replaces its earlier one.)
    assert.equal((await postEach(service, [checkAt('2025-05-05T00:00:00Z', false)]))[0]!.status, 201);
    const failedAgain = (await quality()).quality;
    assert.equal(failedAgain.status, 'FAILED');
    assert.deepEqual(failedAgain.failedChecks, [{ assertion: 'freshness' }]);
    assert.equal((await quality('2025-05-04T12:00:00Z')).quality.status, 'CLEARED');
  });

  it('replays a flag unchanged, and refuses flags out of order, in the future, without reason or on nothing', async () => {
    const replay = dataOf<any>(
      await flag({ id: versionId, status: 'CLEARED', reason: 're-loaded from the source; checked by hand', flaggedAt: '2025-05-04T08:00:00Z' }),
    );
    assert.equal(replay.flagDatasetVersion.status, 'CLEARED');
    assert.equal((await quality()).quality.flags.length, 3);

    errorOf(await flag({ id: versionId, status: 'BAD', reason: 'another story', flaggedAt: '2025-05-04T08:00:00Z' }), 'CONFLICT');
    const late = errorOf(await flag({ id: versionId, status: 'BAD', reason: 'late', flaggedAt: '2025-05-02T00:00:00Z' }), 'CONFLICT');
    assert.match(late.message, /record flags in order/);
    const future = errorOf(await flag({ id: versionId, status: 'BAD', reason: 'soon', flaggedAt: '2999-01-01T00:00:00Z' }), 'BAD_USER_INPUT');
    assert.equal(future.extensions?.field, 'flaggedAt');
    assert.equal(errorOf(await flag({ id: versionId, status: 'BAD', reason: '  ' }), 'BAD_USER_INPUT').extensions?.field, 'reason');
    errorOf(await flag({ namespace, name: 'raw/events', version: 'nope', status: 'BAD', reason: 'x' }), 'NOT_FOUND');
    assert.equal(errorOf(await flag({ id: 'Run:AAAAAAAAAAAAAAAAAAAAAA', status: 'BAD', reason: 'x' }), 'BAD_USER_INPUT').extensions?.field, 'id');
    assert.equal(errorOf(await flag({ name: 'raw/events', status: 'BAD', reason: 'x' }), 'BAD_USER_INPUT').extensions?.field, 'id');
    assert.equal((await quality()).quality.flags.length, 3);
  });

  it('refuses a flag that precedes the version itself', async () => {
    const other = dataOf<any>(
      await service.graphql(REGISTER, { input: { namespace, name: 'raw/events', version: '2025-06-01', createdAt: '2025-06-01T00:00:00Z' } }),
    ).registerDatasetVersion.id;
    const error = errorOf(await flag({ id: other, status: 'SUSPECT', reason: 'x', flaggedAt: '2025-05-15T00:00:00Z' }), 'BAD_USER_INPUT');
    assert.match(error.message, /precedes the version itself/);
  });
});
