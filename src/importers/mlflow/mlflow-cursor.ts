import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MlflowSnapshot } from './mlflow.types';

/**
 * Where the last pass over a tracking server stopped, so that the next pass (a re-run, a `--follow` poll, a
 * follower restarted) reads only runs started since, plus those that were still running. It lives in a small
 * state file, not in the graph: it is the importer's bookkeeping, not lineage, and correctness never depends on
 * it (every pass compares what it read with the graph before writing), so a lost or stale file costs a full
 * read and nothing else. `--full` ignores it.
 */
export interface MlflowCursor {
  version: 1;
  trackingUrl: string;
  /** Epoch milliseconds: the latest run start seen; the next pass reads runs started at or after it. */
  runsStartedFrom: number | null;
  /** Runs that had not ended: read again until they have. */
  openRunIds: string[];
  /** When the last pass completed (ISO-8601), for the summary. */
  passedAt: string | null;
}

export function defaultCursorFile(trackingUrl: string, graph: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  const key = createHash('sha256').update(`${trackingUrl}\u0000${graph}`).digest('hex').slice(0, 16);
  return path.join(base, 'lineage', 'import', `mlflow-${key}.json`);
}

export function readCursor(file: string, trackingUrl: string): MlflowCursor | null {
  if (!fs.existsSync(file)) return null;
  try {
    const cursor = JSON.parse(fs.readFileSync(file, 'utf8')) as MlflowCursor;
    return cursor.version === 1 && cursor.trackingUrl === trackingUrl ? cursor : null;
  } catch {
    // A damaged file is only a lost optimisation: start over with a full read.
    return null;
  }
}

/** Written atomically (rename), so an interrupted write leaves the previous cursor. */
export function writeCursor(file: string, cursor: MlflowCursor): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(cursor, null, 2)}\n`);
  fs.renameSync(temporary, file);
}

/** The cursor after a pass that read `snapshot` and recorded it. */
export function advanceCursor(previous: MlflowCursor | null, snapshot: MlflowSnapshot, passedAt: Date): MlflowCursor {
  const starts = snapshot.runs.map((run) => Number(run.info.start_time ?? 0)).filter((start) => Number.isFinite(start) && start > 0);
  const latest = starts.length > 0 ? Math.max(...starts) : null;
  const from = [previous?.runsStartedFrom ?? null, latest].filter((v): v is number => v !== null);
  return {
    version: 1,
    trackingUrl: snapshot.trackingUrl,
    runsStartedFrom: from.length > 0 ? Math.max(...from) : null,
    openRunIds: snapshot.runs
      .filter((run) => run.info.status === 'RUNNING' || run.info.status === 'SCHEDULED')
      .map((run) => run.info.run_id ?? run.info.run_uuid!)
      .sort(),
    passedAt: passedAt.toISOString(),
  };
}
