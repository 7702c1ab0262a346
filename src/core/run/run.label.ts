import { fromJsonProperty } from '../json-property';
import type { RunState } from '../vocabulary';

/**
 * The `Run` label, described once: its properties, the projection every repository returns, the row it yields and
 * how the API shows a row. The recorder adds what its rules read (reads, writes, commit, parent) to the same
 * projection; the rules compute the properties (run.rules), so a new one is written where they compute it.
 */

const PROPERTIES = ['id', 'runId', 'jobId', 'state', 'startedAt', 'endedAt', 'parametersJson', 'errorMessage', 'facetsJson'] as const;

/** The map projection every query of a run returns (`extra` adds computed entries). */
export function runProjection(n: string, extra = ''): string {
  return `${n} { ${PROPERTIES.map((property) => `.${property}`).join(', ')}, kind: 'Run'${extra ? `, ${extra}` : ''} }`;
}

/** A run as the projection returns it; a run known only as a parent has no job, state or times yet. */
export interface StoredRun {
  kind: 'Run';
  id: string;
  runId: string;
  jobId: string | null;
  state: RunState | null;
  startedAt: Date | null;
  endedAt: Date | null;
  parametersJson: string | null;
  errorMessage: string | null;
  facetsJson: string | null;
}

/** A run as the API shows it: its parameters as an object. */
export type RunView = Omit<StoredRun, 'parametersJson'> & { parameters: Record<string, unknown> | null };

export function runView(stored: StoredRun): RunView {
  const { parametersJson, ...shown } = stored;
  return { ...shown, parameters: fromJsonProperty<Record<string, unknown>>(parametersJson) };
}
