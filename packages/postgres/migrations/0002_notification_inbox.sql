-- Notifications already handled, shared by every backend instance: NotificationIntake writes a
-- notification's dedupe keys here after its change is durable, and answers a provider's retry or
-- replay of it as a duplicate, whichever instance it reaches. Applied inside the target schema by
-- migrate(); runs unchanged on PostgreSQL and on PGlite.

CREATE TABLE notification_inbox (
  -- id:<provider>:<notification id>, or state:<provider>:<merchant>:<trade|refund>:<no>:<state>.
  dedupe_key text PRIMARY KEY,
  -- When the notification was applied; prune() deletes keys older than a provider still retries.
  received_at timestamptz NOT NULL
);

CREATE INDEX notification_inbox_by_age ON notification_inbox (received_at);
