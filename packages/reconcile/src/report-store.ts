import { DEFAULT_SCHEMA, quoteSchema, type SqlExecutor } from "@paybridge/postgres";
import type { ReconcileResult } from "./reconcile-result.js";

/** One merchant's reconciled day as stored: the result and when it was stored. */
export interface StoredReconcileReport {
  readonly merchantId: string;
  /** Beijing bill day, yyyy-MM-dd. */
  readonly date: string;
  readonly provider: string;
  readonly matched: number;
  /** How many differences the result lists. */
  readonly differences: number;
  readonly result: ReconcileResult;
  readonly createdAt: Date;
}

/**
 * Where reconciled days are kept, one per merchant and Beijing day: what makes the recovery
 * worker's reconcileBills job idempotent per merchant+day.
 */
export interface ReconcileReportStore {
  get(merchantId: string, date: string): Promise<StoredReconcileReport | undefined>;
  /** Stores the day once: false when it was stored already (another run's), which is kept. */
  save(result: ReconcileResult, at: Date): Promise<boolean>;
  /** A merchant's stored days from `from` to `to` (yyyy-MM-dd, both included), oldest first. */
  list(merchantId: string, from: string, to: string): Promise<StoredReconcileReport[]>;
}

const stored = (result: ReconcileResult, at: Date): StoredReconcileReport => ({
  merchantId: result.merchantId,
  date: result.date,
  provider: result.provider,
  matched: result.matched,
  differences: result.differences.length,
  result,
  createdAt: at,
});

/** Reports in this process (tests, a single-process app on the memory ledgers). */
export class MemoryReconcileReports implements ReconcileReportStore {
  private readonly days = new Map<string, StoredReconcileReport>();

  async get(merchantId: string, date: string): Promise<StoredReconcileReport | undefined> {
    return this.days.get(`${merchantId}\u0000${date}`);
  }

  async save(result: ReconcileResult, at: Date): Promise<boolean> {
    const key = `${result.merchantId}\u0000${result.date}`;
    if (this.days.has(key)) return false;
    this.days.set(key, stored(result, at));
    return true;
  }

  async list(merchantId: string, from: string, to: string): Promise<StoredReconcileReport[]> {
    return [...this.days.values()]
      .filter((r) => r.merchantId === merchantId && r.date >= from && r.date <= to)
      .sort((a, b) => a.date.localeCompare(b.date));
  }
}

interface ReportRow {
  merchant_id: string;
  bill_date: string;
  provider: string;
  matched: number;
  differences: number;
  result: ReconcileResult | string;
  created_at: Date | string;
}

const fromRow = (r: ReportRow): StoredReconcileReport => ({
  merchantId: r.merchant_id,
  date: r.bill_date,
  provider: r.provider,
  matched: Number(r.matched),
  differences: Number(r.differences),
  result: typeof r.result === "string" ? (JSON.parse(r.result) as ReconcileResult) : r.result,
  createdAt: new Date(r.created_at),
});

/**
 * Reports on PostgreSQL or PGlite, shared by every worker instance: table `reconcile_reports`
 * (@paybridge/postgres migration 0006), keyed by merchant and bill day.
 */
export class PostgresReconcileReports implements ReconcileReportStore {
  private readonly table: string;

  constructor(
    private readonly db: SqlExecutor,
    options: { readonly schema?: string } = {},
  ) {
    this.table = `${quoteSchema(options.schema ?? DEFAULT_SCHEMA)}.reconcile_reports`;
  }

  async get(merchantId: string, date: string): Promise<StoredReconcileReport | undefined> {
    const { rows } = await this.db.query<ReportRow>(
      `SELECT * FROM ${this.table} WHERE merchant_id = $1 AND bill_date = $2`,
      [merchantId, date],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async save(result: ReconcileResult, at: Date): Promise<boolean> {
    const { rows } = await this.db.query(
      `INSERT INTO ${this.table} (merchant_id, bill_date, provider, matched, differences, result, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (merchant_id, bill_date) DO NOTHING RETURNING 1`,
      [
        result.merchantId,
        result.date,
        result.provider,
        result.matched,
        result.differences.length,
        JSON.stringify(result),
        at,
      ],
    );
    return rows.length > 0;
  }

  async list(merchantId: string, from: string, to: string): Promise<StoredReconcileReport[]> {
    const { rows } = await this.db.query<ReportRow>(
      `SELECT * FROM ${this.table} WHERE merchant_id = $1 AND bill_date BETWEEN $2 AND $3 ORDER BY bill_date`,
      [merchantId, from, to],
    );
    return rows.map(fromRow);
  }
}
