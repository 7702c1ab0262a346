import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LINEAGE_STEPS, stepsFrom } from '../../../src/lineage/questions/lineage-steps';
import { TRAVERSAL_CYPHER } from '../../../src/lineage/questions/traversal.repository';

describe('lineage steps', () => {
  it('downstream is upstream reversed, step by step', () => {
    const key = (s: { from: string; type: string; outgoing: boolean; to: string }) => `${s.from}-${s.type}-${s.outgoing}-${s.to}`;
    const up = LINEAGE_STEPS.filter((s) => s.direction === 'UP' && s.type !== 'VERSION_OF' && s.type !== 'RUN_OF');
    const down = LINEAGE_STEPS.filter((s) => s.direction === 'DOWN' && s.type !== 'VERSION_OF' && s.type !== 'RUN_OF');
    assert.deepEqual(down.map(key).sort(), up.map((s) => key({ from: s.to, type: s.type, outgoing: !s.outgoing, to: s.from })).sort());
  });

  it('never leads from a version to its dataset or model, so lineage stays version-correct', () => {
    for (const step of LINEAGE_STEPS) {
      assert.ok(!['Dataset', 'Model', 'Job'].includes(step.to), `${step.from} -${step.type}-> ${step.to}`);
    }
    assert.deepEqual(
      stepsFrom('Dataset', 'DOWN').map((s) => s.to),
      ['DatasetVersion'],
    );
  });

  it('generates Cypher that names only lineage relationship types, typed and directed', () => {
    const types = new Set([...TRAVERSAL_CYPHER.EXPAND.matchAll(/\[r:([A-Z_|]+)\]/g)].flatMap((m) => m[1]!.split('|')));
    assert.deepEqual([...types].sort(), ['CHILD_OF', 'RAN_CODE', 'READ', 'RUN_OF', 'SERVES', 'VERSION_OF', 'WROTE']);
    for (const pattern of [
      '$walk.up MATCH (f)-[r:SERVES|READ|RAN_CODE|CHILD_OF]->(n)',
      '$walk.up MATCH (f)<-[r:WROTE|VERSION_OF|RUN_OF]-(n)',
      '$walk.down MATCH (f)-[r:WROTE]->(n)',
      '$walk.down MATCH (f)<-[r:SERVES|READ|RAN_CODE|CHILD_OF|VERSION_OF|RUN_OF]-(n)',
    ]) {
      assert.ok(TRAVERSAL_CYPHER.EXPAND.includes(pattern), pattern);
    }
    assert.ok(!TRAVERSAL_CYPHER.EXPAND.includes('SUCCEEDS'));
  });

  it('take every value in one map parameter, so that Neo4j plans each statement once whatever the frontier size', () => {
    // Neo4j caches plans per size class of list and string parameters; a frontier of 1, 10 or 100 nodes must not
    // each cost seconds of planning inside a question.
    const parameters = (query: string) => new Set([...query.matchAll(/\$([A-Za-z]+)/g)].map((m) => m[1]));
    assert.deepEqual([...parameters(TRAVERSAL_CYPHER.EXPAND)], ['walk']);
    assert.deepEqual([...parameters(TRAVERSAL_CYPHER.DESCRIBE)], ['describe']);
    // Plans are good whatever the statistics they were made with, and cheap to make: none is kept against replanning.
    assert.ok(!TRAVERSAL_CYPHER.EXPAND.includes('replan=skip'));
  });
});
