import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs, toConnection } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { DatasetVersion } from '../lineage/dataset/dataset-version.type';
import { Dataset } from '../lineage/dataset/dataset.type';
import { ModelVersion } from '../lineage/model/model-version.type';
import { Job } from '../lineage/job/job.type';
import { Run } from '../lineage/run/run.type';
import { LineageEventConnection } from './lineage-event.type';

/**
 * The raw OpenLineage events behind a run, a job or a dataset, as an `events` field of each: OpenLineage adds the
 * field to the lineage types, which know nothing of OpenLineage.
 */
@Resolver(() => Run)
export class RunEventsResolver {
  @FieldResolver(() => LineageEventConnection, { description: 'The raw OpenLineage events of this run, in event-time order (audit and replay).' })
  async events(@Root() run: Run, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<LineageEventConnection> {
    return toConnection(await loaders.eventPagesOfRun.load({ parentId: run.id, first, after }));
  }
}

@Resolver(() => Job)
export class JobEventsResolver {
  @FieldResolver(() => LineageEventConnection, { description: 'The raw OpenLineage JobEvents about this job, in event-time order (its runs have their own).' })
  async events(@Root() job: Job, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<LineageEventConnection> {
    return toConnection(await loaders.eventPagesOfJob.load({ parentId: job.id, first, after }));
  }
}

@Resolver(() => Dataset)
export class DatasetEventsResolver {
  @FieldResolver(() => LineageEventConnection, { description: 'The raw OpenLineage DatasetEvents about this dataset, in event-time order.' })
  async events(@Root() dataset: Dataset, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<LineageEventConnection> {
    return toConnection(await loaders.eventPagesOfDataset.load({ parentId: dataset.id, first, after }));
  }
}

const CONFLICTS =
  "The raw OpenLineage events that contradicted this entity's recorded facts, in event-time order: each was recorded with that part set aside, and its `conflicts` say what.";

@Resolver(() => Run)
export class RunConflictsResolver {
  @FieldResolver(() => LineageEventConnection, { description: CONFLICTS })
  async conflicts(@Root() run: Run, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<LineageEventConnection> {
    return toConnection(await loaders.conflictPagesOfRun.load({ parentId: run.id, first, after }));
  }
}

@Resolver(() => DatasetVersion)
export class DatasetVersionConflictsResolver {
  @FieldResolver(() => LineageEventConnection, { description: CONFLICTS })
  async conflicts(@Root() version: DatasetVersion, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<LineageEventConnection> {
    return toConnection(await loaders.conflictPagesOfDatasetVersion.load({ parentId: version.id, first, after }));
  }
}

@Resolver(() => ModelVersion)
export class ModelVersionConflictsResolver {
  @FieldResolver(() => LineageEventConnection, { description: CONFLICTS })
  async conflicts(@Root() version: ModelVersion, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<LineageEventConnection> {
    return toConnection(await loaders.conflictPagesOfModelVersion.load({ parentId: version.id, first, after }));
  }
}

export const LINEAGE_EVENT_RESOLVERS = [
  RunEventsResolver,
  JobEventsResolver,
  DatasetEventsResolver,
  RunConflictsResolver,
  DatasetVersionConflictsResolver,
  ModelVersionConflictsResolver,
];
