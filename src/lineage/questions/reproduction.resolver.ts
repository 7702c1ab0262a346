import { Args, Ctx, Extensions, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { TRAVERSAL_COST } from './traversal-limits';
import type { GraphQLContext } from '../../graphql/context';
import { Run } from '../run/run.type';
import { ReproductionRecipe, ReproductionStep } from './reproduction.type';
import { ReproductionArgs } from './traversal.input';

@Resolver(() => ReproductionRecipe)
export class ReproductionResolver {
  @Extensions(TRAVERSAL_COST)
  @Query(() => ReproductionRecipe, {
    description:
      'What exactly is needed to rebuild a model version or dataset version: source dataset versions with digests, commits, and the runs to replay in order with their parameters. From a model version or dataset version; a deployment: the version it serves; a model: its newest version; a dataset: its version current at `asOf`. Also a field of each of those entities.',
  })
  reproductionRecipe(@Args() args: ReproductionArgs, @Ctx() { services }: GraphQLContext): Promise<ReproductionRecipe> {
    return services.reproduction.recipeFor(args);
  }
}

@Resolver(() => ReproductionStep)
export class ReproductionStepResolver {
  @FieldResolver(() => Run, { description: 'The run, as recorded.' })
  async run(@Root() step: ReproductionStep, @Ctx() { loaders }: GraphQLContext): Promise<Run> {
    return (await loaders.run.load(step.id))!;
  }
}
