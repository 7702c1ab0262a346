import { BadInputError } from '../../errors';
import { kindOfId } from '../../core/ids';
import { instant } from '../../core/validate';
import type { NodeRef } from './traversal';
import type { NodeKind } from '../../core/vocabulary';
import { cutText } from '../../core/text';

/** Checks shared by every lineage question: where it starts and the instant it is about. */

/**
 * The start node of a question, from its global id: BAD_USER_INPUT naming the argument when the id is not one of
 * ours or names a kind the question cannot start from.
 */
export function startOf(field: string, id: string, allowed: readonly NodeKind[], question: string): NodeRef {
  const kind = kindOfId(id);
  if (!kind) throw new BadInputError(field, `'${cutText(id, 80)}' is not a global id (ids look like DatasetVersion:suXap83B9uYQKAgbxNdWIu)`);
  if (!allowed.includes(kind)) {
    throw new BadInputError(field, `${question} starts from a ${orList(allowed)}; ${id} is a ${kind}`);
  }
  return { id, kind };
}

/** The instant asked about, as ISO-8601; now when absent. */
export function asOfArgument(value: Date | string | null | undefined, now: Date = new Date()): string {
  return instant('asOf', value, now);
}

function orList(kinds: readonly NodeKind[]): string {
  return kinds.length === 1 ? kinds[0]! : `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}`;
}
