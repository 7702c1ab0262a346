import { Args, Ctx, Extensions, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { Commit } from '../commit/commit.type';
import { DatasetVersion } from '../dataset/dataset-version.type';
import { Dataset } from '../dataset/dataset.type';
import { Deployment } from '../deployment/deployment.type';
import { Job } from '../job/job.type';
import { ModelVersion } from '../model/model-version.type';
import { Model } from '../model/model.type';
import { Run } from '../run/run.type';
import { Impact } from './impact.type';
import { LineageGraph } from './lineage-graph.type';
import { Provenance } from './provenance.type';
import { ReproductionRecipe } from './reproduction.type';
import { GRAPH_COST, TRAVERSAL_COST } from './traversal-limits';
import { FilteredTraversalOptions, LineageGraphOptions, ReproductionOptions } from './traversal.input';

/**
 * The lineage questions as fields of the entities they start from, so that one request answers a question by
 * name: `liveDeployment(name: "fraud-api", environment: "production") { provenance { sources { label } } }`.
 * Each field asks its root question about the entity (`from: entity.id`), resolved the same way (a dataset's
 * provenance is its current version's). A question is a bounded walk, a transaction of its own: in an operation's
 * cost it weighs its node budget for each entity asking it (TRAVERSAL_COST / GRAPH_COST in traversal-limits.ts, read
 * by src/graphql/operation-limits.ts), so a list of entities asking one each is bounded by LIMIT_GRAPHQL_COST like
 * any other large request.
 */

type Entity = { id: string };

const ask = {
  provenance: (entity: Entity, options: FilteredTraversalOptions, { services }: GraphQLContext) =>
    services.provenance.traceProvenance({ ...options, from: entity.id }),
  impact: (entity: Entity, options: FilteredTraversalOptions, { services }: GraphQLContext) => services.impact.assessImpact({ ...options, from: entity.id }),
  lineageGraph: (entity: Entity, options: LineageGraphOptions, { services }: GraphQLContext) =>
    services.lineageGraph.neighbourhood({ ...options, from: entity.id }),
  reproductionRecipe: (entity: Entity, options: ReproductionOptions, { services }: GraphQLContext) =>
    services.reproduction.recipeFor({ ...options, from: entity.id }),
};

const GRAPH = 'Its lineage neighbourhood, as the root `lineageGraph` from it.';

@Resolver(() => Dataset)
export class DatasetQuestionsResolver {
  @FieldResolver(() => Provenance, { description: 'Provenance of the version of this dataset current at `asOf`.' })
  @Extensions(TRAVERSAL_COST)
  provenance(@Root() dataset: Dataset, @Args() options: FilteredTraversalOptions, @Ctx() context: GraphQLContext): Promise<Provenance> {
    return ask.provenance(dataset, options, context);
  }

  @FieldResolver(() => Impact, { description: 'What was made from any version of this dataset, as of `asOf`.' })
  @Extensions(TRAVERSAL_COST)
  impact(@Root() dataset: Dataset, @Args() options: FilteredTraversalOptions, @Ctx() context: GraphQLContext): Promise<Impact> {
    return ask.impact(dataset, options, context);
  }

  @FieldResolver(() => LineageGraph, { description: GRAPH })
  @Extensions(GRAPH_COST)
  lineageGraph(@Root() dataset: Dataset, @Args() options: LineageGraphOptions, @Ctx() context: GraphQLContext): Promise<LineageGraph> {
    return ask.lineageGraph(dataset, options, context);
  }

  @FieldResolver(() => ReproductionRecipe, { description: 'The recipe to rebuild the version of this dataset current at `asOf`.' })
  @Extensions(TRAVERSAL_COST)
  reproductionRecipe(@Root() dataset: Dataset, @Args() options: ReproductionOptions, @Ctx() context: GraphQLContext): Promise<ReproductionRecipe> {
    return ask.reproductionRecipe(dataset, options, context);
  }
}

@Resolver(() => DatasetVersion)
export class DatasetVersionQuestionsResolver {
  @FieldResolver(() => Provenance, { description: 'Which data, code and runs produced this version.' })
  @Extensions(TRAVERSAL_COST)
  provenance(@Root() version: DatasetVersion, @Args() options: FilteredTraversalOptions, @Ctx() context: GraphQLContext): Promise<Provenance> {
    return ask.provenance(version, options, context);
  }

  @FieldResolver(() => Impact, { description: 'What was made from this version.' })
  @Extensions(TRAVERSAL_COST)
  impact(@Root() version: DatasetVersion, @Args() options: FilteredTraversalOptions, @Ctx() context: GraphQLContext): Promise<Impact> {
    return ask.impact(version, options, context);
  }

  @FieldResolver(() => LineageGraph, { description: GRAPH })
  @Extensions(GRAPH_COST)
  lineageGraph(@Root() version: DatasetVersion, @Args() options: LineageGraphOptions, @Ctx() context: GraphQLContext): Promise<LineageGraph> {
    return ask.lineageGraph(version, options, context);
  }

  @FieldResolver(() => ReproductionRecipe, { description: 'The recipe to rebuild this version.' })
  @Extensions(TRAVERSAL_COST)
  reproductionRecipe(@Root() version: DatasetVersion, @Args() options: ReproductionOptions, @Ctx() context: GraphQLContext): Promise<ReproductionRecipe> {
    return ask.reproductionRecipe(version, options, context);
  }
}

@Resolver(() => Model)
export class ModelQuestionsResolver {
  @FieldResolver(() => Provenance, { description: 'Provenance of the newest version of this model as of `asOf`.' })
  @Extensions(TRAVERSAL_COST)
  provenance(@Root() model: Model, @Args() options: FilteredTraversalOptions, @Ctx() context: GraphQLContext): Promise<Provenance> {
    return ask.provenance(model, options, context);
  }

  @FieldResolver(() => Impact, { description: 'What serves any version of this model (its deployments), as of `asOf`.' })
  @Extensions(TRAVERSAL_COST)
  impact(@Root() model: Model, @Args() options: FilteredTraversalOptions, @Ctx() context: GraphQLContext): Promise<Impact> {
    return ask.impact(model, options, context);
  }

  @FieldResolver(() => LineageGraph, { description: GRAPH })
  @Extensions(GRAPH_COST)
  lineageGraph(@Root() model: Model, @Args() options: LineageGraphOptions, @Ctx() context: GraphQLContext): Promise<LineageGraph> {
    return ask.lineageGraph(model, options, context);
  }

  @FieldResolver(() => ReproductionRecipe, { description: 'The recipe to rebuild the newest version of this model as of `asOf`.' })
  @Extensions(TRAVERSAL_COST)
  reproductionRecipe(@Root() model: Model, @Args() options: ReproductionOptions, @Ctx() context: GraphQLContext): Promise<ReproductionRecipe> {
    return ask.reproductionRecipe(model, options, context);
  }
}

@Resolver(() => ModelVersion)
export class ModelVersionQuestionsResolver {
  @FieldResolver(() => Provenance, { description: 'Which data, code and runs produced this model version.' })
  @Extensions(TRAVERSAL_COST)
  provenance(@Root() version: ModelVersion, @Args() options: FilteredTraversalOptions, @Ctx() context: GraphQLContext): Promise<Provenance> {
    return ask.provenance(version, options, context);
  }

  @FieldResolver(() => Impact, { description: 'The deployments serving this model version.' })
  @Extensions(TRAVERSAL_COST)
  impact(@Root() version: ModelVersion, @Args() options: FilteredTraversalOptions, @Ctx() context: GraphQLContext): Promise<Impact> {
    return ask.impact(version, options, context);
  }

  @FieldResolver(() => LineageGraph, { description: GRAPH })
  @Extensions(GRAPH_COST)
  lineageGraph(@Root() version: ModelVersion, @Args() options: LineageGraphOptions, @Ctx() context: GraphQLContext): Promise<LineageGraph> {
    return ask.lineageGraph(version, options, context);
  }

  @FieldResolver(() => ReproductionRecipe, { description: 'The recipe to rebuild this model version.' })
  @Extensions(TRAVERSAL_COST)
  reproductionRecipe(@Root() version: ModelVersion, @Args() options: ReproductionOptions, @Ctx() context: GraphQLContext): Promise<ReproductionRecipe> {
    return ask.reproductionRecipe(version, options, context);
  }
}

@Resolver(() => Deployment)
export class DeploymentQuestionsResolver {
  @FieldResolver(() => Provenance, { description: 'Which data, code and runs produced the model version this deployment serves.' })
  @Extensions(TRAVERSAL_COST)
  provenance(@Root() deployment: Deployment, @Args() options: FilteredTraversalOptions, @Ctx() context: GraphQLContext): Promise<Provenance> {
    return ask.provenance(deployment, options, context);
  }

  @FieldResolver(() => LineageGraph, { description: GRAPH })
  @Extensions(GRAPH_COST)
  lineageGraph(@Root() deployment: Deployment, @Args() options: LineageGraphOptions, @Ctx() context: GraphQLContext): Promise<LineageGraph> {
    return ask.lineageGraph(deployment, options, context);
  }

  @FieldResolver(() => ReproductionRecipe, { description: 'The recipe to rebuild the model version this deployment serves.' })
  @Extensions(TRAVERSAL_COST)
  reproductionRecipe(@Root() deployment: Deployment, @Args() options: ReproductionOptions, @Ctx() context: GraphQLContext): Promise<ReproductionRecipe> {
    return ask.reproductionRecipe(deployment, options, context);
  }
}

@Resolver(() => Job)
export class JobQuestionsResolver {
  @FieldResolver(() => Provenance, { description: 'Provenance of the newest run of this job that had completed by `asOf`.' })
  @Extensions(TRAVERSAL_COST)
  provenance(@Root() job: Job, @Args() options: FilteredTraversalOptions, @Ctx() context: GraphQLContext): Promise<Provenance> {
    return ask.provenance(job, options, context);
  }

  @FieldResolver(() => Impact, { description: 'What was made from the newest run of this job that had completed by `asOf`.' })
  @Extensions(TRAVERSAL_COST)
  impact(@Root() job: Job, @Args() options: FilteredTraversalOptions, @Ctx() context: GraphQLContext): Promise<Impact> {
    return ask.impact(job, options, context);
  }

  @FieldResolver(() => LineageGraph, { description: GRAPH })
  @Extensions(GRAPH_COST)
  lineageGraph(@Root() job: Job, @Args() options: LineageGraphOptions, @Ctx() context: GraphQLContext): Promise<LineageGraph> {
    return ask.lineageGraph(job, options, context);
  }
}

@Resolver(() => Run)
export class RunQuestionsResolver {
  @FieldResolver(() => Provenance, { description: 'What this run read, ran and was started by, transitively.' })
  @Extensions(TRAVERSAL_COST)
  provenance(@Root() run: Run, @Args() options: FilteredTraversalOptions, @Ctx() context: GraphQLContext): Promise<Provenance> {
    return ask.provenance(run, options, context);
  }

  @FieldResolver(() => Impact, { description: 'What was made from what this run wrote.' })
  @Extensions(TRAVERSAL_COST)
  impact(@Root() run: Run, @Args() options: FilteredTraversalOptions, @Ctx() context: GraphQLContext): Promise<Impact> {
    return ask.impact(run, options, context);
  }

  @FieldResolver(() => LineageGraph, { description: GRAPH })
  @Extensions(GRAPH_COST)
  lineageGraph(@Root() run: Run, @Args() options: LineageGraphOptions, @Ctx() context: GraphQLContext): Promise<LineageGraph> {
    return ask.lineageGraph(run, options, context);
  }
}

@Resolver(() => Commit)
export class CommitQuestionsResolver {
  @FieldResolver(() => Impact, { description: 'What was made by runs of this commit.' })
  @Extensions(TRAVERSAL_COST)
  impact(@Root() commit: Commit, @Args() options: FilteredTraversalOptions, @Ctx() context: GraphQLContext): Promise<Impact> {
    return ask.impact(commit, options, context);
  }

  @FieldResolver(() => LineageGraph, { description: GRAPH })
  @Extensions(GRAPH_COST)
  lineageGraph(@Root() commit: Commit, @Args() options: LineageGraphOptions, @Ctx() context: GraphQLContext): Promise<LineageGraph> {
    return ask.lineageGraph(commit, options, context);
  }
}

export const ENTITY_QUESTION_RESOLVERS = [
  DatasetQuestionsResolver,
  DatasetVersionQuestionsResolver,
  ModelQuestionsResolver,
  ModelVersionQuestionsResolver,
  DeploymentQuestionsResolver,
  JobQuestionsResolver,
  RunQuestionsResolver,
  CommitQuestionsResolver,
] as const;
