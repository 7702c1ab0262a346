import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/paths';

/**
 * Headless Chromium from Debian (`apt-get install chromium`, done by .ci/run), driven by playwright-core; no
 * browser is downloaded. The flags keep Chromium from reaching for the network, which is closed here.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_ROOT = path.join(PROJECT_ROOT, 'test-results');

export function chromiumMissing(): string | false {
  return fs.existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** A page as the explorer tests open one: their viewport, a 15 s default wait, and the page's own errors collected. */
export async function explorerPage(browser: Browser, pageErrors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 820 } });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return page;
}

/** Where a test saves a screenshot: test-results/<folder>/<name>.png (git-ignored). */
export function screenshotPath(name: string, folder = 'explorer'): string {
  const dir = path.join(SCREENSHOT_ROOT, folder);
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}
