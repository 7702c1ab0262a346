import type { DeployFields } from '../lineage/deployment/deployment.service';
import type { DatasetVersionFields } from '../core/dataset/dataset.normalize';
import type { ModelVersionFields } from '../lineage/model/model.service';
import type { RunDatasetFields } from '../core/run/run.normalize';

/**
 * The demo lineage: a card-fraud model at Acme, over three monthly pipeline runs in 2025.
 *
 * - Raw sources `raw/transactions` (monthly partitions) and `raw/customers` (CRM exports); nothing recorded
 *   produces them. The February partition `raw/transactions@2025-02-28` is the bad version: its amounts were
 *   converted to EUR twice.
 * - Each month an Airflow DAG run (`fraud_pipeline`) starts the feature builds and the training run as children.
 *   `features/transaction_features` is built in three versions, `features/customer_profiles` in two (March reuses
 *   February's profiles).
 * - Two commits: the baseline (February and March) and a fix with merchant-risk features (April).
 * - Three training runs make `fraud-detector` versions 1, 2 (trained on the bad data) and 3.
 * - `fraud-api` is deployed to staging and production as each version comes out; production rolled back from 2 to
 *   1 on 20 March when the bad data was found, then moved to 3. The nightly `fraud-batch-scoring` job was moved
 *   to version 2 on 12 March and forgotten: it still serves the model trained on the bad data.
 *
 * Every instant is fixed, so every answer about the demo is the same on every machine, and loading twice changes
 * nothing.
 */

export const DEMO_NAMESPACE = 's3://acme-fraud-lake';
export const DEMO_JOB_NAMESPACE = 'airflow-prod';
export const DEMO_REPOSITORY = 'https://github.com/acme/fraud-detection';
export const DEMO_MODEL = 'fraud-detector';

export const DEMO_COMMITS = {
  baseline: {
    repository: DEMO_REPOSITORY,
    sha: '4f9d2c81e6b7a3059c1d8e2f7a6b5c4d3e2f1a09',
    branch: 'main',
    author: 'maria@acme.io',
    message: 'Transaction features and XGBoost baseline',
    committedAt: '2025-01-28T16:42:00Z',
  },
  merchantRisk: {
    repository: DEMO_REPOSITORY,
    sha: '8b17e5a3d94c2f6e1a0b9c8d7e6f5a4b3c2d1e0f',
    branch: 'main',
    author: 'deniz@acme.io',
    message: 'Add merchant risk features; fix label leakage in the training split',
    committedAt: '2025-03-27T11:05:00Z',
  },
} as const;

export const DEMO_DATASETS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'raw/transactions', description: 'Card transactions from the payments ledger, one partition per month' },
  { name: 'raw/customers', description: 'Customer export from the CRM' },
  { name: 'features/transaction_features', description: 'Per-transaction features: amounts in EUR, velocity, merchant risk' },
  { name: 'features/customer_profiles', description: 'Per-customer aggregates: tenure, spending profile' },
];

const source = (name: string, version: string, createdAt: string, rowCount: number, digest: string): DatasetVersionFields => ({
  namespace: DEMO_NAMESPACE,
  name,
  version,
  uri: `${DEMO_NAMESPACE}/${name}/dt=${version}/`,
  digest: `sha256:${digest}`,
  rowCount,
  createdAt,
});

export const DEMO_SOURCES: readonly DatasetVersionFields[] = [
  source('raw/transactions', '2025-01-31', '2025-02-01T00:30:00Z', 1_842_117, '5c0e3b7a9d12f4e68a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f'),
  source('raw/transactions', '2025-02-28', '2025-03-01T00:30:00Z', 1_796_402, 'e19a44c07b3d2f15a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9'),
  source('raw/transactions', '2025-03-31', '2025-04-01T00:30:00Z', 1_911_385, '73b5d1e9c2a04f86b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0'),
  source('raw/customers', '2025-01-31', '2025-02-01T00:45:00Z', 220_418, '0a8f26d4e5b3c1975d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c'),
  source('raw/customers', '2025-03-31', '2025-04-01T00:45:00Z', 226_907, 'b4d7019e3c5a2f68e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0'),
];

/** The version read as the bad one in the walkthrough of docs/questions.md. */
export const DEMO_BAD_SOURCE = { namespace: DEMO_NAMESPACE, name: 'raw/transactions', version: '2025-02-28' };

const input = (name: string, version: string): RunDatasetFields => ({ namespace: DEMO_NAMESPACE, name, version });
const output = (name: string, version: string, rowCount: number, digest: string): RunDatasetFields => ({
  namespace: DEMO_NAMESPACE,
  name,
  version,
  uri: `${DEMO_NAMESPACE}/${name}/${version}/`,
  digest: `sha256:${digest}`,
  rowCount,
});

