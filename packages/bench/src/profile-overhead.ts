/**
 * Runs only one side of the WeChat refund + query benchmark, for a CPU profile:
 *   PROFILE_SIDE=paybridge|raw pnpm --filter @paybridge/bench run profile:overhead
 * Compare the self time of PayBridge's own files (wechatpay, core, zod) with the whole.
 */
import "reflect-metadata";
import { cny } from "@paybridge/core";
import { RawWechatClient } from "./wechat-raw.js";
import { startWechatBenchRig } from "./wechat-rig.js";

const count = Number(process.env.PROFILE_OPERATIONS ?? 1_000);
const side = process.env.PROFILE_SIDE ?? "paybridge";
const rig = await startWechatBenchRig();
try {
  const raw = new RawWechatClient(rig.merchant, rig.sandbox.origin);
  const orders = rig.paidOrders("BP", count, 1000);
  const start = process.hrtime.bigint();
  for (const outTradeNo of orders) {
    const outRefundNo = `R${outTradeNo}`;
    if (side === "raw") {
      await raw.refundAndQuery(outTradeNo, outRefundNo, 300, 1000, rig.notifyUrl);
    } else {
      await rig.provider.refund({ outTradeNo, outRefundNo, amount: cny(300), total: cny(1000) });
      await rig.provider.queryRefund({ outTradeNo, outRefundNo });
    }
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`${side}: ${count} refund + query in ${ms.toFixed(0)} ms (${(ms / count).toFixed(2)} ms each)`);
} finally {
  await rig.close();
}
