import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';

/** Writes a benchmark's report to bench/results/<kind>-<when>.json and returns its path relative to the project. */
export function writeBenchReport(kind: string, report: { when: string }): string {
  const dir = path.join(PROJECT_ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${kind}-${report.when.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return path.relative(PROJECT_ROOT, file);
}