export interface DemoRun {
  runId: string;
  job: string;
  startedAt: string;
  endedAt: string;
  commit: keyof typeof DEMO_COMMITS;
  parameters: Record<string, unknown>;
  inputs: RunDatasetFields[];
  outputs: RunDatasetFields[];
}

export interface DemoMonth {
  /** The DAG run that starts the month's runs; it starts first and completes last. */
  pipeline: DemoRun;
  children: DemoRun[];
}

const pipeline = (runId: string, logicalDate: string, startedAt: string, endedAt: string, commit: keyof typeof DEMO_COMMITS): DemoRun => ({
  runId,
  job: 'fraud_pipeline',
  startedAt,
  endedAt,
  commit,
  parameters: { logical_date: logicalDate },
  inputs: [],
  outputs: [],
});

export const DEMO_MONTHS: readonly DemoMonth[] = [
  {
    pipeline: pipeline('7d3f9a20-4e1b-4c8a-9f2d-6b5e0c1a7d01', '2025-02-01', '2025-02-01T01:00:00Z', '2025-02-01T04:20:00Z', 'baseline'),
    children: [
      {
        runId: 'e81c4b57-0d2a-4f3e-8b6c-1a9d7e5f3c02',
        job: 'fraud_features.build',
        startedAt: '2025-02-01T01:05:00Z',
        endedAt: '2025-02-01T02:10:00Z',
        commit: 'baseline',
        parameters: { lookback_days: 90, currency: 'EUR' },
        inputs: [input('raw/transactions', '2025-01-31'), input('raw/customers', '2025-01-31')],
        outputs: [output('features/transaction_features', 'v1', 1_842_117, '9e4b2a71c3d5f6e7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1')],
      },
      {
        runId: '2a6d0f93-7c4e-4b1a-a5d8-3e2f9b6c0d03',
        job: 'customer_profiles.build',
        startedAt: '2025-02-01T01:05:00Z',
        endedAt: '2025-02-01T01:40:00Z',
        commit: 'baseline',
        parameters: { min_tenure_days: 30 },
        inputs: [input('raw/customers', '2025-01-31')],
        outputs: [output('features/customer_profiles', 'v1', 220_418, '31c8f5a2e7b9d0c1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5')],
      },
      {
        runId: 'b5e27c18-9a3f-4d6e-b0c1-5f8a2d4e6b04',
        job: 'fraud_model.train',
        startedAt: '2025-02-01T02:30:00Z',
        endedAt: '2025-02-01T04:15:00Z',
        commit: 'baseline',
        parameters: { algorithm: 'xgboost', max_depth: 6, eta: 0.1, seed: 42 },
        inputs: [input('features/transaction_features', 'v1'), input('features/customer_profiles', 'v1')],
        outputs: [],
      },
    ],
  },
  {
    pipeline: pipeline('4c90e1ab-2f5d-4a7c-8e3b-9d1f6a0c2e05', '2025-03-01', '2025-03-01T01:00:00Z', '2025-03-01T04:05:00Z', 'baseline'),
    children: [
      {
        runId: '91f7d3c6-5b8a-4e2f-9c0d-7a3e1b5f8d06',
        job: 'fraud_features.build',
        startedAt: '2025-03-01T01:05:00Z',
        endedAt: '2025-03-01T02:05:00Z',
        commit: 'baseline',
        parameters: { lookback_days: 90, currency: 'EUR' },
        inputs: [input('raw/transactions', '2025-02-28'), input('raw/customers', '2025-01-31')],
        outputs: [output('features/transaction_features', 'v2', 1_796_402, 'c62d9e07b1a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9')],
      },
      {
        runId: '0f4a8e25-6d1c-4b9a-83e7-2c5d0f9a1b07',
        job: 'fraud_model.train',
        startedAt: '2025-03-01T02:20:00Z',
        endedAt: '2025-03-01T04:00:00Z',
        commit: 'baseline',
        parameters: { algorithm: 'xgboost', max_depth: 6, eta: 0.1, seed: 42 },
        inputs: [input('features/transaction_features', 'v2'), input('features/customer_profiles', 'v1')],
        outputs: [],
      },
    ],
  },
  {
    pipeline: pipeline('d6b1357e-8c2a-4f0d-b6e9-4a7c3e1d5f08', '2025-04-01', '2025-04-01T01:00:00Z', '2025-04-01T05:10:00Z', 'merchantRisk'),
    children: [
      {
        runId: '5e2c9f04-3a7b-4d1e-a8f6-0b9c2d7e4a09',
        job: 'fraud_features.build',
        startedAt: '2025-04-01T01:05:00Z',
        endedAt: '2025-04-01T02:25:00Z',
        commit: 'merchantRisk',
        parameters: { lookback_days: 90, currency: 'EUR', merchant_risk: true },
        inputs: [input('raw/transactions', '2025-03-31'), input('raw/customers', '2025-03-31')],
        outputs: [output('features/transaction_features', 'v3', 1_911_385, '4a1e7c93d2b5f6a8e9d0c1b2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2')],
      },
      {
        runId: 'a83f6d12-9e4c-4a5b-b2d0-6c1f8e3a7d10',
        job: 'customer_profiles.build',
        startedAt: '2025-04-01T01:05:00Z',
        endedAt: '2025-04-01T01:45:00Z',
        commit: 'merchantRisk',
        parameters: { min_tenure_days: 30 },
        inputs: [input('raw/customers', '2025-03-31')],
        outputs: [output('features/customer_profiles', 'v2', 226_907, 'd80b3f6a1c9e2d4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f')],
      },
      {
        runId: '3b7e0c59-1f6d-4e8a-9a2c-8d5b4f0e6c11',
        job: 'fraud_model.train',
        startedAt: '2025-04-01T02:40:00Z',
        endedAt: '2025-04-01T05:00:00Z',
        commit: 'merchantRisk',
        parameters: { algorithm: 'xgboost', max_depth: 8, eta: 0.05, seed: 42 },
        inputs: [input('features/transaction_features', 'v3'), input('features/customer_profiles', 'v2')],
        outputs: [],
      },
    ],
  },
];

