/**
 * RFC 3339 in Beijing time ("2015-05-20T13:29:35+08:00"), the format of every WeChat v3 time field
 * (https://pay.weixin.qq.com/doc/v3/merchant/4012556457, success_time / create_time).
 */
export function formatBeijingTime(date: Date): string {
  const shifted = new Date(date.getTime() + 8 * 3600_000);
  return `${shifted.toISOString().slice(0, 19)}+08:00`;
}

/** WeChat v2 / CloudPay time fields: yyyyMMddHHmmss in Beijing time. */
export function formatBeijingCompact(date: Date): string {
  return formatBeijingTime(date).slice(0, 19).replace(/[-T:]/g, "");
}

/**
 * Parses WeChat v2 / CloudPay yyyyMMddHHmmss (Beijing time), e.g. unifiedOrder timeExpire; the
 * caller has checked the text is 14 digits.
 */
export function parseBeijingCompact(text: string): Date {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((i, k) =>
    Number(text.slice(i, i + (k === 0 ? 4 : 2))),
  );
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0) - 8 * 3600_000);
}
