import { UnknownStatusError } from "../errors/errors.js";

/**
 * Beijing time (UTC+8, no daylight saving), the zone of every WeChat Pay and Alipay time field.
 * One function per wire format, named by it:
 * - RFC 3339 "2018-06-08T10:34:56+08:00": WeChat APIv3 (https://pay.weixin.qq.com/doc/v3/merchant/4012556457)
 * - compact "yyyyMMddHHmmss": WeChat v2 / CloudPay time_end, time_expire (https://pay.weixin.qq.com/doc/v2/merchant/4011935215)
 * - dashed "yyyy-MM-dd HH:mm:ss": CloudPay refund_success_time and Alipay gmt_* / send_pay_date
 *   (https://opendocs.alipay.com/open/02ekfh), which Alipay sometimes sends with ".SSS".
 * Reading them as local time would shift them by the server's offset, so they are converted explicitly.
 * A parse failure is an UnknownStatusError naming the field and the text, for every provider alike.
 */
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

function beijingParts(date: Date): [string, string, string, string, string, string] {
  const b = new Date(date.getTime() + BEIJING_OFFSET_MS);
  return [
    pad(b.getUTCFullYear(), 4),
    pad(b.getUTCMonth() + 1),
    pad(b.getUTCDate()),
    pad(b.getUTCHours()),
    pad(b.getUTCMinutes()),
    pad(b.getUTCSeconds()),
  ];
}

/** "2018-06-08T10:34:56+08:00". */
export function formatBeijingRfc3339(date: Date): string {
  const [y, mo, d, h, mi, s] = beijingParts(date);
  return `${y}-${mo}-${d}T${h}:${mi}:${s}+08:00`;
}

/** "20180608103456". */
export function formatBeijingCompact(date: Date): string {
  return beijingParts(date).join("");
}

/** "2018-06-08 10:34:56". */
export function formatBeijingDashed(date: Date): string {
  const [y, mo, d, h, mi, s] = beijingParts(date);
  return `${y}-${mo}-${d} ${h}:${mi}:${s}`;
}

export interface BeijingTimeField {
  /** The wire field, named in the error (e.g. "time_end", "refund_success_time_0"). */
  readonly field: string;
  /** PaymentError.provider of the error. */
  readonly provider?: string;
}

function fromParts(text: string, m: RegExpExecArray | null, where: BeijingTimeField): Date {
  const fail = () => new UnknownStatusError(where.field, text, { provider: where.provider });
  if (!m) throw fail();
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] ? Number(m[7].padEnd(3, "0")) : 0;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms) - BEIJING_OFFSET_MS;
  // Date.UTC rolls 2016-02-30 over to March; a rolled-over date was not a real time.
  const back = new Date(utc + BEIJING_OFFSET_MS);
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    back.getUTCHours() !== h ||
    back.getUTCMinutes() !== mi ||
    back.getUTCSeconds() !== s
  ) {
    throw fail();
  }
  return new Date(utc);
}

/** Parses "yyyyMMddHHmmss" as Beijing time; throws UnknownStatusError naming the field. */
export function parseBeijingCompact(text: string, where: BeijingTimeField): Date {
  return fromParts(text, /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text), where);
}

/** Parses "yyyy-MM-dd HH:mm:ss" (optionally ".SSS") as Beijing time; throws UnknownStatusError naming the field. */
export function parseBeijingDashed(text: string, where: BeijingTimeField): Date {
  return fromParts(
    text,
    /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(text),
    where,
  );
}

/**
 * The Beijing calendar day [from, to) of a date "yyyy-MM-dd", as bills name their day
 * (WeChat bill_date, https://pay.weixin.qq.com/doc/v3/merchant/4012556654; Alipay bill_date,
 * https://opendocs.alipay.com/apis/api_15/alipay.data.dataservice.bill.downloadurl.query). Throws a RangeError for anything but a real day.
 */
export function beijingDayRange(date: string): { from: Date; to: Date } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`date must be yyyy-MM-dd, got ${JSON.stringify(date)}`);
  const [y, mo, d] = m.slice(1, 4).map(Number) as [number, number, number];
  const utc = Date.UTC(y, mo - 1, d) - BEIJING_OFFSET_MS;
  const back = new Date(utc + BEIJING_OFFSET_MS);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    throw new RangeError(`date is not a real day: ${date}`);
  return { from: new Date(utc), to: new Date(utc + 86_400_000) };
}

/** True for a real day "yyyy-MM-dd" (2026-02-30 is not one). */
export function isBeijingDay(date: string): boolean {
  try {
    beijingDayRange(date);
    return true;
  } catch {
    return false;
  }
}
