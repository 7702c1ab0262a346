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
      'What exactly is needed to rebuild a model version: source dataset versions with digests, commits, and the runs to replay in order with their parameters.',
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
