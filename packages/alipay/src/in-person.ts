import { type InPersonSchedule, ValidationError } from "@paybridge/core/provider-kit";

/**
 * The password-wait loop of 当面付 条码支付 (https://opendocs.alipay.com/open/194/106039, and
 * alipay.trade.pay https://opendocs.alipay.com/open/02ekfp): a 10003 answer (等待用户付款) means
 * query with alipay.trade.query until the trade is paid or closed; query every 5 s for 30 s, then,
 * still unpaid, cancel with alipay.trade.cancel (https://opendocs.alipay.com/open/02ekfi), which
 * closes an unpaid trade and refunds a paid one. Alipay sets no delay before the cancel. A cancel
 * answered retry_flag Y or with a system error is called again: three attempts, 5 s apart, after
 * which the recovery worker cancels the recorded payment. retry_flag is 必选 in the cancel answer
 * ("是否需要重试", alipay.trade.cancel, https://opendocs.alipay.com/open/02ekfi). Not confirmed: the
 * 5 s / 30 s figures; the current 轮询 guidance read in copies of the 当面付 pages says "轮询间隔设为
 * 3~6 秒,轮询总时长 60 秒左右" and a cancel "紧接着最后一次查询" — 5 s fits, 30 s is the shorter wait.
 */
export const ALIPAY_IN_PERSON_SCHEDULE: InPersonSchedule = {
  queryIntervalMs: 5_000,
  queryLimitMs: 30_000,
  reverseNotBeforeMs: 0,
  reverseAttempts: 3,
  reverseRetryMs: 5_000,
};

/** 付款码: "25~30开头的长度为16~24位的数字" (auth_code, https://opendocs.alipay.com/open/02ekfp). */
export const ALIPAY_AUTH_CODE = /^(2[5-9]|30)\d{14,22}$/;

/** What a barcode payment needs besides the core schema: an Alipay 付款码. */
export function alipayBarcodeRule(
  order: { method: string; authCode?: string | undefined },
  root: string,
): void {
  if (order.method !== "barcode") return;
  if (order.authCode !== undefined && !ALIPAY_AUTH_CODE.test(order.authCode)) {
    throw new ValidationError(
      `${root}.authCode`,
      `${root}.authCode: must be an Alipay 付款码, 16-24 digits starting 25-30`,
    );
  }
}
