-- The refund ledger: paid orders and their refunds. Amounts are integer fen (bigint), never
-- numeric or float. States use PayBridge's numbering (trade 0-4, refund 0-6; docs/states.md).
-- Runs unchanged on PostgreSQL and on PGlite; applied inside the target schema by migrate().

CREATE TABLE refund_orders (
  out_trade_no text PRIMARY KEY,
  provider text NOT NULL,
  merchant_id text NOT NULL,
  currency text NOT NULL,
  total_fen bigint NOT NULL CHECK (total_fen > 0),
  paid_fen bigint NOT NULL CHECK (paid_fen >= 0 AND paid_fen <= total_fen),
  paid_at timestamptz NOT NULL,
  trade_state smallint NOT NULL CHECK (trade_state BETWEEN 0 AND 4),
  provider_trade_no text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE refunds (
  -- The merchant's refund number: one row per number, so one number can never be two refunds.
  out_refund_no text PRIMARY KEY,
  out_trade_no text NOT NULL REFERENCES refund_orders (out_trade_no),
  provider text NOT NULL,
  merchant_id text NOT NULL,
  currency text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  state smallint NOT NULL CHECK (state BETWEEN 0 AND 6),
  raw_status text,
  provider_refund_id text,
  reason text,
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  submitted_at timestamptz,
  success_at timestamptz,
  last_error text
);

CREATE INDEX refunds_by_order ON refunds (out_trade_no, created_at);
-- What resumePending() walks after a crash: refunds approved, not accepted yet, or in flight.
CREATE INDEX refunds_unfinished ON refunds (created_at) WHERE state IN (1, 2, 3);
