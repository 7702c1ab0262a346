import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getOperationAST, GraphQLError, parse, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { principalOf, requireRole } from '../auth/principal';
import { CausalScope, withCausalScope } from '../db/database';
import { ERROR_CATALOGUE, LineageError, type ErrorCode } from '../errors';
import type { GraphQLContext } from '../graphql/context';
import { createLoaders } from '../graphql/loaders';
import { requiredAccess } from '../graphql/operation-access';
import { checkOperationLimits } from '../graphql/operation-limits';
import type { Limits } from '../limits';
import { recordError, recordGraphQLOperation } from '../observability/metrics';
import type { Services } from '../services';
import { BOOKMARK_HEADER, bookmarksOf } from './bookmark-header';

export interface GraphQLRouteOptions {
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  limits: Limits;
}

/** Mounts Apollo Server at /graphql on the given Fastify instance. */
export async function registerGraphQLRoute(app: FastifyInstance, options: GraphQLRouteOptions): Promise<ApolloServer<GraphQLContext>> {
  const apollo = new ApolloServer<GraphQLContext>({
    schema: options.schema,
    includeStacktraceInErrorResponses: false,
    // main.ts owns the signals: Fastify stops taking connections and lets requests in flight finish first (its
    // close waits for them), then Apollo stops (onClose below). Apollo's own handlers would stop it mid-request.
    stopOnTerminationSignals: false,
    // The schema is no secret to an authenticated caller, and explorer clients need it (Apollo's default hides it
    // whenever NODE_ENV=production).
    introspection: true,
    // Bounds the work of parsing before any other limit can be checked.
    parseOptions: { maxTokens: options.limits.graphql.maxTokens },
    // Cache control is off: no answer here is cacheable by hints (lineage changes with every event), and Apollo's
    // default cache-control plugin wraps every field's resolver to read them: about 1 ms of CPU for a provenance
    // answer of a hundred nodes (bench/README.md, "Where a question's CPU goes").
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin(),
      operationGuardPlugin(),
      httpStatusPlugin(),
      bookmarkPlugin(),
    ],
    formatError: (formatted, error) => formatError(formatted, error, options.logger, options.limits),
  });
  await apollo.start();
  app.addHook('onClose', async () => apollo.stop());

  const handler = fastifyApolloHandler(apollo, {
    context: async (request: FastifyRequest): Promise<GraphQLContext> => ({
      requestId: String(request.id),
      principal: principalOf(request),
      actor: principalOf(request).name,
      services: options.services,
      loaders: createLoaders(options.services),
      causal: causalScopeOf(request),
    }),
  });
  app.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    preHandler: async (request) => {
      // A malformed bookmark header is refused here, before anything runs (and before Neo4j could choke on it).
      causalScopeOf(request);
      checkLimitsBeforeApollo(request, options.schema, options.limits);
    },
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
    scope = new CausalScope(bookmarksOf(request), BOOKMARK_HEADER);
    scopes.set(request, scope);
  }
  return scope;
}

/**
 * No answer may be kept by a cache (lineage changes with every event, and answers depend on the caller): the header
 * Apollo's cache-control plugin sent, now that the plugin is off.
 */
function noStorePlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
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

/**
 * Before anything runs, the caller's role is enough for the operation: reader for queries, writer for
 * mutations, admin for fields marked so. (The operation's limits were checked before Apollo saw it.)
 */
function operationGuardPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, contextValue }) {
          // No operation to run (e.g. an unknown operationName): execution reports it, and nothing runs.
          if (!operation) return;
          const access = requiredAccess(schema, document, operation);
          requireRole(contextValue.principal, access.role, access.what);
          recordGraphQLOperation(operation.operation);
        },
      };
    },
  };
}

/**
 * Depth, alias and cost limits, checked on the request before Apollo parses and validates it: validating a
 * crafted document (fragments spread exponentially, thousands of overlapping fields) can itself take minutes,
 * and Apollo's plugins cannot refuse a document before validation. A document that does not parse is left to
 * Apollo, which reports the syntax error.
 */
function checkLimitsBeforeApollo(request: FastifyRequest, schema: GraphQLSchema, limits: Limits): void {
  const params = graphQLParams(request);
  if (!params) return;
  const document = parsedDocument(params.query, limits.graphql.maxTokens);
  if (!document) return;
  const operation = getOperationAST(document, params.operationName);
  if (operation) checkOperationLimits(schema, document, operation, params.variables, limits);
}

/** Documents parsed before, by their text: clients send the same few queries again and again. */
const parsedDocuments = new Map<string, DocumentNode>();
/** At most this many texts of at most this length are kept (5 MB of text at worst). */
const PARSED_DOCUMENTS_KEPT = 500;
const PARSED_DOCUMENT_MAX_LENGTH = 10_000;

