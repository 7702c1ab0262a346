import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_CONTEXT, loadDemo } from '../../src/demo/demo-loader';
import { chromiumMissing, explorerPage, launchBrowser, screenshotPath } from '../support/browser';
import { dataOf } from '../support/graphql';
import { startTestService, type TestService } from '../support/service';

/**
 * Data quality in the explorer, in headless Chromium on the demo: the live deployment that stands on bad data is
 * marked and listed, and asking "does it stand on bad data?" highlights the path to the bad partition.
 */

const BATCH = 'fraud-batch-scoring (production, 2025-03-12 08:00)';
const PRODUCTION = 'fraud-api (production, 2025-04-10 09:00)';
const BAD = 'raw/transactions@2025-02-28';
const LIVE = `query($name: String!) { liveDeployment(name: $name, environment: "production") { id } }`;

const skip = chromiumMissing();

describe('data quality in the explorer', { skip: skip ? `skipped: ${skip}` : false }, () => {
  let service: TestService;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let batchId: string;
  let productionId: string;

  before(async () => {
    service = await startTestService({ LINEAGE_DEMO: 'on' });
    if (!dataOf<any>(await service.graphql(LIVE, { name: 'fraud-api' })).liveDeployment) await loadDemo(service.services, DEMO_CONTEXT);
    batchId = dataOf<any>(await service.graphql(LIVE, { name: 'fraud-batch-scoring' })).liveDeployment.id;
    productionId = dataOf<any>(await service.graphql(LIVE, { name: 'fraud-api' })).liveDeployment.id;
    browser = await launchBrowser();
    page = await explorerPage(browser, pageErrors);
  });
  after(async () => {
    await browser?.close();
    await service?.stop();
  });

  const settled = async () => {
    await page.waitForFunction(`document.body.dataset.busy === 'false'`);
    assert.notEqual(
      await page.locator('#status').getAttribute('data-kind'),
      'error',
      `the page shows an error: ${await page.locator('#status').textContent()}`,
    );
    assert.deepEqual(pageErrors, []);
  };
  const node = (label: string) => `#visible-nodes li[data-label="${label}"]`;

  it('marks the live deployment that stands on bad data, and lists it', async () => {
    await page.goto(`${service.url}/explorer/?node=${encodeURIComponent(productionId)}`);
    await page.locator(node(PRODUCTION)).waitFor();
    await settled();
    assert.equal(await page.locator(node(PRODUCTION)).getAttribute('data-at-risk'), 'false');
    const banner = page.locator('#at-risk .at-risk');
    await banner.waitFor();
    assert.match((await banner.textContent()) ?? '', /1 live deployment stands on bad data/);
    assert.equal(await page.locator(`#at-risk [data-at-risk-deployment="${batchId}"]`).textContent(), BATCH);
  });

  it('opens it from the banner and highlights the path to the bad partition', async () => {
    await page.locator(`#at-risk [data-at-risk-deployment="${batchId}"]`).click();
    await page.locator('.answer[data-question="quality"]').waitFor();
    await settled();
    await page.screenshot({ path: screenshotPath('quality-1-at-risk') });
    assert.equal(await page.locator(node(BATCH)).getAttribute('data-at-risk'), 'true');
    assert.equal(await page.locator('#quality-verdict').getAttribute('data-at-risk'), 'true');
    const highlighted = await page.$$eval('#visible-nodes li[data-highlighted="true"]', (items) => items.map((li) => li.getAttribute('data-label')!));
    assert.deepEqual(
      highlighted.sort(),
      [BATCH, 'features/transaction_features@v2', 'fraud-detector@2', 'fraud_features.build run 91f7d3c6', 'fraud_model.train run 0f4a8e25', BAD].sort(),
    );
    assert.equal(await page.locator(node(BAD)).getAttribute('data-offending'), 'true');
    assert.equal(await page.locator(`#answer-offending li[data-status="BAD"] [data-goto]`).textContent(), BAD);
    assert.equal(new URL(page.url()).searchParams.get('q'), 'quality');
  });

  it('travels back to 15 March, when nothing was known against it yet', async () => {
    await page.goto(`${service.url}/explorer/?node=${encodeURIComponent(batchId)}&asOf=2025-03-15T00:00:00.000Z&q=quality`);
    await page.locator('.answer[data-question="quality"]').waitFor();
    await settled();
    assert.equal(await page.locator('#quality-verdict').getAttribute('data-at-risk'), 'false');
    assert.equal(await page.locator('#at-risk .at-risk').count(), 0);
  });
});
