import { formatBeijingDashed } from "../shared/time-format.js";

// Alipay's "yyyy-MM-dd HH:mm:ss" (公共参数 timestamp, send_pay_date, gmt_*) lives with every other
// sandbox time format in shared/time-format.ts; these names stay for the Alipay methods.
export {
  formatBeijingDashed as formatBeijing,
  parseBeijingDashed as parseBeijing,
} from "../shared/time-format.js";

/** Compact Beijing date "yyyyMMdd", the prefix of Alipay trade numbers. */
export function beijingDay(date: Date): string {
  return formatBeijingDashed(date).slice(0, 10).replaceAll("-", "");
}
