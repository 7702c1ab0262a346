import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Tx } from '../../../src/db/database';
import { COLUMN_WALK_CYPHER, ColumnWalkRepository } from '../../../src/lineage/column/column-walk.repository';
import { isMasked, walkColumns, type ColumnWalk, type FieldExpansionRow, type FrontierItem, type WalkDirection } from '../../../src/lineage/column/column-walk';
import { postEach } from '../../support/openlineage-http';
import { removeIsolated } from '../../support/openlineage-isolation';
import { startTestService, uniqueNamespace, type TestService } from '../../support/service';
import { PaymentsScenario, type Kinds, type Mapping } from './column-scenario';

/**
 * The walk statement (WALK, column-walk.repository.ts: the reach and every level in one statement) against the
 * walk it replaced: one level statement per level (EXPAND), driven by the same breadth-first walk. Fields,
 * depths, masking in each direction, edges and truncation must be identical, on a generated pipeline where runs
 * read the two layers before theirs (so fields are reached at two depths), with dataset-wide dependencies,
 * masking, two versions of everything and a model, for every start and many directions, depths, budgets
 * (cuts inside a level and at its boundary), transformation filters and instants.
 */

const LAYERS = 5;
const COLUMNS = ['a', 'b', 'c', 'd', 'e', 'f'];
const KINDS: Kinds[number][] = [
  ['DIRECT', 'IDENTITY'],
  ['DIRECT', 'TRANSFORMATION'],
  ['DIRECT', 'AGGREGATION', true],
  ['INDIRECT', 'JOIN'],
  ['INDIRECT', 'FILTER'],
];
const ROUND_1 = '2024-03-01T00:00:00.000Z';
const BETWEEN_ROUNDS = '2024-03-01T06:00:00.000Z';
const ROUND_2 = '2024-03-01T12:00:00.000Z';

/** Deterministic choices, so that every run builds the same graph. */
function chooser(seed: string): (n: number) => number {
  let counter = 0;
  return (n) => createHash('sha256').update(`${seed}|${counter++}`).digest().readUInt32BE(0) % n;
}

function pipeline(scenario: PaymentsScenario): unknown[] {
  const pick = chooser('column-walk-equivalence');
  const events: unknown[] = [];
  for (const [round, start] of [ROUND_1, ROUND_2].entries()) {
    const at = (minutes: number) => new Date(Date.parse(start) + minutes * 60_000).toISOString();
    events.push(scenario.event({ run: `r${round}-layer0`, job: 'layer0', at: at(0), outputs: [{ name: 'layer0', schema: COLUMNS }] }));
    for (let layer = 1; layer < LAYERS; layer++) {
      const inputs = layer === 1 ? ['layer0'] : [`layer${layer - 1}`, `layer${layer - 2}`];
      const mapping: Mapping = Object.fromEntries(
        COLUMNS.map((column) => [
          column,
          Array.from({ length: 1 + pick(3) }, () => [inputs[pick(inputs.length)]!, COLUMNS[pick(COLUMNS.length)]!, [KINDS[pick(KINDS.length)]!]] as const),
        ]),
      ) as Mapping;
      events.push(
        scenario.event({
          run: `r${round}-layer${layer}`,
          job: `layer${layer}`,
          at: at(layer),
          inputs: inputs.map((name) => ({ name })),
          outputs: [{ name: `layer${layer}`, mapping, dataset: [[inputs[0]!, COLUMNS[pick(COLUMNS.length)]!, [['INDIRECT', 'FILTER']]]] }],
        }),
      );
    }
    const last = `layer${LAYERS - 1}`;
    events.push(
      scenario.event({
        run: `r${round}-train`,
        job: 'train',
        at: at(LAYERS),
        inputs: [{ name: last }],
        models: [
          {
            name: 'model',
            version: String(round + 1),
            mapping: { x: [[last, 'a', [['DIRECT', 'IDENTITY']]]], y: [[last, 'b', [['DIRECT', 'TRANSFORMATION', true]]]] },
          },
        ],
      }),
    );
  }
  return events;
}

/** A level of the walk it replaced: each direction's part of the frontier by the level statement, within one row limit. */
async function levelByLevel(tx: Tx, frontier: readonly FrontierItem[], rowLimit: number, asOf: string, kinds: readonly string[] | null) {
  const rows: FieldExpansionRow[] = [];
  for (const direction of ['UP', 'DOWN'] as const) {
    const elements = frontier.filter((item) => item.direction === direction).map((item) => item.element);
    if (elements.length === 0 || rows.length >= rowLimit) continue;
    const statement = direction === 'UP' ? COLUMN_WALK_CYPHER.EXPAND_UP : COLUMN_WALK_CYPHER.EXPAND_DOWN;
    rows.push(...(await tx.rows<FieldExpansionRow>(statement, { walk: { frontier: elements, rowLimit: rowLimit - rows.length, asOf, kinds } })));
  }
  return rows;
}

