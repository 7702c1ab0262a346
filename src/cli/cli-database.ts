import net from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { Database } from '../db/database';
import { startLocalNeo4j, type LocalNeo4j } from '../local-neo4j/local-neo4j';

/**
 * How command-line tools reach Neo4j: NEO4J_URI when set; else the local Neo4j of a running `npm start` (its
 * Bolt port answers); else a local Neo4j started for the command and stopped after it.
 */
export async function openCliDatabase(config: Config, logger: Logger): Promise<{ db: Database; close(): Promise<void> }> {
  let local: LocalNeo4j | undefined;
  let uri = config.neo4j.uri;
  if (uri === undefined) {
    const port = config.localNeo4j.boltPort;
    if (await answers(port)) {
      uri = `bolt://127.0.0.1:${port}`;
      logger.info({ uri }, 'using the local Neo4j of the running service');
    } else {
      local = await startLocalNeo4j({ ...config.localNeo4j, logger });
      uri = local.uri;
    }
  }
  const db = Database.connect({ ...config.neo4j, uri }, logger);
  await db.waitUntilReachable(config.neo4j.connectTimeoutMs);
  return {
    db,
    async close() {
      await db.close();
      await local?.stop();
    },
  };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
