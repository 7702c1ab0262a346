import { PassThrough, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { principalOf } from '../auth/principal';
import type { Limits } from '../limits';
import type { WriteContext } from '../core/write-context';
import { parseJson, type EventItem } from '../openlineage/event-stream';
import { splitEvents } from '../openlineage/event-splitter';
import type { IngestOutcome } from '../openlineage/ingestion.service';
import type { Services } from '../services';
import { errorPayload, sendError } from './http-errors';

export interface OpenLineageRouteOptions {
  services: Services;
  limits: Limits;
}

const JSON_TYPES = ['application/json'];
const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'];

/** A batch body, split into its events while it streamed in (a bad NDJSON line is one refused item). */
class BatchBody {
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
 *   duplicate, or rejected with the reason, each with its `warnings`. One bad event never sinks the others. The
 *   body is split into events as it streams in (src/openlineage/event-splitter.ts): the event count, the size of
 *   each event and the size of the body are checked while reading, so no body, however it inflates, is read or
 *   parsed past its limits.
 *
 * Bodies may be gzip- or deflate-compressed (`Content-Encoding`). Authentication and roles are the global hook's
 * (writers ingest); the principal it resolves is the actor of the writes. Errors are answered by the app's one
 * error handler (src/http/http-errors.ts).
 */
export async function registerOpenLineageRoutes(app: FastifyInstance, options: OpenLineageRouteOptions): Promise<void> {
  const { services, limits } = options;
  await app.register(async (scope) => {
    // Our own parsers, in this scope only: they keep keys such as `__proto__` as data (Fastify's default JSON
    // parser refuses them) and say where a body is malformed.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, parseJson(body as string, 'body'));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    scope.addContentTypeParser(NDJSON_TYPES, (_request, _payload, done) =>
      done(Object.assign(new Error('send one event as application/json here; NDJSON goes to /api/v1/lineage/batch'), { statusCode: 415 }), undefined),
    );
    scope.addHook('preParsing', async (request, _reply, payload) => decompress(request, payload));

    scope.post('/api/v1/lineage', async (request, reply) => {
      const outcome = await services.openlineage.ingest(writeContextOf(request), request.body);
      if (outcome.status === 'rejected') return sendError(request, reply, outcome.error);
      return reply.code(201).send({ status: outcome.status, eventId: outcome.eventId, warnings: outcome.warnings });
    });
  });

  await app.register(async (scope) => {
    const split = (format: 'json' | 'ndjson') => async (_request: FastifyRequest, payload: Readable) =>
      new BatchBody(
        await splitEvents(payload, format, {
          maxEvents: limits.ingestion.maxBatchEvents,
          maxEventBytes: limits.ingestion.eventBytes,
          maxBodyBytes: limits.ingestion.batchBodyBytes,
        }),
      );
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(JSON_TYPES, split('json'));
    scope.addContentTypeParser(NDJSON_TYPES, split('ndjson'));
    scope.addHook('preParsing', async (request, _reply, payload) => decompress(request, payload));

    scope.post(
      '/api/v1/lineage/batch',
      { bodyLimit: limits.ingestion.batchBodyBytes, config: { bodyLimitSetting: 'LIMIT_BATCH_BODY_BYTES', jsonGuard: 'per-item' } },
      async (request, reply) => {
        // Each event is checked by the ingestion service (depth, valid Unicode, size), and refused alone.
        const outcomes = await services.openlineage.ingestBatch(writeContextOf(request), (request.body as BatchBody).items);
        return reply.code(200).send(batchAnswer(outcomes));
      },
    );
  });
}

function writeContextOf(request: FastifyRequest): WriteContext {
  return { actor: principalOf(request).name, source: 'openlineage', requestId: String(request.id) };
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
  const inflated = new PassThrough() as PassThrough & { receivedEncodedLength: number; abandon: () => void };
  // Fastify compares the Content-Length header with the bytes received, which are the compressed ones.
  inflated.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => (inflated.receivedEncodedLength += chunk.length));
  const inflate = encoding === 'gzip' ? zlib.createGunzip() : zlib.createInflate();
  inflate.on('error', (error) => inflated.destroy(Object.assign(new Error(`the ${encoding} body is corrupt: ${error.message}`), { statusCode: 400 })));
  // A parser that stopped early (a limit) stops the inflating too; the rest of the compressed body is discarded.
  inflated.abandon = () => {
    payload.unpipe(inflate);
    inflate.destroy();
    payload.resume();
  };
  return payload.pipe(inflate).pipe(inflated);
}
