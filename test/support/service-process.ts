import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { freePort } from '../../src/local-neo4j/local-neo4j';
import { PROJECT_ROOT } from '../../src/paths';

/** The real service process (`node dist/src/main.js`, as `npm start` runs it), with its JSON log lines. */
export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  url: string;
  lines: Array<Record<string, any>>;
  /** Resolves with the first log line (seen or to come) that matches, or fails after `timeoutMs`. */
  waitForLog(predicate: (line: Record<string, any>) => boolean, what: string, timeoutMs?: number): Promise<Record<string, any>>;
  exited: Promise<number | null>;
}

/** Starts the service with `env` on top of the test's environment, and waits until it listens. */
export async function startServiceProcess(env: Record<string, string | undefined>, startTimeoutMs = 60_000): Promise<ServiceProcess> {
  const port = await freePort();
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LINEAGE_DEMO: 'off',
    LOG_LEVEL: 'info',
    LINEAGE_MODE: 'development',
    ...env,
  };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete environment[name];
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'main.js')], { env: environment, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Array<Record<string, any>> = [];
  const waiters: Array<{ predicate: (line: Record<string, any>) => boolean; resolve: (line: Record<string, any>) => void }> = [];
  readline.createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Record<string, any>;
    try {
      line = JSON.parse(text);
    } catch {
      return;
    }
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitForLog = (predicate: (line: Record<string, any>) => boolean, what: string, timeoutMs = 60_000) =>
    new Promise<Record<string, any>>((resolve, reject) => {
      const seen = lines.find(predicate);
      if (seen) return resolve(seen);
      const timer = setTimeout(
        () => reject(new Error(`no log line ${what} within ${timeoutMs} ms; got ${JSON.stringify(lines.map((l) => l.msg).slice(-30))}`)),
        timeoutMs,
      );
      waiters.push({ predicate, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      void exited.then(() => setTimeout(() => reject(new Error(`the process exited before logging ${what}`)), 100));
    });
  await waitForLog((line) => line.msg === 'lineage service is listening', "'lineage service is listening'", startTimeoutMs);
  return { child, port, url: `http://127.0.0.1:${port}`, lines, waitForLog, exited };
}