/** Everything of a walk the answers are made of (objects by their entries: key order is no difference). */
function shape(walk: ColumnWalk): string {
  return JSON.stringify({
    truncatedReason: walk.truncatedReason,
    fields: [...walk.fields.values()].map((f) => [Object.entries(f.field).sort(), f.depth, isMasked(f), [...f.clean.entries()].sort()]).sort(),
    edges: [...walk.edges.entries()].map(([key, edge]) => [key, Object.entries(edge).sort()]).sort(),
  });
}

interface Case {
  directions: WalkDirection[];
  maxDepth: number;
  maxNodes: number;
  maxEdges: number;
  kinds: string[] | null;
  asOf: string;
}

const CASES: Case[] = [];
for (const directions of [['UP'], ['DOWN'], ['UP', 'DOWN']] as WalkDirection[][]) {
  for (const maxDepth of [1, 2, 3, 10]) {
    for (const [maxNodes, maxEdges] of [
      [1_000, 10_000],
      [3, 30],
      [8, 80],
      [8, 6],
      [40, 25],
    ] as const) {
      for (const kinds of [null, ['DIRECT'], ['MASKING']]) {
        for (const asOf of [BETWEEN_ROUNDS, new Date().toISOString()]) CASES.push({ directions, maxDepth, maxNodes, maxEdges, kinds, asOf });
      }
    }
  }
}

describe('the column walk statement', () => {
  let service: TestService;
  let scenario: PaymentsScenario;

  before(async () => {
    service = await startTestService();
    scenario = new PaymentsScenario(`${uniqueNamespace('cwe')}.`);
    for (const answer of await postEach(service, pipeline(scenario))) assert.equal(answer.status, 201, JSON.stringify(answer.body));
  });
  after(async () => {
    if (service) await removeIsolated(service.db, [scenario.prefix]);
    await service?.stop();
  });

  it('answers every walk as the level-by-level walk does, in one statement when its reach was not cut', async () => {
    const repository = new ColumnWalkRepository();
    const reasons = new Map<string, number>();
    // Collected in the transaction, asserted after it (an assertion thrown inside it would come out as its error).
    const differences: Array<{ walk: string; walked: string; reference: string }> = [];
    const extraStatements: string[] = [];
    let fields = 0;
    let compared = 0;
    await service.db.read(
      'test.columnWalkEquivalence',
      async (tx) => {
        const ids = await tx.rows<{ id: string }>(
          `MATCH (f:Field) WHERE f.namespace = $namespace OR f.modelName STARTS WITH $prefix RETURN f.id AS id ORDER BY f.id`,
          { namespace: scenario.namespace, prefix: scenario.prefix },
        );
        fields = ids.length;
        for (const [index, { id }] of ids.entries()) {
          for (const [caseIndex, { kinds, asOf, ...bounds }] of CASES.entries()) {
            if ((caseIndex + index) % 12 !== 0) continue;
            const starts = await repository.startsByIds(tx, [id], asOf);
            if (starts.length === 0) continue;
            let statements = 0;
            const counted: Tx = { rows: (query, params) => (statements++, tx.rows(query, params)) };
            const plan = { starts: starts.map((start) => start.element), ...bounds, asOf, kinds };
            const walked = await walkColumns(starts, bounds, repository.walk(counted, plan));
            const reference = await walkColumns(starts, bounds, (frontier, rowLimit) => levelByLevel(tx, frontier, rowLimit, asOf, kinds));
            const walk = `from ${id}: ${JSON.stringify({ kinds, asOf, ...bounds })}`;
            if (shape(walked) !== shape(reference)) differences.push({ walk, walked: shape(walked), reference: shape(reference) });
            if (bounds.maxNodes === 1_000 && statements !== 1) extraStatements.push(`${walk}: ${statements} statements`);
            reasons.set(String(reference.truncatedReason), (reasons.get(String(reference.truncatedReason)) ?? 0) + 1);
            compared++;
          }
        }
      },
      { timeoutMs: 600_000 },
    );
    assert.ok(fields >= 2 * LAYERS * COLUMNS.length, `${fields} fields`);
    assert.deepEqual(differences.slice(0, 3), []);
    assert.deepEqual(extraStatements.slice(0, 3), []);
    // The cases cut walks in every way a walk can be cut, and let others finish.
    assert.deepEqual([...reasons.keys()].sort(), ['DEPTH', 'EDGE_BUDGET', 'NODE_BUDGET', 'null'], JSON.stringify(Object.fromEntries(reasons)));
    assert.ok(compared > 300, `${compared} walks compared`);
  });
});
