// Schema: data quality (src/lineage/quality/). A QualityReport is what one run (or dataset event) reported about
// one dataset version in one quality facet; a QualityFlag is a person's verdict on a version. Both are found from
// their version through ON / FLAGS; reports by run and read key when the recorder chooses a read again.
CREATE CONSTRAINT quality_report_id IF NOT EXISTS FOR (n:QualityReport) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT quality_flag_id IF NOT EXISTS FOR (n:QualityFlag) REQUIRE n.id IS UNIQUE;
CREATE INDEX quality_report_run_read IF NOT EXISTS FOR (n:QualityReport) ON (n.runId, n.readKey);