function parsedDocument(query: string, maxTokens: number): DocumentNode | null {
  const known = parsedDocuments.get(query);
  if (known) return known;
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens });
  } catch {
    return null;
  }
  if (query.length > PARSED_DOCUMENT_MAX_LENGTH) return document;
  // The oldest text goes first once the cache is full: a client making up new texts cannot grow it.
  if (parsedDocuments.size >= PARSED_DOCUMENTS_KEPT) parsedDocuments.delete(parsedDocuments.keys().next().value!);
  parsedDocuments.set(query, document);
  return document;
}

function graphQLParams(request: FastifyRequest): { query: string; operationName?: string; variables?: Record<string, unknown> } | null {
  const source = (request.method === 'GET' ? request.query : request.body) as Record<string, unknown> | null | undefined;
  if (!source || typeof source !== 'object' || typeof source.query !== 'string') return null;
  let variables = source.variables;
  if (typeof variables === 'string') {
    try {
      variables = JSON.parse(variables);
    } catch {
      variables = undefined;
    }
  }
  return {
    query: source.query,
    operationName: typeof source.operationName === 'string' ? source.operationName : undefined,
    variables: variables && typeof variables === 'object' && !Array.isArray(variables) ? (variables as Record<string, unknown>) : undefined,
  };
}

/**
 * HTTP statuses that say what happened: a request refused before execution (authentication, role, limit) gets
 * the status of its error code (401, 403, 400), and any SERVICE_UNAVAILABLE makes the answer a 503 with
 * Retry-After, so that clients and proxies retry. Execution errors otherwise keep GraphQL's 200. Every error is
 * counted by code.
 */
function httpStatusPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { errors, data } = response.body.singleResult;
          if (!errors || errors.length === 0) return;
          const codes = errors.map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          codes.forEach(recordError);
          if (codes.includes('SERVICE_UNAVAILABLE')) {
            response.http.status = 503;
            response.http.headers.set('retry-after', '1');
          } else if (data === undefined && codes[0]! in ERROR_CATALOGUE) {
            response.http.status = ERROR_CATALOGUE[codes[0] as ErrorCode].status;
          }
        },
      };
    },
  };
}

// graphql-js words it "more that" in 16.x; accept either.
const TOKEN_LIMIT = /^Syntax Error: Document contains more th(?:an|at) \d+ tokens/;
const TOO_DEEP_TO_PARSE = /Maximum call stack size exceeded/;

/** Domain and GraphQL validation errors go to the client as they are; anything unexpected is logged and hidden. */
function formatError(formatted: GraphQLFormattedError, error: unknown, logger: Logger, limits: Limits): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const lineageError = lineageErrorOf(original);
  if (lineageError) {
    // `formatted.extensions` has Apollo's internal `http` extension removed already.
    return { ...formatted, message: lineageError.message, extensions: { ...formatted.extensions, ...withoutHttp(lineageError.extensions) } };
  }
  if (original instanceof GraphQLError) {
    // graphql-js reports its token limit as a syntax error; name the setting like every other limit.
    if (TOKEN_LIMIT.test(formatted.message)) {
      return {
        message: `the document has more than ${limits.graphql.maxTokens} tokens (limit: LIMIT_GRAPHQL_TOKENS)`,
        extensions: { code: 'LIMIT_EXCEEDED', limit: 'LIMIT_GRAPHQL_TOKENS' },
      };
    }
    // A document nested thousands of levels deep overflows the parser's stack before the depth limit can see it.
    if (formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED' && TOO_DEEP_TO_PARSE.test(formatted.message)) {
      return {
        message: `the document nests too deeply to be parsed; at most ${limits.graphql.maxDepth} levels are allowed (limit: LIMIT_GRAPHQL_DEPTH)`,
        extensions: { code: 'LIMIT_EXCEEDED', limit: 'LIMIT_GRAPHQL_DEPTH' },
      };
    }
    // Parse, validation and variable-coercion errors: they describe the client's request.
    return formatted;
  }
  logger.error({ err: original, path: formatted.path }, 'unexpected error in a resolver');
  return { message: 'internal error; the cause is logged on the server', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/**
 * The domain error behind a GraphQL error: thrown in a resolver, graphql-js wraps it (with a path); thrown in a
 * plugin (a role check), Apollo wraps it (without one).
 */
function lineageErrorOf(error: unknown): LineageError | null {
  for (let current = error; current instanceof Error; current = (current as { originalError?: unknown }).originalError) {
    if (current instanceof LineageError) return current;
    if (!(current instanceof GraphQLError)) break;
  }
  return null;
}

function withoutHttp(extensions: Record<string, unknown>): Record<string, unknown> {
  const { http: _http, ...rest } = extensions;
  return rest;
}
