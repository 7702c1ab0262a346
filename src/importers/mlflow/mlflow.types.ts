/**
 * The parts of MLflow's REST API 2.0 JSON the importer reads (experiments/search, runs/search,
 * registered-models/search, model-versions/search). Fields are optional as MLflow omits empty ones.
 */

export interface MlflowKeyValue {
  key: string;
  value: string;
}

export interface MlflowExperiment {
  experiment_id: string;
  name: string;
  lifecycle_stage?: string;
  tags?: MlflowKeyValue[];
}

export interface MlflowDataset {
  name: string;
  digest: string;
  source_type?: string;
  /** JSON text, e.g. `{"uri": "data/train.csv"}`. */
  source?: string;
  schema?: string;
  profile?: string;
}

export interface MlflowRun {
  info: {
    run_id: string;
    run_uuid?: string;
    experiment_id: string;
    run_name?: string;
    user_id?: string;
    status?: 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
    start_time?: number | string;
    end_time?: number | string;
    artifact_uri?: string;
    lifecycle_stage?: string;
  };
  data?: {
    metrics?: Array<{ key: string; value: number | string; timestamp?: number | string; step?: number | string }>;
    params?: MlflowKeyValue[];
    tags?: MlflowKeyValue[];
  };
  inputs?: {
    dataset_inputs?: Array<{ tags?: MlflowKeyValue[]; dataset: MlflowDataset }>;
  };
}

export interface MlflowRegisteredModel {
  name: string;
  description?: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  aliases?: Array<{ alias: string; version: string }>;
}

export interface MlflowModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: string;
}

/** Everything one pass read from a tracking server. */
export interface MlflowSnapshot {
  /** The tracking server's URL as given, normalised: the default job namespace. */
  trackingUrl: string;
  experiments: MlflowExperiment[];
  runs: MlflowRun[];
  registeredModels: MlflowRegisteredModel[];
  modelVersions: MlflowModelVersion[];
}
