import { formatBeijingCompact } from "../../shared/time-format.js";

/**
 * Identifier shapes WeChat uses: transaction_id 28 digits starting 42 ("4200001234202501011234567890"),
 * refund_id digits starting 50 (https://pay.weixin.qq.com/docs/merchant/apis/weixin-pay-score/refunds/create.html: "由数字组成,50或52开头"), prepay_id "wx" + time + random.
 */
export class WechatIdFactory {
  private sequence = 0;
  constructor(private readonly random: () => number = Math.random) {}

  private next(width: number): string {
    this.sequence += 1;
    const rnd = Math.floor(this.random() * 10 ** 6)
      .toString()
      .padStart(6, "0");
    return `${this.sequence.toString().padStart(width - 6, "0")}${rnd}`.slice(-width);
  }

  transactionId(at: Date): string {
    return `4200${formatBeijingCompact(at).slice(0, 8)}${this.next(16)}`;
  }

  refundId(at: Date): string {
    return `50${formatBeijingCompact(at).slice(0, 8)}${this.next(19)}`;
  }

  /**
   * The payer's openid under the order's appid: 28 characters starting with "o", the shape of the
   * examples on the notification page (https://pay.weixin.qq.com/doc/v3/merchant/4012791861).
   */
  openid(): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let out = "o";
    for (let i = 0; i < 27; i += 1) out += alphabet[Math.floor(this.random() * alphabet.length)] ?? "A";
    return out;
  }

  prepayId(at: Date): string {
    return `wx${formatBeijingCompact(at)}${this.next(20)}`;
  }
}
