import type { FastifyRequest } from 'fastify';
import { BadInputError } from '../errors';
import { cutText } from '../core/text';

/** Clients send this header back to read their own writes, also from another instance against a cluster. */
export const BOOKMARK_HEADER = 'x-lineage-bookmark';

/** Neo4j 5 bookmarks: `FB:` and base64 (a few dozen characters per database). */
const BOOKMARK = /^FB:[A-Za-z0-9+/]{4,1024}={0,2}$/;
/** One per database and cluster member a client wrote through: a handful in practice. */
const MAX_BOOKMARKS = 32;

/**
 * The bookmarks of a request's `x-lineage-bookmark` header (comma-separated, or the header repeated), checked
 * before any of them reaches Neo4j: a value the service cannot have returned is the client's mistake, a 400
 * naming the header, not an error deep in the driver.
 */
export function bookmarksOf(request: FastifyRequest): string[] {
  const header = request.headers[BOOKMARK_HEADER];
  const bookmarks = (Array.isArray(header) ? header : header === undefined ? [] : [header])
    .flatMap((value) => value.split(','))
    .map((bookmark) => bookmark.trim())
    .filter(Boolean);
  if (bookmarks.length > MAX_BOOKMARKS) {
    throw new BadInputError(BOOKMARK_HEADER, `holds ${bookmarks.length} bookmarks; at most ${MAX_BOOKMARKS} are accepted`);
  }
  const bad = bookmarks.find((bookmark) => !BOOKMARK.test(bookmark));
  if (bad !== undefined) {
    const shown = cutText(bad, 41, '…');
    throw new BadInputError(BOOKMARK_HEADER, `${JSON.stringify(shown)} is not a bookmark this service returned; send back the header's value as it came`);
  }
  return bookmarks;
}
