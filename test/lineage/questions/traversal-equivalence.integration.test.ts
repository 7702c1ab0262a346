import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tx } from '../../../src/db/database';
import { kindOfId } from '../../../src/core/ids';
import { walkLineage, type LineageAnswer } from '../../../src/lineage/questions/lineage-answer';
import { EXISTS_AT, LINEAGE_STEPS, type Direction } from '../../../src/lineage/questions/lineage-steps';
import type { ExpansionRequest, ExpansionRow } from '../../../src/lineage/questions/traversal';
import { TraversalRepository, type DescribeRequest, type Walk, type WalkPlan } from '../../../src/lineage/questions/traversal.repository';
import { LineageFixture } from '../../support/lineage-fixture';
import { startTestService, uniqueNamespace, type TestService } from '../../support/service';

/**
 * The walk's statement (one breadth-first expand that also describes what it reaches, traversal.repository.ts)
 * against the plainest walk there is: one statement per level, one typed, labelled expand per step of the step
 * table, every node then described by DESCRIBE. Same shaping (walkLineage), so any difference is the walk's:
 * nodes, depths, properties, flags, paths, edges and truncation must be identical, on a generated pipeline with
 * diamonds, parents, failed and unfinished runs, model versions and deployments, for many starts, directions,
 * depths, budgets and instants.
 */

/** A level of the reference walk: every step of the table from the frontier, as ExpansionRows. */
const LEVEL = `WITH datetime($asOf) AS asOf
UNWIND $frontier AS fid
CALL (fid, asOf) {
  ${LINEAGE_STEPS.map((step) => {
    const relationship = step.outgoing ? `-[:${step.type}]->` : `<-[:${step.type}]-`;
    return `MATCH (f:${step.from} {id: fid})${relationship}(n:${step.to}) WHERE $${step.direction === 'UP' ? 'up' : 'down'} AND ${EXISTS_AT[step.to]('n')}
  RETURN '${step.direction}' AS direction, '${step.type}' AS type, ${step.outgoing} AS outgoing, n.id AS to, '${step.to}' AS kind`;
  }).join('\n  UNION ALL\n  ')}
}
RETURN fid AS from, direction, type, outgoing, to, kind ORDER BY from, direction, type, to`;

/** The reference walk, in the shape walkLineage takes a repository. */
function referenceRepository(repository: TraversalRepository) {
  return {
    walk: (tx: Tx, plan: WalkPlan): Walk => ({
      expand: async (request: ExpansionRequest): Promise<ExpansionRow[]> => {
        const visited = new Set(request.visited);
        let frontier = request.start ? [request.start.id] : [...request.frontier];
        const seen = new Set(frontier);
        const rows: ExpansionRow[] = [];
        for (let level = 1; level <= request.levels && frontier.length > 0; level++) {
          const found = await tx.rows<Omit<ExpansionRow, 'level' | 'fromElement' | 'toElement'>>(LEVEL, {
            frontier,
            up: request.up,
            down: request.down,
            asOf: plan.asOf,
          });
          frontier = [];
          for (const row of found) {
            rows.push({ ...row, level, fromElement: row.from, toElement: row.to });
            if (!visited.has(row.to) && !seen.has(row.to)) {
              seen.add(row.to);
              frontier.push(row.to);
            }
          }
        }
        return rows;
      },
      describe: (nodes: readonly DescribeRequest[], answer: ReadonlySet<string>) => repository.describe(tx, nodes, [...answer], plan.asOf),
    }),
  };
}

/** Everything of an answer a client can see about the walk. */
function shape(answer: LineageAnswer): string {
  return JSON.stringify({
    truncatedReason: answer.truncatedReason,
    nodes: answer.nodes.map((node) => [
      node.id,
      node.depth,
      node.label,
      node.time?.toISOString() ?? null,
      node.isSource,
      node.hasMoreUpstream,
      node.hasMoreDownstream,
      node.properties,
      (node.pathsFrom?.(3) ?? []).map((path) => path.edges.map((edge) => edge.id)),
    ]),
    edges: answer.edges.map((edge) => edge.id),
  });
}

/** A small deterministic pseudo-random sequence (the same graph on every run). */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const day = (d: number, hour = 0) => new Date(Date.UTC(2025, 0, 1 + d, hour)).toISOString();

