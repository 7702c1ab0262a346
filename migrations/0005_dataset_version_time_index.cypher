// Schema: the versions of one dataset by creation time, so that "the version current at an instant" (what a run
// read when it did not name a version) is an index seek on (datasetId, createdAt), not a scan of every version.
CREATE INDEX dataset_version_dataset_created_at IF NOT EXISTS FOR (n:DatasetVersion) ON (n.datasetId, n.createdAt);
