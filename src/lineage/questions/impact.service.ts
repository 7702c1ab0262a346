import type { Database } from '../../db/database';
import type { Limits } from '../../limits';
import { walkLineage } from './lineage-answer';
import type { LineageNode } from './lineage.type';
import { asOfArgument, startOf } from './question-arguments';
import { resolveStart } from './question-start';
import { QuestionStartRepository } from './question-start.repository';
import type { Impact, ImpactEnvironment } from './impact.type';
import { traversalBounds } from './traversal-limits';
import { TraversalRepository } from './traversal.repository';
import { traversalResultFields } from './traversal-result.type';
import type { NodeKind } from '../../core/vocabulary';

export interface ImpactQuery {
  from: string;
  asOf?: Date | string | null;
  maxDepth?: number | null;
  maxNodes?: number | null;
  kinds?: readonly NodeKind[] | null;
}

export class ImpactService {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly traversals = new TraversalRepository(),
    private readonly starts = new QuestionStartRepository(),
  ) {}

  /**
   * Walks downstream from a dataset or model (all its versions), a dataset version, a model version, a run or a
   * commit (a job: its newest completed run): the runs that read or ran it, what they wrote, the models trained on
   * that, and the deployments serving them, as the graph stood at `asOf`; deployments are grouped by environment,
   * live ones (at `asOf`) apart.
   */
  assessImpact(query: ImpactQuery): Promise<Impact> {
    const asked = startOf('from', query.from, 'impact');
    const bounds = traversalBounds(query.maxDepth, query.maxNodes, this.limits.traversal);
    const asOf = asOfArgument(query.asOf);
    const kinds = query.kinds ? new Set(query.kinds) : null;
    return this.db.traverse('impact', async (tx) => {
      const start = await resolveStart(tx, this.starts, asked, asOf);
      const answer = await walkLineage(tx, this.traversals, { start, directions: ['DOWN'], bounds, asOf });
      const downstream = answer.nodes.filter((node) => node.id !== start.id);
      return {
        ...traversalResultFields(answer, bounds, asOf, asked.id),
        nodes: downstream.filter((node) => !kinds || kinds.has(node.kind)),
        environments: byEnvironment(downstream.filter((node) => node.kind === 'Deployment')),
      };
    });
  }
}

function byEnvironment(deployments: readonly LineageNode[]): ImpactEnvironment[] {
  const groups = new Map<string, ImpactEnvironment>();
  for (const deployment of deployments) {
    const environment = String(deployment.properties.environment);
    const group = groups.get(environment) ?? { environment, live: [], retired: [] };
    (deployment.isLive ? group.live : group.retired).push(deployment);
    groups.set(environment, group);
  }
  return [...groups.values()].sort((a, b) => (a.environment < b.environment ? -1 : a.environment > b.environment ? 1 : 0));
}
