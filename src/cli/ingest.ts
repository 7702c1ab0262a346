import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { loadMigrationFiles, MigrationError, Migrator } from '../db/migrator';
import type { WriteContext } from '../core/write-context';
import { LocalNeo4jError } from '../local-neo4j/local-neo4j';
import { createLogger } from '../logger';
import { openCliDatabase } from './cli-database';
import { parseEventFile, type EventItem } from '../openlineage/event-stream';
import type { IngestOutcome } from '../openlineage/ingestion.service';
import { MIGRATIONS_DIR, packageVersion } from '../paths';
import { createServices } from '../services';
import { ProgressBar } from './progress';

/**
 * `npm run ingest -- <file|dir>...`: replays OpenLineage events from files through the same ingestion service
 * as POST /api/v1/lineage/batch. A file holds one event, a JSON array of events, or NDJSON; a directory is
 * read recursively (*.json, *.ndjson, *.jsonl, in name order). Safe to re-run: events already recorded are
 * counted as duplicates and change nothing. Exits 1 when an event was rejected (the reasons are listed).
 */

const EXTENSIONS = ['.json', '.ndjson', '.jsonl'];
/** Events per call: large enough for the bulk path to pay off, small enough to keep memory flat. */
const CHUNK = 1_000;
/** Rejections listed in full; the rest are counted. */
const LISTED = 50;

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    process.stderr.write('usage: npm run ingest -- <file|dir>...   (OpenLineage events as JSON, JSON arrays or NDJSON)\n');
    return argv.length === 0 ? 2 : 0;
  }
  const files = argv.flatMap((arg) => expand(path.resolve(arg)));
  if (files.length === 0) {
    process.stderr.write(`ingest: no ${EXTENSIONS.join(', ')} files under ${argv.join(' ')}\n`);
    return 2;
  }

  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const { db, close } = await openCliDatabase(config, logger);
  try {
    await new Migrator(db, loadMigrationFiles(MIGRATIONS_DIR), logger).migrate();
    const { openlineage } = createServices(db, packageVersion(), { limits: config.limits });
    const context: WriteContext = { actor: `cli:${os.userInfo().username}`, source: 'cli' };
    const chunkSize = Math.min(CHUNK, config.limits.ingestion.maxBatchEvents);

    const totalBytes = files.reduce((sum, file) => sum + fs.statSync(file).size, 0);
    const progress = new ProgressBar(totalBytes);
    const counts = { accepted: 0, duplicate: 0, rejected: 0 };
    const rejections: string[] = [];
    const warnings = new Map<string, number>();
    const summary = () =>
      `${(counts.accepted + counts.duplicate + counts.rejected).toLocaleString('en')} events: ${counts.accepted} accepted, ${counts.duplicate} duplicates, ${counts.rejected} rejected`;
    // Events from many small files go out together, so a directory of one-event files is still ingested in bulk.
    const pending: Array<{ item: EventItem; file: string }> = [];
    let bytesRead = 0;
    let eventsRead = 0;
    let eventsDone = 0;
    const flush = async (count: number) => {
      const batch = pending.splice(0, count);
      const outcomes = await openlineage.ingestBatch(
        context,
        batch.map(({ item }) => item),
      );
      tally(outcomes, batch, counts, rejections, warnings);
      eventsDone += batch.length;
      progress.update(bytesRead * (eventsDone / Math.max(eventsRead, 1)), summary());
    };
    for (const file of files) {
      const items = parseEventFile(fs.readFileSync(file, 'utf8'));
      pending.push(...items.map((item) => ({ item, file: path.relative(process.cwd(), file) })));
      bytesRead += fs.statSync(file).size;
      eventsRead += items.length;
      while (pending.length >= chunkSize) await flush(chunkSize);
    }
    await flush(pending.length);
    progress.finish(summary());

    const rate = (counts.accepted + counts.duplicate + counts.rejected) / Math.max(progress.elapsedSeconds, 0.001);
    process.stdout.write(`ingested ${files.length} file(s) in ${progress.elapsedSeconds.toFixed(1)} s (${rate.toFixed(0)} events/s): ${summary()}\n`);
    for (const line of rejections.slice(0, LISTED)) process.stdout.write(`  rejected ${line}\n`);
    if (rejections.length > LISTED) process.stdout.write(`  … and ${rejections.length - LISTED} more rejected\n`);
    for (const [field, count] of warnings) process.stdout.write(`  ${count} event(s) recorded with a warning about ${field}\n`);
    return counts.rejected > 0 ? 1 : 0;
  } finally {
    await close();
  }
}

function tally(
  outcomes: IngestOutcome[],
  batch: Array<{ item: EventItem; file: string }>,
  counts: Record<IngestOutcome['status'], number>,
  rejections: string[],
  warnings: Map<string, number>,
): void {
  outcomes.forEach((outcome, index) => {
    counts[outcome.status]++;
    // Counted by the field they are about (`producer`, `schemaURL`): a replay of one producer repeats them.
    for (const { path } of outcome.warnings) warnings.set(path || 'the event', (warnings.get(path || 'the event') ?? 0) + 1);
    if (outcome.status === 'rejected') {
      const { item, file } = batch[index]!;
      rejections.push(`${file}${item.at ? ` ${item.at}` : ''}: ${outcome.error.code} ${outcome.error.message}`);
    }
  });
}

function expand(target: string): string[] {
  if (!fs.existsSync(target)) throw new UsageError(`${target} does not exist`);
  if (fs.statSync(target).isFile()) return [target];
  return fs
    .readdirSync(target, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(target, entry.name);
      if (entry.isDirectory()) return expand(full);
      return EXTENSIONS.includes(path.extname(entry.name).toLowerCase()) ? [full] : [];
    });
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Configuration, usage, migration and local Neo4j errors are the user's to fix: their message is the story.
    const known = error instanceof ConfigError || error instanceof MigrationError || error instanceof LocalNeo4jError || error instanceof UsageError;
    process.stderr.write(`\ningest: ${known || !(error instanceof Error) ? String(error instanceof Error ? error.message : error) : error.stack}\n`);
    process.exit(2);
  },
);
