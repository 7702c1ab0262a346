import type { Database } from '../../db/database';
import type { Limits } from '../../limits';
import { fromJsonProperty } from '../../core/json-property';
import { walkLineage } from './lineage-answer';
import { BadInputError } from '../../errors';
import { asOfArgument, startOf } from './question-arguments';
import { resolveStart } from './question-start';
import { QuestionStartRepository } from './question-start.repository';
import { planRecipe } from './reproduction-plan';
import { ReproductionRepository } from './reproduction.repository';
import type { ReproductionRecipe } from './reproduction.type';
import { traversalBounds } from './traversal-limits';
import { TraversalRepository } from './traversal.repository';
import { traversalResultFields } from './traversal-result.type';

export interface ReproductionQuery {
  /** What to rebuild: a model version or dataset version (a deployment: the version it serves; a model: its newest version; a dataset: its version current at asOf). */
  from?: string | null;
  /** The older name of `from`, for a model version; one of the two. */
  modelVersion?: string | null;
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
    private readonly starts = new QuestionStartRepository(),
  ) {}

  /**
   * The recipe to rebuild a model version or dataset version, from everything upstream of it as of `asOf`: the
   * source dataset versions to fetch, the commits, and the runs to replay in topological order with their
   * parameters; with the gaps that would make a rebuild differ (no digest, no commit, a run that did not complete).
   */
  recipeFor(query: ReproductionQuery): Promise<ReproductionRecipe> {
    const asked = recipeStart(query);
    const bounds = traversalBounds(query.maxDepth, query.maxNodes, this.limits.traversal);
    const asOf = asOfArgument(query.asOf);
    return this.db.traverse('reproductionRecipe', async (tx) => {
      const start = await resolveStart(tx, this.starts, asked, asOf);
      const answer = await walkLineage(tx, this.traversals, { start, directions: ['UP'], bounds, asOf });
      const runIds = answer.nodes.filter((node) => node.kind === 'Run').map((node) => node.id);
      const stored = await this.recipes.parametersOf(tx, runIds);
      const parameters = new Map([...stored].map(([id, json]) => [id, fromJsonProperty<Record<string, unknown>>(json)]));
      const plan = planRecipe({ start: answer.start, nodes: answer.nodes, edges: answer.edges, truncatedReason: answer.truncatedReason, parameters });
      return { ...traversalResultFields(answer, bounds, asOf, asked.id), ...plan, nodes: answer.nodes };
    });
  }
}

/** `from`, or `modelVersion` (the older argument, which names a model version only); exactly one of them. */
function recipeStart(query: ReproductionQuery) {
  const from = query.from ?? null;
  const modelVersion = query.modelVersion ?? null;
  if ((from === null) === (modelVersion === null))
    throw new BadInputError('from', 'give what to rebuild in `from` (or, for a model version, `modelVersion`), not both');
  if (from !== null) return startOf('from', from, 'reproductionRecipe');
  const asked = startOf('modelVersion', modelVersion!, 'reproductionRecipe');
  if (asked.kind !== 'ModelVersion') throw new BadInputError('modelVersion', `must be a ModelVersion id; ${modelVersion} is a ${asked.kind} (use from)`);
  return asked;
}
