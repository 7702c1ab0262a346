import { Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { Viewer } from './viewer.type';

@Resolver()
export class ViewerResolver {
  @Query(() => Viewer, { description: 'Who the service takes the caller for, and with which role.' })
  viewer(@Ctx() { principal }: GraphQLContext): Viewer {
    return { name: principal.name, role: principal.role };
  }
}
