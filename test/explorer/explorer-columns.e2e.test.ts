import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, explorerPage, launchBrowser, screenshotPath } from '../support/browser';
import { dataOf } from '../support/graphql';
import { postEach } from '../support/openlineage-http';
import { removeIsolated } from '../support/openlineage-isolation';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';
import { PaymentsScenario } from '../lineage/column/column-scenario';

/**
 * The explorer's column view in headless Chromium, over the payments pipeline of the column tests: a dataset
 * version's details list its fields; choosing one shows its column lineage, fields inside their versions, edges
 * labelled by transformation; the view survives a reload and Esc closes it. The DOM lists beside the canvas say
 * what it draws, which is what is asserted.
 */

const skip = chromiumMissing();

describe('the explorer’s column view', { skip: skip ? `skipped: ${skip}` : false }, () => {
  let service: TestService;
  let browser: Browser;
  let page: Page;
  let scenario: PaymentsScenario;
  let f1: string;
  const pageErrors: string[] = [];

  before(async () => {
    service = await startTestService();
    scenario = new PaymentsScenario(`${uniqueNamespace('ce')}.`);
    for (const answer of await postEach(service, scenario.events())) assert.equal(answer.status, 201, JSON.stringify(answer.body));
    f1 = dataOf<any>(await service.graphql(`{ datasetVersion(namespace: "${scenario.namespace}", name: "features.transactions", version: "f1") { id } }`))
      .datasetVersion.id;
    browser = await launchBrowser();
    page = await explorerPage(browser, pageErrors);
  });
  after(async () => {
    await browser?.close();
    if (service) await removeIsolated(service.db, [scenario.prefix]);
    await service?.stop();
  });

  const settled = async () => {
    await page.waitForFunction(`document.body.dataset.busy === 'false'`);
    const status = page.locator('#status');
    assert.notEqual(await status.getAttribute('data-kind'), 'error', `the page shows an error: ${await status.textContent()}`);
    assert.deepEqual(pageErrors, []);
  };
  const strip = (text: string | null) => (text ?? '').split(scenario.prefix).join('');
  /** The column view as its lists say it: each version with its fields (`name@depth`, `!` when masked), and the edges. */
  const columnView = async () => {
    const owners = await page.$$eval('#column-owners > li', (items) =>
      items.map((li) => [
        li.getAttribute('data-owner-label'),
        [...li.querySelectorAll('li[data-field-id]')].map(
          (f) => `${f.getAttribute('data-label')!.split('.').pop()}@${f.getAttribute('data-depth')}${f.getAttribute('data-masked') === 'true' ? '!' : ''}`,
        ),
      ]),
    );
    const edges = await page.$$eval('#column-edges li', (items) =>
      items.map((li) => `${li.getAttribute('data-from')} -> ${li.getAttribute('data-to')}: ${li.getAttribute('data-transformations')}`),
    );
    return { owners: owners.map(([label, fields]) => [strip(label as string), fields]), edges: edges.map(strip).sort() };
  };

  it('lists the fields of a dataset version in its details, and shows the column lineage of the one chosen', async () => {
    await page.goto(`${service.url}/explorer/?node=${encodeURIComponent(f1)}`);
    await page.locator('#fields li').first().waitFor();
    await settled();
    assert.deepEqual(await page.$$eval('#fields li', (items) => items.map((li) => li.getAttribute('data-field-name'))), [
      'amount_zscore',
      'email_hash',
      'email_len',
      'id',
    ]);
    await page.locator('#fields li[data-field-name="amount_zscore"] button').click();
    await page.locator('.answer.columns').waitFor();
    await settled();
    await page.screenshot({ path: screenshotPath('columns-1-amount_zscore') });
    assert.equal(await page.locator('#column-graph').isVisible(), true);
    assert.equal(await page.locator('#graph').isVisible(), false);
    assert.deepEqual(await columnView(), {
      owners: [
        ['payments.raw@v1', ['amount@1', 'ts@1']],
        ['features.transactions@f1', ['amount_zscore@0']],
        ['scorer@1', ['amount_zscore@1']],
      ],
      edges: [
        'features.transactions@f1.amount_zscore -> scorer@1.amount_zscore: identity',
        'payments.raw@v1.amount -> features.transactions@f1.amount_zscore: transformation',
        'payments.raw@v1.ts -> features.transactions@f1: whole dataset: filter',
      ],
    });
    assert.ok(new URL(page.url()).searchParams.get('field'));
  });

  it('follows a field of the column view, and marks what was reached only through masking', async () => {
    await page.locator('#fields li[data-field-name="email_hash"] button').click();
    await page.locator('.answer.columns li[data-start] >> text=email_hash').waitFor();
    await settled();
    await page.screenshot({ path: screenshotPath('columns-2-email_hash') });
    const view = await columnView();
    assert.deepEqual(view.owners, [
      ['payments.raw@v1', ['email@1!', 'ts@1']],
      ['features.transactions@f1', ['email_hash@0']],
      ['churn@1', ['email_hash@1']],
      ['scorer@1', ['email_hash@1']],
    ]);
    assert.ok(view.edges.includes('payments.raw@v1.email -> features.transactions@f1.email_hash: transformation (masked)'), view.edges.join('\n'));

    await page.locator('#column-owners li[data-label="payments.raw@v1.email"] button').click();
    await page.locator('.answer.columns li[data-start][data-label="payments.raw@v1.email"]').waitFor();
    await settled();
    const fromSource = await columnView();
    assert.deepEqual(fromSource.owners, [
      ['payments.raw@v1', ['email@0']],
      ['features.transactions@f1', ['email_hash@1!', 'email_len@1']],
      ['churn@1', ['email_hash@2!']],
      ['scorer@1', ['email_hash@2!', 'risk@2']],
    ]);
  });

  it('restores the column view from its URL, and closes it with Esc', async () => {
    const before = await columnView();
    await page.reload();
    await page.locator('.answer.columns').waitFor();
    await settled();
    assert.deepEqual(await columnView(), before);
    await page.locator('#graph').waitFor({ state: 'hidden' });
    await page.keyboard.press('Escape');
    await page.locator('#graph').waitFor({ state: 'visible' });
    assert.equal(await page.locator('.answer.columns').count(), 0);
    assert.equal(new URL(page.url()).searchParams.get('field'), null);
    await settled();
  });
});
