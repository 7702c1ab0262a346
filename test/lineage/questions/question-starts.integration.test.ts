import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataOf, errorOf } from '../../support/graphql';
import { LineageFixture } from '../../support/lineage-fixture';
import { startTestService, uniqueNamespace, type TestService } from '../../support/service';
import { buildTwoMonthPipeline } from '../../support/two-month-pipeline';

/**
 * Every question from wherever the user stands: a dataset (its version current at asOf), a model (its newest
 * version), a job (its newest completed run), a deployment; by id at the root, or as a field of the entity found
 * by name, which answers the headline question in one request.
 */
describe('questions from any node, at the root and on entities', () => {
  let service: TestService;
  let f: LineageFixture;
  let deployments: Awaited<ReturnType<typeof buildTwoMonthPipeline>>;

  before(async () => {
    service = await startTestService();
    f = new LineageFixture(service, uniqueNamespace('starts'));
    deployments = await buildTwoMonthPipeline(f);
  });
  after(async () => {
    await f?.cleanup();
    await service?.stop();
  });

  const query = async (text: string, variables: Record<string, unknown> = {}) => dataOf<any>(await service.graphql(text, { ns: f.ns, ...variables }));
  const labels = (nodes: any[]) => nodes.map((node) => f.sig({ ...node, depth: null }));

  it("answers which data produced the model serving in production in one request, by the deployment's name", async () => {
    const { liveDeployment } = await query(
      `query($name: String!) { liveDeployment(name: $name, environment: "production") { id provenance { from start { label } sources { kind label isSource } } } }`,
      { name: `${f.ns}-api` },
    );
    assert.equal(liveDeployment.id, deployments.production2);
    assert.equal(liveDeployment.provenance.from, deployments.production2);
    assert.deepEqual(labels(liveDeployment.provenance.sources), ['raw@2 (source)', 'ref@1 (source)']);
    const { provenance } = await query(`query($from: ID!) { provenance(from: $from) { from start { label } sources { kind label isSource } } }`, {
      from: deployments.production2,
    });
    assert.deepEqual(liveDeployment.provenance, provenance, 'the field answers what the root field answers');
  });

  it('starts provenance from a dataset at the version current at asOf, and says so', async () => {
    const provenanceOf = async (asOf: string) =>
      (
        await query(
          `query($ns: String!, $asOf: DateTimeISO) { dataset(namespace: $ns, name: "feat") { id provenance(asOf: $asOf) { from start { kind label } sources { label } } } }`,
          { asOf },
        )
      ).dataset;
    const january = await provenanceOf('2025-01-15T00:00:00Z');
    assert.equal(january.provenance.from, f.dataset('feat'));
    assert.deepEqual([january.provenance.start.kind, f.sig(january.provenance.start)], ['DATASET_VERSION', 'feat@1']);
    assert.deepEqual(labels(january.provenance.sources), ['raw@1', 'ref@1']);
    const february = await provenanceOf('2025-02-15T00:00:00Z');
    assert.equal(f.sig(february.provenance.start), 'feat@2');
    const root = await query(`query($from: ID!) { provenance(from: $from, asOf: "2025-02-15T00:00:00Z") { start { label } sources { label } } }`, {
      from: f.dataset('feat'),
    });
    assert.deepEqual(root.provenance, { start: { label: february.provenance.start.label }, sources: february.provenance.sources });
    const before = errorOf(
      await service.graphql(`query($from: ID!) { provenance(from: $from, asOf: "2024-12-01T00:00:00Z") { start { label } } }`, { from: f.dataset('feat') }),
      'NOT_FOUND',
    );
    assert.match(before.message, /^DatasetVersion of Dataset:\S+ as of 2024-12-01T00:00:00.000Z does not exist$/);
  });

  it('starts from a model at its newest version, and from a job at its newest completed run', async () => {
    const { modelByName } = await query(
      `query($model: String!) { modelByName: model(name: $model) { provenance { start { label } } january: provenance(asOf: "2025-01-15T00:00:00Z") { start { label } } } }`,
      { model: `${f.ns}-model` },
    );
    assert.deepEqual([f.sig(modelByName.provenance.start), f.sig(modelByName.january.start)], ['NS-model@2', 'NS-model@1']);
    const { job } = await query(
      `query($ns: String!) { job(namespace: $ns, name: "train") { provenance { start { kind properties } } january: impact(asOf: "2025-01-15T00:00:00Z") { start { properties } nodes { kind label } } } }`,
    );
    assert.equal(job.provenance.start.kind, 'RUN');
    assert.equal(job.provenance.start.properties.runId, f.runId('t2'));
    assert.equal(job.january.start.properties.runId, f.runId('t1'));
    assert.deepEqual(
      job.january.nodes.filter((node: any) => node.kind === 'MODEL_VERSION').map((node: any) => f.sig(node)),
      ['NS-model@1'],
    );
    const none = errorOf(
      await service.graphql(`query($from: ID!) { impact(from: $from, asOf: "2025-01-02T00:30:00Z") { start { label } } }`, { from: f.job('train') }),
      'NOT_FOUND',
    );
    assert.match(none.message, /^Run completed by Job:\S+ as of 2025-01-02T00:30:00.000Z does not exist$/);
  });

  it('answers impact of a dataset (all its versions) and of a model version as fields, like the root fields', async () => {
    const { dataset } = await query(`query($ns: String!) { dataset(namespace: $ns, name: "raw") { impact { from nodes { kind label } } } }`);
    const root = await query(`query($from: ID!) { impact(from: $from) { from nodes { kind label } } }`, { from: f.dataset('raw') });
    assert.deepEqual(dataset.impact, root.impact);
    assert.ok(labels(dataset.impact.nodes).includes('NS-model@1') && labels(dataset.impact.nodes).includes('NS-model@2'));
    const { modelVersion } = await query(`query($model: String!) { modelVersion(model: $model, version: "2") { impact { environments { environment } } } }`, {
      model: `${f.ns}-model`,
    });
    assert.deepEqual(
      modelVersion.impact.environments.map((group: any) => group.environment),
      ['production', 'staging'],
    );
  });

  it('gives the recipe of a model version by name, and of a dataset version, whose target it names', async () => {
    const { modelVersion } = await query(
      `query($model: String!) { modelVersion(model: $model, version: "2") { reproductionRecipe { from target { label } modelVersion { label } steps { runId } } } }`,
      { model: `${f.ns}-model` },
    );
    const recipe = modelVersion.reproductionRecipe;
    assert.equal(f.sig(recipe.target), 'NS-model@2');
    assert.deepEqual(recipe.modelVersion, recipe.target, 'the older field names the same artifact');
    assert.deepEqual(
      recipe.steps.map((step: any) => step.runId.replace(`${f.ns}-`, '')),
      ['dag2', 'b2', 't2'],
    );
    const root = await query(`query($id: ID!) { reproductionRecipe(modelVersion: $id) { steps { runId } } }`, { id: f.model('2') });
    assert.deepEqual(root.reproductionRecipe.steps, recipe.steps);
    const { dataset } = await query(
      `query($ns: String!) { dataset(namespace: $ns, name: "feat") { reproductionRecipe(asOf: "2025-01-15T00:00:00Z") { target { label } steps { runId } sources { label isSource } } } }`,
    );
    assert.equal(f.sig(dataset.reproductionRecipe.target), 'feat@1');
    assert.deepEqual(
      dataset.reproductionRecipe.steps.map((step: any) => step.runId.replace(`${f.ns}-`, '')),
      ['dag1', 'b1'],
    );
    assert.deepEqual(labels(dataset.reproductionRecipe.sources), ['raw@1 (source)', 'ref@1 (source)']);
    const both = errorOf(
      await service.graphql(`query($id: ID!) { reproductionRecipe(from: $id, modelVersion: $id) { complete } }`, { id: f.model('2') }),
      'BAD_USER_INPUT',
    );
    assert.match(both.message, /not both/);
  });

  it('costs a question as a page of objects, so a list of entities asking one each is bounded', async () => {
    const error = errorOf(
      await service.graphql(`query($ns: String!) { datasets(namespace: $ns, first: 100) { nodes { impact { nodes { label } } } } }`, { ns: f.ns }),
      'LIMIT_EXCEEDED',
    );
    assert.equal(error.extensions?.limit, 'LIMIT_GRAPHQL_COST');
    const { datasets } = await query(`query($ns: String!) { datasets(namespace: $ns, first: 5) { nodes { name lineageGraph(depth: 1) { nodes { kind } } } } }`);
    assert.ok(datasets.nodes.length >= 3);
    for (const node of datasets.nodes) assert.equal(node.lineageGraph.nodes[0].kind, 'DATASET');
  });
});
