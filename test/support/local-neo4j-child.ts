import { startLocalNeo4j } from '../../src/local-neo4j/local-neo4j';
import { createLogger } from '../../src/logger';

/**
 * Started by the orphan test as a separate process: starts a local Neo4j, prints the JVM's pid, then waits to
 * be killed. Usage: node local-neo4j-child.js <home>
 */
async function main(): Promise<void> {
  const neo4j = await startLocalNeo4j({
    home: process.argv[2]!,
    boltPort: 0,
    heap: '256m',
    pageCache: '32m',
    startTimeoutMs: 120_000,
    logger: createLogger('warn'),
  });
  process.stdout.write(`JVM_PID ${neo4j.pid}\n`);
  setInterval(() => undefined, 60_000);
}

void main();
