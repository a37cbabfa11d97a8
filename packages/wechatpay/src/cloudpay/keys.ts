/**
 * CloudPay's doc pages name answer fields in v2 snake_case (result_code, refund_status_0) next to
 * camelCase returnCode / returnMsg, while answers from the live service have been reported in
 * camelCase (tradeState, resultCode, outTradeNo: see the community report on
 * https://developers.weixin.qq.com/community/minigame/doc/0006244d5e8e48cb3e9b9fb5c5b800 and
 * the callback example on
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloudservice/wxcloudrun/src/development/pay/callback/index.html).
 * PayBridge reads both by bringing every key to snake_case before validation.
 */

/** "returnCode" -> "return_code", "refundStatus_0" / "refundStatus0" -> "refund_status_0". */
export function toSnakeKey(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Za-z])(\d)/g, "$1_$2")
    .replace(/__+/g, "_")
    .toLowerCase();
}

/**
 * A copy of `value` with snake_case keys (one level; nested objects such as `payment` are kept as
 * they are, because their camelCase keys are the wx.requestPayment contract). When both spellings
 * of one key are present and disagree, the answer is ambiguous and is rejected by the caller.
 */
export function snakeKeys(value: Readonly<Record<string, unknown>>): {
  readonly data: Record<string, unknown>;
  readonly conflicts: readonly string[];
} {
  const data: Record<string, unknown> = {};
  const conflicts: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const snake = toSnakeKey(key);
    if (snake in data && data[snake] !== v) conflicts.push(snake);
    data[snake] = v;
  }
  return { data, conflicts };
}
