import { createHmac } from "node:crypto";
import { z } from "zod";
import { UnsupportedOperationError } from "../../errors/errors.js";
import type { PaymentProvider, ProviderContext } from "../../provider/contract.js";
import type { NotificationAck } from "../../schemas/notification.js";
import type { CreatePaymentResult } from "../../schemas/payment.js";

/**
 * A minimal provider for the injector's unit tests: it signs each request with its merchant's
 * HMAC key and returns the signature, so a test can tell which key served which order. The real
 * providers live in their own packages and are tested end to end against the sandbox.
 */
export class HmacTestProvider implements PaymentProvider {
  static readonly id: string = "hmac-test";
  static readonly configSchema = z.strictObject({
    merchantNo: z.string().min(1),
    secretKey: z.string().min(16),
  });
  readonly id: string = HmacTestProvider.id;
  readonly merchantId: string;
  readonly capabilities = { methods: ["native"] as const, listRefunds: false, partialRefund: true };
  readonly refundRules = { windowDays: 365, maxRefundsPerOrder: 50, minIntervalMs: 0, rateLimit: undefined };
  readonly #secretKey: string;
  readonly merchantNo: string;
  readonly context: ProviderContext;

  constructor(config: z.output<typeof HmacTestProvider.configSchema>, context: ProviderContext) {
    this.merchantId = context.merchantId;
    this.merchantNo = config.merchantNo;
    this.#secretKey = config.secretKey;
    this.context = context;
    context.logger.info({ config }, "provider created");
  }

  sign(text: string): string {
    return createHmac("sha256", this.#secretKey).update(text).digest("hex");
  }

  async createPayment(input: { outTradeNo: string }): Promise<CreatePaymentResult> {
    return {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo: input.outTradeNo,
      method: "native",
      action: { type: "qr_code", content: `hmac://${this.merchantNo}/${this.sign(input.outTradeNo)}` },
    };
  }
  private unsupported(): never {
    throw new UnsupportedOperationError("not part of this test provider");
  }
  queryPayment = async () => this.unsupported();
  closePayment = async () => this.unsupported();
  refund = async () => this.unsupported();
  queryRefund = async () => this.unsupported();
  listRefunds = async () => this.unsupported();
  parseNotification: PaymentProvider["parseNotification"] = async () => this.unsupported();
  acknowledge(ok: boolean): NotificationAck {
    return { status: ok ? 200 : 500, headers: {}, body: ok ? "ok" : "fail" };
  }
}
