import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { planIngestion } from '../../src/openlineage/openlineage.mapper';
import { validateEvent } from '../../src/openlineage/openlineage.validator';
import type { IngestPlan } from '../../src/openlineage/openlineage.types';
import { SHARED_FIXTURES, SKIP_WITHOUT_SHARED, sharedEvents } from '../support/openlineage-fixtures';
import { AIRFLOW_SCENARIO_LINEAGE, AIRFLOW_SCENARIO_RUNS, type DatasetRef, type ExpectedLineageEdge } from './airflow-scenario.lineage';

const key = (dataset: DatasetRef) => `${dataset.namespace} | ${dataset.name}`;
const byEdge = (a: ExpectedLineageEdge, b: ExpectedLineageEdge) => `${a.job} ${key(a.from)} ${key(a.to)}`.localeCompare(`${b.job} ${key(b.from)} ${key(b.to)}`);

function scenarioPlans(): IngestPlan[] {
  const prefix = path.join('scenarios', 'airflow', 'events') + path.sep;
  return sharedEvents()
    .filter(({ name }) => name.startsWith(prefix))
    .map(({ name, event }) => {
      const result = validateEvent(event);
      if (!result.ok) assert.fail(`${name} refused: ${JSON.stringify(result.errors)}`);
      return planIngestion(result.event, result.setAside);
    });
}

/**
 * The lineage the plans of COMPLETE events describe, each input's version resolved as the service is to do
 * it: the version current when the run read it, i.e. written by the last run that completed before.
 */
function lineageOf(plans: IngestPlan[]): ExpectedLineageEdge[] {
  const completes = plans.filter((plan) => plan.eventType === 'COMPLETE').sort((a, b) => a.eventTime.localeCompare(b.eventTime));
  const current = new Map<string, string>();
  const edges: ExpectedLineageEdge[] = [];
  for (const plan of completes) {
    for (const input of plan.inputs) {
      for (const output of plan.outputs) {
        edges.push({
          job: plan.job?.name ?? '',
          from: { namespace: input.namespace, name: input.name },
          to: { namespace: output.namespace, name: output.name },
          fromVersion: input.version ?? current.get(key(input)) ?? null,
          toVersion: output.version ?? '',
        });
      }
    }
    for (const output of plan.outputs) current.set(key(output), output.version ?? '');
  }
  return edges;
}

function downstreamOf(start: DatasetRef, edges: readonly ExpectedLineageEdge[]): Set<string> {
  const reached = new Set<string>();
  const queue = [key(start)];
  while (queue.length > 0) {
    const from = queue.shift() as string;
    for (const edge of edges) {
      if (key(edge.from) === from && !reached.has(key(edge.to))) {
        reached.add(key(edge.to));
        queue.push(key(edge.to));
      }
    }
  }
  return reached;
}

describe('the Airflow scenario, mapped', { skip: SKIP_WITHOUT_SHARED }, () => {
  const plans = SKIP_WITHOUT_SHARED ? [] : scenarioPlans();

  it(`validates and plans all 32 events of ${path.join(SHARED_FIXTURES, 'scenarios', 'airflow')}`, () => {
    assert.equal(plans.length, 32);
    assert.ok(plans.every((plan) => plan.kind === 'run' && plan.modelVersions.length === 0));
  });

  it('gives the dataset-to-dataset lineage of the COMPLETE events, with the versions read and written', () => {
    assert.deepEqual(lineageOf(plans).sort(byEdge), [...AIRFLOW_SCENARIO_LINEAGE].sort(byEdge));
  });

  it('links copied.csv to result.csv through BigQuery, and data.txt to the composed and downloaded files', () => {
    assert.deepEqual([...downstreamOf({ namespace: 'gs://mock-bucket', name: 'copied.csv' }, AIRFLOW_SCENARIO_LINEAGE)].sort(), [
      'bigquery | mock-project.test.upload',
      'bigquery | mock-project.test.upload_cp',
      'gs://mock-bucket | result.csv',
    ]);
    assert.deepEqual([...downstreamOf({ namespace: 'file', name: '/files/temp/data.txt' }, AIRFLOW_SCENARIO_LINEAGE)].sort(), [
      'file | /files/temp/downloaded_file.txt',
      'gs://mock-bucket | compose_result.txt',
      'gs://mock-bucket | copy_of_uploaded_file.txt',
      'gs://mock-bucket | uploaded_file.txt',
    ]);
  });

  it('has one START and one COMPLETE per run, each task run under its DAG run', () => {
    const runs = new Map<string, { job: string; parent: unknown; events: string[]; state: string | null }>();
    for (const plan of plans) {
      assert.ok(plan.run && plan.job);
      const seen = runs.get(plan.run.runId) ?? { job: plan.job.name, parent: null, events: [], state: null };
      seen.events.push(plan.eventType ?? 'none');
      seen.parent = seen.parent ?? (plan.run.parent ? { job: plan.run.parent.job.name, runId: plan.run.parent.runId } : null);
      seen.state = plan.run.state;
      runs.set(plan.run.runId, seen);
    }
    assert.deepEqual(
      [...runs].map(([runId, run]) => ({ job: run.job, runId, parent: run.parent })).sort((a, b) => a.job.localeCompare(b.job)),
      [...AIRFLOW_SCENARIO_RUNS].sort((a, b) => a.job.localeCompare(b.job)),
    );
    for (const [runId, run] of runs) {
      assert.deepEqual(run.events.sort(), ['COMPLETE', 'START'], runId);
      assert.equal(run.state, 'COMPLETED', runId);
    }
  });

  it('gives storage URIs to the GCS and local files, none to BigQuery tables', () => {
    const datasets = plans.flatMap((plan) => [...plan.inputs, ...plan.outputs]);
    const uris = new Map(datasets.map((dataset) => [key(dataset), dataset.uri]));
    assert.equal(uris.get('gs://mock-bucket | copied.csv'), 'gs://mock-bucket/copied.csv');
    assert.equal(uris.get('file | /files/temp/downloaded_file.txt'), 'file:///files/temp/downloaded_file.txt');
    assert.equal(uris.get('bigquery | mock-project.test.upload'), null);
  });
});
