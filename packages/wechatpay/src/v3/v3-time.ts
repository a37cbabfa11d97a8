/**
 * Epoch milliseconds of an APIv3 time (RFC 3339 with its offset, "2018-06-08T10:34:56+08:00":
 * success_time in https://pay.weixin.qq.com/doc/v3/merchant/4012791861), NaN when Date.parse cannot
 * read it. A notification's resource is first checked (notification-shape.ts: the time must be
 * readable) and then mapped (transformers.ts: the time becomes a Date), so the last text read is
 * remembered and the mapping does not parse the same success_time a second time. Date.parse is
 * pure: the remembered value is the one a fresh parse would give.
 */
let lastText: string | undefined;
let lastMs = Number.NaN;

export function v3TimeMs(text: string): number {
  if (text !== lastText) {
    lastMs = Date.parse(text);
    lastText = text;
  }
  return lastMs;
}
