import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs, toConnection } from '../../graphql/connection';
import { writeContextOf, type GraphQLContext } from '../../graphql/context';
import { RegisterModelInput } from './model.input';
import { Model, ModelConnection } from './model.type';
import { ModelVersion, ModelVersionConnection } from './model-version.type';

@Resolver(() => Model)
export class ModelResolver {
  @Query(() => Model, { nullable: true })
  model(@Arg('name') name: string, @Ctx() { services }: GraphQLContext): Promise<Model | null> {
    return services.models.findByName(name);
  }

  @Query(() => ModelConnection, { description: 'Models by name.' })
  async models(
    @Args() { first, after }: PageArgs,
    @Ctx() { services }: GraphQLContext,
    @Arg('namePrefix', () => String, { nullable: true }) namePrefix?: string | null,
  ): Promise<ModelConnection> {
    return toConnection(await services.models.list({ namePrefix }, first, after));
  }

  @Mutation(() => Model, { description: 'Registers a model; idempotent on name.' })
  registerModel(@Arg('input') input: RegisterModelInput, @Ctx() context: GraphQLContext): Promise<Model> {
    return context.services.models.registerModel(writeContextOf(context), input);
  }

  @FieldResolver(() => ModelVersionConnection, { description: 'Versions, newest first.' })
  async versions(@Root() model: Model, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<ModelVersionConnection> {
    return toConnection(await loaders.modelVersionPages.load({ parentId: model.id, first, after }));
  }

  @FieldResolver(() => ModelVersion, { nullable: true, description: 'The newest version.' })
  latestVersion(@Root() model: Model, @Ctx() { loaders }: GraphQLContext): Promise<ModelVersion | null> {
    return loaders.latestModelVersion.load(model.id);
  }
}
