import { BadInputError } from '../../errors';
import { kindOfId } from '../../core/ids';
import { instant } from '../../core/validate';
import type { NodeKind } from '../../core/vocabulary';
import { cutText } from '../../core/text';
import { QUESTION_STARTS, type AskedStart, type Question } from './question-start';

/** Checks shared by every lineage question: where it starts and the instant it is about. */

/**
 * The node a question is asked from, by its global id, with how the question resolves it to where its walk
 * starts (question-start.ts): BAD_USER_INPUT naming the argument when the id is not one of ours or names a kind
 * the question cannot start from.
 */
export function startOf(field: string, id: string, question: Question): AskedStart {
  const kind = kindOfId(id);
  if (!kind) throw new BadInputError(field, `'${cutText(id, 80)}' is not a global id (ids look like DatasetVersion:suXap83B9uYQKAgbxNdWIu)`);
  const starts = QUESTION_STARTS[question];
  const resolution = starts[kind];
  if (!resolution) {
    throw new BadInputError(field, `${question} starts from a ${orList(Object.keys(starts) as NodeKind[])}; ${id} is a ${kind}`);
  }
  return { id, kind, resolution };
}

/** The instant asked about, as ISO-8601; now when absent. */
export function asOfArgument(value: Date | string | null | undefined, now: Date = new Date()): string {
  return instant('asOf', value, now);
}

function orList(kinds: readonly NodeKind[]): string {
  return kinds.length === 1 ? kinds[0]! : `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}`;
}
