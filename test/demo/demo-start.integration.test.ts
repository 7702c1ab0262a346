import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { wantsDemo } from '../../src/demo/demo-loader';
import { startLocalNeo4j, type LocalNeo4j } from '../../src/local-neo4j/local-neo4j';
import { createLogger } from '../../src/logger';
import { dataOf } from '../support/graphql';
import { startTestService } from '../support/service';

/**
 * The demo loads by itself only into an empty graph, so this test needs a Neo4j of its own (the suite's shared one
 * holds other tests' lineage).
 */
const LIVE = `{ liveDeployment(name: "fraud-api", environment: "production") { deployedAt modelVersion { version } } }`;

describe('the demo at start-up', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-demo-neo4j-'));
  let neo4j: LocalNeo4j;

  before(async () => {
    neo4j = await startLocalNeo4j({ home, boltPort: 0, heap: '384m', pageCache: '32m', startTimeoutMs: 120_000, logger: createLogger('silent') });
  });
  after(async () => {
    await neo4j?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('LINEAGE_DEMO decides: on always, auto only with the local Neo4j, off never', () => {
    assert.deepEqual(
      (['on', 'auto', 'off'] as const).flatMap((setting) =>
        [true, false].map((local) => `${setting}/${local ? 'local' : 'own'}: ${wantsDemo(setting, local)}`),
      ),
      ['on/local: true', 'on/own: true', 'auto/local: true', 'auto/own: false', 'off/local: false', 'off/own: false'],
    );
  });

  it('auto leaves a configured Neo4j alone, and loads into the empty local one', async () => {
    const configured = await startTestService({ LINEAGE_DEMO: 'auto' }, neo4j.uri);
    try {
      assert.equal(await configured.services.lineageGraph.isEmpty(), true);
    } finally {
      await configured.stop();
    }

    const local = await startTestService({ LINEAGE_DEMO: 'auto' }, neo4j.uri, { localNeo4j: true });
    try {
      assert.equal(await local.services.lineageGraph.isEmpty(), false);
      assert.deepEqual(dataOf<any>(await local.graphql(LIVE)).liveDeployment, { deployedAt: '2025-04-10T09:00:00.000Z', modelVersion: { version: '3' } });
    } finally {
      await local.stop();
    }
  });
});
