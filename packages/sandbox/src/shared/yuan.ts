/**
 * Yuan text <-> integer fen, the sandbox's own copy. The simulator must not share code with the
 * client it tests (a bug in @paybridge/core's conversion would otherwise be mirrored here and pass
 * unseen), so this is written independently of core's `fenToYuan` / `yuanToFen`.
 *
 * Both providers write amounts in yuan with two decimals: Alipay's `total_amount` "单位为元，精确到
 * 小数点后两位" (https://opendocs.alipay.com/open/02ekfg) and the bills' amount columns
 * (https://pay.weixin.qq.com/doc/v3/merchant/4013071238, https://opendocs.alipay.com/open/028woc).
 */

const YUAN = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,2}))?$/;

/** Integer fen as yuan with two decimals, signed when negative: 1 -> "0.01", -150 -> "-1.50". */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`sandbox: ${fen} is not an integer fen amount`);
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** "12.3" -> 1230 fen; undefined for anything that is not a non-negative yuan amount with at most two decimals. */
export function parseYuan(text: string): number | undefined {
  const match = YUAN.exec(text);
  if (!match) return undefined;
  const fen = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  return Number.isSafeInteger(fen) ? fen : undefined;
}
