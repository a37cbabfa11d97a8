const BEIJING_OFFSET_MS = 8 * 3600 * 1000;
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Alipay writes times as Beijing time "yyyy-MM-dd HH:mm:ss" (公共参数 timestamp, send_pay_date, gmt_*). */
export function formatBeijing(date: Date, withMillis = false): string {
  const d = new Date(date.getTime() + BEIJING_OFFSET_MS);
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return withMillis ? `${base}.${pad(d.getUTCMilliseconds(), 3)}` : base;
}

/** Parses "yyyy-MM-dd HH:mm:ss" as Beijing time; undefined when the text is not in that form. */
export function parseBeijing(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - BEIJING_OFFSET_MS);
}

/** Compact Beijing date "yyyyMMdd", the prefix of Alipay trade numbers. */
export function beijingDay(date: Date): string {
  return formatBeijing(date).slice(0, 10).replaceAll("-", "");
}
