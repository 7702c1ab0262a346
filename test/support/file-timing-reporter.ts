import fs from 'node:fs';
import path from 'node:path';

/**
 * A second reporter for `npm test` (beside spec): the test files by wall time, slowest first, with those that had
 * started and not finished, kept up to date in LINEAGE_TEST_TIMINGS_FILE. run-tests.ts prints it when the run
 * ends, and when the run goes past LINEAGE_TEST_BUDGET_MS: CI has a time limit, and this says where the time went
 * and which file hung. (Written to a file, not yielded: --test-force-exit ends the runner before a reporter's
 * last words.)
 */

interface TestEvent {
  type: string;
  data?: { file?: string; name?: string; details?: { passed?: boolean } };
}

interface FileSpan {
  started: number;
  finished?: number;
  passed?: boolean;
}

/** Per test file, from the runner's own test of the file: dequeued when its process starts, complete when it ends. */
const spans = new Map<string, FileSpan>();
const TEST_ROOT = path.resolve(__dirname, '..');
const SNAPSHOT_FILE = process.env.LINEAGE_TEST_TIMINGS_FILE;

/** The table, for the end of the run or for a run cut off. */
function fileTimings(now = Date.now()): string {
  const rows = [...spans.entries()]
    .map(([file, span]) => ({ file: path.relative(TEST_ROOT, file).replace(/\.js$/, '.ts'), seconds: ((span.finished ?? now) - span.started) / 1000, span }))
    .sort((a, b) => b.seconds - a.seconds);
  const lines = rows.map(
    ({ file, seconds, span }) =>
      `${seconds.toFixed(1).padStart(8)} s  ${file}${span.finished === undefined ? '  (still running)' : ''}${span.passed === false ? '  (failed)' : ''}`,
  );
  return `test files by wall time (each in its own process):\n${lines.join('\n')}\n`;
}

async function* fileTimingReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  for await (const event of source) {
    const { file, name } = event.data ?? {};
    if (!file || name !== file) continue;
    if (event.type === 'test:dequeue') spans.set(file, { started: Date.now() });
    const span = spans.get(file);
    if (event.type === 'test:complete' && span) {
      span.finished = Date.now();
      span.passed = event.data?.details?.passed;
    }
    if (SNAPSHOT_FILE) fs.writeFileSync(SNAPSHOT_FILE, fileTimings());
  }
  yield '';
}

export = fileTimingReporter;
