import type { FastifyInstance } from 'fastify';
import { BadInputError, LimitExceededError } from '../errors';

/**
 * Checks every parsed JSON body before a route sees it, for what would otherwise fail deep inside (or, worse,
 * be stored wrongly):
 * - nesting deeper than LIMIT_JSON_DEPTH (recursive code further on, JSON.stringify included, would overflow);
 * - strings with lone UTF-16 surrogates (`"\ud800"` is valid JSON but not Unicode: Neo4j would store U+FFFD,
 *   so a name would silently change).
 * One iterative walk, so that the check itself cannot overflow. Applies to every route, the OpenLineage ones too.
 */
export function registerJsonGuard(app: FastifyInstance, maxDepth: number): void {
  app.addHook('preValidation', async (request) => {
    // A route whose body is a list of independent items (the OpenLineage batch) checks each item itself, so that
    // one bad item is refused alone.
    if ((request.routeOptions.config as { jsonGuard?: string } | undefined)?.jsonGuard === 'per-item') return;
    if (request.body !== null && typeof request.body === 'object') checkJson(request.body, maxDepth);
  });
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** String.prototype.isWellFormed (Node 20+) where there is one: a native scan, several times faster than a regex. */
const wellFormed: (text: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (text) => (text as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (text) => !LONE_SURROGATE.test(text);

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | null;
  key: string | number | null;
}

/** The JSON path of a frame, built only when an error needs it. */
function pathOf(frame: Frame | null): string {
  const keys: Array<string | number> = [];
  for (let at = frame; at && at.key !== null; at = at.parent) keys.unshift(at.key);
  return keys.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${key.slice(0, 64)}`)).join('');
}

export function checkJson(value: unknown, maxDepth: number): void {
  const stack: Frame[] = [{ value, depth: 0, parent: null, key: null }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const node = frame.value;
    if (typeof node === 'string') {
      if (!wellFormed(node))
        throw new BadInputError(pathOf(frame) || 'body', 'contains a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape); send valid Unicode');
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (frame.depth >= maxDepth) {
      throw new LimitExceededError('LIMIT_JSON_DEPTH', `the JSON body nests deeper than ${maxDepth} levels at ${pathOf(frame) || 'the top'}`);
    }
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index += 1) stack.push({ value: node[index], depth: frame.depth + 1, parent: frame, key: index });
    } else {
      for (const key in node) {
        if (!wellFormed(key)) throw new BadInputError(pathOf(frame) || 'body', 'has a key with a lone UTF-16 surrogate; send valid Unicode');
        stack.push({ value: (node as Record<string, unknown>)[key], depth: frame.depth + 1, parent: frame, key });
      }
    }
  }
}
