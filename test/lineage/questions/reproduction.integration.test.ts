import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataOf, errorOf } from '../../support/graphql';
import { LineageFixture } from '../../support/lineage-fixture';
import { startTestService, uniqueNamespace, type TestService } from '../../support/service';
import { buildTwoMonthPipeline } from '../../support/two-month-pipeline';

const RECIPE = `query($modelVersion: ID!, $asOf: DateTimeISO) {
  reproductionRecipe(modelVersion: $modelVersion, asOf: $asOf) {
    modelVersion { label uri }
    complete
    gaps { label problem }
    sources { label namespace name version uri digest isSource }
    commits { repository sha }
    steps {
      order runId jobName state parameters parentRunId dependsOn
      commit { sha }
      inputs { label producedByStep isSource }
      outputs { label producedByStep }
      run { runId job { name } }
    }
  }
}`;

describe('reproduction recipe', () => {
  let service: TestService;
  let f: LineageFixture;

  before(async () => {
    service = await startTestService();
    f = new LineageFixture(service, uniqueNamespace('recipe'));
    await buildTwoMonthPipeline(f);
  });
  after(async () => {
    await f?.cleanup();
    await service?.stop();
  });

  const recipe = async (variables: Record<string, unknown>) => dataOf<any>(await service.graphql(RECIPE, variables)).reproductionRecipe;

  it('lists the exact sources, commits and runs to replay in order, with their parameters', async () => {
    const answer = await recipe({ modelVersion: f.model('2') });
    assert.deepEqual(answer.modelVersion, { label: 'NS-model@2'.replace('NS', f.ns), uri: `s3://${f.ns}/model/2` });
    assert.equal(answer.complete, true);
    assert.deepEqual(answer.gaps, []);
    assert.deepEqual(answer.sources, [
      { label: 'raw@2', namespace: f.ns, name: 'raw', version: '2', uri: `s3://${f.ns}/raw/2`, digest: 'sha256:raw-2', isSource: true },
      { label: 'ref@1', namespace: f.ns, name: 'ref', version: '1', uri: `s3://${f.ns}/ref/1`, digest: 'sha256:ref-1', isSource: true },
    ]);
    assert.deepEqual(answer.commits, [{ repository: f.repository, sha: f.sha('c2') }]);
    assert.deepEqual(
      answer.steps.map((step: any) => ({
        ...step,
        runId: step.runId.replace(`${f.ns}-`, ''),
        parentRunId: step.parentRunId?.replace(`${f.ns}-`, '') ?? null,
        run: step.run.job.name,
      })),
      [
        {
          order: 1,
          runId: 'dag2',
          jobName: 'pipeline',
          state: 'COMPLETED',
          parameters: null,
          parentRunId: null,
          dependsOn: [],
          commit: { sha: f.sha('c2') },
          inputs: [],
          outputs: [],
          run: 'pipeline',
        },
        {
          order: 2,
          runId: 'b2',
          jobName: 'build',
          state: 'COMPLETED',
          parameters: { window: 60 },
          parentRunId: 'dag2',
          dependsOn: [1],
          commit: { sha: f.sha('c2') },
          inputs: [
            { label: 'raw@2', producedByStep: null, isSource: true },
            { label: 'ref@1', producedByStep: null, isSource: true },
          ],
          outputs: [{ label: 'feat@2', producedByStep: 2 }],
          run: 'build',
        },
        {
          order: 3,
          runId: 't2',
          jobName: 'train',
          state: 'COMPLETED',
          parameters: { eta: 0.1 },
          parentRunId: 'dag2',
          dependsOn: [1, 2],
          commit: { sha: f.sha('c2') },
          inputs: [{ label: 'feat@2', producedByStep: 2, isSource: false }],
          outputs: [{ label: `${f.ns}-model@2`, producedByStep: 3 }],
          run: 'train',
        },
      ],
    );
  });

  it('names the gaps that would make a rebuild differ', async () => {
    await f.source('extra', '1', '2025-03-01T00:00:00Z', { digest: null });
    await f.run({ name: 't3', job: 'train', start: '2025-03-02T00:00:00Z', end: '2025-03-02T01:00:00Z', inputs: [['extra', '1']], outcome: 'FAIL' });
    await f.modelVersion('3', 't3');
    await f.modelVersion('orphan', null);
    const three = await recipe({ modelVersion: f.model('3') });
    assert.equal(three.complete, false);
    assert.deepEqual(
      three.gaps.map((gap: any) => `${gap.label.replace(f.ns, 'NS')}: ${gap.problem}`),
      [
        'extra@1: source has no digest: the bytes read cannot be verified',
        `train run NS-t3: no commit is recorded for this run`.replace('NS-t3', f.runId('t3').slice(0, 8)),
        `train run NS-t3: the run is FAILED, not COMPLETED`.replace('NS-t3', f.runId('t3').slice(0, 8)),
      ],
    );
    const orphan = await recipe({ modelVersion: f.model('orphan') });
    assert.deepEqual(orphan.steps, []);
    assert.deepEqual(
      orphan.gaps.map((gap: any) => gap.problem),
      ['no training run is recorded for this model version'],
    );
  });

  it('takes only a model version under its older argument, modelVersion (from takes a dataset version too)', async () => {
    const error = errorOf(await service.graphql(RECIPE, { modelVersion: f.version('raw', '1') }), 'BAD_USER_INPUT');
    assert.equal(error.extensions?.field, 'modelVersion');
    assert.match(error.message, /must be a ModelVersion id; DatasetVersion:\S+ is a DatasetVersion \(use from\)/);
  });
});
