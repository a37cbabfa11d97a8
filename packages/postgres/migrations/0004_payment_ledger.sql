-- The payment ledger: every payment created through the gateway, recorded before the provider is
-- called, then moved forward by notifications, queries and closes. Amounts are integer fen
-- (bigint); states use PayBridge's trade numbering 0-4. Runs unchanged on PostgreSQL and PGlite;
-- applied inside the target schema by migrate().

CREATE TABLE payments (
  out_trade_no text PRIMARY KEY,
  provider text NOT NULL,
  merchant_id text NOT NULL,
  method text,
  currency text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  expires_at timestamptz,
  state smallint NOT NULL CHECK (state BETWEEN 0 AND 4),
  -- The provider's last raw status (NOTPAY, SUCCESS, TRADE_CLOSED, ...); null until it reported one.
  raw_status text,
  provider_trade_no text,
  paid_fen bigint CHECK (paid_fen >= 0 AND paid_fen <= amount_fen),
  paid_at timestamptz,
  -- Set when the provider reported the payment paid after PayBridge had closed the order.
  paid_after_close_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Reconciliation reads a merchant's payments over a time range.
CREATE INDEX payments_by_merchant ON payments (merchant_id, created_at);
-- The recovery worker walks unpaid payments by age and by expiry.
CREATE INDEX payments_unpaid_by_age ON payments (created_at) WHERE state = 0;
CREATE INDEX payments_unpaid_by_expiry ON payments (expires_at) WHERE state = 0;
