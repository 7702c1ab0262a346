import type { Database } from '../../db/database';
import type { Limits } from '../../limits';
import { walkLineage } from './lineage-answer';
import { asOfArgument, startOf } from './question-arguments';
import { resolveStart } from './question-start';
import { QuestionStartRepository } from './question-start.repository';
import type { Provenance } from './provenance.type';
import { traversalBounds } from './traversal-limits';
import { TraversalRepository } from './traversal.repository';
import { traversalResultFields } from './traversal-result.type';
import type { NodeKind } from '../../core/vocabulary';

export interface ProvenanceQuery {
  from: string;
  asOf?: Date | string | null;
  maxDepth?: number | null;
  maxNodes?: number | null;
  kinds?: readonly NodeKind[] | null;
}

export class ProvenanceService {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly traversals = new TraversalRepository(),
    private readonly starts = new QuestionStartRepository(),
  ) {}

  /**
   * Walks upstream from a deployment, model version, dataset version or run (a dataset: its version current at
   * `asOf`; a model: its newest version; a job: its newest completed run): the model version served, the run that
   * produced each version, what that run read, its commit and parent run, recursively, as the graph stood at
   * `asOf`. Dataset versions that nothing produced are the sources.
   */
  traceProvenance(query: ProvenanceQuery): Promise<Provenance> {
    const asked = startOf('from', query.from, 'provenance');
    const bounds = traversalBounds(query.maxDepth, query.maxNodes, this.limits.traversal);
    const asOf = asOfArgument(query.asOf);
    const kinds = query.kinds ? new Set(query.kinds) : null;
    return this.db.traverse('provenance', async (tx) => {
      const start = await resolveStart(tx, this.starts, asked, asOf);
      const answer = await walkLineage(tx, this.traversals, { start, directions: ['UP'], bounds, asOf });
      const upstream = answer.nodes.filter((node) => node.id !== start.id);
      return {
        ...traversalResultFields(answer, bounds, asOf, asked.id),
        nodes: upstream.filter((node) => !kinds || kinds.has(node.kind)),
        sources: upstream.filter((node) => node.isSource),
      };
    });
  }
}
