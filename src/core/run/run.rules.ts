import { ConflictError, BadInputError } from '../../errors';
import { canonicalJson, sameData } from '../canonical-json';
import type { StoredFacets } from '../facets';
import type { VersionValues } from '../dataset/dataset.rules';
import type { RunEventType, RunState } from '../vocabulary';

/**
 * The rules of a run's life, as pure functions over what is recorded and what an event says. Every front door
 * (GraphQL mutations, OpenLineage events one by one or in bulk) records runs through the same recorder, which
 * applies these rules; they never touch the database.
 */

export const FINAL_STATE: Partial<Record<RunEventType, RunState>> = {
  COMPLETE: 'COMPLETED',
  FAIL: 'FAILED',
  ABORT: 'ABORTED',
};

export function isStart(event: RunEventType): boolean {
  return event === 'START' || event === 'RUNNING';
}

/**
 * The run state after an event. Final states are final: the same final event again changes nothing, a START
 * arriving after the end (out of order) changes nothing, a different final event is a conflict.
 */
export function nextState(runId: string, current: RunState | null, event: RunEventType): RunState | null {
  const final = FINAL_STATE[event];
  const isFinal = (state: RunState | null) => state !== null && state !== 'RUNNING';
  if (final) {
    if (isFinal(current) && current !== final) {
      throw new ConflictError(`run ${runId} already ended ${current}; it cannot become ${final}`, { ref: runId });
    }
    return final;
  }
  if (isStart(event)) return isFinal(current) ? current : 'RUNNING';
  return current;
}

/** Parameters arrive over several events; keys add up, but a key never changes value. */
export function mergeParameters(
  runId: string,
  recorded: Record<string, unknown> | null,
  given: Record<string, unknown> | null,
): Record<string, unknown> | null {
  if (!given) return recorded;
  const before = recorded ?? {};
  const changed = Object.keys(given).filter((key) => Object.hasOwn(before, key) && JSON.stringify(before[key]) !== JSON.stringify(given[key]));
  if (changed.length > 0) {
    throw new ConflictError(`run ${runId} parameters are immutable; different values given for ${changed.join(', ')}`, { ref: runId, fields: changed });
  }
  return { ...before, ...given };
}

/** The earlier of two ISO-8601 UTC instants (either may be unknown). */
export function earliest(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return b < a ? b : a;
}

/** A run belongs to one job for life; the first event must name it. Returns the run's job id. */
export function checkJob(runId: string, recordedJobId: string | null, job: { id: string; namespace: string; name: string } | null): string {
  if (recordedJobId && job && recordedJobId !== job.id) {
    throw new ConflictError(`run ${runId} belongs to another job; it cannot move to ${job.namespace}/${job.name}`, { ref: runId });
  }
  const jobId = recordedJobId ?? job?.id;
  if (!jobId) throw new BadInputError('job', `is required the first time run ${runId} is recorded`);
  return jobId;
}

/** A run executes one commit. */
export function checkCommit(runId: string, recordedCommitId: string | null, commitId: string): void {
  if (recordedCommitId && recordedCommitId !== commitId) {
    throw new ConflictError(`run ${runId} already ran another commit; a run executes one commit`, { ref: runId });
  }
}

/** A run has one parent for life. */
export function checkParent(recordedParent: { id: string; runId: string } | null, parentId: string, parentRunId: string): void {
  if (recordedParent && recordedParent.id !== parentId) {
    throw new ConflictError(`run has parent ${recordedParent.runId} already; it cannot change to ${parentRunId}`, { ref: parentRunId });
  }
}

/** A START (or RUNNING) later than the recorded end contradicts it; an earlier one is just late. */
export function checkStartAfterEnd(runId: string, event: RunEventType, endedAt: string | null, at: string): void {
  if (isStart(event) && endedAt && at > endedAt) {
    throw new ConflictError(`run ${runId} ended at ${endedAt}; it cannot start after it ended (${at})`, { ref: runId });
  }
}

/**
 * The instant at which a run reads the inputs it names without a version: its start, else its end (a run known
 * only by its completion), else the event's own time. Only start and end count, so the instant is the same
 * whatever order the run's events arrived in.
 */
export function readTimeOf(run: { startedAt: string | null; endedAt: string | null }, at: string): string {
  return run.startedAt ?? run.endedAt ?? at;
}

/** A version has exactly one writer. */
export function checkWriter(
  output: { id: string; namespace: string; name: string; version: string },
  producer: { id: string; runId: string } | null,
  run: { id: string; runId: string },
): void {
  if (producer && producer.id !== run.id) {
    throw new ConflictError(
      `dataset version ${output.namespace}/${output.name}@${output.version} was written by run ${producer.runId}; run ${run.runId} cannot write it too`,
      { ref: output.id },
    );
  }
}

