import type { Database } from '../../db/database';
import type { Limits } from '../../limits';
import { walkLineage } from './lineage-answer';
import { LineageDirection } from './lineage.type';
import type { LineageGraph } from './lineage-graph.type';
import { LineageGraphRepository } from './lineage-graph.repository';
import type { Direction } from './lineage-steps';
import { asOfArgument, startOf } from './question-arguments';
import { graphBounds } from './traversal-limits';
import { TraversalRepository } from './traversal.repository';
import { traversalResultFields } from './traversal-result.type';

const PREPARE_TIMEOUT_MS = 300_000;

export interface LineageGraphQuery {
  from: string;
  direction?: LineageDirection | null;
  depth?: number | null;
  asOf?: Date | string | null;
  maxNodes?: number | null;
}

const DIRECTIONS_OF: Record<LineageDirection, Direction[]> = {
  [LineageDirection.UPSTREAM]: ['UP'],
  [LineageDirection.DOWNSTREAM]: ['DOWN'],
  [LineageDirection.BOTH]: ['UP', 'DOWN'],
};

export class LineageGraphService {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly traversals = new TraversalRepository(),
    private readonly graph = new LineageGraphRepository(),
  ) {}

  /**
   * The neighbourhood of any node within `depth` hops, upstream, downstream or both, as the graph stood at `asOf`:
   * what a lineage explorer draws, with per-node flags saying where it can expand further.
   */
  neighbourhood(query: LineageGraphQuery): Promise<LineageGraph> {
    // Every kind starts as itself: the neighbourhood of a dataset is the dataset's.
    const start = startOf('from', query.from, 'lineageGraph');
    const bounds = graphBounds(query.depth, query.maxNodes, this.limits.traversal);
    const asOf = asOfArgument(query.asOf);
    const direction = query.direction ?? LineageDirection.BOTH;
    return this.db.traverse('lineageGraph', async (tx) => {
      const answer = await walkLineage(tx, this.traversals, { start: { id: start.id, kind: start.kind }, directions: DIRECTIONS_OF[direction], bounds, asOf });
      return { ...traversalResultFields(answer, bounds, asOf, start.id), direction, nodes: answer.nodes };
    });
  }

  /**
   * Has Neo4j plan the common traversal statements now rather than on the first questions (start-up calls it;
   * TraversalRepository.prepare). Planning on a cold, busy Neo4j can take longer than a question may, hence the
   * longer timeout.
   */
  prepareQueries(): Promise<void> {
    return this.db.read('prepareLineageQueries', (tx) => this.traversals.prepare(tx), { timeoutMs: PREPARE_TIMEOUT_MS });
  }

  /** True when no lineage has been recorded yet (the demo loads only into an empty graph). */
  async isEmpty(): Promise<boolean> {
    return !(await this.db.read('hasLineage', (tx) => this.graph.hasLineage(tx)));
  }
}
