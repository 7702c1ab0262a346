import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_CONTEXT, loadDemo } from '../../src/demo/demo-loader';
import { PROJECT_ROOT } from '../../src/paths';
import { createTestKey } from '../support/auth';
import { chromiumMissing, explorerPage, launchBrowser, screenshotPath } from '../support/browser';
import { ids } from '../../src/core/ids';
import { dataOf } from '../support/graphql';
import { postEach } from '../support/openlineage-http';
import { Isolation, removeIsolated } from '../support/openlineage-isolation';
import { completeStream, producerStreams } from '../support/producer-streams';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';

/**
 * The explorer in headless Chromium against the real service with the demo lineage: find the production
 * deployment, ask what data produced it, expand and collapse, travel back to 15 March, share the URL. The page
 * exposes what it shows in the DOM (the list "Nodes shown", with data-* attributes), which is what is asserted.
 *
 * Then a real producer's stream (dbt's jaffle_shop run, from the OpenLineage integration tests): paths, dotted
 * names and versions derived from run ids, which must read as short distinct labels with the full values in the
 * details.
 *
 * EXPLORER_DOCS_SCREENSHOT=1 (`npm run screenshot:explorer`) also writes docs/explorer.png and
 * docs/explorer-producer-stream.png (shown in docs/explorer.md).
 */

const PRODUCTION = 'fraud-api (production, 2025-04-10 09:00)';
const PRODUCTION_ON_15_MARCH = 'fraud-api (production, 2025-03-10 09:00)';
const MARCH_15 = '2025-03-15T00:00:00.000Z';
const LIVE = `query($at: DateTimeISO) { liveDeployment(name: "fraud-api", environment: "production", asOf: $at) { id } }`;

const skip = chromiumMissing();

