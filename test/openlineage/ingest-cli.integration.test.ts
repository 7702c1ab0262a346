import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../src/paths';
import { dataOf } from '../support/graphql';
import { Isolation, removeIsolated } from '../support/openlineage-isolation';
import { readOwnEvent } from '../support/openlineage-fixtures';
import { startTestService, testNeo4jUri, uniqueNamespace, type TestService } from '../support/service';

const CLI = path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'ingest.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function ingest(...targets: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...targets],
      { env: { ...process.env, NEO4J_URI: testNeo4jUri(), LOG_LEVEL: 'silent' }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `npm run ingest`: events from a directory of JSON, JSON arrays and NDJSON, through the ingestion service. */
describe('the replay CLI', () => {
  let service: TestService;
  let dir: string;
  const copy = new Isolation(`${uniqueNamespace('olcli')}.`);
  const runIds = ['0190f1d2-7a3b-7c4d-8e5f-a1b2c3d4e5f6', '0190f1d2-7a3b-7c4d-8e5f-00000000fa11'];

  before(async () => {
    service = await startTestService();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-ingest-'));
    const event = (name: string, change: (e: any) => void = () => {}) => {
      const copied = copy.event(readOwnEvent(name)) as any;
      for (const output of copied.outputs ?? [])
        if (output.facets?.lineage_modelVersion) output.facets.lineage_modelVersion.name = `${copy.prefix}churn-classifier`;
      change(copied);
      return copied;
    };
    fs.writeFileSync(path.join(dir, 'a-run.json'), JSON.stringify([event('run-start.json'), event('run-complete.json')]));
    fs.mkdirSync(path.join(dir, 'more'));
    fs.writeFileSync(
      path.join(dir, 'more', 'b-events.ndjson'),
      [JSON.stringify(event('run-fail.json')), '{"truncated": ', JSON.stringify(event('job-event.json')), ''].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'more', 'c-dataset.json'), JSON.stringify(event('dataset-event.json')));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not an event file');
  });
  after(async () => {
    if (service) await removeIsolated(service.db, [copy.prefix]);
    await service?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ingests every event of a directory, reports each rejection with its place, and is safe to re-run', async () => {
    const first = await ingest(dir);
    assert.equal(first.code, 1, `one event is rejected, so the exit code says so\n${first.stdout}${first.stderr}`);
    assert.match(first.stdout, /ingested 3 file\(s\) in .*: 6 events: 5 accepted, 0 duplicates, 1 rejected/);
    assert.match(first.stdout, /rejected .*more\/b-events\.ndjson line 2: BAD_USER_INPUT line 2: is not valid JSON/);
    assert.match(first.stderr, /\[#+\] 100%/, 'a progress bar on stderr');

    const { a, b } = dataOf<any>(
      await service.graphql(
        `{ a: run(runId: "${copy.runId(runIds[0]!)}") { state events { totalCount } } b: run(runId: "${copy.runId(runIds[1]!)}") { state errorMessage } }`,
      ),
    );
    assert.deepEqual(a, { state: 'COMPLETED', events: { totalCount: 2 } });
    assert.equal(b.state, 'FAILED');

    const again = await ingest(path.join(dir, 'a-run.json'), path.join(dir, 'more'));
    assert.match(again.stdout, /6 events: 0 accepted, 5 duplicates, 1 rejected/);
  });

  it('says what is wrong with its arguments', async () => {
    const missing = await ingest(path.join(dir, 'no-such-file.json'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no-such-file\.json does not exist/);
  });
});
