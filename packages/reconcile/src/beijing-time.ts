import { BillFormatError } from "./bill-format-error.js";

const STAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** "yyyy-MM-dd HH:mm:ss" in Beijing time (UTC+8, no daylight saving), as both providers print bill times. */
export function parseBeijingTime(text: string, bill: string, line: number, column: string): Date {
  const m = STAMP.exec(text);
  if (m === null)
    throw new BillFormatError(
      bill,
      line,
      `${column} must be "yyyy-MM-dd HH:mm:ss", got ${JSON.stringify(text)}`,
    );
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`);
  if (Number.isNaN(d.getTime()))
    throw new BillFormatError(bill, line, `${column} is not a real time: ${text}`);
  return d;
}

/** The Beijing calendar day [from, to) of a bill date "yyyy-MM-dd". */
export function beijingDay(date: string): { from: Date; to: Date } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
    throw new RangeError(`date must be yyyy-MM-dd, got ${JSON.stringify(date)}`);
  const from = new Date(`${date}T00:00:00+08:00`);
  if (Number.isNaN(from.getTime())) throw new RangeError(`date is not a real day: ${date}`);
  return { from, to: new Date(from.getTime() + 86_400_000) };
}
