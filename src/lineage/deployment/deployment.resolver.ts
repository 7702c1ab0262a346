import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs, toConnection } from '../../graphql/connection';
import { writeContextOf, type GraphQLContext } from '../../graphql/context';
import { DateTimeScalar } from '../../graphql/scalars';
import { ModelVersion } from '../model/model-version.type';
import { DeployModelInput, RetireDeploymentInput } from './deployment.input';
import { Deployment, DeploymentConnection } from './deployment.type';

@Resolver(() => Deployment)
export class DeploymentResolver {
  @Query(() => Deployment, {
    nullable: true,
    description: 'The live deployment of a slot (name + environment), if any; with `asOf`, the one live at that instant.',
  })
  liveDeployment(
    @Arg('name') name: string,
    @Arg('environment') environment: string,
    @Ctx() { services }: GraphQLContext,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'An instant in the past (default: now).' }) asOf?: Date | null,
  ): Promise<Deployment | null> {
    return services.deployments.live(name, environment, asOf);
  }

  @Query(() => DeploymentConnection, { description: 'Deployments, newest first; filter by environment, slot name, liveness.' })
  async deployments(
    @Args() { first, after }: PageArgs,
    @Ctx() { services }: GraphQLContext,
    @Arg('environment', () => String, { nullable: true }) environment?: string | null,
    @Arg('name', () => String, { nullable: true }) name?: string | null,
    @Arg('live', () => Boolean, { nullable: true }) live?: boolean | null,
  ): Promise<DeploymentConnection> {
    return toConnection(await services.deployments.list({ environment, name, live }, first, after));
  }

  @Mutation(() => Deployment, { description: 'Deploys a model version to a slot, retiring the live deployment there at the same instant.' })
  deployModel(@Arg('input') input: DeployModelInput, @Ctx() context: GraphQLContext): Promise<Deployment> {
    return context.services.deployments.deploy(writeContextOf(context), input);
  }

  @Mutation(() => Deployment, { description: 'Retires a deployment; retiring a retired one changes nothing.' })
  retireDeployment(@Arg('input') input: RetireDeploymentInput, @Ctx() context: GraphQLContext): Promise<Deployment> {
    return context.services.deployments.retire(writeContextOf(context), input);
  }

  @FieldResolver(() => Boolean, { description: 'True while not retired.' })
  isLive(@Root() deployment: Deployment): boolean {
    return deployment.retiredAt === null;
  }

  @FieldResolver(() => ModelVersion)
  async modelVersion(@Root() deployment: Deployment, @Ctx() { loaders }: GraphQLContext): Promise<ModelVersion> {
    return (await loaders.modelVersion.load(deployment.modelVersionId))!;
  }

  @FieldResolver(() => Deployment, { nullable: true, description: 'The deployment this one followed in its slot.' })
  previous(@Root() deployment: Deployment, @Ctx() { loaders }: GraphQLContext): Promise<Deployment | null> {
    return loaders.previousDeployment.load(deployment.id);
  }

  @FieldResolver(() => Deployment, { nullable: true, description: 'The deployment that followed this one in its slot.' })
  next(@Root() deployment: Deployment, @Ctx() { loaders }: GraphQLContext): Promise<Deployment | null> {
    return loaders.nextDeployment.load(deployment.id);
  }
}