describe('the walk statement answers as a level-by-level walk would', () => {
  let service: TestService;
  let f: LineageFixture;
  const starts: string[] = [];

  before(async () => {
    service = await startTestService();
    f = new LineageFixture(service, uniqueNamespace('equiv'));
    const random = sequence(12);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    // Two sources with two versions each; three layers of two jobs, four days of runs, each reading one or two of
    // the then-newest versions of the layer below (diamonds), started by the day's DAG run; the last layer trains
    // model versions, some deployed. Some runs fail, one never ends.
    const newest = new Map<string, string>();
    for (const source of ['raw', 'ref']) {
      await f.source(source, '1', day(0));
      newest.set(source, '1');
    }
    let layerBelow = ['raw', 'ref'];
    const commits = ['c1', 'c2'];
    let models = 0;
    for (let layer = 1; layer <= 3; layer++) {
      const outputs = [`l${layer}a`, `l${layer}b`];
      for (let d = 1; d <= 4; d++) {
        if (layer === 1 && d === 3) {
          await f.source('raw', '2', day(d));
          newest.set('raw', '2');
        }
        const dag = `dag${layer}-${d}`;
        const dagCommit = pick(commits);
        await f.run({ name: dag, job: `dag${layer}`, start: day(d, layer), outcome: 'RUNNING', commit: dagCommit });
        for (const output of outputs) {
          const inputs = [...new Set([pick(layerBelow), pick(layerBelow)])]
            .filter((name) => newest.has(name))
            .map((name) => [name, newest.get(name)!] as [string, string]);
          const outcome = random() < 0.15 ? 'FAIL' : 'COMPLETE';
          const version = String(d);
          const name = `${output}-${d}`;
          await f.run({
            name,
            job: output,
            start: day(d, layer + 1),
            end: day(d, layer + 2),
            inputs,
            outputs: outcome === 'COMPLETE' ? [[output, version]] : [],
            commit: pick(commits),
            parent: dag,
            outcome,
          });
          if (outcome === 'COMPLETE') newest.set(output, version);
          if (layer === 3 && outcome === 'COMPLETE') {
            models++;
            await f.modelVersion(String(models), name);
            starts.push(f.model(String(models)));
          }
        }
        if (layer < 3 || d < 4) await f.run({ name: dag, job: `dag${layer}`, end: day(d, 23), commit: dagCommit });
      }
      layerBelow = outputs;
    }
    assert.ok(models >= 2, 'the generated pipeline trained model versions');
    await f.deploy('api', 'production', '1', day(5));
    const deployment = await f.deploy('api', 'staging', String(models), day(6));
    starts.push(
      deployment,
      f.version('raw', '1'),
      f.version('raw', '2'),
      f.version('l1a', '2'),
      f.version('l2b', '3'),
      f.runNode('l2a-2'),
      f.runNode('dag2-3'),
      f.runNode('dag3-4'),
      f.commit('c1'),
      f.dataset('l1b'),
      f.job('l2a'),
    );
  });
  after(async () => {
    await f?.cleanup();
    await service?.stop();
  });

  it('gives identical answers for every start, direction, depth, budget and instant', async () => {
    const repository = new TraversalRepository();
    const reference = referenceRepository(repository);
    const directions: Array<readonly Direction[]> = [['UP'], ['DOWN'], ['UP', 'DOWN']];
    let compared = 0;
    let cutByEdges = 0;
    const cut = new Set<string>();
    for (const id of starts) {
      const start = { id, kind: kindOfId(id)! };
      for (const walked of directions) {
        for (const [maxDepth, maxNodes] of [
          [1, 1000],
          [3, 1000],
          [20, 1000],
          [20, 5],
          [2, 3],
        ] as const) {
          for (const asOf of [new Date().toISOString(), day(3, 12)]) {
            const request = { start, directions: walked, bounds: { maxDepth, maxNodes }, asOf };
            const ask = (source: { walk(tx: Tx, plan: WalkPlan): Walk }) =>
              service.db.read('equivalence', (tx) => walkLineage(tx, source, request)).then(shape, (error: Error) => `error: ${error.message}`);
            const expected = await ask(reference);
            // Which relationships an edge budget keeps depends on the order they come in: not part of the contract.
            if (expected.includes('"truncatedReason":"EDGE_BUDGET"')) {
              cutByEdges++;
              continue;
            }
            assert.equal(await ask(repository), expected, `${id} ${walked.join('+')} depth ${maxDepth}, ${maxNodes} nodes, as of ${asOf}`);
            compared++;
            const reason = /"truncatedReason":("?\w+"?)/.exec(expected)?.[1];
            if (reason) cut.add(reason);
          }
        }
      }
    }
    // The cases cover whole answers and both kinds of cut that are compared, and few are left out.
    assert.ok(compared > 300, `${compared} answers compared`);
    assert.ok(cutByEdges < compared / 10, `${cutByEdges} answers cut by the edge budget`);
    assert.deepEqual([...cut].sort(), ['"DEPTH"', '"NODE_BUDGET"', 'null']);
  });
});
