/**
 * Every Beijing-time (UTC+8) format the simulators write or read, one function per format. The
 * sandbox keeps its own module on purpose: it never imports the client code it tests.
 */
const BEIJING_OFFSET_MS = 8 * 3600_000;
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * RFC 3339 in Beijing time ("2015-05-20T13:29:35+08:00"), the format of every WeChat v3 time field
 * (https://pay.weixin.qq.com/doc/v3/merchant/4012556457, success_time / create_time).
 */
export function formatBeijingRfc3339(date: Date): string {
  const shifted = new Date(date.getTime() + BEIJING_OFFSET_MS);
  return `${shifted.toISOString().slice(0, 19)}+08:00`;
}

/** WeChat v2 / CloudPay time fields: yyyyMMddHHmmss in Beijing time. */
export function formatBeijingCompact(date: Date): string {
  return formatBeijingRfc3339(date).slice(0, 19).replace(/[-T:]/g, "");
}

/**
 * Parses WeChat v2 / CloudPay yyyyMMddHHmmss (Beijing time), e.g. unifiedOrder timeExpire; the
 * caller has checked the text is 14 digits.
 */
export function parseBeijingCompact(text: string): Date {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((i, k) =>
    Number(text.slice(i, i + (k === 0 ? 4 : 2))),
  );
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0) - BEIJING_OFFSET_MS);
}

/**
 * "yyyy-MM-dd HH:mm:ss" (optionally ".SSS"): CloudPay refund_success_time_$n ("2016-07-25 15:26:26"),
 * the bills' time columns, and Alipay's timestamp / send_pay_date / gmt_* fields.
 */
export function formatBeijingDashed(date: Date, withMillis = false): string {
  const base = formatBeijingRfc3339(date).slice(0, 19).replace("T", " ");
  return withMillis
    ? `${base}.${pad(new Date(date.getTime() + BEIJING_OFFSET_MS).getUTCMilliseconds(), 3)}`
    : base;
}

/** "yyyy-MM-dd", the Beijing calendar day (bill dates). */
export function formatBeijingDate(date: Date): string {
  return formatBeijingRfc3339(date).slice(0, 10);
}

/** Parses "yyyy-MM-dd HH:mm:ss" as Beijing time; undefined when the text is not in that form. */
export function parseBeijingDashed(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - BEIJING_OFFSET_MS);
}
