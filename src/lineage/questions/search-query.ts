import { BadInputError } from '../../errors';
import { TRAVERSAL_LIMITS } from './traversal-limits';

/**
 * Turns what a user types into a Lucene query for the `lineage_search` index. Words are split the way the index's
 * analyzer splits names (letters, digits, `_` and `.` stay together), lowercased, and each must match as a whole
 * word (boosted most), a word prefix (`3f2a9c` finds the commit) or a part of a word (`features` finds
 * `fraud_features.build`). Only letters, digits, `_` and `.` reach Lucene, so no user text is parsed as syntax.
 */

const MAX_WORDS = 8;

export interface SearchQuery {
  /** The Lucene query string. */
  lucene: string;
  /** The whole query, lowercased: exact and prefix matches of a name rank first. */
  phrase: string;
}

export function toSearchQuery(text: string): SearchQuery {
  if (typeof text !== 'string' || text.trim() === '') throw new BadInputError('query', 'must not be empty');
  if (text.length > TRAVERSAL_LIMITS.MAX_SEARCH_QUERY_LENGTH) {
    throw new BadInputError('query', `must be at most ${TRAVERSAL_LIMITS.MAX_SEARCH_QUERY_LENGTH} characters, got ${text.length}`);
  }
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}_.]+/u)
    .map((word) => word.replace(/^\.+|\.+$/g, ''))
    .filter((word) => word.length > 0);
  if (words.length === 0) throw new BadInputError('query', `'${text}' has no letters or digits to search for`);
  if (words.length > MAX_WORDS) throw new BadInputError('query', `must have at most ${MAX_WORDS} words, got ${words.length}`);
  return {
    lucene: words.map((word) => `(${word}^4 OR ${word}*^2 OR *${word}*)`).join(' AND '),
    phrase: text.trim().toLowerCase(),
  };
}
