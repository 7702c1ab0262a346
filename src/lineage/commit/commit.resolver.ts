import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { PageArgs, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { RunConnection } from '../run/run.type';
import { Commit, CommitConnection } from './commit.type';

@Resolver(() => Commit)
export class CommitResolver {
  @Query(() => Commit, { nullable: true, description: 'A commit by repository and full SHA.' })
  commit(@Arg('repository') repository: string, @Arg('sha') sha: string, @Ctx() { services }: GraphQLContext): Promise<Commit | null> {
    return services.commits.findByKey(repository, sha);
  }

  @Query(() => CommitConnection, { description: 'Commits, newest recorded first.' })
  async commits(
    @Args() { first, after }: PageArgs,
    @Ctx() { services }: GraphQLContext,
    @Arg('repository', () => String, { nullable: true }) repository?: string | null,
    @Arg('shaPrefix', () => String, { nullable: true }) shaPrefix?: string | null,
  ): Promise<CommitConnection> {
    return toConnection(await services.commits.list({ repository, shaPrefix }, first, after));
  }

  @FieldResolver(() => RunConnection, { description: 'Runs that executed this commit, newest first.' })
  async runs(@Root() commit: Commit, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<RunConnection> {
    return toConnection(await loaders.runPagesOfCommit.load({ parentId: commit.id, first, after }));
  }
}
