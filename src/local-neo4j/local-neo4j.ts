import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import type { Logger } from 'pino';
import { PROJECT_ROOT } from '../paths';

/**
 * Provisions and runs a real Neo4j 5.26 Community when no NEO4J_URI is configured: an embedded Neo4j with the
 * Bolt connector (see neo4j-local/), built once with Maven and run as a child JVM.
 *
 * The JVM exits by itself when our end of its stdin closes, which happens however this process ends
 * (clean exit, crash or SIGKILL), so a crashed service never leaves an orphan JVM holding the store lock.
 */

const LAUNCHER_DIR = path.join(PROJECT_ROOT, 'neo4j-local');
const LAUNCHER_CLASS = 'lineage.local.LocalNeo4j';
const MIN_JAVA = 17;

// Neo4j 5 on Java 17 reflects into these JDK internals (Neo4j's own launch scripts pass the same flags).
const JVM_MODULE_FLAGS = [
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-opens=java.base/java.util=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent=ALL-UNNAMED',
  '--add-opens=java.base/java.net=ALL-UNNAMED',
  '-Dio.netty.tryReflectionSetAccessible=true',
];

export class LocalNeo4jError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalNeo4jError';
  }
}

export interface LocalNeo4jOptions {
  home: string;
  /** 0 picks a free port. */
  boltPort: number;
  heap: string;
  pageCache: string;
  startTimeoutMs: number;
  logger: Logger;
}

export interface LocalNeo4j {
  readonly uri: string;
  readonly port: number;
  readonly home: string;
  readonly pid: number;
  /** Resolves with the JVM's exit code (null when a signal ended it) once it exited, for whatever reason. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once the JVM has shut Neo4j down and exited. Safe to call more than once. */
  stop(): Promise<void>;
}

export async function startLocalNeo4j(options: LocalNeo4jOptions): Promise<LocalNeo4j> {
  const java = findJava();
  ensureLauncherBuilt(options.logger);
  const port = options.boltPort === 0 ? await freePort() : options.boltPort;
  await ensurePortFree(port);
  fs.mkdirSync(options.home, { recursive: true });

  const classpath = [path.join(LAUNCHER_DIR, 'target', 'classes'), path.join(LAUNCHER_DIR, 'target', 'lib', '*')].join(path.delimiter);
  const args = [
    `-Xms${options.heap}`,
    `-Xmx${options.heap}`,
    '-XX:+UseG1GC',
    // Two cores: keep the JIT and GC from competing with the service and the tests.
    '-XX:CICompilerCount=2',
    '-XX:ParallelGCThreads=2',
    '-XX:ConcGCThreads=1',
    ...JVM_MODULE_FLAGS,
    '-cp',
    classpath,
    LAUNCHER_CLASS,
    '--home',
    options.home,
    '--port',
    String(port),
    '--pagecache',
    options.pageCache,
  ];
  options.logger.info({ home: options.home, port, heap: options.heap, pageCache: options.pageCache }, 'starting local Neo4j 5.26');
  const child = spawn(java, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const exitedWith = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const exited = exitedWith.then(({ code }) => code);

  try {
    await waitUntilReady(child, exited, port, options);
  } catch (error) {
    await terminate(child, exited);
    throw error;
  }
  options.logger.info({ uri: `bolt://127.0.0.1:${port}`, pid: child.pid }, 'local Neo4j is ready');

  let stopping: Promise<void> | undefined;
  return {
    uri: `bolt://127.0.0.1:${port}`,
    port,
    home: options.home,
    pid: child.pid ?? -1,
    exited: exitedWith,
    stop() {
      stopping ??= terminate(child, exited).then(() => options.logger.info('local Neo4j stopped'));
      return stopping;
    },
  };
}

function waitUntilReady(child: ChildProcess, exited: Promise<number | null>, port: number, options: LocalNeo4jOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: string | undefined;
    const stderrTail: string[] = [];
    const timer = setTimeout(() => {
      reject(
        new LocalNeo4jError(
          `local Neo4j did not become ready within ${options.startTimeoutMs} ms; see ${path.join(options.home, 'logs', 'debug.log')} (raise NEO4J_LOCAL_START_TIMEOUT_MS on a slow machine)`,
        ),
      );
    }, options.startTimeoutMs);

    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('NEO4J_LOCAL_READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    readline.createInterface({ input: child.stderr! }).on('line', (line) => {
      if (line.startsWith('NEO4J_LOCAL_ERROR')) {
        failure = line.slice('NEO4J_LOCAL_ERROR '.length);
      }
      stderrTail.push(line);
      if (stderrTail.length > 20) stderrTail.shift();
      options.logger.debug({ neo4j: line }, 'local Neo4j');
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new LocalNeo4jError(`could not run java: ${error.message}`));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new LocalNeo4jError(explainFailure(failure, code, port, stderrTail)));
    });
  });
}

