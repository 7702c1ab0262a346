import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startLocalNeo4j, type LocalNeo4j } from '../../src/local-neo4j/local-neo4j';
import { createLogger } from '../../src/logger';
import { PROJECT_ROOT } from '../../src/paths';
import { PEERS_DIR } from './streams';

/** The systems a side-by-side run drives: a throwaway Neo4j, the service as its own process, and Marquez. */

const logger = createLogger('warn', 'stderr');

/** A throwaway Neo4j 5.26 in a temporary directory, on a free port. */
export class Neo4jStore {
  private constructor(
    private readonly neo4j: LocalNeo4j,
    private readonly home: string,
  ) {}

  static async start(heap: string, pageCache: string): Promise<Neo4jStore> {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-side-by-side-neo4j-'));
    const neo4j = await startLocalNeo4j({ home, boltPort: 0, heap, pageCache, startTimeoutMs: 300_000, logger });
    return new Neo4jStore(neo4j, home);
  }

  get uri(): string {
    return this.neo4j.uri;
  }

  get pid(): number {
    return this.neo4j.pid;
  }

  async stop(): Promise<void> {
    await this.neo4j.stop();
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}

/** The service as `npm start` runs it (`node dist/src/main.js`), authentication off (Marquez has none), on a free port. */
export class ServiceProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    /** Milliseconds from spawn to /readyz answering 200: start-up, migrations, warm-up included. */
    readonly startupMs: number,
  ) {}

  /** `root`: the checkout whose build runs (another one for a baseline, --baseline). */
  static async start(neo4jUri: string, env: Record<string, string> = {}, root = PROJECT_ROOT): Promise<ServiceProcess> {
    const port = await freePort();
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(root, 'dist', 'src', 'main.js')], {
      env: {
        ...process.env,
        NODE_ENV: '',
        NEO4J_URI: neo4jUri,
        PORT: String(port),
        HOST: '127.0.0.1',
        LINEAGE_AUTH: 'off',
        LINEAGE_DEMO: 'off',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 300_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode} before it was ready`);
      const ready = await fetch(`${url}/readyz`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ready) return new ServiceProcess(child, url, performance.now() - started);
      if (Date.now() > deadline) throw new Error('the service did not become ready within 300 s');
      await sleep(200);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/**
 * Marquez 0.50 as `../shared/peers/marquez/up.sh` runs it (127.0.0.1:5000, admin 5001, Postgres on 5433).
 * `reset` stops it and starts it on an empty database (MARQUEZ_FRESH=1), so that each store of the service has
 * a Marquez store holding the same streams.
 */
export class Marquez {
  readonly url = process.env.MARQUEZ_URL ?? 'http://127.0.0.1:5000';
  private readonly admin = process.env.MARQUEZ_ADMIN_URL ?? 'http://127.0.0.1:5001';
  private readonly scripts = path.join(PEERS_DIR, 'marquez');

  async available(): Promise<boolean> {
    return fetch(`${this.admin}/healthcheck`).then(
      (response) => response.ok,
      () => false,
    );
  }

  /** The Marquez JVM's process id (from up.sh's pid file), for CPU accounting; undefined when unknown. */
  pid(): number | undefined {
    try {
      return Number(fs.readFileSync(path.join(process.env.MARQUEZ_WORK ?? '/tmp/marquez-peer', 'marquez.pid'), 'utf8').trim());
    } catch {
      return undefined;
    }
  }

  async reset(): Promise<void> {
    await run(path.join(this.scripts, 'down.sh'), ['keep-pg'], {});
    await run(path.join(this.scripts, 'up.sh'), [], { MARQUEZ_FRESH: '1' });
    if (!(await this.available())) throw new Error('Marquez did not come back after a reset');
  }
}

function run(file: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { env: { ...process.env, ...env }, timeout: 600_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${file} failed: ${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc (Linux). */
export function cpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, in clock ticks of 1/100 s (USER_HZ on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/** The 1-minute load average, two decimals. */
export const load1 = () => Math.round(os.loadavg()[0]! * 100) / 100;

/** A line of a benchmark's progress, with the time and the load average it was written at. */
export const say = (message: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)} load ${load1().toFixed(2)}] ${message}\n`);
