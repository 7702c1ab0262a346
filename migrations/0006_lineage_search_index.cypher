// Schema: the full-text index behind `search`: names of datasets, jobs, models and deployment slots, dataset and job
// namespaces, deployment environments, and commit SHAs, repositories and messages. The standard analyzer without
// stop words lowercases, keeps digits (SHAs, versions) and splits names at / - : and spaces.
CREATE FULLTEXT INDEX lineage_search IF NOT EXISTS
FOR (n:Dataset|Job|Model|Deployment|Commit) ON EACH [n.name, n.namespace, n.environment, n.sha, n.repository, n.message]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}};
