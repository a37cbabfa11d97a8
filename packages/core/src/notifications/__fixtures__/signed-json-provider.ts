import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { SignatureError } from "../../errors/errors.js";
import { HmacTestProvider } from "../../injector/__fixtures__/hmac-provider.js";
import type { NotificationEvent, RawNotification } from "../../schemas/notification.js";

/**
 * A test provider whose notifications are JSON bodies signed with the merchant's HMAC key (header
 * x-signature), for the intake's unit tests. Verification yields to the event loop like a real
 * RSA check does, so concurrent deliveries really interleave. Real providers are tested against
 * the sandbox in packages/e2e.
 */
export class SignedJsonProvider extends HmacTestProvider {
  static override readonly id: string = "signed-json";
  override readonly id: string = SignedJsonProvider.id;
  static readonly body = z.strictObject({
    id: z.string(),
    outTradeNo: z.string(),
    fen: z.number().int(),
    state: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  });

  override parseNotification = async (raw: RawNotification): Promise<NotificationEvent> => {
    await new Promise((r) => setImmediate(r));
    const given = Buffer.from(String(raw.headers["x-signature"] ?? ""), "hex");
    const expected = Buffer.from(this.sign(raw.body), "hex");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new SignatureError("bad x-signature");
    }
    const body = SignedJsonProvider.body.parse(JSON.parse(raw.body));
    return {
      id: body.id,
      provider: this.id,
      merchantId: this.merchantId,
      eventType: "TRANSACTION.SUCCESS",
      kind: "trade",
      trade: {
        provider: this.id,
        merchantId: this.merchantId,
        outTradeNo: body.outTradeNo,
        state: body.state,
        rawStatus: body.state === 3 ? "SUCCESS" : "NOTPAY",
        amount: { fen: body.fen, currency: "CNY" },
      },
    };
  };
}
