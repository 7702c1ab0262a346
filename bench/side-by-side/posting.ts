/**
 * Posting OpenLineage events to a server over HTTP: one event per request by N concurrent clients, or batches.
 * Bodies are serialised before the clock starts; latencies are per request, from send to the whole answer read.
 */

export interface PostResult {
  events: number;
  requests: number;
  /** Events the server did not accept (a non-2xx answer, or `rejected` in a batch answer). */
  failed: number;
  firstFailure: string | null;
  seconds: number;
  latencies: number[];
}

const TIMEOUT_MS = 300_000;

async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    return { status: 0, text: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * One event per request, `clients` at a time, taken from one queue in stream order: the START and COMPLETE of a
 * run (adjacent in the stream) are often in flight together, as when a scheduler reports them back to back.
 */
export function postSingles(url: string, events: readonly string[], clients: number): Promise<PostResult> {
  return postGroups(
    url,
    events.map((event) => [event]),
    clients,
  );
}

/**
 * The events of each run in order (its START answered before its COMPLETE is sent), `clients` runs at a time,
 * runs taken in stream order: how a stream is loaded into a server that does not like a run's events to race
 * (Marquez can leave such runs RUNNING).
 */
export function postRunByRun(url: string, events: readonly string[], clients: number): Promise<PostResult> {
  const runs = new Map<string, string[]>();
  for (const event of events) {
    const runId = /"runId": ?"([^"]+)"/.exec(event)?.[1] ?? event;
    runs.set(runId, [...(runs.get(runId) ?? []), event]);
  }
  return postGroups(url, [...runs.values()], clients);
}

/** Groups of events taken in order by `clients` concurrent clients, one event per request, a group's in order. */
async function postGroups(url: string, groups: readonly string[][], clients: number): Promise<PostResult> {
  const latencies: number[] = [];
  let events = 0;
  let failed = 0;
  let firstFailure: string | null = null;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < groups.length) {
        for (const body of groups[next++]!) {
          const sent = performance.now();
          const answer = await post(url, body);
          latencies.push(performance.now() - sent);
          events++;
          if (answer.status < 200 || answer.status >= 300) {
            failed++;
            firstFailure ??= `${answer.status} ${answer.text.slice(0, 300)}`;
          }
        }
      }
    }),
  );
  return { events, requests: events, failed, firstFailure, seconds: (performance.now() - started) / 1000, latencies };
}

/** Batches (JSON arrays) to the service's batch endpoint, `clients` at a time, in order. */
export async function postBatches(url: string, batches: AsyncIterable<string[]> | Iterable<string[]>, clients: number): Promise<PostResult> {
  const iterator = (Symbol.asyncIterator in batches ? batches[Symbol.asyncIterator]() : (batches as Iterable<string[]>)[Symbol.iterator]()) as
    AsyncIterator<string[]> | Iterator<string[]>;
  const latencies: number[] = [];
  let events = 0;
  let requests = 0;
  let failed = 0;
  let firstFailure: string | null = null;
  // One reader at a time: the clients share the iterator.
  let reading: Promise<unknown> = Promise.resolve();
  const take = () => {
    const result = reading.then(() => iterator.next());
    reading = result;
    return result as Promise<IteratorResult<string[]>>;
  };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let item = await take(); !item.done; item = await take()) {
        const body = `[${item.value.join(',')}]`;
        const sent = performance.now();
        const answer = await post(url, body);
        latencies.push(performance.now() - sent);
        requests++;
        events += item.value.length;
        let rejected = item.value.length;
        if (answer.status === 200) rejected = (JSON.parse(answer.text) as { rejected: number }).rejected;
        if (rejected > 0) {
          failed += rejected;
          firstFailure ??= `${answer.status} ${answer.text.slice(0, 300)}`;
        }
      }
    }),
  );
  return { events, requests, failed, firstFailure, seconds: (performance.now() - started) / 1000, latencies };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
