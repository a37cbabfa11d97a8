-- What the recovery worker's reconcileBills job found for one merchant and Beijing bill day: the
-- result of @paybridge/reconcile's reconcileDay, stored once per merchant and day, so a job run
-- again (another instance, a retry, a restart) never reconciles or reports the day twice.
-- Runs unchanged on PostgreSQL and PGlite; applied inside the target schema by migrate().

CREATE TABLE reconcile_reports (
  merchant_id text NOT NULL,
  -- The Beijing bill day, yyyy-MM-dd, as the providers name it.
  bill_date text NOT NULL CHECK (bill_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  provider text NOT NULL,
  matched integer NOT NULL CHECK (matched >= 0),
  differences integer NOT NULL CHECK (differences >= 0),
  result jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (merchant_id, bill_date)
);
