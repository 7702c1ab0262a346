import { BadInputError, LimitExceededError } from '../errors';
import { cutText, isWellFormed } from './text';

/**
 * The check of a parsed JSON value, for what would otherwise fail deep inside (or, worse, be stored wrongly):
 * - nesting deeper than LIMIT_JSON_DEPTH (recursive code further on, JSON.stringify included, would overflow);
 * - strings with lone UTF-16 surrogates (`"\ud800"` is valid JSON but not Unicode: Neo4j would store U+FFFD,
 *   so a name would silently change).
 * One iterative walk, so that the check itself cannot overflow. Every JSON body of every route goes through it
 * (src/http/json-guard.ts), and every OpenLineage event whatever brought it (the ingestion service).
 */

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
  return keys.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${cutText(key, 64)}`)).join('');
}

export function checkJson(value: unknown, maxDepth: number): void {
  const stack: Frame[] = [{ value, depth: 0, parent: null, key: null }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const node = frame.value;
    if (typeof node === 'string') {
      if (!isWellFormed(node))
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
        if (!isWellFormed(key)) throw new BadInputError(pathOf(frame) || 'body', 'has a key with a lone UTF-16 surrogate; send valid Unicode');
        stack.push({ value: (node as Record<string, unknown>)[key], depth: frame.depth + 1, parent: frame, key });
      }
    }
  }
}
