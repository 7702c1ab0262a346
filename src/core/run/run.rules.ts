import { ConflictError, BadInputError } from '../../errors';
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
