import { LimitExceededError } from '../errors';

/**
 * LIMIT_EVENT_DATASETS: the inputs and the outputs of one event, each at most the limit. Checked before the
 * event is validated, so that an over-long list is refused without being walked, and the same whatever brought
 * the event (single route, batch item, replayed file). A limit, not a malformed event: LIMIT_EXCEEDED names the
 * setting, so that the producer's operator knows what to split or the service's what to raise.
 *
 * The default is what the service records within NEO4J_TX_TIMEOUT_MS with a margin on a busy machine: the graph
 * write of an event grows with its datasets (a dataset, a version and a relationship each, and the audit record
 * lists them), about 1.5 ms per dataset in Neo4j on a loaded 2-core machine (bench/README.md, "Events at the
 * limits"), so 10,000 inputs and 10,000 outputs took longer than the 15 s timeout.
 */
export function datasetsOverLimit(event: unknown, maxDatasets: number): LimitExceededError | null {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return null;
  for (const list of ['inputs', 'outputs'] as const) {
    const value = (event as Record<string, unknown>)[list];
    if (Array.isArray(value) && value.length > maxDatasets) {
      return new LimitExceededError('LIMIT_EVENT_DATASETS', `${list} has ${value.length} datasets; at most ${maxDatasets} are accepted in one event`);
    }
  }
  return null;
}
