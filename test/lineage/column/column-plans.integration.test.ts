import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import neo4j, { type Driver } from 'neo4j-driver';
import { COLUMN_WALK_CYPHER } from '../../../src/lineage/column/column-walk.repository';
import { COLUMN_WRITE_CYPHER } from '../../../src/core/column/column-write.repository';
import { testNeo4jUri } from '../../support/service';

interface PlanNode {
  operatorType: string;
  children: PlanNode[];
}

const operators = (plan: PlanNode): string[] => [plan.operatorType.replace(/@.*$/, ''), ...plan.children.flatMap(operators)];

/**
 * The column statements carry no kept plan (no replan=skip, nothing planned at start-up), so each must be one that
 * any store's statistics plan the same way: anchored on ids (unique constraints, element ids) or a named index,
 * the rest reached by typed relationships. A scan in a plan means a statement lost its anchor. The empty-store
 * versus full-store comparison is the benchmark's (bench/README.md, "Column lineage").
 */
describe('column statements plan without scans', () => {
  let driver: Driver;
  before(() => {
    driver = neo4j.driver(testNeo4jUri());
  });
  after(async () => {
    await driver?.close();
  });

  for (const [name, statement] of Object.entries({ ...COLUMN_WRITE_CYPHER, ...COLUMN_WALK_CYPHER })) {
    it(`${name}: seeks and typed expands only`, async () => {
      const session = driver.session({ defaultAccessMode: neo4j.session.READ });
      try {
        const { summary } = await session.run(`EXPLAIN CYPHER replan=force ${statement}`);
        const plan = operators(summary.plan as unknown as PlanNode);
        assert.deepEqual(
          plan.filter((operator) => /Scan/.test(operator)),
          [],
          plan.join(' > '),
        );
        assert.ok(
          plan.some((operator) => /Seek/.test(operator)),
          `no seek in ${plan.join(' > ')}`,
        );
      } finally {
        await session.close();
      }
    });
  }
});