export const DEMO_MODEL_DESCRIPTION = 'Scores card transactions for fraud (gradient-boosted trees)';

export const DEMO_MODEL_VERSIONS: readonly ModelVersionFields[] = [
  {
    model: DEMO_MODEL,
    version: '1',
    trainingRunId: 'b5e27c18-9a3f-4d6e-b0c1-5f8a2d4e6b04',
    artifactUri: 's3://acme-models/fraud-detector/1/model.json',
    digest: 'sha256:1f6b9d3e7a2c4e8f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
    framework: 'xgboost 2.1.3',
    metrics: { auc: 0.912, recall_at_1pct_fpr: 0.61 },
  },
  {
    model: DEMO_MODEL,
    version: '2',
    trainingRunId: '0f4a8e25-6d1c-4b9a-83e7-2c5d0f9a1b07',
    artifactUri: 's3://acme-models/fraud-detector/2/model.json',
    digest: 'sha256:8d2e5a0c4f7b1e9d3a6c8f0b2d4e6a8c0e2f4a6b8d0f2a4c6e8a0c2e4a6c8e0a',
    framework: 'xgboost 2.1.3',
    metrics: { auc: 0.887, recall_at_1pct_fpr: 0.52 },
  },
  {
    model: DEMO_MODEL,
    version: '3',
    trainingRunId: '3b7e0c59-1f6d-4e8a-9a2c-8d5b4f0e6c11',
    artifactUri: 's3://acme-models/fraud-detector/3/model.json',
    digest: 'sha256:c3a9f1e5b7d2084c6e8a0f2b4d6c8e0a2f4b6d8c0e2a4f6b8d0c2e4a6f8b0d2c',
    framework: 'xgboost 2.1.3',
    metrics: { auc: 0.934, recall_at_1pct_fpr: 0.68 },
  },
];

const STAGING_ENDPOINT = 'https://fraud-api.staging.acme.internal/v1/score';
const PRODUCTION_ENDPOINT = 'https://fraud-api.acme.internal/v1/score';
const deploy = (name: string, environment: string, version: string, deployedAt: string, endpoint: string | null, deployedBy = 'ci@acme.io'): DeployFields => ({
  name,
  environment,
  model: DEMO_MODEL,
  version,
  deployedAt,
  endpoint,
  deployedBy,
});

/** In the order they happened (the API records each slot's history in order). */
export const DEMO_DEPLOYMENTS: readonly DeployFields[] = [
  deploy('fraud-api', 'staging', '1', '2025-02-03T10:00:00Z', STAGING_ENDPOINT),
  deploy('fraud-api', 'production', '1', '2025-02-10T09:00:00Z', PRODUCTION_ENDPOINT),
  deploy('fraud-api', 'staging', '2', '2025-03-03T10:00:00Z', STAGING_ENDPOINT),
  deploy('fraud-api', 'production', '2', '2025-03-10T09:00:00Z', PRODUCTION_ENDPOINT),
  deploy('fraud-batch-scoring', 'production', '2', '2025-03-12T08:00:00Z', null),
  deploy('fraud-api', 'production', '1', '2025-03-20T14:30:00Z', PRODUCTION_ENDPOINT, 'oncall@acme.io'),
  deploy('fraud-api', 'staging', '3', '2025-04-03T10:00:00Z', STAGING_ENDPOINT),
  deploy('fraud-api', 'production', '3', '2025-04-10T09:00:00Z', PRODUCTION_ENDPOINT),
];
