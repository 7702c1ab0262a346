import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request a piece of code runs for, carried through async calls, so that lines logged by modules that never
 * see the request (the database, services) still carry its id (see the logger's mixin in src/logger.ts).
 */
interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function withRequestContext<T>(requestId: string, work: () => T): T {
  return storage.run({ requestId }, work);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
