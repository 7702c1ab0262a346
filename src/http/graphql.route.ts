import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { principalOf } from '../auth/principal';
import { CausalScope, withCausalScope } from '../db/database';
import { LineageError } from '../errors';
import type { GraphQLContext } from '../graphql/context';
import { createLoaders } from '../graphql/loaders';
import type { Services } from '../services';

/** Clients send this header back to read their own writes, also from another instance against a cluster. */
export const BOOKMARK_HEADER = 'x-lineage-bookmark';

export interface GraphQLRouteOptions {
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
}

/** Mounts Apollo Server at /graphql on the given Fastify instance. */
export async function registerGraphQLRoute(app: FastifyInstance, options: GraphQLRouteOptions): Promise<ApolloServer<GraphQLContext>> {
  const apollo = new ApolloServer<GraphQLContext>({
    schema: options.schema,
    includeStacktraceInErrorResponses: false,
    plugins: [fastifyApolloDrainPlugin(app), ApolloServerPluginLandingPageDisabled(), bookmarkPlugin()],
    formatError: (formatted, error) => formatError(formatted, error, options.logger),
  });
  await apollo.start();

  const handler = fastifyApolloHandler(apollo, {
    context: async (request: FastifyRequest): Promise<GraphQLContext> => ({
      requestId: String(request.id),
      actor: principalOf(request).name,
      services: options.services,
      loaders: createLoaders(options.services),
      causal: causalScopeOf(request),
    }),
  });
  app.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    // Every Neo4j session the request opens shares the request's bookmarks.
    handler: function (request, reply) {
      return withCausalScope(causalScopeOf(request), () => handler.call(this, request as never, reply as never));
    },
  });
  return apollo;
}

const scopes = new WeakMap<FastifyRequest, CausalScope>();

function causalScopeOf(request: FastifyRequest): CausalScope {
  let scope = scopes.get(request);
  if (!scope) {
    const header = request.headers[BOOKMARK_HEADER];
    const bookmarks = (Array.isArray(header) ? header : header ? [header] : []).flatMap((value) => value.split(',')).map((b) => b.trim()).filter(Boolean);
    scope = new CausalScope(bookmarks);
    scopes.set(request, scope);
  }
  return scope;
}

/** Returns the request's bookmarks in a response header, so that a client can ask to read its own writes. */
function bookmarkPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const bookmarks = await contextValue.causal.bookmarks();
          if (bookmarks.length > 0) response.http.headers.set(BOOKMARK_HEADER, bookmarks.join(','));
        },
      };
    },
  };
}

/** Domain and GraphQL validation errors go to the client as they are; anything unexpected is logged and hidden. */
function formatError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof LineageError) {
    return { ...formatted, message: original.message, extensions: { ...original.extensions } };
  }
  if (original instanceof GraphQLError) {
    // Parse, validation and variable-coercion errors: they describe the client's request.
    return formatted;
  }
  logger.error({ err: original, path: formatted.path }, 'unexpected error in a resolver');
  return { message: 'internal error; the cause is logged on the server', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