/** Event time of each value of a version its writer's events gave (a value no event of the run gave has none). */
export type ValueTimes = Partial<Record<keyof VersionValues, string>>;

/** What a version a run writes holds: its values, when the run's events gave each, and its facets. */
export interface OutputState {
  values: VersionValues;
  valuesAt: ValueTimes | null;
  facets: StoredFacets | null;
}

/**
 * A value an event gave that the version does not take (`replaced` false), or a value the version stops holding
 * because the event's value is the story's (`replaced` true), and the value it keeps.
 */
export interface SetAside {
  /** `rowCount`, `schemaJson`, …, or `facets.<name>`. */
  field: string;
  kept: unknown;
  setAside: unknown;
  replaced: boolean;
}

/**
 * The version a run writes after one more event of that run, at `at` (docs/openlineage-mapping.md, "Events of
 * one run are one story"). The run's events tell one story in event time, whatever order they arrive in: while
 * the run is open (`end` null), and for the events up to its end (`at <= end`: the final event is one of them),
 * each value and each facet is the one the latest of them gave, so progressive statistics and a schema growing
 * during the run end as the final event says; an earlier event arriving late fills only what is still unknown.
 * Once the run ended the version is sealed: an event after the end, or a value no event of the run gave (the
 * version was registered before), may only fill what is unknown, and a different value is set aside. A value
 * that an event after the end gave (before an earlier final event arrived late and moved the end) is no part of
 * the story: the story's value replaces it, and the replaced one is set aside. Ties in time are broken by the
 * value's canonical JSON, so that the outcome never depends on arrival order.
 */
export function reviseOutput(
  recorded: OutputState | null,
  given: { values: VersionValues; facets: Readonly<Record<string, unknown>> | null },
  at: string,
  end: string | null,
): OutputState & { setAside: SetAside[] } {
  const inStory = (time: string | undefined): time is string => time !== undefined && (end === null || time <= end);
  const later = (time: string, value: unknown, than: { at: string; value: unknown }) =>
    time > than.at || (time === than.at && canonicalJson(value) > canonicalJson(than.value));
  const setAside: SetAside[] = [];
  /** One value: the recorded one (stamped `stamp`, if an event of the run gave it) against the given one. */
  const decide = (field: string, before: unknown, stamp: string | undefined, value: unknown): { value: unknown; at: string | undefined } => {
    if (before === null || before === undefined) return { value, at };
    if (sameData(before, value)) return { value: before, at: stamp !== undefined && inStory(at) && (!inStory(stamp) || at > stamp) ? at : stamp };
    if (inStory(at) && stamp !== undefined && (!inStory(stamp) || later(at, value, { at: stamp, value: before }))) {
      if (!inStory(stamp)) setAside.push({ field, kept: value, setAside: before, replaced: true });
      return { value, at };
    }
    // An earlier event of the story arriving late is no conflict: the later one simply told more.
    if (!(inStory(at) && inStory(stamp))) setAside.push({ field, kept: before, setAside: value, replaced: false });
    return { value: before, at: stamp };
  };

  const values: Record<string, unknown> = { ...(recorded?.values ?? given.values) };
  const valuesAt: Record<string, string> = { ...(recorded?.valuesAt ?? {}) };
  for (const field of Object.keys(given.values) as Array<keyof VersionValues>) {
    const value = given.values[field];
    if (value === null || value === undefined) continue;
    const decided = decide(field, recorded?.values[field] ?? null, recorded?.valuesAt?.[field], value);
    values[field] = decided.value;
    if (decided.at === undefined) delete valuesAt[field];
    else valuesAt[field] = decided.at;
  }

  const facets: Record<string, { at: string; value: unknown }> = { ...(recorded?.facets ?? {}) };
  for (const [name, value] of Object.entries(given.facets ?? {})) {
    if (value === null || value === undefined) continue;
    const before = Object.hasOwn(facets, name) ? facets[name] : undefined;
    const decided = decide(`facets.${name}`, before?.value ?? null, before?.at, value);
    if (decided.value !== before?.value || decided.at !== before?.at) {
      Object.defineProperty(facets, name, { value: { at: decided.at!, value: decided.value }, enumerable: true, writable: true, configurable: true });
    }
  }
  return {
    values: values as VersionValues,
    valuesAt: Object.keys(valuesAt).length > 0 ? (valuesAt as ValueTimes) : null,
    facets: Object.keys(facets).length > 0 ? facets : null,
    setAside,
  };
}
