import { AsyncLocalStorage } from 'node:async_hooks';
import { ServiceUnavailableError } from '../errors';

/**
 * What the database module knows about the client request a transaction runs for, so that one request cannot
 * take more than its share of Neo4j:
 * - `who` (the principal, once authenticated) is the key of fair queueing for expensive questions;
 * - `signal` aborts when the client has gone: work not yet started for it is abandoned, not run for nobody;
 * - it counts the connections the request holds (NEO4J_REQUEST_CONNECTIONS bounds them; see database.ts).
 * Work outside a request (start-up, CLIs) has no scope and is bounded by nothing but the pool.
 */
export class RequestScope {
  who = 'anonymous';
  /** Connections this request holds now, and the transactions waiting for one (each woken with its slot). */
  private held = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly signal?: AbortSignal) {}

  /** Called once the request is authenticated: its expensive work queues under its principal. */
  identify(who: string): void {
    this.who = who;
  }

  get abandoned(): boolean {
    return this.signal?.aborted ?? false;
  }

  /** Resolves once the request holds one more connection, at most `limit` at once; fails if the client leaves. */
  takeConnection(limit: number): Promise<void> {
    if (this.abandoned) return Promise.reject(abandonedError());
    if (this.held < limit && this.waiting.length === 0) {
      this.held += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiting.indexOf(grant);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(abandonedError());
      };
      // The slot of the transaction that finished passes straight to this one: `held` does not change.
      const grant = () => {
        this.signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  giveBackConnection(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held -= 1;
  }
}

const storage = new AsyncLocalStorage<RequestScope>();

export function withRequestScope<T>(scope: RequestScope, work: () => T): T {
  return storage.run(scope, work);
}

/** Runs `work` outside any request scope: work shared by several requests belongs to none of them. */
export function outsideRequestScope<T>(work: () => T): T {
  return storage.exit(work);
}

export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/** The error of work abandoned because its client left: nobody reads it, but logs and metrics count it. */
export function abandonedError(): ServiceUnavailableError {
  return new ServiceUnavailableError('the client closed the connection before the answer; the work was abandoned');
}