describe('the lineage explorer in a browser', { skip: skip ? `skipped: ${skip}` : false }, () => {
  let service: TestService;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let productionId: string;
  let marchId: string;

  before(async () => {
    service = await startTestService({ LINEAGE_DEMO: 'on' });
    // LINEAGE_DEMO loads only into an empty graph, and the test database is shared: load it if no one has yet
    // (loading twice changes no lineage, but would add audit records that the details panel shows).
    if (!dataOf<any>(await service.graphql(LIVE, {})).liveDeployment) await loadDemo(service.services, DEMO_CONTEXT);
    productionId = dataOf<any>(await service.graphql(LIVE, {})).liveDeployment.id;
    marchId = dataOf<any>(await service.graphql(LIVE, { at: MARCH_15 })).liveDeployment.id;
    browser = await launchBrowser();
    page = await explorerPage(browser, pageErrors);
  });
  after(async () => {
    await browser?.close();
    await service?.stop();
  });

  /** Waits until no request of the page is in flight, then checks that the page shows no error. */
  const settled = async () => {
    await page.waitForFunction(`document.body.dataset.busy === 'false'`);
    const status = page.locator('#status');
    assert.notEqual(await status.getAttribute('data-kind'), 'error', `the page shows an error: ${await status.textContent()}`);
    assert.deepEqual(pageErrors, []);
  };
  const shown = () => page.$$eval('#visible-nodes li', (items) => items.map((li) => li.getAttribute('data-label')!));
  const highlighted = () => page.$$eval('#visible-nodes li[data-highlighted="true"]', (items) => items.map((li) => li.getAttribute('data-label')!));
  const focused = () => page.$eval('#visible-nodes li[data-focus="true"]', (li) => li.getAttribute('data-label')!);
  const node = (label: string) => `#visible-nodes li[data-label="${label}"]`;
  const shot = (name: string) => page.screenshot({ path: screenshotPath(name) });

  it('finds the production deployment by keyboard and shows its neighbourhood, live production highlighted', async () => {
    await page.goto(`${service.url}/explorer/`);
    await settled();
    await page.keyboard.press('/');
    await page.keyboard.type('fraud-api production');
    // The results of the whole query (a slow typist may see those of a prefix first).
    await page.locator('#search-results[data-query="fraud-api production"]').waitFor({ state: 'attached' });
    const hit = page.locator(`#search-results li[data-label="${PRODUCTION}"]`);
    await hit.waitFor();
    await shot('1-search');
    const labels = await page.$$eval('#search-results li', (items) => items.map((li) => li.getAttribute('data-label')));
    const index = labels.indexOf(PRODUCTION);
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await hit.getAttribute('aria-selected'), 'true');
    await page.keyboard.press('Enter');

    await page.locator(node('fraud-detector@3')).waitFor();
    await settled();
    await shot('2-production');
    assert.equal(await focused(), PRODUCTION);
    const production = page.locator(node(PRODUCTION));
    assert.equal(await production.getAttribute('data-live'), 'true');
    assert.equal(await production.getAttribute('data-environment'), 'production');
    assert.match((await production.getAttribute('class')) ?? '', /live-prod/);
    assert.ok((await shown()).includes('fraud_model.train run 3b7e0c59'));
    assert.equal(await page.locator('#details-title').textContent(), PRODUCTION);
    assert.equal(await page.locator('#audit-report').getAttribute('href'), `/reports/audit/${productionId}.html`);
    assert.ok(new URL(page.url()).searchParams.get('node') === productionId);
  });

  it('expands a node upstream and collapses it again', async () => {
    const before = await shown();
    await page.locator(`${node('fraud_model.train run 3b7e0c59')} button`).click();
    await settled();
    await page.locator('#expand-upstream').click();
    await page.locator(node('acme/fraud-detection@8b17e5a')).waitFor();
    await settled();
    await shot('3-expanded');
    const expanded = await shown();
    const added = expanded.filter((label) => !before.includes(label)).sort();
    assert.deepEqual(added, [
      'acme/fraud-detection@8b17e5a',
      'features/customer_profiles@v2',
      'features/transaction_features@v3',
      'fraud_pipeline run d6b1357e',
    ]);

    await page.keyboard.press('c');
    await page.locator(node('acme/fraud-detection@8b17e5a')).waitFor({ state: 'detached' });
    assert.deepEqual((await shown()).sort(), [...before].sort());
  });

  it('asks what data produced the production deployment and highlights its provenance', async () => {
    await page.locator(`${node(PRODUCTION)} button`).click();
    await settled();
    await page.locator('#ask-provenance').click();
    await page.locator('.answer[data-question="provenance"]').waitFor();
    await settled();
    await shot('4-provenance');
    const answer = await highlighted();
    for (const expected of [
      'raw/transactions@2025-03-31',
      'raw/customers@2025-03-31',
      'acme/fraud-detection@8b17e5a',
      'features/transaction_features@v3',
      'fraud-detector@3',
      PRODUCTION,
    ]) {
      assert.ok(answer.includes(expected), `${expected} is highlighted: ${answer.join(', ')}`);
    }
    assert.ok(!answer.includes('raw/transactions@2025-02-28'), 'the bad February partition did not produce version 3');
    assert.ok(!answer.includes('fraud-api (staging, 2025-04-03 10:00)'), 'what production serves was not made from staging');
    const sources = await page.$$eval('#answer-sources li', (items) => items.map((li) => li.textContent));
    assert.deepEqual(sources.sort(), ['raw/customers@2025-03-31', 'raw/transactions@2025-03-31']);
    if (process.env.EXPLORER_DOCS_SCREENSHOT) {
      await page.screenshot({ path: path.join(PROJECT_ROOT, 'docs', 'explorer.png') });
    }
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('node'), productionId);
    assert.equal(url.searchParams.get('q'), 'provenance');
  });

  it('travels back to 15 March: production then served version 2, trained on the bad partition', async () => {
    await page.locator('#as-of').fill(MARCH_15.slice(0, 16));
    await page.locator(node(PRODUCTION_ON_15_MARCH)).waitFor();
    await page.locator('.answer[data-question="provenance"]').waitFor();
    await settled();
    await shot('5-as-of-15-march');
    assert.equal(await focused(), PRODUCTION_ON_15_MARCH);
    const labels = await shown();
    assert.ok(labels.includes('fraud-detector@2'), labels.join(', '));
    assert.ok(!labels.includes('fraud-detector@3'), 'version 3 did not exist on 15 March');
    assert.ok(!labels.includes(PRODUCTION), 'the April deployment did not exist on 15 March');
    assert.ok((await highlighted()).includes('raw/transactions@2025-02-28'), 'version 2 was trained on the bad partition');
    assert.equal(await page.locator('#audit-report').getAttribute('href'), `/reports/audit/${marchId}.html?asOf=${encodeURIComponent(MARCH_15)}`);

    const url = new URL(page.url());
    assert.equal(url.searchParams.get('node'), marchId);
    assert.equal(url.searchParams.get('asOf'), MARCH_15);
    assert.equal(url.searchParams.get('q'), 'provenance');
  });

  it('restores the same view from its URL', async () => {
    const labels = (await shown()).sort();
    const answer = (await highlighted()).sort();
    await page.reload();
    await page.locator('.answer[data-question="provenance"]').waitFor();
    await settled();
    await shot('6-reloaded');
    assert.equal(await focused(), PRODUCTION_ON_15_MARCH);
    assert.equal(await page.locator('#as-of').inputValue(), '2025-03-15T00:00');
    assert.deepEqual((await shown()).sort(), labels);
    assert.deepEqual((await highlighted()).sort(), answer);
  });
});

