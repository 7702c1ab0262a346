import 'reflect-metadata';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { createServices } from '../services';
import { packageVersion } from '../paths';
import { openCliDatabase } from './cli-database';

const USAGE = `usage: npm run audit -- verify

  verify    walk the whole audit chain; exit 0 and print the head hash and count when intact,
            exit 3 and name the first record that does not match otherwise`;

/** `npm run audit`: verifies the audit trail from the command line. */
async function main(args: string[]): Promise<number> {
  const [command] = args;
  if (command !== 'verify') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const { db, close } = await openCliDatabase(config, logger);
  try {
    const result = await createServices(db, packageVersion()).audit.verify();
    if (result.intact) {
      process.stdout.write(`audit trail intact: ${result.count} records, head ${result.headHash}\n`);
      return 0;
    }
    process.stdout.write(`audit trail BROKEN at record ${result.firstBadSeq}: ${result.reason}\n`);
    return 3;
  } finally {
    await close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`audit: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
