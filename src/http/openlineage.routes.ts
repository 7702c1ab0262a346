import { PassThrough, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { principalOf } from '../auth/principal';
import { LineageError } from '../errors';
import type { Limits } from '../limits';
import type { WriteContext } from '../core/write-context';
import { parseJson, parseNdjsonEvents, type EventItem } from '../openlineage/event-stream';
import type { IngestOutcome } from '../openlineage/ingestion.service';
import type { Services } from '../services';
import { errorPayload, sendError } from './http-errors';
import { checkJson } from './json-guard';

export interface OpenLineageRouteOptions {
  services: Services;
  limits: Limits;
}

const JSON_TYPES = ['application/json'];
const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'];

/** An NDJSON body, parsed line by line (a bad line is one refused item, not a refused body). */
class NdjsonBody {
  constructor(readonly items: EventItem[]) {}
}

/**
 * The OpenLineage HTTP API, at the path Marquez serves, so that Airflow, Spark, dbt, Flink and the
 * openlineage-python client need only their transport's URL pointed here:
 *
 * - `POST /api/v1/lineage`: one RunEvent, JobEvent or DatasetEvent; 201 once it is durable (also when it was
 *   already recorded), with `warnings` saying what the event got wrong that did not stop it (path and message
 *   each); else the error with its catalogue status (400 with the JSON path of each problem, 409 for a
 *   contradiction, 503 while Neo4j is unavailable, so clients retry).
 * - `POST /api/v1/lineage/batch`: a JSON array or NDJSON; 200 with one result per event, in order: accepted,
 *   duplicate, or rejected with the reason, each with its `warnings`. One bad event never sinks the others.
 *
 * Bodies may be gzip- or deflate-compressed (`Content-Encoding`). Authentication and roles are the global hook's
 * (writers ingest); the principal it resolves is the actor of the writes. Errors are answered by the app's one
 * error handler (src/http/http-errors.ts).
 */
export async function registerOpenLineageRoutes(app: FastifyInstance, options: OpenLineageRouteOptions): Promise<void> {
  const { services, limits } = options;
  await app.register(async (scope) => {
    // Our own parsers, in this scope only: they keep keys such as `__proto__` as data (Fastify's default JSON
    // parser refuses them), say where a body is malformed, and read NDJSON line by line.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, parseJson(body as string, 'body'));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    scope.addContentTypeParser(NDJSON_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, new NdjsonBody(parseNdjsonEvents(body as string))));
    scope.addHook('preParsing', async (request, _reply, payload) => decompress(request, payload));

    scope.post('/api/v1/lineage', async (request, reply) => {
      if (request.body instanceof NdjsonBody) {
        throw Object.assign(new Error('send one event as application/json here; NDJSON goes to /api/v1/lineage/batch'), { statusCode: 415 });
      }
      const outcome = await services.openlineage.ingest(writeContextOf(request), request.body);
      if (outcome.status === 'rejected') return sendError(request, reply, outcome.error);
      return reply.code(201).send({ status: outcome.status, eventId: outcome.eventId, warnings: outcome.warnings });
    });

    scope.post(
      '/api/v1/lineage/batch',
      { bodyLimit: limits.ingestion.batchBodyBytes, config: { bodyLimitSetting: 'LIMIT_BATCH_BODY_BYTES', jsonGuard: 'per-item' } },
      async (request, reply) => {
        const body = request.body;
        const parsed: EventItem[] = body instanceof NdjsonBody ? body.items : Array.isArray(body) ? body.map((event) => ({ event })) : [{ event: body }];
        const items = parsed.map((item) => guarded(item, limits.http.jsonDepth));
        const outcomes = await services.openlineage.ingestBatch(writeContextOf(request), items);
        return reply.code(200).send(batchAnswer(outcomes));
      },
    );
  });
}

function writeContextOf(request: FastifyRequest): WriteContext {
  return { actor: principalOf(request).name, source: 'openlineage', requestId: String(request.id) };
}

/** The JSON guard (depth, lone surrogates) applied to one item of a batch, refusing that item alone. */
function guarded(item: EventItem, maxDepth: number): EventItem {
  if (item.error) return item;
  try {
    checkJson(item.event, maxDepth);
    return item;
  } catch (error) {
    if (error instanceof LineageError) return { error, at: item.at };
    throw error;
  }
}

function batchAnswer(outcomes: readonly IngestOutcome[]) {
  const count = (status: IngestOutcome['status']) => outcomes.filter((outcome) => outcome.status === status).length;
  return {
    accepted: count('accepted'),
    duplicates: count('duplicate'),
    rejected: count('rejected'),
    results: outcomes.map((outcome, index) =>
      outcome.status === 'rejected'
        ? { index, status: outcome.status, eventId: outcome.eventId, error: errorPayload(outcome.error), warnings: outcome.warnings }
        : { index, status: outcome.status, eventId: outcome.eventId, warnings: outcome.warnings },
    ),
  };
}

/** gzip and deflate bodies are inflated before parsing; the body limit applies to the inflated size. */
function decompress(request: FastifyRequest, payload: Readable): Readable {
  const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'identity') return payload;
  if (encoding !== 'gzip' && encoding !== 'deflate') {
    throw Object.assign(new Error(`content-encoding '${encoding}' is not supported; send gzip, deflate or an uncompressed body`), { statusCode: 415 });
  }
  const inflated = new PassThrough() as PassThrough & { receivedEncodedLength: number };
  // Fastify compares the Content-Length header with the bytes received, which are the compressed ones.
  inflated.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => (inflated.receivedEncodedLength += chunk.length));
  const inflate = encoding === 'gzip' ? zlib.createGunzip() : zlib.createInflate();
  inflate.on('error', (error) => inflated.destroy(Object.assign(new Error(`the ${encoding} body is corrupt: ${error.message}`), { statusCode: 400 })));
  return payload.pipe(inflate).pipe(inflated);
}
