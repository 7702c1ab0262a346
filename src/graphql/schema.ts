import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ServiceInfoResolver } from '../system/service-info.resolver';

/** The GraphQL schema, built from the resolver classes; schema/schema.graphql is its committed print. */
export function buildLineageSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [ServiceInfoResolver],
    // Input is validated by the services, which know the domain rules; class-validator is not used.
    validate: false,
  });
}
