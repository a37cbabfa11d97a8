import { createPrivateKey, type KeyObject } from "node:crypto";
import { AlipayProvider } from "@paybridge/alipay";
import { cny, RefundState } from "@paybridge/core";
import { startAlipaySandbox } from "@paybridge/sandbox";
import { AlipaySdk } from "alipay-sdk";
import { benchGateway } from "./bench-gateway.js";
import { type BenchClock, WALL_CLOCK } from "./clock.js";
import { minorGc } from "./minor-gc.js";
import { preparedAt, type RatioResult, runRatio } from "./ratio.js";
import type { BenchScale } from "./scale.js";

const TOTAL_YUAN = "10.00";
const REFUND_FEN = 300;

/**
 * Abstraction overhead for Alipay: one operation = alipay.trade.refund + alipay.trade.fastpay.refund.query
 * (https://opendocs.alipay.com/open/f60979b3_alipay.trade.refund, .../refund.query), through
 * PayBridge's gateway (forOrder, then AlipayProvider) and through alipay-sdk v4 `exec` with `validateSign: true` (the SDK
 * verifies the answer only when asked, per its README's `validateSign` option), against one gateway simulator, interleaved.
 * Each operation refunds its own paid trade.
 */
export async function benchAlipayOverhead(
  scale: BenchScale,
  clock: BenchClock = WALL_CLOCK,
): Promise<RatioResult> {
  const sandbox = await startAlipaySandbox();
  try {
    const config = sandbox.merchantConfig();
    const gateway = benchGateway(AlipayProvider, "bench-alipay", config);
    if (config.keyMode.type !== "public_key") throw new Error("the bench runs Alipay in public-key mode");
    const sdk = new AlipaySdk({
      appId: config.appId,
      privateKey: config.privateKey,
      alipayPublicKey: config.keyMode.alipayPublicKey,
      gateway: config.gateway,
      signType: "RSA2",
      keyType: "PKCS8",
      camelcase: false,
    });
    // The merchant key parsed once, as PayBridge's AlipayGatewayClient does: alipay-sdk hands the
    // PEM to node:crypto on every request, whose parse costs more than the signature.
    (sdk.config as { privateKey: string | KeyObject }).privateKey = createPrivateKey(config.privateKey);
    const warmup = Math.min(20, scale.overheadOpsPerRound);
    const count = 2 * warmup + 2 * scale.rounds * scale.overheadOpsPerRound;
    const stamp = Date.now().toString(36);
    const orders: string[] = [];
    // Paid trades made outside timing: precreate (no notify_url, so no notification traffic) and pay.
    for (let i = 0; i < count; i++) {
      const outTradeNo = `BA${stamp}${i.toString().padStart(7, "0")}`;
      const created = await sdk.exec(
        "alipay.trade.precreate",
        { bizContent: { out_trade_no: outTradeNo, total_amount: TOTAL_YUAN, subject: "PayBridge bench" } },
        { validateSign: true },
      );
      if (String(created.code) !== "10000") throw new Error(`precreate answered ${String(created.code)}`);
      await sandbox.pay(outTradeNo);
      orders.push(outTradeNo);
    }
    const orderAt = preparedAt(orders, "trades");
    return await runRatio({
      name: "Alipay refund + query: PayBridge / alipay-sdk exec",
      rounds: scale.rounds,
      opsPerRound: scale.overheadOpsPerRound,
      warmup,
      slices: 10,
      clock: clock.now,
      // Each slice collects its own garbage (minor-gc.ts), as the intake bench does: otherwise a
      // scavenge lands on whichever side fills the young generation and pays for both sides.
      collect: minorGc(),
      baseline: async (i) => {
        const outTradeNo = orderAt(i);
        const outRequestNo = `R${outTradeNo}`;
        const refunded = await sdk.exec(
          "alipay.trade.refund",
          { bizContent: { out_trade_no: outTradeNo, refund_amount: "3.00", out_request_no: outRequestNo } },
          { validateSign: true },
        );
        if (String(refunded.code) !== "10000")
          throw new Error(`raw refund answered ${String(refunded.code)}`);
        const found = await sdk.exec(
          "alipay.trade.fastpay.refund.query",
          {
            bizContent: {
              out_trade_no: outTradeNo,
              out_request_no: outRequestNo,
              query_options: ["gmt_refund_pay"],
            },
          },
          { validateSign: true },
        );
        if (String(found.code) !== "10000" || found.refund_status !== "REFUND_SUCCESS") {
          throw new Error(`raw refund query answered ${String(found.code)} ${String(found.refund_status)}`);
        }
      },
      candidate: async (i) => {
        const outTradeNo = orderAt(i);
        const outRefundNo = `R${outTradeNo}`;
        // Through the gateway, as a backend calls it: routing and the redacting logger count.
        const provider = gateway.forOrder({ outTradeNo, merchantId: "bench-alipay" });
        await provider.refund({ outTradeNo, outRefundNo, amount: cny(REFUND_FEN), total: cny(1000) });
        const found = await provider.queryRefund({ outTradeNo, outRefundNo });
        if (found.state !== RefundState.SUCCESS)
          throw new Error(`PayBridge refund is in state ${found.state}`);
      },
    });
  } finally {
    await sandbox.close();
  }
}
