import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestService, type TestService } from '../support/service';

describe('explorer assets', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService();
  });
  after(async () => service?.stop());

  it('serves the built page at /explorer/ and its hashed assets as immutable', async () => {
    const redirect = await fetch(`${service.url}/explorer`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    const page = await fetch(`${service.url}/explorer/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    const script = /src="\/explorer\/(assets\/[^"]+\.js)"/.exec(html);
    assert.ok(script, 'the page references its bundle');
    const bundle = await fetch(`${service.url}/explorer/${script[1]}`);
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get('cache-control') ?? '', /immutable/);
  });

  it('answers client-side routes with the page and unknown assets with 404, never reading the filesystem', async () => {
    assert.equal((await fetch(`${service.url}/explorer/some/deep/link`)).status, 200);
    assert.equal((await fetch(`${service.url}/explorer/assets/missing.js`)).status, 404);
    assert.equal((await fetch(`${service.url}/explorer/assets/..%2F..%2Fpackage.json`)).status, 404);
  });
});
