import { ServiceUnavailableError } from '../errors';
import { abandonedError } from './request-scope';

interface Waiter {
  grant: () => void;
  fail: (error: Error) => void;
}

/**
 * The lane expensive transactions (lineage traversals) take: at most `concurrency` run at once, whatever the
 * number of requests asking, so that they never hold more than a bounded part of the pool and of Neo4j's CPU,
 * and cheap reads always find both. Waiting transactions are served round-robin by principal: a client with a
 * hundred traversals queued does not delay another client's single one by a hundred turns.
 *
 * A transaction that waits longer than `maxWaitMs`, or arrives when `maxQueued` wait already, is refused with
 * SERVICE_UNAVAILABLE (busy; retry later): a queue that only grows would answer nobody in time.
 */
export class FairLane {
  private running = 0;
  private queued = 0;
  /** Waiters by principal; the map's order is the round-robin order. */
  private readonly queues = new Map<string, Waiter[]>();

  constructor(
    readonly concurrency: number,
    private readonly maxWaitMs: number,
    private readonly maxQueued: number,
  ) {}

  /** Transactions running in the lane now, and waiting for it. */
  get load(): { running: number; queued: number } {
    return { running: this.running, queued: this.queued };
  }

  /** Resolves with the function that gives the turn back, once it is this transaction's turn. */
  acquire(who: string, signal: AbortSignal | undefined): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abandonedError());
    if (this.running < this.concurrency && this.queued === 0) {
      this.running += 1;
      return Promise.resolve(this.releaser());
    }
    if (this.queued >= this.maxQueued) {
      return Promise.reject(new ServiceUnavailableError(`${this.queued} expensive questions are already waiting; retry later`));
    }
    return new Promise((resolve, reject) => {
      // Set below, before the waiter is queued: settle() only runs once it is.
      let timer: NodeJS.Timeout | undefined = undefined;
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        grant: () => {
          settle();
          resolve(this.releaser());
        },
        fail: (error) => {
          settle();
          reject(error);
        },
      };
      const withdraw = (error: Error) => {
        const queue = this.queues.get(who);
        const index = queue?.indexOf(waiter) ?? -1;
        if (index < 0) return;
        queue!.splice(index, 1);
        if (queue!.length === 0) this.queues.delete(who);
        this.queued -= 1;
        waiter.fail(error);
      };
      const onAbort = () => withdraw(abandonedError());
      timer = setTimeout(
        () =>
          withdraw(
            new ServiceUnavailableError(`the question waited ${this.maxWaitMs} ms for one of ${this.concurrency} turns for expensive questions; retry later`),
          ),
        this.maxWaitMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      const queue = this.queues.get(who);
      if (queue) queue.push(waiter);
      else this.queues.set(who, [waiter]);
      this.queued += 1;
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      this.next();
    };
  }

  /** Gives a free turn to the first principal in round-robin order, which then goes to the back. */
  private next(): void {
    while (this.running < this.concurrency && this.queued > 0) {
      const [who, queue] = this.queues.entries().next().value as [string, Waiter[]];
      const waiter = queue.shift()!;
      this.queues.delete(who);
      if (queue.length > 0) this.queues.set(who, queue);
      this.queued -= 1;
      this.running += 1;
      waiter.grant();
    }
  }
}
