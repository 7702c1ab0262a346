import type { LineageFixture } from './lineage-fixture';

/**
 * A hand-built graph for the question tests: two monthly pipelines (a DAG run starting a feature build and a
 * training run) over the same jobs. January reads raw@1, February raw@2; both read ref@1. Model version 1 is
 * trained on January's features with commit c1, version 2 on February's with c2. Production serves 1 from
 * 5 January, then 2 from 5 February; staging serves 2 from 4 February until it is retired on 20 February.
 */
export async function buildTwoMonthPipeline(f: LineageFixture): Promise<{ production1: string; production2: string; staging2: string }> {
  await f.source('raw', '1', '2025-01-01T00:00:00Z');
  await f.source('raw', '2', '2025-02-01T00:00:00Z');
  await f.source('ref', '1', '2025-01-01T00:00:00Z');
  for (const [month, raw, commit] of [
    ['01', '1', 'c1'],
    ['02', '2', 'c2'],
  ] as const) {
    const m = Number(month);
    await f.run({ name: `dag${m}`, job: 'pipeline', start: `2025-${month}-02T00:00:00Z`, commit, outcome: 'RUNNING' });
    await f.run({
      name: `b${m}`,
      job: 'build',
      start: `2025-${month}-02T01:00:00Z`,
      end: `2025-${month}-02T02:00:00Z`,
      inputs: [
        ['raw', raw],
        ['ref', '1'],
      ],
      outputs: [['feat', String(m)]],
      commit,
      parent: `dag${m}`,
      parameters: { window: 30 * m },
    });
    await f.run({
      name: `t${m}`,
      job: 'train',
      start: `2025-${month}-02T03:00:00Z`,
      end: `2025-${month}-02T04:00:00Z`,
      inputs: [['feat', String(m)]],
      commit,
      parent: `dag${m}`,
      parameters: { eta: 0.1 },
    });
    await f.run({ name: `dag${m}`, job: 'pipeline', end: `2025-${month}-02T05:00:00Z`, commit });
    await f.modelVersion(String(m), `t${m}`);
  }
  const production1 = await f.deploy('api', 'production', '1', '2025-01-05T00:00:00Z');
  const staging2 = await f.deploy('api', 'staging', '2', '2025-02-04T00:00:00Z');
  const production2 = await f.deploy('api', 'production', '2', '2025-02-05T00:00:00Z');
  await f.retire(staging2, '2025-02-20T00:00:00Z');
  return { production1, production2, staging2 };
}
