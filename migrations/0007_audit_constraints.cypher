// Schema: the audit trail. One AuditRecord per write, numbered by seq; one AuditHead holding the chain's end.
CREATE CONSTRAINT audit_record_seq IF NOT EXISTS FOR (a:AuditRecord) REQUIRE a.seq IS UNIQUE;
CREATE CONSTRAINT audit_head_name IF NOT EXISTS FOR (h:AuditHead) REQUIRE h.name IS UNIQUE;
CREATE INDEX audit_record_actor IF NOT EXISTS FOR (a:AuditRecord) ON (a.actor);
CREATE INDEX audit_record_at IF NOT EXISTS FOR (a:AuditRecord) ON (a.at);
CREATE INDEX audit_record_request_id IF NOT EXISTS FOR (a:AuditRecord) ON (a.requestId);
