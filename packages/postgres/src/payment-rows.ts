import {
  type Currency,
  isTradeState,
  type LedgerPayment,
  PAYMENT_METHODS,
  type PaymentMethod,
  UnknownStatusError,
} from "@paybridge/core/ledger-kit";

type Row = Record<string, unknown>;

/** bigint columns arrive as strings from `pg` and as numbers or bigints from PGlite. */
function fen(value: unknown, field: string): number {
  const n = typeof value === "bigint" || typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) throw new UnknownStatusError(field, value);
  return n;
}

function optionalFen(value: unknown, field: string): number | undefined {
  return value === null || value === undefined ? undefined : fen(value, field);
}

function date(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

function optionalDate(value: unknown): Date | undefined {
  return value === null || value === undefined ? undefined : date(value);
}

function optionalText(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

function method(value: unknown): PaymentMethod | undefined {
  if (value === null || value === undefined) return undefined;
  if (!(PAYMENT_METHODS as readonly unknown[]).includes(value)) throw new UnknownStatusError("method", value);
  return value as PaymentMethod;
}

/** A `payments` row (migration 0004) as the core's LedgerPayment. */
export function toPayment(row: Row): LedgerPayment {
  const state = Number(row.state);
  if (!isTradeState(state)) throw new UnknownStatusError("payment state", row.state);
  return {
    outTradeNo: String(row.out_trade_no),
    provider: String(row.provider),
    merchantId: String(row.merchant_id),
    method: method(row.method),
    currency: String(row.currency) as Currency,
    amountFen: fen(row.amount_fen, "amount_fen"),
    expiresAt: optionalDate(row.expires_at),
    state,
    rawStatus: optionalText(row.raw_status),
    providerTradeNo: optionalText(row.provider_trade_no),
    paidFen: optionalFen(row.paid_fen, "paid_fen"),
    paidAt: optionalDate(row.paid_at),
    paidAfterCloseAt: optionalDate(row.paid_after_close_at),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}
