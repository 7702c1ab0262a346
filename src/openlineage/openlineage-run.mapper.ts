import { facetOf, FACET, keptFacets, textOf, type SetAside } from './openlineage.facets';
import { isUuid } from './openlineage.formats';
import type { RunEventType, RunState } from '../core/vocabulary';
import type { ParentRunPlan, RawRun, RunPlan } from './openlineage.types';

/** OTHER says nothing about the run's state (it carries metadata, even after the end), so it changes nothing. */
const STATE_AFTER: Record<RunEventType, RunState | null> = {
  START: 'RUNNING',
  RUNNING: 'RUNNING',
  COMPLETE: 'COMPLETED',
  FAIL: 'FAILED',
  ABORT: 'ABORTED',
  OTHER: null,
};

const STARTS: ReadonlySet<RunEventType> = new Set(['START', 'RUNNING']);
const ENDS: ReadonlySet<RunEventType> = new Set(['COMPLETE', 'FAIL', 'ABORT']);

/** `eventTime` is already normalised to UTC milliseconds. */
export function planRun(run: RawRun, eventType: RunEventType | null, eventTime: string, setAside: SetAside): RunPlan {
  const facets = run.facets;
  const facet = (name: string) => facetOf(facets, name, 'run.facets', setAside);
  return {
    runId: runIdOf(run.runId),
    state: eventType === null ? null : STATE_AFTER[eventType],
    startedAt: eventType !== null && STARTS.has(eventType) ? eventTime : null,
    endedAt: eventType !== null && ENDS.has(eventType) ? eventTime : null,
    errorMessage: textOf(facet(FACET.errorMessage)?.message),
    parameters: planParameters(facet),
    parametersPath: `run.facets.${Object.hasOwn(facets ?? {}, FACET.lineageParameters) ? 'lineage_parameters' : 'executionParameters'}.parameters`,
    parent: planParent(facet),
    facets: keptFacets(facets, 'run.facets', setAside),
  };
}

/**
 * Parameters come from two facets only, on purpose: the spec's `executionParameters` (a list of key/value) and
 * our `lineage_parameters` (`{ parameters: {...} }`), which wins on a shared key because it is explicit.
 * Not parameters: `nominalTime` (a schedule), `processing_engine` (the engine), `environmentVariables` (may
 * hold secrets), and producers' own facets such as Airflow's `airflow` or Spark's `spark_properties`
 * (configuration dumps, not the knobs of this run). They all stay in `facets`.
 */
function planParameters(facet: FacetReader): Record<string, unknown> | null {
  const execution = facet(FACET.executionParameters);
  const ours = facet(FACET.lineageParameters);
  if (execution === undefined && ours === undefined) return null;
  const entries: Array<[string, unknown]> = [];
  if (Array.isArray(execution?.parameters)) {
    for (const parameter of execution.parameters as Array<{ key: string; value?: unknown }>) entries.push([parameter.key, parameter.value ?? null]);
  }
  if (ours !== undefined) entries.push(...Object.entries(ours.parameters as Record<string, unknown>));
  // fromEntries defines own properties, so a key such as `__proto__` stays data.
  return Object.fromEntries(entries);
}

function planParent(facet: FacetReader): ParentRunPlan | null {
  const parent = facet(FACET.parent);
  if (parent === undefined) return null;
  const run = parent.run as { runId: string };
  const job = parent.job as { namespace: string; name: string };
  return { runId: runIdOf(run.runId), job: { namespace: job.namespace, name: job.name } };
}

type FacetReader = (name: string) => Record<string, unknown> | undefined;

/** UUIDs are case-insensitive, so they are lower-cased; other run ids (accepted with a warning) are kept as sent. */
function runIdOf(runId: string): string {
  return isUuid(runId) ? runId.toLowerCase() : runId;
}
