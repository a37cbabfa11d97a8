-- The transactional outbox: one row per state change of a payment or refund, written in the same
-- transaction as the change, delivered at least once by EventDispatcher. event_id is stable
-- (type:subject), so the same change reported twice is one row. Runs unchanged on PostgreSQL
-- and PGlite; applied inside the target schema by migrate().

CREATE TABLE outbox_events (
  -- Write order; events of one order (stream) are delivered in this order.
  seq bigserial PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  stream text NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  delivered_at timestamptz,
  -- A dispatcher holds the event until then; after a crash another one takes it.
  lease_until timestamptz,
  next_attempt_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_error text
);

CREATE INDEX outbox_undelivered ON outbox_events (stream, seq) WHERE delivered_at IS NULL;
CREATE INDEX outbox_delivered_by_age ON outbox_events (delivered_at) WHERE delivered_at IS NOT NULL;
