import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import path from 'node:path';
import { sha256 } from '../../src/audit/audit-hash';
import { canonicalJson } from '../../src/core/canonical-json';
import { DEMO_COMMITS } from '../../src/demo/demo-data';
import { DEMO_CONTEXT, loadDemo } from '../../src/demo/demo-loader';
import { PROJECT_ROOT } from '../../src/paths';
import { chromiumMissing, launchBrowser, screenshotPath } from '../support/browser';
import { dataOf } from '../support/graphql';
import { startTestService, testNeo4jUri, type TestService } from '../support/service';

/** The instant the report in docs/audit.md is about: after the demo's last deployment (10 April 2025). */
const AS_OF = '2025-06-30T00:00:00.000Z';
const LIVE = `query($at: DateTimeISO) { liveDeployment(name: "fraud-api", environment: "production", asOf: $at) { id modelVersion { id version } } }`;

/** The demo's production deployment: its audit report in every format, over HTTP and from the CLI. */
describe('audit reports', () => {
  let service: TestService;
  let production: { id: string; modelVersion: { id: string; version: string } };

  before(async () => {
    service = await startTestService();
    // Idempotent: another test (or an earlier run) may have loaded it; the records then are that load's.
    await loadDemo(service.services, DEMO_CONTEXT);
    production = dataOf<any>(await service.graphql(LIVE, { at: AS_OF })).liveDeployment;
  });
  after(async () => {
    await service?.stop();
  });

  const fetchReport = async (file: string, query = `asOf=${AS_OF}`) => {
    const response = await fetch(`${service.url}/reports/audit/${file}?${query}`);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      digest: response.headers.get('x-report-sha256'),
      text: await response.text(),
    };
  };

  it('shows what production served, what it was made from, who recorded and deployed each step, and the history', async () => {
    const answer = await fetchReport(`${production.id}.json`);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.type, 'application/json; charset=utf-8');
    const report = JSON.parse(answer.text);
    assert.equal(report.subject.kind, 'Deployment');
    assert.equal(report.asOf, AS_OF);
    assert.equal(report.served.modelVersion.version, '3');
    assert.equal(report.served.deployment.deployedBy, 'ci@acme.io');
    assert.equal(report.served.deployment.liveAsOf, true);

    const versions = report.provenance.datasetVersions.map((v: any) => `${v.name}@${v.version}${v.isSource ? ' (source)' : ''}`);
    assert.ok(versions.includes('raw/transactions@2025-03-31 (source)'), versions.join(', '));
    assert.ok(versions.includes('raw/customers@2025-03-31 (source)'), versions.join(', '));
    assert.ok(!versions.some((v: string) => v.startsWith('raw/transactions@2025-02-28')), 'version-correct: not the bad February partition');
    for (const version of report.provenance.datasetVersions) {
      assert.match(version.uri, /^s3:\/\/acme-fraud-lake\//);
      assert.match(version.digest, /^sha256:[0-9a-f]{64}$/);
      assert.equal(version.recorded?.actor, DEMO_CONTEXT.actor, `${version.name}@${version.version} has who recorded it`);
    }
    assert.deepEqual(
      report.provenance.commits.map((c: any) => c.sha),
      [DEMO_COMMITS.merchantRisk.sha],
    );
    assert.equal(report.provenance.commits[0].author, 'deniz@acme.io');
    const training = report.provenance.runs.find((r: any) => r.runId === report.served.modelVersion.trainingRunId);
    assert.ok(training?.parameters, 'the training run with its parameters');
    assert.equal(training.commitSha, DEMO_COMMITS.merchantRisk.sha);

    assert.deepEqual(
      report.deploymentHistory.map((d: any) => [d.modelVersion, d.deployedBy, d.liveAsOf]),
      [
        ['fraud-detector@1', 'ci@acme.io', false],
        ['fraud-detector@2', 'ci@acme.io', false],
        ['fraud-detector@1', 'oncall@acme.io', false],
        ['fraud-detector@3', 'ci@acme.io', true],
      ],
    );
    assert.ok(report.auditRecords.some((r: any) => r.operation === 'deployModel' && r.entityIds.includes(production.id)));
    assert.ok(report.auditRecords.every((r: any) => /^[0-9a-f]{64}$/.test(r.hash)));
    assert.deepEqual(report.auditChain, { seq: report.auditRecords.at(-1).seq, hash: report.auditRecords.at(-1).hash });

    const { reportSha256, ...content } = report;
    assert.equal(sha256(canonicalJson(content)), reportSha256, 'anyone can recompute the digest');
    assert.equal(answer.digest, reportSha256);
  });

  it('is byte-identical when produced twice for the same instant, in every format and from the CLI', async () => {
    for (const format of ['json', 'md', 'html']) {
      const first = await fetchReport(`${production.id}.${format}`);
      const second = await fetchReport(production.id, `asOf=${AS_OF}&format=${format}`);
      assert.equal(first.status, 200, first.text);
      assert.equal(second.text, first.text, `${format} twice`);
      assert.ok(first.text.includes(first.digest!), `the ${format} states its digest`);
    }
    const cli = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'audit.js'), 'report', production.id, '--as-of', AS_OF, '--format', 'json'],
        { env: { ...process.env, NEO4J_URI: testNeo4jUri(), LOG_LEVEL: 'silent' }, timeout: 120_000, maxBuffer: 32 * 1024 * 1024 },
        (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.stdout, (await fetchReport(`${production.id}.json`)).text, 'the CLI writes the same report');
    assert.match(cli.stderr, /sha256 [0-9a-f]{64}/);
  });

  it('answers as the graph stood at an earlier instant', async () => {
    const march = '2025-03-15T00:00:00.000Z';
    const then = dataOf<any>(await service.graphql(LIVE, { at: march })).liveDeployment;
    assert.equal(then.modelVersion.version, '2');
    const report = JSON.parse((await fetchReport(`${then.id}.json`, `asOf=${march}`)).text);
    assert.ok(
      report.provenance.datasetVersions.some((v: any) => v.name === 'raw/transactions' && v.version === '2025-02-28'),
      'version 2 was trained on the bad February partition',
    );
    assert.equal(report.served.deployment.liveAsOf, true, 'live on 15 March (rolled back on the 20th)');
    assert.deepEqual(
      report.deploymentHistory.map((d: any) => d.modelVersion),
      ['fraud-detector@1', 'fraud-detector@2'],
    );

    const future = await fetchReport(`${production.id}.json`, `asOf=${march}`);
    assert.equal(future.status, 404, 'the April deployment did not exist in March');
    assert.match(JSON.parse(future.text).error.message, /as of 2025-03-15/);
  });

  it('a model version has a report too', async () => {
    const report = JSON.parse((await fetchReport(`${production.modelVersion.id}.json`)).text);
    assert.equal(report.subject.kind, 'ModelVersion');
    assert.equal(report.served.deployment, null);
    assert.deepEqual([...new Set(report.deploymentHistory.map((d: any) => d.environment))].sort(), ['production', 'staging']);
  });

  it('refuses what it cannot report on, naming what was wrong', async () => {
    const dataset = dataOf<any>(await service.graphql('{ dataset(namespace: "s3://acme-fraud-lake", name: "raw/customers") { id } }')).dataset.id;
    const wrongKind = await fetchReport(`${dataset}.json`);
    assert.equal(wrongKind.status, 400);
    assert.match(wrongKind.text, /subject.*Deployment or a ModelVersion/);
    const badFormat = await fetchReport(production.id, 'format=pdf');
    assert.equal(badFormat.status, 400);
    assert.match(badFormat.text, /format.*must be one of json, md, html, got pdf/);
    const badInstant = await fetchReport(production.id, 'asOf=yesterday');
    assert.equal(badInstant.status, 400);
    assert.match(badInstant.text, /asOf.*ISO-8601/);
    const missing = await fetchReport('Deployment:AAAAAAAAAAAAAAAAAAAAAA.json');
    assert.equal(missing.status, 404);
  });

  it('reads and prints as a self-contained page in a real browser', { skip: chromiumMissing() }, async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      // Nothing but the report itself may be fetched: no script, style sheet, font or image from anywhere.
      const fetched: string[] = [];
      page.on('request', (request) => fetched.push(request.url()));
      const url = `${service.url}/reports/audit/${production.id}.html?asOf=${AS_OF}`;
      await page.goto(url);
      assert.deepEqual(fetched, [url]);
      assert.match(await page.title(), /^Audit report: fraud-api \(production\)/);
      assert.deepEqual((await page.locator('caption').allTextContents()).slice(0, 4), ['Model version', 'Dataset versions', 'Runs', 'Commits']);
      assert.ok((await page.locator('table').first().boundingBox())!.width > 1000, 'tables use the width of the page');
      assert.equal(await page.locator('text=raw source').count(), 2, 'the two raw sources are marked');
      await page.screenshot({ path: screenshotPath('report', 'audit'), fullPage: true });
      await page.emulateMedia({ media: 'print' });
      await page.screenshot({ path: screenshotPath('report-print', 'audit'), fullPage: true });
      const pdf = await page.pdf({ format: 'A4' });
      assert.ok(pdf.length > 10_000, 'it prints');
    } finally {
      await browser.close();
    }
  });
});
