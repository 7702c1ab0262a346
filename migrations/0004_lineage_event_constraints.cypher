// Schema: raw OpenLineage events as received, each stored once: its id is the SHA-256 of the canonical event,
// so a redelivered event is found, not stored again. The indexes serve the audit and replay queries (a run's
// events, events in a time window, what arrived when).
CREATE CONSTRAINT lineage_event_id IF NOT EXISTS FOR (n:LineageEvent) REQUIRE n.id IS UNIQUE;
CREATE INDEX lineage_event_run_id IF NOT EXISTS FOR (n:LineageEvent) ON (n.runId);
CREATE INDEX lineage_event_event_time IF NOT EXISTS FOR (n:LineageEvent) ON (n.eventTime);
CREATE INDEX lineage_event_received_at IF NOT EXISTS FOR (n:LineageEvent) ON (n.receivedAt);
