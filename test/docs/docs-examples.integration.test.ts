import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadDemo } from '../../src/demo/demo-loader';
import { docsExamples, formatAnswer, rewriteAnswers } from '../support/docs-examples';
import { startTestService, type TestService } from '../support/service';

/**
 * The documentation shows real answers: each example of the README and of docs/ runs against the service, in
 * order, and must answer exactly what the page shows; the second pass proves the examples' mutations are
 * idempotent. The walkthrough of the lineage questions runs on the demo lineage, loaded first (loading it again
 * changes nothing). With UPDATE_DOCS=1 the answers in the pages are rewritten from what the service returns (then
 * review the diff).
 */
describe('documentation examples', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService();
    await loadDemo(service.services);
  });
  after(async () => service?.stop());

  it('answer what the documentation shows, twice', async () => {
    let examples = docsExamples();
    const files = new Set(examples.map((example) => example.file));
    assert.ok(examples.length >= 14, `the documentation has its examples (found ${examples.length})`);
    for (const file of ['README.md', 'docs/api.md', 'docs/questions.md']) assert.ok(files.has(file), `${file} has its examples`);
    for (const pass of [1, 2]) {
      const answers: string[] = [];
      for (const example of examples) {
        const body = await service.graphql(example.query);
        // Source locations depend on the page's formatting, not on the service.
        for (const error of body.errors ?? []) delete (error as { locations?: unknown }).locations;
        answers.push(formatAnswer(body));
      }
      if (process.env.UPDATE_DOCS === '1' && pass === 1) {
        rewriteAnswers(examples, answers);
        examples = docsExamples();
      }
      examples.forEach((example, index) => {
        assert.equal(answers[index], example.expected, `pass ${pass}, ${example.file} example ${index + 1}:\n${example.query}`);
      });
    }
  });
});
