import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../../src/logger';

/** A logger like the service's whose JSON lines are kept in memory, to check what a test made the service log. */
export function capturingLogger(level = 'info'): { logger: Logger; lines: () => Array<Record<string, any>>; raw: () => string[] } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger(level, stream), lines: () => raw.map((line) => JSON.parse(line)), raw: () => [...raw] };
}
