import { UnknownStatusError } from "@paybridge/core";

/**
 * WeChat v2 / CloudPay times carry no zone and are Beijing time (UTC+8, no daylight saving):
 * refund_success_time "2016-07-25 15:26:26"
 * (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryRefund.html) and time_end "20141030133525"
 * (https://pay.weixin.qq.com/doc/v2/merchant/4011935215). Reading them as local time would shift
 * them by the server's offset, so they are converted explicitly.
 */
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

const DASHED = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/** Parses "yyyy-MM-dd HH:mm:ss" or "yyyyMMddHHmmss" (Beijing time) into a Date; throws naming `field`. */
export function parseBeijingTime(text: string, field = "time"): Date {
  const m = DASHED.exec(text) ?? COMPACT.exec(text);
  if (!m) throw new UnknownStatusError(field, text);
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s) - BEIJING_OFFSET_MS;
  const date = new Date(utc);
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
    throw new UnknownStatusError(field, text);
  }
  return date;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** Formats a Date as Beijing time, "yyyy-MM-dd HH:mm:ss" (dashed) or "yyyyMMddHHmmss" (compact). */
export function formatBeijingTime(date: Date, style: "dashed" | "compact" = "dashed"): string {
  const b = new Date(date.getTime() + BEIJING_OFFSET_MS);
  const parts = [
    pad(b.getUTCFullYear(), 4),
    pad(b.getUTCMonth() + 1),
    pad(b.getUTCDate()),
    pad(b.getUTCHours()),
    pad(b.getUTCMinutes()),
    pad(b.getUTCSeconds()),
  ];
  return style === "compact"
    ? parts.join("")
    : `${parts[0]}-${parts[1]}-${parts[2]} ${parts[3]}:${parts[4]}:${parts[5]}`;
}
