import neo4j, { type Driver } from 'neo4j-driver';
import { NODE_KINDS, kindOfId } from '../src/lineage/common/ids';
import type { Direction } from '../src/lineage/questions/lineage-steps';
import { TRAVERSAL_LIMITS } from '../src/lineage/questions/traversal-limits';
import { TRAVERSAL_CYPHER } from '../src/lineage/questions/traversal.repository';
import { pendingChecks, traverse, type ExpansionRow, type NodeRef } from '../src/lineage/questions/traversal';

/**
 * The floor of a lineage question: the very statements and parameters the service sends for it, driven by the
 * same breadth-first loop (src/lineage/questions/traversal.ts), in one read transaction, through a bare
 * neo4j-driver (native numbers, records not converted, nothing presented). What the service adds on top of this
 * (sessions, conversion, shaping, GraphQL, HTTP) is its overhead; what this costs is the database's work.
 */

export interface BareWalk {
  /** Global id of the start. */
  from: string;
  directions: readonly Direction[];
  maxDepth: number;
  maxNodes: number;
  /** Also read the parameters of the runs reached, as reproductionRecipe does. */
  runParameters?: boolean;
}

/** A driver configured as a hand-written client would be: native numbers. */
export function bareDriver(uri: string, user = 'neo4j', password = ''): Driver {
  return neo4j.driver(uri, password ? neo4j.auth.basic(user, password) : undefined, { disableLosslessIntegers: true });
}

/** Runs the walk and returns how many nodes it described. */
export async function bareWalk(driver: Driver, walk: BareWalk): Promise<number> {
  const start: NodeRef = { id: walk.from, kind: kindOfId(walk.from)! };
  const asOf = new Date().toISOString();
  const session = driver.session({ defaultAccessMode: neo4j.session.READ });
  try {
    return await session.executeRead(async (tx) => {
      const options = {
        directions: walk.directions,
        maxDepth: walk.maxDepth,
        maxNodes: walk.maxNodes,
        maxEdges: walk.maxNodes * TRAVERSAL_LIMITS.EDGES_PER_NODE,
      };
      const traversal = await traverse(start, options, async (request) => {
        const { start: first, ...rest } = request;
        const result = await tx.run(TRAVERSAL_CYPHER.EXPAND, { walk: { ...rest, start: first?.id ?? null, startKind: first?.kind ?? null, asOf } });
        return result.records.map((record) => record.toObject() as unknown as ExpansionRow);
      });
      const pending = pendingChecks(traversal);
      const nodes: Record<string, unknown[]> = Object.fromEntries(NODE_KINDS.map((kind) => [kind, []]));
      for (const node of traversal.nodes.values()) nodes[node.kind]!.push({ id: node.id, ...pending.get(node.id)! });
      const described = await tx.run(TRAVERSAL_CYPHER.DESCRIBE, { describe: { nodes, visited: [...traversal.nodes.keys()], asOf } });
      if (walk.runParameters) {
        const runIds = [...traversal.nodes.values()].filter((node) => node.kind === 'Run').map((node) => node.id);
        await tx.run(`UNWIND $runIds AS id MATCH (r:Run {id: id}) RETURN id, r.parametersJson AS parametersJson`, { runIds });
      }
      return described.records.length;
    });
  } finally {
    await session.close();
  }
}
