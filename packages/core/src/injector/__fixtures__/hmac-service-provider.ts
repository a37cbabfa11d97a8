import { createHmac } from "node:crypto";
import { z } from "zod";
import type { ProviderContext, ServiceProviderSession } from "../../provider/contract.js";
import type { ServiceProviderContext } from "../../provider/service-provider.js";
import type { CreatePaymentResult } from "../../schemas/payment.js";
import { HmacTestProvider } from "./hmac-provider.js";

const subSchema = z.strictObject({ subMerchantNo: z.string().regex(/^S-[A-Z0-9]+$/) });

/** Sessions opened so far, by service-provider id: a test counts how often keys were opened. */
export const openedSessions: string[] = [];

/**
 * The HMAC test provider with a service-provider mode: the service provider's key signs, and the
 * signed text names the sub-merchant, so a test can tell which key and which sub-merchant served.
 */
export class HmacServiceProvider extends HmacTestProvider {
  static override readonly id: string = "hmac-sp";
  override readonly id: string = HmacServiceProvider.id;
  static readonly serviceProvider = {
    subMerchantSchema: subSchema,
    open(
      config: z.output<typeof HmacTestProvider.configSchema>,
      context: ServiceProviderContext,
    ): ServiceProviderSession<z.output<typeof subSchema>> {
      openedSessions.push(context.serviceProviderId);
      const key = config.secretKey;
      return {
        subMerchant: (sub, ctx: ProviderContext) => new HmacSubMerchant(config, ctx, sub.subMerchantNo, key),
      };
    },
  };
}

class HmacSubMerchant extends HmacServiceProvider {
  override readonly capabilities = {
    methods: ["native"] as const,
    listRefunds: false,
    partialRefund: true,
    modes: ["service_provider"] as const,
  };
  readonly rateLimitAccount: string;
  constructor(
    config: z.output<typeof HmacTestProvider.configSchema>,
    context: ProviderContext,
    readonly subMerchantNo: string,
    private readonly key: string,
  ) {
    super(config, context);
    this.rateLimitAccount = config.merchantNo;
  }

  override async createPayment(input: { outTradeNo: string }): Promise<CreatePaymentResult> {
    const signed = createHmac("sha256", this.key).update(`${this.subMerchantNo}/${input.outTradeNo}`);
    return {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo: input.outTradeNo,
      method: "native",
      action: { type: "qr_code", content: `hmac://${this.subMerchantNo}/${signed.digest("hex")}` },
    };
  }
}
