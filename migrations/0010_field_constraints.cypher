// Schema: fields (columns) of dataset and model versions have global ids like every lineage entity (ids.field:
// owner id + field name); the constraint gives the index every MERGE of a field and every column walk seeks through.
CREATE CONSTRAINT field_id IF NOT EXISTS FOR (n:Field) REQUIRE n.id IS UNIQUE;
