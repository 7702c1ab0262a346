import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs, toConnection } from '../../graphql/connection';
import { writeContextOf, type GraphQLContext } from '../../graphql/context';
import { JSONObjectScalar } from '../../graphql/scalars';
import { Commit } from '../commit/commit.type';
import { facetValuesOf } from '../../core/facets';
import { DatasetVersion } from '../dataset/dataset-version.type';
import { Job } from '../job/job.type';
import { ModelVersion } from '../model/model-version.type';
import { RunInput } from './run.input';
import type { RunState } from '../../core/vocabulary';
import { Run, RunConnection, RunStateEnum } from './run.type';
import type { RunEventType } from '../../core/vocabulary';

@Resolver(() => Run)
export class RunResolver {
  @Query(() => Run, { nullable: true, description: "A run by the producer's run id." })
  run(@Arg('runId') runId: string, @Ctx() { services }: GraphQLContext): Promise<Run | null> {
    return services.runs.findByRunId(runId);
  }

  @Query(() => RunConnection, { description: 'Runs, newest first; optionally of one job and in one state.' })
  async runs(
    @Args() { first, after }: PageArgs,
    @Ctx() { services }: GraphQLContext,
    @Arg('jobNamespace', () => String, { nullable: true }) jobNamespace?: string | null,
    @Arg('jobName', () => String, { nullable: true }) jobName?: string | null,
    @Arg('state', () => RunStateEnum, { nullable: true }) state?: RunState | null,
  ): Promise<RunConnection> {
    return toConnection(await services.runs.list({ jobNamespace, jobName, state }, first, after));
  }

  @Mutation(() => Run, { description: 'Records that a run started, with what it reads, writes, runs and its parameters.' })
  startRun(@Arg('input') input: RunInput, @Ctx() context: GraphQLContext): Promise<Run> {
    return this.record(context, 'START', input);
  }

  @Mutation(() => Run, { description: 'Records that a run completed (recording it whole if its start was never sent).' })
  completeRun(@Arg('input') input: RunInput, @Ctx() context: GraphQLContext): Promise<Run> {
    return this.record(context, 'COMPLETE', input);
  }

  @Mutation(() => Run, { description: 'Records that a run failed, with its error message.' })
  failRun(@Arg('input') input: RunInput, @Ctx() context: GraphQLContext): Promise<Run> {
    return this.record(context, 'FAIL', input);
  }

  private record(context: GraphQLContext, event: RunEventType, input: RunInput): Promise<Run> {
    return context.services.runs.recordRunEvent(writeContextOf(context), event, input, { unversionedInputs: 'reject' });
  }

  @FieldResolver(() => Job, { nullable: true })
  job(@Root() run: Run, @Ctx() { loaders }: GraphQLContext): Promise<Job | null> | null {
    return run.jobId ? loaders.job.load(run.jobId) : null;
  }

  @FieldResolver(() => [DatasetVersion], { description: 'Dataset versions the run read.' })
  inputs(@Root() run: Run, @Ctx() { loaders }: GraphQLContext): Promise<DatasetVersion[]> {
    return loaders.inputsOfRun.load(run.id);
  }

  @FieldResolver(() => [DatasetVersion], { description: 'Dataset versions the run wrote.' })
  outputs(@Root() run: Run, @Ctx() { loaders }: GraphQLContext): Promise<DatasetVersion[]> {
    return loaders.outputsOfRun.load(run.id);
  }

  @FieldResolver(() => [ModelVersion], { description: 'Model versions the run produced (a training run).' })
  modelVersions(@Root() run: Run, @Ctx() { loaders }: GraphQLContext): Promise<ModelVersion[]> {
    return loaders.modelVersionsOfRun.load(run.id);
  }

  @FieldResolver(() => Commit, { nullable: true, description: 'The commit the run executed.' })
  async commit(@Root() run: Run, @Ctx() { loaders }: GraphQLContext): Promise<Commit | null> {
    const commitId = await loaders.commitIdOfRun.load(run.id);
    return commitId ? loaders.commit.load(commitId) : null;
  }

  @FieldResolver(() => Run, { nullable: true, description: 'The run that started this one (e.g. the DAG run of a task run).' })
  parent(@Root() run: Run, @Ctx() { loaders }: GraphQLContext): Promise<Run | null> {
    return loaders.parentOfRun.load(run.id);
  }

  @FieldResolver(() => RunConnection, { description: 'Runs this one started, newest first.' })
  async children(@Root() run: Run, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<RunConnection> {
    return toConnection(await loaders.childPagesOfRun.load({ parentId: run.id, first, after }));
  }

  @FieldResolver(() => JSONObjectScalar, { nullable: true, description: 'OpenLineage run facets by name (the latest value of each), custom ones included.' })
  facets(@Root() run: Run): Record<string, unknown> | null {
    return facetValuesOf(run.facetsJson);
  }
}
