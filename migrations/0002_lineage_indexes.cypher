// Schema: indexes behind the list filters (namespace, name prefix, environment) and natural-key lookups.
CREATE INDEX dataset_namespace_name IF NOT EXISTS FOR (n:Dataset) ON (n.namespace, n.name);
CREATE INDEX dataset_name IF NOT EXISTS FOR (n:Dataset) ON (n.name);
CREATE INDEX job_namespace_name IF NOT EXISTS FOR (n:Job) ON (n.namespace, n.name);
CREATE INDEX job_name IF NOT EXISTS FOR (n:Job) ON (n.name);
CREATE INDEX model_name IF NOT EXISTS FOR (n:Model) ON (n.name);
CREATE INDEX deployment_environment IF NOT EXISTS FOR (n:Deployment) ON (n.environment);
CREATE INDEX deployment_name IF NOT EXISTS FOR (n:Deployment) ON (n.name);
CREATE INDEX commit_sha IF NOT EXISTS FOR (n:Commit) ON (n.sha);
CREATE INDEX run_run_id IF NOT EXISTS FOR (n:Run) ON (n.runId);
CREATE INDEX deployment_slot IF NOT EXISTS FOR (n:Deployment) ON (n.name, n.environment);
CREATE INDEX deployment_deployed_at IF NOT EXISTS FOR (n:Deployment) ON (n.deployedAt);
CREATE INDEX run_job_id IF NOT EXISTS FOR (n:Run) ON (n.jobId);
CREATE INDEX dataset_version_created_at IF NOT EXISTS FOR (n:DatasetVersion) ON (n.createdAt);
CREATE INDEX model_version_created_at IF NOT EXISTS FOR (n:ModelVersion) ON (n.createdAt);