describe('the lineage explorer with authentication on', { skip: skip ? `skipped: ${skip}` : false }, () => {
  let service: TestService;
  let browser: Browser;
  let page: Page;
  let key: { secret: string };

  before(async () => {
    service = await startTestService({ LINEAGE_AUTH: 'on' });
    key = await createTestKey(service.services, 'reader', 'explorer');
    if (!dataOf<any>(await service.graphql(LIVE, {}, { authorization: `Bearer ${key.secret}` })).liveDeployment) await loadDemo(service.services, DEMO_CONTEXT);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.setDefaultTimeout(15_000);
  });
  after(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('loads without a key, says that the service wants one, and uses the key entered for this tab', async () => {
    const response = await page.goto(`${service.url}/explorer/`);
    assert.equal(response?.status(), 200);
    await page.locator('#search').fill('fraud-api production');
    const status = page.locator('#status[data-kind="error"]');
    await status.waitFor();
    assert.match((await status.textContent()) ?? '', /API key/);
    await page.screenshot({ path: screenshotPath('7-auth-refused') });

    await page.locator('.auth summary').click();
    await page.locator('#api-key').fill(key.secret);
    await page.locator('#api-key').press('Enter');
    assert.equal(await page.evaluate(`sessionStorage.getItem('lineage.explorer.apiKey')`), key.secret);
    await page.locator('#search').fill('fraud-api');
    await page.locator('#search').fill('fraud-api production');
    await page.locator(`#search-results li[data-label="${PRODUCTION}"]`).waitFor();
    await page.keyboard.press('Escape');
    assert.notEqual(await page.locator('#status').getAttribute('data-kind'), 'error');
  });
});

describe('the lineage explorer on a real producer stream', { skip: skip ? `skipped: ${skip}` : false }, () => {
  let service: TestService;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const copy = new Isolation(`${uniqueNamespace('explorer-dbt')}.`);
  const stream = producerStreams().find((candidate) => candidate.producer === 'dbt' && candidate.name === 'structured_logs-postgres-run-successful-run')!;

  before(async () => {
    service = await startTestService();
    const answers = await postEach(
      service,
      completeStream(stream).events.map((event) => copy.event(event)),
    );
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([201]));
    browser = await launchBrowser();
    page = await explorerPage(browser, pageErrors);
  });
  after(async () => {
    await browser?.close();
    if (service) await removeIsolated(service.db, [copy.prefix]);
    await service?.stop();
  });

  it('shows the provenance of a dataset with short, distinct labels, and the full values in the details', async () => {
    const customers = ids.dataset(copy.namespace('postgres://postgres:5432'), 'postgres.public.customers');
    await page.goto(`${service.url}/explorer/?node=${encodeURIComponent(customers)}&q=provenance`);
    await page.locator('.answer[data-question="provenance"]').waitFor();
    await page.waitForFunction(`document.body.dataset.busy === 'false'`);
    assert.notEqual(await page.locator('#status').getAttribute('data-kind'), 'error', (await page.locator('#status').textContent()) ?? '');
    assert.deepEqual(pageErrors, []);
    await page.screenshot({ path: screenshotPath('8-producer-stream') });
    if (process.env.EXPLORER_DOCS_SCREENSHOT) await page.screenshot({ path: path.join(PROJECT_ROOT, 'docs', 'explorer-producer-stream.png') });

    const labels = await page.$$eval('#visible-nodes li', (items) => items.map((li) => li.getAttribute('data-label')!));
    assert.ok(labels.length >= 10, labels.join(', '));
    for (const label of labels) {
      assert.ok(label.length <= 60, `a label a person can read: ${label}`);
      assert.doesNotMatch(label, /[0-9a-f]{8}-[0-9a-f]{4}-/, `no whole run id in a label: ${label}`);
    }
    const sources = await page.$$eval('#answer-sources li', (items) => items.map((li) => li.textContent).sort());
    assert.deepEqual(sources, [
      'postgres.public.raw_customers@unversioned',
      'postgres.public.raw_orders@unversioned',
      'postgres.public.raw_payments@unversioned',
    ]);

    const version = labels.find((label) => /^postgres\.public\.stg_orders@run-[0-9a-f]{8}$/.test(label));
    assert.ok(version, `the version dbt wrote, named after its run: ${labels.join(', ')}`);
    await page.locator(`#visible-nodes li[data-label="${version}"] button`).click();
    await page.waitForFunction(`document.body.dataset.busy === 'false'`);
    assert.equal(await page.locator('#details-title').textContent(), version);
    assert.match(
      (await page.locator('#details-full-label').textContent()) ?? '',
      /^postgres\.public\.stg_orders@run-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });
});
