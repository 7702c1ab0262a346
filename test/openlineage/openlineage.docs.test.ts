import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FACET } from '../../src/openlineage/openlineage.facets';
import { planIngestion } from '../../src/openlineage/openlineage.mapper';
import { validateEvent } from '../../src/openlineage/openlineage.validator';
import { DOCS, loadOfficialSchema, SKIP_WITHOUT_SHARED } from '../support/openlineage-fixtures';

/** The docs are read by people writing producers: their example must keep working, their tables stay complete. */

const modelFacetDoc = fs.readFileSync(path.join(DOCS, 'openlineage-model-facet.md'), 'utf8');
const mappingDoc = fs.readFileSync(path.join(DOCS, 'openlineage-mapping.md'), 'utf8');
const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(modelFacetDoc)?.[1] ?? 'null') as unknown;

describe('docs/openlineage-model-facet.md', () => {
  it('has an example event that validates and plans as it says', () => {
    const result = validateEvent(example);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    const plan = planIngestion(result.event, result.setAside);
    assert.equal(plan.run?.state, 'COMPLETED');
    assert.deepEqual(plan.run?.parameters, { learning_rate: 0.05, max_depth: 6, seed: 7 });
    assert.equal(plan.commit?.sha, '9f2c1e7b4a5d6c8e0f1a2b3c4d5e6f708192a3b4');
    assert.deepEqual(
      plan.inputs.map((input) => input.version),
      [null, 'snapshot-2024-05-01'],
    );
    assert.deepEqual(
      plan.outputs.map((output) => [output.name, output.version]),
      [['churn/evaluation.parquet', 'run-0190f1d2-7a3b-7c4d-8e5f-a1b2c3d4e5f6']],
    );
    assert.deepEqual(
      plan.modelVersions.map(({ name, version, metrics }) => ({ name, version, metrics })),
      [{ name: 'churn-classifier', version: '7', metrics: { auc: 0.91, f1: 0.84 } }],
    );
  });

  it('has an example the official schema and the facet schemas (ours included) accept', { skip: SKIP_WITHOUT_SHARED }, () => {
    const official = loadOfficialSchema();
    assert.deepEqual(official.eventIssues(example), []);
    assert.deepEqual(official.facetIssues(example), []);
  });

  it('lists every field of the facet JSON Schema in its table', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(DOCS, 'LineageModelVersionDatasetFacet.json'), 'utf8'));
    const fields = Object.keys(schema.$defs.LineageModelVersionDatasetFacet.allOf[1].properties);
    assert.deepEqual(fields, ['name', 'version', 'artifactUri', 'framework', 'metrics']);
    for (const field of fields) assert.ok(modelFacetDoc.includes(`| \`${field}\` |`), `${field} is in the table`);
  });
});

describe('docs/openlineage-mapping.md', () => {
  for (const name of Object.values(FACET)) {
    it(`says what the ${name} facet feeds`, () => {
      assert.ok(mappingDoc.includes(`\`${name}\``) || mappingDoc.includes(`\`${name}.`), `${name} appears in the mapping doc`);
    });
  }
});
