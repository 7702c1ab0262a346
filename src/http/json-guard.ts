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
    if (request.body !== null && typeof request.body === 'object') checkJson(request.body, maxDepth);
  });
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function checkJson(value: unknown, maxDepth: number): void {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { value: node, depth, path } = stack.pop()!;
    if (typeof node === 'string') {
      if (LONE_SURROGATE.test(node)) throw new BadInputError(path || 'body', 'contains a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape); send valid Unicode');
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth >= maxDepth) {
      throw new LimitExceededError('LIMIT_JSON_DEPTH', `the JSON body nests deeper than ${maxDepth} levels at ${path || 'the top'}`);
    }
    if (Array.isArray(node)) {
      node.forEach((item, index) => stack.push({ value: item, depth: depth + 1, path: `${path}[${index}]` }));
    } else {
      for (const [key, item] of Object.entries(node)) {
        if (LONE_SURROGATE.test(key)) throw new BadInputError(path || 'body', 'has a key with a lone UTF-16 surrogate; send valid Unicode');
        stack.push({ value: item, depth: depth + 1, path: path ? `${path}.${key.slice(0, 64)}` : key.slice(0, 64) });
      }
    }
  }
}
