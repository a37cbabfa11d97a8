import { cny, RefundState } from "@paybridge/core";
import { type BenchClock, WALL_CLOCK } from "./clock.js";
import { minorGc } from "./minor-gc.js";
import { preparedAt, type RatioResult, runRatio } from "./ratio.js";
import type { BenchScale } from "./scale.js";
import { RawWechatClient } from "./wechat-raw.js";
import { startWechatBenchRig, WECHAT_BENCH_MERCHANT } from "./wechat-rig.js";

const TOTAL_FEN = 1000;
const REFUND_FEN = 300;

/**
 * Abstraction overhead for WeChat Pay v3: one operation = refund + query of that refund, through
 * PayBridge's gateway (forOrder, then WechatPayProvider) and through wechatpay-node-v3 with hand-written response
 * verification, against one simulator in this process, interleaved round by round. Each operation
 * refunds its own freshly paid order, so both sides do identical simulator work.
 */
export async function benchWechatOverhead(
  scale: BenchScale,
  clock: BenchClock = WALL_CLOCK,
): Promise<RatioResult> {
  const rig = await startWechatBenchRig();
  try {
    const raw = new RawWechatClient(rig.merchant, rig.sandbox.origin);
    const warmup = Math.min(20, scale.overheadOpsPerRound);
    // runRatio hands out one index per operation across both sides: warmups + every round.
    const orders = rig.paidOrders("BW", 2 * warmup + 2 * scale.rounds * scale.overheadOpsPerRound, TOTAL_FEN);
    const orderAt = preparedAt(orders, "orders");
    return await runRatio({
      name: "WeChat refund + query: PayBridge / wechatpay-node-v3",
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
        const found = await raw.refundAndQuery(
          outTradeNo,
          `R${outTradeNo}`,
          REFUND_FEN,
          TOTAL_FEN,
          rig.notifyUrl,
        );
        if (found.status !== "PROCESSING") throw new Error(`raw refund is ${found.status}`);
      },
      candidate: async (i) => {
        const outTradeNo = orderAt(i);
        const outRefundNo = `R${outTradeNo}`;
        // Through the gateway, as a backend calls it: routing and the redacting logger count.
        const provider = rig.gateway.forOrder({ outTradeNo, merchantId: WECHAT_BENCH_MERCHANT });
        await provider.refund({
          outTradeNo,
          outRefundNo,
          amount: cny(REFUND_FEN),
          total: cny(TOTAL_FEN),
        });
        const found = await provider.queryRefund({ outTradeNo, outRefundNo });
        if (found.state !== RefundState.SUBMITTED)
          throw new Error(`PayBridge refund is in state ${found.state}`);
      },
    });
  } finally {
    await rig.close();
  }
}
