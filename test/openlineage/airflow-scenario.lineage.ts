/**
 * What the shared Airflow scenario (scenarios/airflow, OpenLineage compatibility suite, Airflow provider
 * 1.14.0) means, written down by hand from its 32 events, so that the mapping test and, later, the graph
 * tests check the same expectations.
 *
 * Two places where the events differ from scenario.md, and the events win: GCSToBigQuery (job BQ.upload)
 * reads `test.csv` besides `copied.csv`, and `compose_result.txt` is written to gs://mock-bucket, not to
 * /files/temp.
 */

export interface DatasetRef {
  namespace: string;
  name: string;
}

export interface ExpectedLineageEdge {
  /** The job whose COMPLETE event reads `from` and writes `to`. */
  job: string;
  from: DatasetRef;
  to: DatasetRef;
  /**
   * The version of `from` the run read: the version written by the last run that completed before it,
   * `run-<runId>` since no event has a version facet; null when no run of the scenario wrote `from`.
   */
  fromVersion: string | null;
  /** The version of `to` the run wrote. */
  toVersion: string;
}

const GCS = 'gs://mock-bucket';
const BQ = 'bigquery';
const FILE = 'file';

const RUN = {
  upload: 'run-01936893-9751-7b3c-8f76-8ac6d0e5f8a3',
  copy: 'run-01936893-9751-7b10-a4a7-cd7454722d0f',
  download: 'run-01936893-9751-7150-bbde-96d39c5c4c8d',
  uploadFromFile: 'run-01936898-5bd1-7215-b04d-472cd95b85cb',
  uploadFromData: 'run-01936898-5bd1-7e2c-a5f9-48dbad475045',
  rewrite: 'run-01936898-5bd1-7385-8bb5-6bd09ba1cf8d',
  copyTask: 'run-01936898-5bd1-7008-a3b8-5dea7d6595a7',
  downloadToFile: 'run-01936898-5bd1-7361-b2db-2d87f2713657',
  compose: 'run-01936898-5bd1-7511-9abf-a140907e6cb3',
} as const;

function edge(job: string, from: DatasetRef, fromVersion: string | null, to: DatasetRef, toVersion: string): ExpectedLineageEdge {
  return { job, from, to, fromVersion, toVersion };
}

/** Dataset-to-dataset lineage: one edge per (input, output) of each COMPLETE event with both. */
export const AIRFLOW_SCENARIO_LINEAGE: readonly ExpectedLineageEdge[] = [
  edge('BQ.upload', { namespace: GCS, name: 'copied.csv' }, null, { namespace: BQ, name: 'mock-project.test.upload' }, RUN.upload),
  edge('BQ.upload', { namespace: GCS, name: 'test.csv' }, null, { namespace: BQ, name: 'mock-project.test.upload' }, RUN.upload),
  edge('BQ.copy', { namespace: BQ, name: 'mock-project.test.upload' }, RUN.upload, { namespace: BQ, name: 'mock-project.test.upload_cp' }, RUN.copy),
  edge('BQ.download', { namespace: BQ, name: 'mock-project.test.upload_cp' }, RUN.copy, { namespace: GCS, name: 'result.csv' }, RUN.download),
  edge('gcs_hook.upload_from_file', { namespace: FILE, name: '/files/temp/data.txt' }, null, { namespace: GCS, name: 'uploaded_file.txt' }, RUN.uploadFromFile),
  edge(
    'gcs_hook.rewrite_task',
    { namespace: GCS, name: 'uploaded_file.txt' },
    RUN.uploadFromFile,
    { namespace: GCS, name: 'copy_of_uploaded_file.txt' },
    RUN.rewrite,
  ),
  edge(
    'gcs_hook.copy_task',
    { namespace: GCS, name: 'uploaded_data.txt' },
    RUN.uploadFromData,
    { namespace: GCS, name: 'copy_of_uploaded_data.txt' },
    RUN.copyTask,
  ),
  edge(
    'gcs_hook.download_to_file',
    { namespace: GCS, name: 'uploaded_file.txt' },
    RUN.uploadFromFile,
    { namespace: FILE, name: '/files/temp/downloaded_file.txt' },
    RUN.downloadToFile,
  ),
  edge('gcs_hook.compose_task', { namespace: GCS, name: 'uploaded_file.txt' }, RUN.uploadFromFile, { namespace: GCS, name: 'compose_result.txt' }, RUN.compose),
  edge('gcs_hook.compose_task', { namespace: GCS, name: 'uploaded_data.txt' }, RUN.uploadFromData, { namespace: GCS, name: 'compose_result.txt' }, RUN.compose),
  edge(
    'gcs_hook.compose_task',
    { namespace: GCS, name: 'copy_of_uploaded_data.txt' },
    RUN.copyTask,
    { namespace: GCS, name: 'compose_result.txt' },
    RUN.compose,
  ),
  edge(
    'gcs_hook.compose_task',
    { namespace: GCS, name: 'copy_of_uploaded_file.txt' },
    RUN.rewrite,
    { namespace: GCS, name: 'compose_result.txt' },
    RUN.compose,
  ),
];

export interface ExpectedRun {
  job: string;
  runId: string;
  /** The DAG run a task run belongs to (run facet `parent`); null for the DAG runs themselves. */
  parent: { job: string; runId: string } | null;
}

const DAG_RUN = {
  BQ: '01936893-9751-7a91-a2a0-a51101a3970c',
  dag: '01936894-494e-7b5c-938a-7b0fcc5f8eb9',
  gcs_hook: '01936898-5bd1-70bf-9ca2-4953116e45e1',
} as const;

function task(job: string, runId: string): ExpectedRun {
  const dag = job.slice(0, job.indexOf('.')) as keyof typeof DAG_RUN;
  return { job, runId, parent: { job: dag, runId: DAG_RUN[dag] } };
}

/** Every run of the scenario, all of which end COMPLETED (each has one START and one COMPLETE event). */
export const AIRFLOW_SCENARIO_RUNS: readonly ExpectedRun[] = [
  { job: 'BQ', runId: DAG_RUN.BQ, parent: null },
  task('BQ.upload', '01936893-9751-7b3c-8f76-8ac6d0e5f8a3'),
  task('BQ.copy', '01936893-9751-7b10-a4a7-cd7454722d0f'),
  task('BQ.download', '01936893-9751-7150-bbde-96d39c5c4c8d'),
  { job: 'dag', runId: DAG_RUN.dag, parent: null },
  task('dag.task_0', '01936894-494e-7c48-be1c-4a3656eb1868'),
  { job: 'gcs_hook', runId: DAG_RUN.gcs_hook, parent: null },
  task('gcs_hook.upload_for_deletion', '01936898-5bd1-78a2-bf21-3df49fddd032'),
  task('gcs_hook.upload_from_file', '01936898-5bd1-7215-b04d-472cd95b85cb'),
  task('gcs_hook.delete', '01936898-5bd1-7d18-b1a0-109de253e28f'),
  task('gcs_hook.upload_from_data', '01936898-5bd1-7e2c-a5f9-48dbad475045'),
  task('gcs_hook.rewrite_task', '01936898-5bd1-7385-8bb5-6bd09ba1cf8d'),
  task('gcs_hook.copy_task', '01936898-5bd1-7008-a3b8-5dea7d6595a7'),
  task('gcs_hook.download_to_file', '01936898-5bd1-7361-b2db-2d87f2713657'),
  task('gcs_hook.download_to_data', '01936898-5bd1-7ff8-a0bf-4df451e2d3d8'),
  task('gcs_hook.compose_task', '01936898-5bd1-7511-9abf-a140907e6cb3'),
];
