import type { Database } from '../../db/database';
import type { Limits } from '../../limits';
import { fromJsonProperty } from '../../core/json-property';
import { walkLineage } from './lineage-answer';
import { asOfArgument, startOf } from './question-arguments';
import { planRecipe } from './reproduction-plan';
import { ReproductionRepository } from './reproduction.repository';
import type { ReproductionRecipe } from './reproduction.type';
import { traversalBounds } from './traversal-limits';
import { TraversalRepository } from './traversal.repository';
import { traversalResultFields } from './traversal-result.type';

export interface ReproductionQuery {
  modelVersion: string;
  asOf?: Date | string | null;
  maxDepth?: number | null;
  maxNodes?: number | null;
}

export class ReproductionService {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly traversals = new TraversalRepository(),
    private readonly recipes = new ReproductionRepository(),
  ) {}

  /**
   * The recipe to rebuild a model version, from everything upstream of it as of `asOf`: the source dataset
   * versions to fetch, the commits, and the runs to replay in topological order with their parameters; with the
   * gaps that would make a rebuild differ (no digest, no commit, a run that did not complete).
   */
  recipeFor(query: ReproductionQuery): Promise<ReproductionRecipe> {
    const start = startOf('modelVersion', query.modelVersion, ['ModelVersion'], 'reproductionRecipe');
    const bounds = traversalBounds(query.maxDepth, query.maxNodes, this.limits.traversal);
    const asOf = asOfArgument(query.asOf);
    return this.db.traverse('reproductionRecipe', async (tx) => {
      const answer = await walkLineage(tx, this.traversals, { start, directions: ['UP'], bounds, asOf });
      const runIds = answer.nodes.filter((node) => node.kind === 'Run').map((node) => node.id);
      const stored = await this.recipes.parametersOf(tx, runIds);
      const parameters = new Map([...stored].map(([id, json]) => [id, fromJsonProperty<Record<string, unknown>>(json)]));
      const plan = planRecipe({ start: answer.start, nodes: answer.nodes, edges: answer.edges, truncatedReason: answer.truncatedReason, parameters });
      return { ...traversalResultFields(answer, bounds, asOf), ...plan, nodes: answer.nodes };
    });
  }
}
