import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadDemo } from '../../src/demo/demo-loader';
import { PROJECT_ROOT } from '../../src/paths';
import { formatAnswer, readmeExamples, rewriteAnswers } from '../support/readme-examples';
import { startTestService, type TestService } from '../support/service';

/**
 * The README shows real answers: each example runs against the service, in order, and must answer exactly what
 * the README shows; the second pass proves the examples' mutations are idempotent. The walkthrough of the lineage
 * questions runs on the demo lineage, loaded first (loading it again changes nothing). With UPDATE_README=1 the
 * README's answers are rewritten from what the service returns (then review the diff).
 */
const README = path.join(PROJECT_ROOT, 'README.md');

describe('README examples', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService();
    await loadDemo(service.services);
  });
  after(async () => service?.stop());

  it('answer what the README shows, twice', async () => {
    let examples = readmeExamples(fs.readFileSync(README, 'utf8'));
    assert.ok(examples.length >= 4, 'the README has its examples');
    for (const pass of [1, 2]) {
      const answers: string[] = [];
      for (const example of examples) {
        const body = await service.graphql(example.query);
        // Source locations depend on the README's formatting, not on the service.
        for (const error of body.errors ?? []) delete (error as { locations?: unknown }).locations;
        answers.push(formatAnswer(body));
      }
      if (process.env.UPDATE_README === '1' && pass === 1) {
        rewriteAnswers(README, answers);
        examples = readmeExamples(fs.readFileSync(README, 'utf8'));
      }
      examples.forEach((example, index) => {
        assert.equal(answers[index], example.expected, `pass ${pass}, example ${index + 1}:\n${example.query}`);
      });
    }
  });
});
