import { Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { ServiceInfo } from './service-info.type';

@Resolver()
export class ServiceInfoResolver {
  @Query(() => ServiceInfo, { description: 'Version and database of the instance that answers.' })
  serviceInfo(@Ctx() context: GraphQLContext): ServiceInfo {
    return context.services.serviceInfo();
  }
}
