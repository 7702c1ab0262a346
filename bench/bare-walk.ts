import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import { kindOfId } from '../src/core/ids';
import type { Direction } from '../src/lineage/questions/lineage-steps';
import { TRAVERSAL_LIMITS } from '../src/lineage/questions/traversal-limits';
import { TraversalRepository } from '../src/lineage/questions/traversal.repository';
import { pendingChecks, traverse, type NodeRef } from '../src/lineage/questions/traversal';
import type { Tx } from '../src/db/database';

/**
 * The floor of a lineage question: the very statements and parameters the service sends for it, driven by the
 * same breadth-first loop (src/lineage/questions/traversal.ts), in one read transaction, through a bare
 * neo4j-driver (native numbers, records as the driver gives them, nothing converted or presented). What the
 * service adds on top of this (its database layer, shaping, GraphQL, HTTP) is its overhead; what this costs is
 * the database's work and the walk's bookkeeping.
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

/** The bare transaction: each statement's records as plain objects, nothing converted. */
function bare(tx: ManagedTransaction): Tx {
  return { rows: async <T>(query: string, params?: Record<string, unknown>) => (await tx.run(query, params)).records.map((record) => record.toObject() as T) };
}

const repository = new TraversalRepository();

/** Runs the walk and returns how many nodes it described. */
export async function bareWalk(driver: Driver, walk: BareWalk): Promise<number> {
  const start: NodeRef = { id: walk.from, kind: kindOfId(walk.from)! };
  const asOf = new Date().toISOString();
  const session = driver.session({ defaultAccessMode: neo4j.session.READ });
  try {
    return await session.executeRead(async (managed) => {
      const tx = bare(managed);
      const options = {
        directions: walk.directions,
        maxDepth: walk.maxDepth,
        maxNodes: walk.maxNodes,
        maxEdges: walk.maxNodes * TRAVERSAL_LIMITS.EDGES_PER_NODE,
      };
      const statements = repository.walk(tx, { ...options, start, asOf });
      const traversal = await traverse(start, options, statements.expand);
      const pending = pendingChecks(traversal);
      const described = await statements.describe(
        [...traversal.nodes.values()].map((node) => ({ id: node.id, kind: node.kind, ...pending.get(node.id)! })),
        new Set(traversal.nodes.keys()),
      );
      if (walk.runParameters) {
        const runIds = [...traversal.nodes.values()].filter((node) => node.kind === 'Run').map((node) => node.id);
        await tx.rows(`UNWIND $runIds AS id MATCH (r:Run {id: id}) RETURN id, r.parametersJson AS parametersJson`, { runIds });
      }
      return described.size;
    });
  } finally {
    await session.close();
  }
}
