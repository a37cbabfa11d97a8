import type { SandboxClock } from "../../shared/clock.js";
import { parseYuan } from "../../shared/yuan.js";
import type { AlipayBillDesk } from "../bills/bill-desk.js";
import { parseBeijing } from "../clock.js";
import { fail, type GatewayResponse } from "../errors.js";
import type { AlipayBuyerDesk } from "../in-person.js";
import type { AlipayKeyRing } from "../key-ring.js";
import type { AlipayLedger } from "../ledger.js";

/** What a method handler sees: the verified public parameters and the parsed biz_content. */
export interface MethodContext {
  readonly ledger: AlipayLedger;
  readonly clock: SandboxClock;
  /** http://127.0.0.1:PORT of the sandbox, for cashier links. */
  readonly origin: string;
  readonly params: Readonly<Record<string, string>>;
  readonly biz: Readonly<Record<string, unknown>>;
  /** Older products' refund query: data without refund_status (see refund-query.ts). */
  readonly refundQueryOmitsStatus: boolean;
  /** A refund's query answers "not received" this long after the refund (see refund-query.ts). */
  readonly refundQuerySettleMs: number;
  /** Alipay's certificates over the run (certificate download). */
  readonly keyRing: AlipayKeyRing;
  /** Daily bills generated from the book (bill download URL query). */
  readonly bills: AlipayBillDesk;
  /** What the buyer showing each auth code does (alipay.trade.pay, see in-person.ts). */
  readonly buyers: AlipayBuyerDesk;
}

export type MethodHandler = (ctx: MethodContext) => GatewayResponse;

export function optionalString(
  biz: Readonly<Record<string, unknown>>,
  key: string,
  max: number,
): string | undefined {
  const value = biz[key];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") fail("ACQ.INVALID_PARAMETER", `${key} 必须是字符串`);
  if (value.length > max) fail("ACQ.INVALID_PARAMETER", `${key} 长度超过 ${max}`);
  return value;
}

export function requiredString(biz: Readonly<Record<string, unknown>>, key: string, max: number): string {
  const value = optionalString(biz, key, max);
  if (value === undefined) fail("ACQ.INVALID_PARAMETER", `缺少必选参数 ${key}`);
  return value;
}

/** out_trade_no: at most 64 characters of letters, digits and underscores (各接口请求参数说明). */
export function outTradeNo(biz: Readonly<Record<string, unknown>>, required: boolean): string | undefined {
  const value = required ? requiredString(biz, "out_trade_no", 64) : optionalString(biz, "out_trade_no", 64);
  if (value !== undefined && !/^[0-9A-Za-z_\-|*]+$/.test(value)) {
    fail("ACQ.INVALID_PARAMETER", "out_trade_no 只能包含字母、数字、下划线");
  }
  return value;
}

/** A yuan amount: "单位为元，精确到小数点后两位，取值范围：[0.01,100000000]". */
export function amountFen(biz: Readonly<Record<string, unknown>>, key: string): number {
  const raw = biz[key];
  const text = typeof raw === "number" ? String(raw) : raw;
  if (typeof text !== "string" || text === "") fail("ACQ.INVALID_PARAMETER", `缺少必选参数 ${key}`);
  const fen = parseYuan(text);
  if (fen === undefined)
    return fail("ACQ.INVALID_PARAMETER", `${key} 格式错误, 单位为元, 最多两位小数: ${text}`);
  if (fen < 1) fail("ACQ.INVALID_PARAMETER", `${key} 必须不小于 0.01`);
  if (fen > 10_000_000_000) fail("ACQ.TOTAL_FEE_EXCEED", `${key} 超过 100000000`);
  return fen;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const UNIT_MS: Record<string, number> = { m: 60_000, h: HOUR_MS, d: DAY_MS };
const DEFAULT_EXPIRY_MS = 15 * DAY_MS;

/**
 * The last moment the buyer may pay: time_expire ("yyyy-MM-dd HH:mm:ss", Beijing) or
 * timeout_express ("90m", "2h", "1d", "1c" = end of today), 15 days when neither is given.
 */
export function expiresAt(biz: Readonly<Record<string, unknown>>, now: Date): Date {
  const timeExpire = optionalString(biz, "time_expire", 32);
  if (timeExpire !== undefined) {
    const at = parseBeijing(timeExpire);
    if (!at) fail("ACQ.INVALID_PARAMETER", "time_expire 格式为 yyyy-MM-dd HH:mm:ss");
    return at;
  }
  const express = optionalString(biz, "timeout_express", 8);
  if (express === undefined) return new Date(now.getTime() + DEFAULT_EXPIRY_MS);
  if (express === "1c") {
    const endOfBeijingDay = Math.ceil((now.getTime() + 8 * HOUR_MS) / DAY_MS) * DAY_MS - 8 * HOUR_MS;
    return new Date(endOfBeijingDay);
  }
  const m = /^(\d+)([mhd])$/.exec(express);
  const unit = m ? UNIT_MS[m[2] ?? ""] : undefined;
  if (!m || unit === undefined) fail("ACQ.INVALID_PARAMETER", `timeout_express 格式错误: ${express}`);
  return new Date(now.getTime() + Number(m[1]) * unit);
}

/** The trade reference every query-like API takes: trade_no wins over out_trade_no. */
export function tradeRef(biz: Readonly<Record<string, unknown>>): { tradeNo?: string; outTradeNo?: string } {
  const tradeNo = optionalString(biz, "trade_no", 64);
  const out = outTradeNo(biz, false);
  if (!tradeNo && !out) fail("ACQ.INVALID_PARAMETER", "out_trade_no 和 trade_no 不能同时为空");
  return { ...(tradeNo ? { tradeNo } : {}), ...(out ? { outTradeNo: out } : {}) };
}
