import { ValidationError } from "../errors/errors.js";

/** ISO 4217 codes PayBridge settles in. WeChat Pay and Alipay domestic APIs take CNY only. */
export const CURRENCIES = ["CNY"] as const;
export type Currency = (typeof CURRENCIES)[number];

/**
 * An amount of money: integer minor units (fen for CNY) plus a currency. Never a float: 0.1 + 0.2
 * is not 0.3 in binary floating point, and a refund sum that is off by one fen is a lost fen.
 */
export interface Money {
  readonly fen: number;
  readonly currency: Currency;
}

export function isCurrency(value: unknown): value is Currency {
  return typeof value === "string" && (CURRENCIES as readonly string[]).includes(value);
}

/** Throws a ValidationError naming `field` unless `fen` is a non-negative safe integer. */
export function assertFen(fen: unknown, field = "fen"): asserts fen is number {
  if (typeof fen !== "number" || !Number.isInteger(fen)) {
    throw new ValidationError(field, `${field} must be an integer number of fen, got ${String(fen)}`);
  }
  if (fen < 0) throw new ValidationError(field, `${field} must not be negative, got ${fen}`);
  if (!Number.isSafeInteger(fen)) {
    throw new ValidationError(field, `${field} must be at most Number.MAX_SAFE_INTEGER, got ${fen}`);
  }
}

export function money(fen: number, currency: Currency = "CNY", field = "amount"): Money {
  assertFen(fen, `${field}.fen`);
  if (!isCurrency(currency)) {
    throw new ValidationError(
      `${field}.currency`,
      `${field}.currency must be one of ${CURRENCIES.join(", ")}`,
    );
  }
  return Object.freeze({ fen, currency });
}

export const cny = (fen: number): Money => money(fen, "CNY");

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new ValidationError("currency", `cannot combine ${a.currency} with ${b.currency}`);
  }
}

export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.fen + b.fen, a.currency);
}

export function subtractMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  if (b.fen > a.fen) {
    throw new ValidationError("amount", `amount: cannot subtract ${b.fen} fen from ${a.fen} fen`);
  }
  return money(a.fen - b.fen, a.currency);
}

export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  assertSameCurrency(a, b);
  return a.fen === b.fen ? 0 : a.fen < b.fen ? -1 : 1;
}

export function sumMoney(items: readonly Money[], currency: Currency = "CNY"): Money {
  return items.reduce((acc, m) => addMoney(acc, m), money(0, currency));
}

export function formatMoney(m: Money): string {
  return `${fenToYuan(m.fen)} ${m.currency}`;
}

// Digits, an optional fraction of one or two digits. No sign, exponent, spaces or leading '+'.
const YUAN_PATTERN = /^(0|[1-9]\d*)(\.\d{1,2})?$/;

/**
 * Exact yuan string -> fen, by string arithmetic (Alipay amounts are yuan strings like "0.01").
 * Rejects more than two decimals instead of rounding: a rounded refund amount is a wrong refund.
 */
export function yuanToFen(yuan: string, field = "amount"): number {
  if (typeof yuan !== "string" || !YUAN_PATTERN.test(yuan)) {
    throw new ValidationError(
      field,
      `${field} must be a yuan amount with at most two decimals such as "0.01", got ${JSON.stringify(yuan)}`,
    );
  }
  const [whole = "0", fraction = ""] = yuan.split(".");
  const fenText = `${whole}${fraction.padEnd(2, "0")}`;
  const fen = Number(fenText);
  if (!Number.isSafeInteger(fen)) {
    throw new ValidationError(field, `${field} ${yuan} is past Number.MAX_SAFE_INTEGER fen`);
  }
  return fen;
}

/** Exact fen -> yuan string with two decimals ("1" -> "0.01"), as Alipay's total_amount expects. */
export function fenToYuan(fen: number, field = "amount"): string {
  assertFen(fen, field);
  const text = String(fen).padStart(3, "0");
  return `${text.slice(0, -2)}.${text.slice(-2)}`;
}
