// Schema: a column of a dataset across all its versions (columnImpact starts from every version's `email`), by
// dataset and field name, then creation time for `asOf`.
CREATE INDEX field_dataset_name_created_at IF NOT EXISTS FOR (n:Field) ON (n.datasetId, n.name, n.createdAt);
