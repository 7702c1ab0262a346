// Schema: raw OpenLineage events as received, each stored once: its id is the SHA-256 of the canonical event,
// so a redelivered event is found, not stored again. A run's, job's or dataset's events are reached through
// ABOUT; the one index serves replay and audit by time window. (Every index is written on every event received.)
CREATE CONSTRAINT lineage_event_id IF NOT EXISTS FOR (n:LineageEvent) REQUIRE n.id IS UNIQUE;
CREATE INDEX lineage_event_event_time IF NOT EXISTS FOR (n:LineageEvent) ON (n.eventTime);
