-- The refund invariant's marker (docs/refunds.md "The invariant"): a refund left open because its
-- outcome at the provider is unknown, and the backoff resumePending() keeps before asking again.
ALTER TABLE refunds ADD COLUMN outcome_unknown boolean NOT NULL DEFAULT false;
ALTER TABLE refunds ADD COLUMN recovery_failures integer NOT NULL DEFAULT 0 CHECK (recovery_failures >= 0);
ALTER TABLE refunds ADD COLUMN retry_at timestamptz;
-- What a merchant alerts on: open refunds whose outcome is unknown.
CREATE INDEX refunds_outcome_unknown ON refunds (created_at) WHERE outcome_unknown;
