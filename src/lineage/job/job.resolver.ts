import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { PageArgs, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { JSONObjectScalar } from '../../graphql/scalars';
import { facetValuesOf } from '../../core/facets';
import { RunConnection } from '../run/run.type';
import { Job, JobConnection } from './job.type';

@Resolver(() => Job)
export class JobResolver {
  @Query(() => Job, { nullable: true, description: 'A job by its natural key.' })
  job(@Arg('namespace') namespace: string, @Arg('name') name: string, @Ctx() { services }: GraphQLContext): Promise<Job | null> {
    return services.jobs.findByKey(namespace, name);
  }

  @Query(() => JobConnection, { description: 'Jobs by namespace, then name.' })
  async jobs(
    @Args() { first, after }: PageArgs,
    @Ctx() { services }: GraphQLContext,
    @Arg('namespace', () => String, { nullable: true }) namespace?: string | null,
    @Arg('namePrefix', () => String, { nullable: true }) namePrefix?: string | null,
  ): Promise<JobConnection> {
    return toConnection(await services.jobs.list({ namespace, namePrefix }, first, after));
  }

  @FieldResolver(() => RunConnection, { description: 'Runs of this job, newest first.' })
  async runs(@Root() job: Job, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<RunConnection> {
    return toConnection(await loaders.runPagesOfJob.load({ parentId: job.id, first, after }));
  }

  @FieldResolver(() => JSONObjectScalar, { nullable: true, description: 'OpenLineage job facets by name (the latest value of each), custom ones included.' })
  facets(@Root() job: Job): Record<string, unknown> | null {
    return facetValuesOf(job.facetsJson);
  }
}