function explainFailure(failure: string | undefined, code: number | null, port: number, stderrTail: string[]): string {
  if (failure?.startsWith('PORT_IN_USE')) {
    return `local Neo4j cannot listen on 127.0.0.1:${port}: the port is in use. Stop whatever holds it (lsof -i :${port}) or set NEO4J_LOCAL_BOLT_PORT to a free port.`;
  }
  if (failure) {
    return `local Neo4j failed to start: ${failure}`;
  }
  return `local Neo4j exited with code ${code} before it was ready. Last output:\n${stderrTail.join('\n')}`;
}

async function terminate(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // Closing stdin asks the launcher to shut down; SIGTERM does the same through its shutdown hook.
  child.stdin?.end();
  child.kill('SIGTERM');
  const killed = await Promise.race([exited.then(() => false), delay(60_000).then(() => true)]);
  if (killed) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** The java to run: $JAVA_HOME/bin/java if set, else java on PATH; must be 17 or newer. */
function findJava(): string {
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (probe.error) {
    throw new LocalNeo4jError(
      `Java ${MIN_JAVA}+ is needed to run the local Neo4j, but '${java}' could not be run (${probe.error.message}). ` +
        `Install a JDK ${MIN_JAVA} (e.g. 'apt-get install openjdk-17-jdk-headless') or set NEO4J_URI to use your own Neo4j.`,
    );
  }
  const version = /version "(\d+)(?:\.(\d+))?/.exec(probe.stderr ?? '');
  const major = version ? (version[1] === '1' ? Number(version[2]) : Number(version[1])) : NaN;
  if (!(major >= MIN_JAVA)) {
    throw new LocalNeo4jError(
      `Java ${MIN_JAVA}+ is needed to run the local Neo4j, but '${java}' is ${version ? `Java ${major}` : 'of unknown version'}. ` +
        `Install a JDK ${MIN_JAVA}, point JAVA_HOME at it, or set NEO4J_URI to use your own Neo4j.`,
    );
  }
  return java;
}

/**
 * Builds neo4j-local/ with Maven unless the last build matches the current sources. Maven keeps its downloads
 * in ~/.m2, so only the first build on a machine fetches Neo4j.
 */
export function ensureLauncherBuilt(logger: Logger): void {
  const stampFile = path.join(LAUNCHER_DIR, 'target', 'lineage-build.stamp');
  const stamp = launcherSourceDigest();
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) return;

  logger.info('building the local Neo4j launcher with Maven (the first build downloads Neo4j 5.26, ~120 MB)');
  const mvn = spawnSync('mvn', ['-B', '-q', '-f', path.join(LAUNCHER_DIR, 'pom.xml'), 'package', '-DskipTests'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (mvn.error) {
    throw new LocalNeo4jError(
      `Maven is needed to build the local Neo4j launcher, but 'mvn' could not be run (${mvn.error.message}). ` +
        `Install it (e.g. 'apt-get install maven') or set NEO4J_URI to use your own Neo4j.`,
    );
  }
  if (mvn.status !== 0) {
    throw new LocalNeo4jError(`building neo4j-local/ with Maven failed:\n${(mvn.stdout + mvn.stderr).trim().slice(-4000)}`);
  }
  fs.writeFileSync(stampFile, stamp);
}

function launcherSourceDigest(): string {
  const hash = createHash('sha256');
  const files = [path.join(LAUNCHER_DIR, 'pom.xml'), ...listFiles(path.join(LAUNCHER_DIR, 'src'))].sort();
  for (const file of files) {
    hash.update(path.relative(LAUNCHER_DIR, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

async function ensurePortFree(port: number): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new LocalNeo4jError(
      `local Neo4j cannot listen on 127.0.0.1:${port}: the port is in use. ` +
        `Stop whatever holds it (lsof -i :${port}), set NEO4J_LOCAL_BOLT_PORT to a free port, or set NEO4J_URI if a Neo4j already runs there.`,
    );
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
