// Schema: webhooks and the outbox of their notices (src/webhooks/). Deliveries are found by the worker by state and
// due time (or lease end), and listed newest first for the delivery log.
CREATE CONSTRAINT webhook_id IF NOT EXISTS FOR (n:Webhook) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT webhook_delivery_id IF NOT EXISTS FOR (n:WebhookDelivery) REQUIRE n.id IS UNIQUE;
CREATE INDEX webhook_delivery_due IF NOT EXISTS FOR (n:WebhookDelivery) ON (n.state, n.nextAttemptAt);
CREATE INDEX webhook_delivery_lease IF NOT EXISTS FOR (n:WebhookDelivery) ON (n.state, n.leaseUntil);
CREATE INDEX webhook_delivery_created IF NOT EXISTS FOR (n:WebhookDelivery) ON (n.createdAt);
